/**
 * The days off fixed by law (全国年节及纪念日放假办法, as revised in 2024) for a year the State Council has not
 * published yet: 元旦, 春节 (除夕 to 初三), 清明, 劳动节 (1–2 May), 端午, 中秋 and 国庆 (1–3 October).
 * The published schedule only adds bridge days and 调休 around them, so until it is imported these days are
 * certainly off, and counting them as working days would make every deadline near them a day early.
 *
 * Lunar dates come from the `chinese-days` tables (month lengths and leap months), counted here in UTC day
 * numbers because its own date conversion parses in the process's zone and slips a day west of Greenwich.
 */
import { getYearLeapMonth, monthDays } from 'chinese-days';

const DAY_MS = 86_400_000;
/** 1900-01-31 was 正月初一 of the lunar year 1900, the start of the tables. */
const LUNAR_EPOCH = Date.UTC(1900, 0, 31);
const FIRST_LUNAR_YEAR = 1900;
const LAST_LUNAR_YEAR = 2100;

function leap(year: number): { month: number; days: number } {
  const l = getYearLeapMonth(year);
  return { month: l.leapMonth ?? 0, days: l.days ?? 0 };
}

function lunarYearDays(year: number): number {
  let n = leap(year).days;
  for (let m = 1; m <= 12; m++) n += monthDays(year, m);
  return n;
}

/** The solar date of a (non-leap) lunar month and day, as 'YYYY-MM-DD'. */
export function solarOfLunar(year: number, month: number, day: number): string {
  let offset = 0;
  for (let y = FIRST_LUNAR_YEAR; y < year; y++) offset += lunarYearDays(y);
  const l = leap(year);
  for (let m = 1; m < month; m++) {
    offset += monthDays(year, m);
    if (m === l.month) offset += l.days;
  }
  offset += day - 1;
  return new Date(LUNAR_EPOCH + offset * DAY_MS).toISOString().slice(0, 10);
}

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 清明 by the usual 21st-century solar-term formula: [Y×0.2422+4.81]−[Y/4], Y the year's last two digits. */
function qingming(year: number): string {
  const y = year % 100;
  const day = Math.floor(y * 0.2422 + 4.81) - Math.floor(y / 4);
  return `${year}-04-${String(day).padStart(2, '0')}`;
}

const cache = new Map<number, Map<string, string>>();

/** Statutory days off of a year, date → Chinese name; empty outside the tables' years. */
export function statutoryDays(year: number): Map<string, string> {
  const hit = cache.get(year);
  if (hit) return hit;
  const days = new Map<string, string>();
  // The 清明 formula holds for the 21st century; the lunar tables end with 2100.
  if (year >= 2001 && year < LAST_LUNAR_YEAR) {
    days.set(`${year}-01-01`, '元旦');
    const newYear = solarOfLunar(year, 1, 1);
    for (let i = -1; i <= 2; i++) days.set(shift(newYear, i), '春节');
    days.set(qingming(year), '清明节');
    days.set(`${year}-05-01`, '劳动节');
    days.set(`${year}-05-02`, '劳动节');
    days.set(solarOfLunar(year, 5, 5), '端午节');
    days.set(solarOfLunar(year, 8, 15), '中秋节');
    for (const d of ['01', '02', '03']) days.set(`${year}-10-${d}`, '国庆节');
  }
  cache.set(year, days);
  return days;
}
