/**
 * Wall-clock helpers for Asia/Shanghai. China has used a fixed +08:00 offset without DST
 * since 1992, so all arithmetic is done on UTC fields shifted by eight hours; the machine's
 * own time zone must never leak in (tests run under TZ=UTC and TZ=America/New_York).
 */
export const OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function localParts(at: Date): LocalParts {
  const s = new Date(at.getTime() + OFFSET_MS);
  const dow = s.getUTCDay();
  return {
    year: s.getUTCFullYear(),
    month: s.getUTCMonth() + 1,
    day: s.getUTCDate(),
    hour: s.getUTCHours(),
    minute: s.getUTCMinutes(),
    second: s.getUTCSeconds(),
    weekday: dow === 0 ? 7 : dow,
  };
}

export function ymd(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Splits 'YYYY-MM-DD'; throws on anything else so bad input fails loudly, not silently. */
export function splitDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`日期格式错误：${date}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!isValidYmd(y, mo, d)) throw new Error(`日期无效：${date}`);
  return [y, mo, d];
}

export function isValidYmd(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day)
    && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a calendar date (no time zone involved). */
function dayNumber(date: string): number {
  const [y, m, d] = splitDate(date);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

function fromDayNumber(n: number): string {
  const s = new Date(n * DAY_MS);
  return ymd(s.getUTCFullYear(), s.getUTCMonth() + 1, s.getUTCDate());
}

export function addDays(date: string, n: number): string {
  return fromDayNumber(dayNumber(date) + n);
}

/** Whole days from a to b (b - a). */
export function diffDays(a: string, b: string): number {
  return dayNumber(b) - dayNumber(a);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  const dow = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** Adds calendar months, clamping the day (1月31日 + 1 month = 2月28/29日). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = splitDate(date);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return ymd(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** 'HH:MM' to minutes after midnight; accepts 24:00 as the end of a day. */
export function parseClock(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`时间格式错误：${hhmm}`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) throw new Error(`时间无效：${hhmm}`);
  return h * 60 + min;
}

/** The instant at `minutes` after local midnight of `date` (minutes may exceed a day). */
export function atMinutes(date: string, minutes: number): Date {
  return new Date(dayNumber(date) * DAY_MS + minutes * 60_000 - OFFSET_MS);
}

/** parseLocal('2026-11-23', '12:00') is 2026-11-23T12:00+08:00. */
export function parseLocal(date: string, time = '00:00'): Date {
  return atMinutes(date, parseClock(time));
}

export function localDate(at: Date): string {
  const p = localParts(at);
  return ymd(p.year, p.month, p.day);
}

export function localTime(at: Date): string {
  const p = localParts(at);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** Minutes since local midnight, with fractions for seconds. */
export function localMinutes(at: Date): number {
  const ms = (at.getTime() + OFFSET_MS) % DAY_MS;
  return (ms < 0 ? ms + DAY_MS : ms) / 60_000;
}

/** '2026-11-23T12:00:00+08:00' */
export function formatLocal(at: Date): string {
  const p = localParts(at);
  return `${ymd(p.year, p.month, p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}+08:00`;
}

/** Parses an ISO-8601 instant; a string without an offset is read as +08:00 wall-clock time. */
export function parseInstant(s: string): Date {
  const t = s.trim();
  const hasZone = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(t);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/.exec(t);
  if (!hasZone && m) {
    const base = parseLocal(m[1], m[2] ?? '00:00');
    const sec = Number(m[3] ?? 0);
    const ms = m[4] ? Number(m[4].slice(0, 3).padEnd(3, '0')) : 0;
    return new Date(base.getTime() + sec * 1000 + ms);
  }
  const d = new Date(t);
  if (!hasZone || Number.isNaN(d.getTime())) throw new Error(`时间格式错误：${s}`);
  return d;
}
