/**
 * Finds the time words of a notice. Rules run in order and a later rule cannot take
 * characters an earlier one claimed, so the longer or more specific forms come first
 * (下一个工作日 before 一个工作日, 3日内 before 3日, 第一时间 before 一时).
 */
import { parseNumber } from '../../calendar/cn-text';
import { localParts } from '../../calendar/time';
import type { DaySpec, Period, Token } from './types';

type Found = Omit<Token, 'start' | 'end'>;
type Make = (m: RegExpExecArray, text: string) => Found | null;

interface Rule {
  re: RegExp;
  make: Make;
}

const CN = '零〇一二两三四五六七八九十廿卅';
/** A number that does not start in the middle of another number. */
const NUM = `(?:(?<![\\d.])\\d{1,2}(?!\\d)|(?<![${CN}百千万])[${CN}]{1,4})`;
/** A month number; 元月 is January. */
const MONTH = `(?:${NUM}|(?<![\\d${CN}])元)`;
const WD = '[一二三四五六日天]';
/** 「11月24日（周二）」: a weekday note after a date adds nothing and belongs to the date. */
const WD_NOTE = `(?:\\s*[(（]\\s*(?:周|星期|礼拜)${WD}\\s*[)）]|\\s*(?:周|星期|礼拜)${WD}(?![次回遍期年]))?`;
/** What may follow a month-day written without 日/号 (11月25前) or as 12.3 / 12/5. */
const DATE_CUE = `(?:前|之前|以前|截止|截至|止|为止|下班|上班|上午|下午|中午|晚上|早上|当天|当日|[,，;；。]|$|\\s*\\d{1,2}\\s*[:点时]|\\s*[(（]?(?:周|星期|礼拜)${WD})`;
/** Words before a 12.3-style date that say a date follows. */
const DATE_LEAD = /(?:于|在|至|(?<![达收报得做遇想看找感受见拿等])到|截至|截止|最迟|最晚|不晚于|日期|时间|限|前)[:：]?\s*$/;
/** After N号/N日, these make it a building, a line, a document number or a count, not a date. */
const NOT_DATE_AFTER = '[楼院门线室房窗床单元文令车口位台机厅箱柜件码段馆场地桩库仓栋幢街路巷弄村组队店铺井厂桌区栏版期届次条款章节项岁人户名个元报刊]';
/** Words after an ambiguous 三点 that make it a time of day. */
const CLOCK_CUE = /^\s*(?:前|之前|以前|截止|截至|为止|止|左右|准时|以内|之内|内|后|之后|以后|起|开始|到|至|~|～|-|—|报|交|上报|上交|报送|提交|反馈|回复|完成|集合|开会|召开|参加|前往|出发|到达|签到|下班|上班)/;

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

const PERIODS: Record<string, Period> = {
  凌晨: 'dawn', 上午: 'morning', 早上: 'morning', 早晨: 'morning', 清晨: 'morning', 早间: 'morning', 早: 'morning',
  中午: 'noon', 午间: 'noon', 晌午: 'noon', 下午: 'afternoon', 午后: 'afternoon', 傍晚: 'dusk',
  晚上: 'evening', 晚间: 'evening', 夜里: 'evening', 夜间: 'evening', 夜晚: 'evening', 晚: 'evening',
};

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  return s === '元' ? 1 : parseNumber(s.replace(/\s+/g, ''));
}

function weekOffset(prefix: string | undefined): number | undefined {
  if (!prefix) return undefined;
  if (prefix.startsWith('下下')) return 2;
  if (prefix.startsWith('下')) return 1;
  if (prefix.startsWith('上')) return -1;
  return 0;
}

function monthOffset(prefix: string | undefined): number | undefined {
  if (!prefix || prefix === '每月') return undefined;
  if (prefix.startsWith('下')) return 1;
  if (prefix.startsWith('上')) return -1;
  return 0;
}

const day = (spec: DaySpec): Found => ({ day: spec });

