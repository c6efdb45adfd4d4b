/**
 * Shared pieces of the deadline grammar: number and weekday patterns, the words that
 * make a bare number a date or a time, and the Rule shape the scanner runs.
 */
import { parseNumber } from '../../calendar/cn-text';
import type { DaySpec, Period, Token } from './types';

/** What a rule found; `length` lets a rule claim fewer characters than its regex matched. */
export type Found = Omit<Token, 'start' | 'end'> & { length?: number };

export interface Rule {
  re: RegExp;
  make: (m: RegExpExecArray, text: string) => Found | null;
}

export const CN = '零〇一二两三四五六七八九十廿卅';
/** A number that does not start in the middle of another number. */
export const NUM = `(?:(?<![\\d.])\\d{1,2}(?!\\d)|(?<![${CN}百千万])[${CN}]{1,4})`;
/** A month number; 元月 is January. */
export const MONTH = `(?:${NUM}|(?<![\\d${CN}])元)`;
export const WD = '[一二三四五六日天]';
/**
 * 「11月24日（周二）」: a weekday note after a date belongs to the date and checks it. The rules that use it
 * capture the weekday in their last group (see weekdayNote).
 */
export const WD_NOTE = `(?:\\s*[(（]\\s*(?:周|星期|礼拜)(${WD})\\s*[)）]|\\s*(?:周|星期|礼拜)(${WD})(?![次回遍期年]))?`;

/** The weekday a WD_NOTE captured (its two groups are the last two of the match), as an ISO number. */
export function weekdayNote(m: RegExpExecArray): number | undefined {
  const w = m[m.length - 2] ?? m[m.length - 1];
  return w === undefined ? undefined : WEEKDAY[w];
}
/** What may follow a month-day written without 日/号 (11月25前) or as 12.3 / 12/5. */
export const DATE_CUE = `(?:前|之前|以前|截止|截至|止|为止|下班|上班|上午|下午|中午|晚上|早上|当天|当日|[,，;；。]|$|\\s*\\d{1,2}\\s*[:点时]|\\s*[(（]?(?:周|星期|礼拜)${WD})`;
/** Words before a 12.3-style date that say a date follows. */
export const DATE_LEAD = /(?:于|在|至|(?<![达收报得做遇想看找感受见拿等])到|截至|截止|最迟|最晚|不晚于|日期|时间|限|前)[:：]?\s*$/;
/** After N号/N日, these make it a building, a line, a document number or a count, not a date. */
export const NOT_DATE_AFTER = '[楼院门线室房窗床单元文令车口位台机厅箱柜件码段馆场地桩库仓栋幢街路巷弄村组队店铺井厂桌区栏版期届次条款章节项岁人户名个元报刊]';
/** Words after an ambiguous 三点 that make it a time of day. */
export const CLOCK_CUE = /^\s*(?:前|之前|以前|截止|截至|为止|止|左右|准时|以内|之内|内|后|之后|以后|起|开始|到|至|~|～|-|—|报|交|上报|上交|报送|提交|反馈|回复|完成|集合|开会|召开|参加|前往|出发|到达|签到|下班|上班)/;

export const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };

export const PERIODS: Record<string, Period> = {
  凌晨: 'dawn', 上午: 'morning', 早上: 'morning', 早晨: 'morning', 清晨: 'morning', 早间: 'morning', 早: 'morning',
  中午: 'noon', 午间: 'noon', 晌午: 'noon', 下午: 'afternoon', 午后: 'afternoon', 傍晚: 'dusk',
  晚上: 'evening', 晚间: 'evening', 夜里: 'evening', 夜间: 'evening', 夜晚: 'evening', 晚: 'evening',
};

export function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  return s === '元' ? 1 : parseNumber(s.replace(/\s+/g, ''));
}

export function weekOffset(prefix: string | undefined): number | undefined {
  if (!prefix) return undefined;
  if (prefix.startsWith('下下')) return 2;
  if (prefix.startsWith('下')) return 1;
  if (prefix.startsWith('上')) return -1;
  return 0;
}

export function monthOffset(prefix: string | undefined): number | undefined {
  if (!prefix || prefix === '每月') return undefined;
  if (prefix.startsWith('下')) return 1;
  if (prefix.startsWith('上')) return -1;
  return 0;
}

export const day = (spec: DaySpec): Found => ({ day: spec });

export function validMd(m: number | undefined, d: number | undefined): boolean {
  return m !== undefined && d !== undefined && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

export function mdOrNull(m: number | undefined, d: number | undefined, wd?: number): Found | null {
  return validMd(m, d) ? day({ k: 'md', m: m!, d: d!, wd }) : null;
}

export const HOLIDAY_KEYS: [RegExp, string][] = [
  [/元旦/, '元旦'], [/春节|过年|^年$/, '春节'], [/清明/, '清明'], [/五一|劳动/, '劳动'],
  [/端午/, '端午'], [/中秋/, '中秋'], [/国庆|十一/, '国庆'],
];

/** The character just before the match, to reject 第三点, 以下两点, 快一点. */
export function before(text: string, index: number): string {
  return text.slice(Math.max(0, index - 1), index);
}
