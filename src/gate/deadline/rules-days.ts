/**
 * Rules for days: holidays and working days, durations, dates, parts of months and years,
 * weeks, relative days and days of the month. Order matters (see scan.ts).
 */
import { localParts } from '../../calendar/time';
import {
  CN, DATE_CUE, DATE_LEAD, day, mdOrNull, MONTH, monthOffset, NOT_DATE_AFTER, num, NUM, WD, WD_NOTE, WEEKDAY,
  HOLIDAY_KEYS, validMd, weekdayNote, weekOffset, type Rule,
} from './lexicon';

const UNIT_MINUTES: Record<string, number> = {
  分: 1, 分钟: 1, 刻钟: 15, 小时: 60, 钟头: 60, 钟: 60, 天: 1440, 日: 1440, 周: 10080, 星期: 10080, 礼拜: 10080,
};

export const DAY_RULES: Rule[] = [
  // Working days and holidays.
  {
    re: new RegExp(`(元旦|春节|过年|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?|(?<![\\d${CN}月])十一(?![月日号点时])|(?<![\\d${CN}去今明本当每近多几上下前半个新])年)(?:假期|长假|小长假|放假|节)?(?:结束)?\\s*(前|之前|以前|后|之后|以后)(?!天)(?:\\s*(?:(?:上班|复工|返岗)?\\s*(?:第\\s*(${NUM})\\s*个?|首个?|头一?个?)\\s*(?:工作日|天|日)|(?:的)?最后一个工作日))?`, 'g'),
    make: (m) => {
      // 国庆节后首个工作日, 中秋节后上班第一天: the same as 节后…, for the named holiday.
      const key = HOLIDAY_KEYS.find(([re]) => re.test(m[1]))?.[1];
      const k = m[3] === undefined ? 1 : num(m[3]);
      if (!key || !k || k > 30) return null;
      return day({ k: 'holiday', n: m[2].includes('前') ? -1 : k, name: key });
    },
  },
  { re: /(?:下一?个|次一?个?|(?<!最)后一个)\s*工作日/g, make: () => day({ k: 'nextWorkday', n: 1 }) },
  {
    // 节后第二个工作日, 节后首个工作日, 节后上班第一天, 节后上班首日.
    re: new RegExp(`(?:节后|假后|节假日后|收假后|假期结束后|长假后|放假后)(?:\\s*(?:上班|复工|返岗)?\\s*(?:第\\s*(${NUM})\\s*个?|首个?|头一?个?)\\s*(?:工作日|天|日))?`, 'g'),
    make: (m) => {
      const k = m[1] === undefined ? 1 : num(m[1]);
      return k && k <= 30 ? day({ k: 'holiday', n: k }) : null;
    },
  },
  { re: /(?:节前|假前|放假前|节假日前)(?!夜|夕)(?:最后一个工作日|最后一天)?/g, make: () => day({ k: 'holiday', n: -1 }) },
  {
    re: new RegExp(`(本周|这周|下周|本月|这个月|当月|下个?月|(${MONTH})月份?|今年|本年度?|年底)\\s*(?:的)?\\s*(第一|最后一)个?\\s*工作日`, 'g'),
    make: (m) => {
      const which = m[3] === '第一' ? 'first' : 'last';
      const p = m[1];
      if (/周/.test(p)) return day({ k: 'workdayOf', which, scope: 'week', offset: p.startsWith('下') ? 1 : 0 });
      if (/年/.test(p)) return day({ k: 'workdayOf', which, scope: 'year' });
      const mo = m[2] === undefined ? undefined : num(m[2]);
      if (m[2] !== undefined && (mo === undefined || mo < 1 || mo > 12)) return null;
      return day({ k: 'workdayOf', which, scope: 'month', offset: mo ? undefined : monthOffset(p), m: mo });
    },
  },
  {
    re: new RegExp(`(?<!最后|第)(${NUM})\\s*个?\\s*工作日(?:之内|以内|内)?`, 'g'),
    make: (m) => {
      const k = num(m[1]);
      return k && k <= 250 ? { workdays: k } : null;
    },
  },

  { re: /今明两[天日]/g, make: () => day({ k: 'rel', days: 1 }) },

  // 12月第一周内, before the duration 一周内.
  {
    re: new RegExp(`(${MONTH})\\s*月份?\\s*(?:的)?\\s*第\\s*([一二三四五1-5])\\s*个?\\s*(?:周|星期|礼拜)\\s*(?:内|之内|以内|前|末)?`, 'g'),
    make: (m) => {
      const [mo, n] = [num(m[1]), num(m[2])];
      return mo && mo <= 12 && n ? day({ k: 'monthWeek', m: mo, n }) : null;
    },
  },

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
      const minutes = q * UNIT_MINUTES[unit];
      return minutes > 0 && minutes <= 366 * 1440 ? { duration: { minutes } } : null;
    },
  },

  // Dates.
  {
    re: new RegExp(`(?<!\\d)(\\d{4}|[〇零一二三四五六七八九]{4})\\s*年\\s*(${MONTH})\\s*月\\s*(${NUM})\\s*[日号]?${WD_NOTE}`, 'g'),
    make: (m) => {
      const [y, mo, d] = [num(m[1]), num(m[2]), num(m[3])];
      return y && validMd(mo, d) ? day({ k: 'date', y, m: mo!, d: d!, wd: weekdayNote(m) }) : null;
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
      return validMd(mo, d) ? day({ k: 'date', y, m: mo, d, wd: weekdayNote(m) }) : null;
    },
  },
  {
    re: new RegExp(`(今年|明年|去年)\\s*(${MONTH})\\s*月\\s*(${NUM})\\s*[日号]${WD_NOTE}`, 'g'),
    make: (m) => {
      const [mo, d] = [num(m[2]), num(m[3])];
      const yOffset = m[1] === '明年' ? 1 : m[1] === '去年' ? -1 : 0;
      return validMd(mo, d) ? day({ k: 'date', yOffset, m: mo!, d: d!, wd: weekdayNote(m) }) : null;
    },
  },
  {
    re: new RegExp(`(?<![\\d年])(${MONTH})\\s*月\\s*(${NUM})\\s*(?:[日号]|(?=${DATE_CUE}))${WD_NOTE}`, 'g'),
    make: (m) => mdOrNull(num(m[1]), num(m[2]), weekdayNote(m)),
  },
  {
    // 12.3前 / 12/5前: only with a word around it that says it is a date, because
    // 12.3 is just as often an amount.
    re: new RegExp(`(?<![\\d.\\/:\\-])(1[0-2]|0?[1-9])[./](3[01]|[12]\\d|0?[1-9])(?![\\d%‰万亿千百元角米斤克吨倍个]|\\.\\d|\\/\\d)${WD_NOTE}`, 'g'),
    make: (m, text) => {
      const after = text.slice(m.index + m[0].length);
      const cue = new RegExp(`^\\s*(?:[日号]|${DATE_CUE})`).test(after) || DATE_LEAD.test(text.slice(0, m.index));
      return cue ? mdOrNull(Number(m[1]), Number(m[2]), weekdayNote(m)) : null;
    },
  },
  {
    // 12-10前: with a dash only right before 前, since 1-2日 and 3-5个 are ranges of numbers.
    re: /(?<![\d./:-])(1[0-2]|0?[1-9])-(3[01]|[12]\d|0?[1-9])(?=\s*(?:前|之前|以前))/g,
    make: (m) => mdOrNull(Number(m[1]), Number(m[2])),
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
    re: /(?:(\d{4})\s*年|(今年|本年度|本年|当年|明年|去年)\s*年?|(?<![\d零〇一二三四五六七八九十百千万去今明本当每近多几上下前半])年)(?:底|末|内|之内|以内)/g,
    make: (m) => {
      if (m[1]) return day({ k: 'yearEnd', y: Number(m[1]) });
      const offset = m[2] === '明年' ? 1 : m[2] === '去年' ? -1 : 0;
      return day({ k: 'yearEnd', offset });
    },
  },
  {
    // 第三季度末, 三季度末, 3季度内, 四季度结束前.
    re: /第?([一二三四1-4])\s*季度?\s*(?:末|底|内|之内|以内|结束前|结束)/g,
    make: (m) => day({ k: 'quarterEnd', q: num(m[1]) }),
  },
  {
    re: /(?:今年|本年度?)?([上下])半年(?:度)?\s*(?:末|底|内|之内|以内|结束前|前)?/g,
    make: (m) => day({ k: 'quarterEnd', half: m[1] === '上' ? 1 : 2 }),
  },
  { re: /(?:本季度|本季|这个季度|当季度?)(?:内|末|底|之内)|(?<![一二三四1-4])季度?末/g, make: () => day({ k: 'quarterEnd' }) },

  // Day of month, before weeks so that 20日（星期一） keeps its weekday note.
  {
    re: new RegExp(`(本月|这个月|这月|当月|下个?月|每月)\\s*(${NUM})\\s*[日号]${WD_NOTE}`, 'g'),
    make: (m) => {
      const d = num(m[2]);
      return d && d <= 31 ? day({ k: 'dom', d, monthOffset: monthOffset(m[1]), wd: weekdayNote(m) }) : null;
    },
  },
  {
    re: new RegExp(`(?<![\\d月.\\/\\-年第字〕\\]）)号#:A-Za-z区栋幢座楼室])(\\d{1,2})\\s*[日号](?!${NOT_DATE_AFTER})${WD_NOTE}`, 'g'),
    make: (m) => {
      const d = Number(m[1]);
      return d >= 1 && d <= 31 ? day({ k: 'dom', d, wd: weekdayNote(m) }) : null;
    },
  },

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
  { re: /今天|今日|今儿|本日/g, make: () => day({ k: 'rel', days: 0 }) },
  // 收到通知当天 is today; 11月30日当天 and 活动当天 are that day, named elsewhere.
  { re: /(?<=^|[\s，,。：:；;！!请于在须需务即知到])(?:当天|当日)/g, make: () => day({ k: 'rel', days: 0 }) },
  { re: /昨天|昨日/g, make: () => day({ k: 'rel', days: -1 }) },

];
