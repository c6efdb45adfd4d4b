/**
 * Working days and working hours in Asia/Shanghai.
 *
 * Precedence for a date: DB-provided overrides, then the bundled State Council schedule
 * (chinese-days, 2004–2026), then, for a year neither covers, the days off fixed by law, then the plain
 * Monday–Friday rule. A year listed in
 * `loadedYears` is taken to be fully described by the overrides (an admin pasted that
 * year's notice), so the bundled data is not consulted for it.
 */
import { bundledCovers, bundledKind, bundledName } from './chinese-days-data';
import { statutoryDays } from './statutory-days';
import {
  addDays,
  atMinutes,
  localDate as toLocalDate,
  localMinutes,
  localTime as toLocalTime,
  parseClock,
  splitDate,
  weekdayOf,
} from './time';

export interface DayOverride {
  date: string; // YYYY-MM-DD
  kind: 'off' | 'work';
  name?: string;
}

export interface WorkCalendarOptions {
  workStart?: string; // '08:30'
  workEnd?: string; // '17:30'
  overrides?: DayOverride[];
  loadedYears?: number[];
}

/** No real schedule has a gap this long; reaching it means the overrides switched everything off. */
const MAX_SCAN_DAYS = 3 * 366;

export class WorkCalendar {
  readonly workStart: string;
  readonly workEnd: string;
  /** Minutes after midnight. */
  readonly startMinutes: number;
  readonly endMinutes: number;
  private overrides = new Map<string, DayOverride>();
  private loaded = new Set<number>();

  constructor(opts: WorkCalendarOptions = {}) {
    this.workStart = opts.workStart ?? '08:30';
    this.workEnd = opts.workEnd ?? '17:30';
    this.startMinutes = parseClock(this.workStart);
    this.endMinutes = parseClock(this.workEnd);
    if (this.endMinutes <= this.startMinutes) throw new Error('下班时间必须晚于上班时间');
    this.setOverrides(opts.overrides ?? [], opts.loadedYears);
  }

  setOverrides(overrides: DayOverride[], loadedYears?: number[]): void {
    const map = new Map<string, DayOverride>();
    for (const o of overrides) {
      splitDate(o.date); // throws on a malformed date rather than never matching it
      if (o.kind !== 'off' && o.kind !== 'work') throw new Error(`节假日类型错误：${String(o.kind)}`);
      map.set(o.date, o);
    }
    this.overrides = map;
    this.loaded = new Set(loadedYears ?? []);
  }

  isWorkingDay(date: string): boolean {
    const o = this.overrides.get(date);
    if (o) return o.kind === 'work';
    const year = Number(date.slice(0, 4));
    if (!this.loaded.has(year)) {
      const kind = bundledKind(date);
      if (kind) return kind === 'work';
      if (!bundledCovers(year) && statutoryDays(year).has(date)) return false;
    }
    return weekdayOf(date) <= 5;
  }

  dayName(date: string): string | undefined {
    const o = this.overrides.get(date);
    if (o) return o.name;
    const year = Number(date.slice(0, 4));
    if (this.loaded.has(year)) return undefined;
    return bundledCovers(year) ? bundledName(date) : statutoryDays(year).get(date);
  }

  hasScheduleFor(year: number): boolean {
    return bundledCovers(year) || this.loaded.has(year);
  }

  localDate(at: Date): string {
    return toLocalDate(at);
  }

  localTime(at: Date): string {
    return toLocalTime(at);
  }

  workStartOf(date: string): Date {
    return atMinutes(date, this.startMinutes);
  }

  workEndOf(date: string): Date {
    return atMinutes(date, this.endMinutes);
  }

  isWorkingTime(at: Date): boolean {
    if (!this.isWorkingDay(toLocalDate(at))) return false;
    const m = localMinutes(at);
    return m >= this.startMinutes && m < this.endMinutes;
  }

  nextWorkingStart(at: Date): Date {
    if (this.isWorkingTime(at)) return at;
    const date = toLocalDate(at);
    if (this.isWorkingDay(date) && localMinutes(at) < this.startMinutes) return this.workStartOf(date);
    return this.workStartOf(this.nextWorkingDay(date));
  }

  /** The end of the working time at or before `at` (`at` itself when inside working time). */
  private prevWorkingEnd(at: Date): Date {
    if (this.isWorkingTime(at)) return at;
    const date = toLocalDate(at);
    if (this.isWorkingDay(date) && localMinutes(at) >= this.endMinutes) return this.workEndOf(date);
    return this.workEndOf(this.nextWorkingDay(date, -1));
  }

  /**
   * The n-th working day strictly after `date`; a negative n counts backwards
   * (-1 = the last working day before `date`), and 0 returns `date`.
   */
  nextWorkingDay(date: string, n = 1): string {
    if (!Number.isInteger(n)) throw new Error('工作日数必须是整数');
    const step = n < 0 ? -1 : 1;
    let left = Math.abs(n);
    let d = date;
    let scanned = 0;
    while (left > 0) {
      d = addDays(d, step);
      if (this.isWorkingDay(d)) {
        left--;
        scanned = 0;
      } else if (++scanned > MAX_SCAN_DAYS) {
        throw new Error('找不到工作日，请检查节假日设置');
      }
    }
    return d;
  }

  addWorkingMinutes(at: Date, minutes: number): Date {
    if (minutes === 0) return at;
    if (minutes < 0) return this.subtractWorkingMinutes(at, -minutes);
    let cur = this.nextWorkingStart(at);
    let left = minutes;
    for (;;) {
      const end = this.workEndOf(toLocalDate(cur));
      const room = (end.getTime() - cur.getTime()) / 60_000;
      if (left <= room) return new Date(cur.getTime() + left * 60_000);
      left -= room;
      cur = this.workStartOf(this.nextWorkingDay(toLocalDate(cur)));
    }
  }

  private subtractWorkingMinutes(at: Date, minutes: number): Date {
    let cur = this.prevWorkingEnd(at);
    let left = minutes;
    for (;;) {
      const start = this.workStartOf(toLocalDate(cur));
      const room = (cur.getTime() - start.getTime()) / 60_000;
      if (left <= room) return new Date(cur.getTime() - left * 60_000);
      left -= room;
      cur = this.workEndOf(this.nextWorkingDay(toLocalDate(cur), -1));
    }
  }

  /**
   * The same local time of day `days` working days later (earlier if negative), clamped
   * into working hours. With days = 0 the date stays if it is a working day.
   */
  addWorkingDays(at: Date, days: number): Date {
    const date = toLocalDate(at);
    let target: string;
    if (days === 0) target = this.isWorkingDay(date) ? date : this.nextWorkingDay(date);
    else target = this.nextWorkingDay(date, days);
    const m = Math.min(Math.max(localMinutes(at), this.startMinutes), this.endMinutes);
    return atMinutes(target, m);
  }

  workingMinutesBetween(a: Date, b: Date): number {
    if (b.getTime() < a.getTime()) return -this.workingMinutesBetween(b, a);
    const last = toLocalDate(b);
    let total = 0;
    for (let d = toLocalDate(a); d <= last; d = addDays(d, 1)) {
      if (!this.isWorkingDay(d)) continue;
      const from = Math.max(a.getTime(), this.workStartOf(d).getTime());
      const to = Math.min(b.getTime(), this.workEndOf(d).getTime());
      if (to > from) total += (to - from) / 60_000;
    }
    return total;
  }
}