function validMd(m: number | undefined, d: number | undefined): boolean {
  return m !== undefined && d !== undefined && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

function mdOrNull(m: number | undefined, d: number | undefined, extra: Partial<DaySpec> = {}): Found | null {
  return validMd(m, d) ? day({ k: 'md', m: m!, d: d!, ...extra } as DaySpec) : null;
}

const HOLIDAY_KEYS: [RegExp, string][] = [
  [/元旦/, '元旦'], [/春节|过年|^年$/, '春节'], [/清明/, '清明'], [/五一|劳动/, '劳动'],
  [/端午/, '端午'], [/中秋/, '中秋'], [/国庆|十一/, '国庆'],
];

/** The character just before the match, to reject 第三点, 以下两点, 快一点. */
function before(text: string, index: number): string {
  return text.slice(Math.max(0, index - 1), index);
}

const RULES: Rule[] = [
  // Immediacy: no lead time at all.
  { re: /立即|立刻|立马|马上|即刻|当即|速报|速速|火速|第一时间|尽快|尽早|从速|赶紧|赶快/g, make: () => ({ immediate: true }) },

  // Working days and holidays.
  {
    re: new RegExp(`(元旦|春节|过年|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?|(?<![\\d${CN}月])十一(?![月日号点时])|(?<![\\d${CN}去今明本当每近多几上下前半个新])年)(?:假期|长假|小长假|放假|节)?(?:结束)?\\s*(前|之前|以前|后|之后|以后)(?!天)(?:\\s*(?:第\\s*(${NUM})\\s*个?\\s*(?:工作日|天|日)|(?:的)?最后一个工作日))?`, 'g'),
    make: (m) => {
      const key = HOLIDAY_KEYS.find(([re]) => re.test(m[1]))?.[1];
      const k = m[3] === undefined ? 1 : num(m[3]);
      if (!key || !k || k > 30) return null;
      return day({ k: 'holiday', n: m[2].includes('前') ? -1 : k, name: key });
    },
  },
  { re: /(?:下一?个|次一?个?|(?<!最)后一个)\s*工作日/g, make: () => day({ k: 'nextWorkday', n: 1 }) },
  {
    re: new RegExp(`(?:节后|假后|节假日后|收假后|假期结束后|长假后|放假后)(?:\\s*第\\s*(${NUM})\\s*个?\\s*(?:工作日|天|日))?`, 'g'),
    make: (m) => {
      const k = m[1] === undefined ? 1 : num(m[1]);
      return k && k <= 30 ? day({ k: 'holiday', n: k }) : null;
    },
  },
  { re: /(?:节前|假前|放假前|节假日前)(?!夜|夕)(?:最后一个工作日|最后一天)?/g, make: () => day({ k: 'holiday', n: -1 }) },
  {
    re: new RegExp(`(${NUM})\\s*个?\\s*工作日(?:之内|以内|内)?`, 'g'),
    make: (m) => {
      const k = num(m[1]);
      return k && k <= 250 ? { workdays: k } : null;
    },
  },

  { re: /今明两[天日]/g, make: () => day({ k: 'rel', days: 1 }) },

  // Durations; they need 内 (3小时前 is in the past, 3小时后 is a start).
  {
    re: new RegExp(`(${NUM}|(?<![\\d.])\\d+\\.\\d+|半)\\s*(个)?\\s*(半)?\\s*(小时|钟头|刻钟|钟|分钟|分|天|日|周|星期|礼拜|月)\\s*(?:之内|以内|内)`, 'g'),
    make: (m) => {
      const base = m[1] === '半' ? 0.5 : m[1].includes('.') ? Number(m[1]) : num(m[1]);
      if (base === undefined || !Number.isFinite(base)) return null;
      const q = base + (m[3] ? 0.5 : 0);
      const unit = m[4];
      if (unit === '月') {
        // 3月内 is "within March"; only 3个月内 / 半个月内 are durations.
        if (!m[2]) return null;
        return Number.isInteger(q) ? { duration: { months: q } } : { duration: { minutes: q * 30 * 1440 } };
      }
      if (unit === '钟' && !m[2]) return null;
      const minutes = unit.startsWith('分') ? q
        : unit === '刻钟' ? q * 15
        : /小时|钟/.test(unit) ? q * 60
          : /周|星期|礼拜/.test(unit) ? q * 7 * 1440 : q * 1440;
      return minutes > 0 && minutes <= 366 * 1440 ? { duration: { minutes } } : null;
    },
  },

  // Dates.
  {
    re: new RegExp(`(?<!\\d)(\\d{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*(${MONTH})\\s*月\\s*(${NUM})\\s*[日号]?${WD_NOTE}`, 'g'),
    make: (m) => {
      const [y, mo, d] = [num(m[1]), num(m[2]), num(m[3])];
      return y && validMd(mo, d) ? day({ k: 'date', y, m: mo!, d: d! }) : null;
    },
  },
  {
    // A machine timestamp (2026-11-24T15:30:00+08:00); with a zone it is an exact instant.
    re: /(?<![\d./:-])(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?(?![\d:])/gi,
    make: (m) => {
      const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
      if (!validMd(mo, d) || h > 23 || mi > 59) return null;
      if (!m[6]) return { day: { k: 'date', y, m: mo, d }, clock: { h, m: mi, bareHour: false, strong: true, cued: true } };
      const at = new Date(m[0].replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (Number.isNaN(at.getTime())) return null;
      const p = localParts(at);
      return { day: { k: 'date', y: p.year, m: p.month, d: p.day }, clock: { h: p.hour, m: p.minute, bareHour: false, strong: true, cued: true } };
    },
  },
  {
    re: new RegExp(`(?<![\\d.\\/:-])(\\d{4})([-./])(\\d{1,2})\\2(\\d{1,2})(?![\\d%]|\\.\\d)${WD_NOTE}`, 'g'),
    make: (m) => {
      const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
      return validMd(mo, d) ? day({ k: 'date', y, m: mo, d }) : null;
    },
  },
  {
    re: new RegExp(`(今年|明年|去年)\\s*(${MONTH})\\s*月\\s*(${NUM})\\s*[日号]${WD_NOTE}`, 'g'),
    make: (m) => {
      const [mo, d] = [num(m[2]), num(m[3])];
      const yOffset = m[1] === '明年' ? 1 : m[1] === '去年' ? -1 : 0;
      return validMd(mo, d) ? day({ k: 'date', yOffset, m: mo!, d: d! }) : null;
    },
  },
  {
    re: new RegExp(`(?<![\\d年])(${MONTH})\\s*月\\s*(${NUM})\\s*(?:[日号]|(?=${DATE_CUE}))${WD_NOTE}`, 'g'),
    make: (m) => mdOrNull(num(m[1]), num(m[2])),
  },
  {
    // 12.3前 / 12/5前: only with a word around it that says it is a date, because
    // 12.3 is just as often an amount.
    re: new RegExp(`(?<![\\d.\\/:\\-])(1[0-2]|0?[1-9])[./](3[01]|[12]\\d|0?[1-9])(?![\\d%‰万亿千百元角米斤克吨倍个]|\\.\\d|\\/\\d)${WD_NOTE}`, 'g'),
    make: (m, text) => {
      const after = text.slice(m.index + m[0].length);
      const cue = new RegExp(`^\\s*(?:[日号]|${DATE_CUE})`).test(after) || DATE_LEAD.test(text.slice(0, m.index));
      return cue ? mdOrNull(Number(m[1]), Number(m[2])) : null;
    },
  },

  {
    // 17.30前 / 9.00前: a time written with a dot, when it cannot be a date (those were taken above).
    re: /(?<![\d.])([01]?\d|2[0-3])\.([0-5]\d)(?![\d%])(?=\s*(?:前|之前|以前))/g,
    make: (m) => ({ clock: { h: Number(m[1]), m: Number(m[2]), bareHour: m[1].length === 1, strong: true, cued: true } }),
  },

  // Parts of months, quarters and years.
  {
    re: new RegExp(`(?:(\\d{4})\\s*年\\s*)?(本月|这个月|这月|当月|下个?月|上个?月)?\\s*(?:(${MONTH})\\s*月份?)?\\s*(底|末|内|之内|以内|上旬|中旬|下旬|中(?![旬心间期]))`, 'g'),
    make: (m) => {
      if (!m[2] && !m[3]) return null;
      const mo = num(m[3]);
      if (m[3] && (mo === undefined || mo < 1 || mo > 12)) return null;
      const part = m[4] === '上旬' ? 'early' : m[4] === '中旬' ? 'mid' : m[4] === '中' ? 'middle' : 'end';
      return day({ k: 'month', part, offset: m[3] ? undefined : monthOffset(m[2]), m: mo, y: m[1] ? Number(m[1]) : undefined });
    },
  },
  {
    re: /(?<![\d年个])月(底|末|内|之内|中(?![旬心间期]))/g,
    make: (m) => day({ k: 'month', part: m[1] === '中' ? 'middle' : 'end', offset: 0 }),
  },
  {
    re: /(?:(\d{4})\s*年|(今年|本年度|本年|当年|明年|去年)\s*年?|(?<![\d零〇一二三四五六七八九十百千万去今明本当每近多几上下前])年)(?:底|末|内|之内|以内)/g,
    make: (m) => {
      if (m[1]) return day({ k: 'yearEnd', y: Number(m[1]) });
      const offset = m[2] === '明年' ? 1 : m[2] === '去年' ? -1 : 0;
      return day({ k: 'yearEnd', offset });
    },
  },
  { re: /(?:本季度|本季|这个季度|当季度?)(?:内|末|底|之内)|(?<![一二三四1-4])季度?末/g, make: () => day({ k: 'quarterEnd' }) },

  // Weeks.
  {
    re: new RegExp(`(本|这个?|下下个?|下个?|上个?)\\s*(?:周|星期|礼拜)\\s*(?:内|之内|以内|末)`, 'g'),
    make: (m) => day({ k: 'weekEnd', week: weekOffset(m[1]) }),
  },
  { re: /(?:周末|星期末)(?=\s*(?:前|之前|以前))/g, make: () => day({ k: 'weekEnd' }) },
  {
    re: new RegExp(`(本|这个?|今个|下下个?|下个?|上个?)?\\s*(?:周|星期|礼拜)\\s*(${WD})(?![次回遍期年])`, 'g'),
    make: (m) => {
      // 星期天 and 礼拜天 are Sunday; 周天 only with a week prefix (本周天), since 一周天数 is not a day.
      if (m[2] === '天' && !m[1] && m[0].includes('周')) return null;
      return day({ k: 'wd', wd: WEEKDAY[m[2]], week: weekOffset(m[1]) });
    },
  },

  // Relative days; the fused forms carry a period too.
  { re: /今晚|今夜/g, make: () => ({ day: { k: 'rel', days: 0 }, period: 'evening' }) },
  { re: /今早|今晨/g, make: () => ({ day: { k: 'rel', days: 0 }, period: 'morning' }) },
  { re: /明早|明晨/g, make: () => ({ day: { k: 'rel', days: 1 }, period: 'morning' }) },
  { re: /明晚/g, make: () => ({ day: { k: 'rel', days: 1 }, period: 'evening' }) },
  { re: /昨晚|昨夜/g, make: () => ({ day: { k: 'rel', days: -1 }, period: 'evening' }) },
  { re: /大后天/g, make: () => day({ k: 'rel', days: 3 }) },
  { re: /大前天/g, make: () => day({ k: 'rel', days: -3 }) },
  { re: /后天/g, make: () => day({ k: 'rel', days: 2 }) },
  { re: /(?<![提之以日天\d])前天/g, make: () => day({ k: 'rel', days: -2 }) },
  { re: /明天|明日|明儿|次日|翌日/g, make: () => day({ k: 'rel', days: 1 }) },
  { re: /今天|今日|今儿|当天|当日|本日/g, make: () => day({ k: 'rel', days: 0 }) },
  { re: /昨天|昨日/g, make: () => day({ k: 'rel', days: -1 }) },

  // Day of month.
  {
    re: new RegExp(`(本月|这个月|这月|当月|下个?月|每月)\\s*(${NUM})\\s*[日号]${WD_NOTE}`, 'g'),
    make: (m) => {
      const d = num(m[2]);
      return d && d <= 31 ? day({ k: 'dom', d, monthOffset: monthOffset(m[1]) }) : null;
    },
  },
  {
    re: new RegExp(`(?<![\\d月.\\/\\-年第字〕\\]）)号#:])(\\d{1,2})\\s*[日号](?!${NOT_DATE_AFTER})${WD_NOTE}`, 'g'),
    make: (m) => {
      const d = Number(m[1]);
      return d >= 1 && d <= 31 ? day({ k: 'dom', d }) : null;
    },
  },

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

/** 3:15pm, 6点30pm: an explicit meridiem overrides the Chinese conventions. */
function meridiem(h: number | undefined, ap: string | undefined): number | undefined {
  if (h === undefined || !ap) return h;
  if (h < 1 || h > 12) return undefined;
  return ap.toLowerCase() === 'p' ? (h % 12) + 12 : h % 12;
}

/** A clock whose minute part was rejected keeps only the hour. */
function shortClock(h: number, m: RegExpExecArray, text: string, len: number): Found & { length?: number } {
  const rest = text.slice(m.index + len);
  return { clock: { h, m: 0, bareHour: true, strong: m[2] === '时' && /^\d/.test(m[1]), cued: CLOCK_CUE.test(rest) }, length: len };
}

export function scan(text: string): Token[] {
  const claimed = new Uint8Array(text.length);
  const tokens: Token[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const found = rule.make(m, text) as (Found & { length?: number }) | null;
      if (!found) continue;
      const start = m.index;
      const end = start + (found.length ?? m[0].length);
      let free = true;
      for (let i = start; i < end && free; i++) if (claimed[i]) free = false;
      if (!free) continue;
      claimed.fill(1, start, end);
      delete found.length;
      tokens.push({ ...found, start, end });
    }
  }
  return tokens.sort((a, b) => a.start - b.start);
}
