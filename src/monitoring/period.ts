import { addDays, addMonths, diffDays, isValidYmd, localDate, parseLocal, weekdayOf, ymd } from '../calendar/time';

/** A report's time span: local midnight `from` (inclusive) to local midnight `to` (exclusive). */
export interface Period {
  kind: 'week' | 'month';
  from: Date;
  to: Date;
  /** Local dates covered, in order. */
  days: string[];
  /** 2026年第48周（11月23日—11月29日） / 2026年11月 */
  label: string;
  /** Stable id for links and file names: 2026-11-23 (a week's Monday) or 2026-11. */
  key: string;
}

const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

function isoWeek(monday: string): { year: number; week: number } {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  return { year, week: Math.floor(diffDays(ymd(year, 1, 1), thursday) / 7) + 1 };
}

export function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

export function weekPeriod(anyDay: string): Period {
  const monday = mondayOf(anyDay);
  const days = Array.from({ length: 7 }, (_, i) => addDays(monday, i));
  const { year, week } = isoWeek(monday);
  return {
    kind: 'week', from: parseLocal(monday), to: parseLocal(addDays(monday, 7)), days,
    label: `${year}年第${week}周（${md(monday)}—${md(days[6])}）`, key: monday,
  };
}

export function monthPeriod(anyDay: string): Period {
  const first = `${anyDay.slice(0, 8)}01`;
  const next = addMonths(first, 1);
  const days = Array.from({ length: diffDays(first, next) }, (_, i) => addDays(first, i));
  return { kind: 'month', from: parseLocal(first), to: parseLocal(next), days, label: `${Number(first.slice(0, 4))}年${Number(first.slice(5, 7))}月`, key: first.slice(0, 7) };
}

/** Reads 本周/上周/2026-11-23 (or 本月/上月/2026-11); null for anything else. */
export function parsePeriod(kind: 'week' | 'month', raw: string, now: Date): Period | null {
  const today = localDate(now);
  const arg = raw.trim();
  if (kind === 'week') {
    if (!arg || arg === '本周') return weekPeriod(today);
    if (arg === '上周') return weekPeriod(addDays(today, -7));
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(arg);
    return m && isValidYmd(+m[1], +m[2], +m[3]) ? weekPeriod(ymd(+m[1], +m[2], +m[3])) : null;
  }
  if (!arg || arg === '本月') return monthPeriod(today);
  if (arg === '上月') return monthPeriod(addMonths(`${today.slice(0, 8)}01`, -1));
  const m = /^(\d{4})-(\d{1,2})$/.exec(arg);
  return m && isValidYmd(+m[1], +m[2], 1) ? monthPeriod(ymd(+m[1], +m[2], 1)) : null;
}

/** Inverse of Period.key, for signed links. */
export function periodFromKey(key: string): Period | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(key) && isValidYmd(+key.slice(0, 4), +key.slice(5, 7), +key.slice(8, 10))) return weekPeriod(key);
  if (/^\d{4}-\d{2}$/.test(key) && isValidYmd(+key.slice(0, 4), +key.slice(5, 7), 1)) return monthPeriod(`${key}-01`);
  return null;
}
