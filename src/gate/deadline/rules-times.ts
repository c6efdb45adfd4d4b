/**
 * Rules for immediacy and for times of day: 上班/下班, period words, clock times.
 */
import { before, CLOCK_CUE, CN, type Found, num, NUM, PERIODS, type Rule } from './lexicon';

export const IMMEDIATE_RULES: Rule[] = [
  // Immediacy: no lead time at all.
  // 不必马上, 无需立即: negated, so no rush.
  {
    re: /(?<!不必|不用|无需|无须|不需|不需要|不要|勿|不急于)(?:立即|立刻|立马|马上|即刻|当即|速报|速速|火速|第一时间|尽快|尽早|从速|赶紧|赶快)/g,
    make: () => ({ immediate: true }),
  },
];

/** 3:15pm, 6点30pm: an explicit meridiem overrides the Chinese conventions. */
function meridiem(h: number | undefined, ap: string | undefined): number | undefined {
  if (h === undefined || !ap) return h;
  if (h < 1 || h > 12) return undefined;
  return ap.toLowerCase() === 'p' ? (h % 12) + 12 : h % 12;
}

/** A clock whose minute part was rejected keeps only the hour. */
function shortClock(h: number, m: RegExpExecArray, text: string, len: number): Found {
  const rest = text.slice(m.index + len);
  return { clock: { h, m: 0, bareHour: true, strong: m[2] === '时' && /^\d/.test(m[1]), cued: CLOCK_CUE.test(rest) }, length: len };
}

export const TIME_RULES: Rule[] = [
  // Work marks and periods of the day.
  { re: /下班|上班(?!时间|期间|族|途中|路上)/g, make: (m) => ({ mark: m[0] === '上班' ? 'start' : 'end' }) },
  {
    re: /凌晨|上午|早上|早晨|清晨|早间|中午|午间|晌午|下午|午后|傍晚|晚上|晚间|夜里|夜间|夜晚/g,
    make: (m) => ({ period: PERIODS[m[0]] }),
  },
  {
    // Bare 早/晚 only right before a clock time: 晚8点, not 最晚 or 早一点.
    re: new RegExp(`(?<![最较太很过更稍偏提尽及趁前后昨今明])[早晚](?=\\s*(?:\\d{1,2}|[${CN}]{1,3})\\s*[点时:])`, 'g'),
    make: (m) => ({ period: PERIODS[m[0]] }),
  },

  // Clock times.
  {
    re: /(?<![\d:.])([01]?\d|2[0-4])\s*:\s*([0-5]\d)(?!\d)(?:\s*:\s*[0-5]\d(?!\d))?(?:\s*分)?(?:\s*([ap])\.?m\.?(?![a-z]))?/gi,
    make: (m) => {
      const h = meridiem(Number(m[1]), m[3]);
      const mi = Number(m[2]);
      if (h === undefined) return null;
      // 5:30 reads like 五点半; 05:30 is written out as a 24-hour time.
      const bareHour = !m[3] && m[1].length === 1;
      return h === 24 && mi > 0 ? null : { clock: { h, m: mi, bareHour, strong: true, cued: true } };
    },
  },
  {
    re: new RegExp(`(${NUM})\\s*(点|时)(?:钟)?(?:\\s*(?:(半(?!会)|一刻|三刻|整|正)|(${NUM})\\s*(分)?))?(?:\\s*([ap])\\.?m\\.?(?![a-z]))?`, 'gi'),
    make: (m, text) => {
      const h = meridiem(num(m[1]), m[6]);
      if (h === undefined || h > 24) return null;
      const prev = before(text, m.index);
      if (/[第这那几各每下]/.test(prev) || (m[1] === '一' && /[快早多少晚慢好大小高低有差稍点]/.test(prev))) return null;
      const unitAt = m.index + m[0].indexOf(m[2], m[1].length);
      const next = text.charAt(unitAt + 1);
      if (m[2] === '时' && /[间期候段代光效限长速空事政态机髦尚]/.test(next)) return null;
      if (m[2] === '点' && /[击赞评名数心位子菜缀阵面线儿滴播火燃]/.test(next)) return null;
      let mi = 0;
      let minuteGiven = false;
      if (m[4] !== undefined) {
        const v = num(m[4]);
        const arabic = /^\d/.test(m[4]);
        // 十点五 is unclear (10:05 or 10:50), so Chinese minutes need 分 or two digits' worth.
        if (v === undefined || v > 59 || (!m[5] && !arabic && v < 10 && !m[4].startsWith('零'))) {
          return shortClock(h, m, text, unitAt + 1 - m.index);
        }
        mi = v;
        minuteGiven = true;
      } else if (m[3]) {
        mi = m[3] === '半' ? 30 : m[3] === '一刻' ? 15 : m[3] === '三刻' ? 45 : 0;
        minuteGiven = true;
      }
      if (h === 24 && mi > 0) return null;
      const withClockWord = /钟/.test(m[0]);
      const strong = minuteGiven || withClockWord || (m[2] === '时' && /^\d/.test(m[1]));
      const rest = text.slice(m.index + m[0].length);
      return { clock: { h, m: mi, bareHour: !m[6], strong: strong || Boolean(m[6]), cued: CLOCK_CUE.test(rest) } };
    },
  },
];
