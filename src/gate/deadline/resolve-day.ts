/**
 * Pins a DaySpec to a calendar date relative to the moment the notice was posted.
 */
import {
  addDays, addMonths, daysInMonth, diffDays, isValidYmd, localParts, splitDate, weekdayOf, ymd,
} from '../../calendar/time';
import type { WorkCalendar } from '../../calendar/work-calendar';
import type { DaySpec } from './types';

export interface ResolvedDay {
  date: string;
  /** A bare weekday: if the final instant is already past, the same weekday next week is meant. */
  rollWeek?: boolean;
}

export interface DayContext {
  refDate: string;
  cal: WorkCalendar;
}

/** Holidays whose Gregorian date is fixed; used for years the schedule does not cover yet. */
const FIXED_HOLIDAYS: Record<string, string> = { '01-01': '元旦', '05-01': '劳动节', '10-01': '国庆节' };

/** How far ahead a "next holiday" may be; the longest gap in a real schedule is about four months. */
const HOLIDAY_HORIZON_DAYS = 400;

function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

/** Next occurrence of month/day on or after refDate, searching a few years for 2月29日. */
function nextMonthDay(refDate: string, m: number, d: number): string | undefined {
  const [y0] = splitDate(refDate);
  for (let y = y0; y <= y0 + 8; y++) {
    if (!isValidYmd(y, m, d)) continue;
    const date = ymd(y, m, d);
    if (date >= refDate) return date;
  }
  return undefined;
}

function nextDayOfMonth(refDate: string, d: number, offset: number | undefined): string | undefined {
  const [y, m] = splitDate(refDate);
  if (offset !== undefined) {
    const first = addMonths(ymd(y, m, 1), offset);
    const [yy, mm] = splitDate(first);
    return isValidYmd(yy, mm, d) ? ymd(yy, mm, d) : undefined;
  }
  // This month's, or the first later month that has that day once it has passed.
  for (let i = 0; i < 13; i++) {
    const [yy, mm] = splitDate(addMonths(ymd(y, m, 1), i));
    if (!isValidYmd(yy, mm, d)) continue;
    const date = ymd(yy, mm, d);
    if (date >= refDate) return date;
  }
  return undefined;
}

function monthPart(year: number, month: number, part: 'early' | 'middle' | 'mid' | 'end'): string {
  const d = part === 'early' ? 10 : part === 'middle' ? 15 : part === 'mid' ? 20 : daysInMonth(year, month);
  return ymd(year, month, d);
}

/** A fixed-date holiday in a year whose schedule is not published yet (2027-01-01). */
function unpublishedHoliday(cal: WorkCalendar, date: string): string | undefined {
  if (cal.hasScheduleFor(Number(date.slice(0, 4)))) return undefined;
  return FIXED_HOLIDAYS[date.slice(5)];
}

/** A rest day for the purpose of 节后/节前: the calendar's, or an unpublished fixed holiday. */
function isRest(cal: WorkCalendar, date: string): boolean {
  return !cal.isWorkingDay(date) || unpublishedHoliday(cal, date) !== undefined;
}

/** The first and last rest day of the next holiday block (weekends joined to it included). */
function nextHolidayBlock(cal: WorkCalendar, from: string, key?: string): { first: string; last: string } | undefined {
  for (let i = 0; i <= HOLIDAY_HORIZON_DAYS; i++) {
    const d = addDays(from, i);
    if (!isRest(cal, d)) continue;
    const name = cal.isWorkingDay(d) ? unpublishedHoliday(cal, d) : cal.dayName(d) ?? unpublishedHoliday(cal, d);
    if (!name || (key && !name.includes(key))) continue;
    let first = d;
    while (isRest(cal, addDays(first, -1)) && diffDays(first, d) < 60) first = addDays(first, -1);
    let last = d;
    while (isRest(cal, addDays(last, 1)) && diffDays(d, last) < 60) last = addDays(last, 1);
    return { first, last };
  }
  return undefined;
}

/** The n-th working day after a block (n > 0) or the |n|-th before it, skipping unpublished holidays. */
function workingDayAround(cal: WorkCalendar, block: { first: string; last: string }, n: number): string {
  let d = n > 0 ? block.last : block.first;
  for (let left = Math.abs(n); left > 0;) {
    d = cal.nextWorkingDay(d, Math.sign(n));
    if (!isRest(cal, d)) left--;
  }
  return d;
}

function workdayOf(spec: Extract<DaySpec, { k: 'workdayOf' }>, ctx: DayContext): ResolvedDay | undefined {
  const { refDate, cal } = ctx;
  const [ry, rm] = splitDate(refDate);
  let first: string;
  let last: string;
  if (spec.scope === 'week') {
    first = addDays(mondayOf(refDate), 7 * (spec.offset ?? 0));
    last = addDays(first, 6);
  } else if (spec.scope === 'year') {
    first = ymd(ry, 1, 1);
    last = ymd(ry, 12, 31);
  } else {
    if (spec.m !== undefined) {
      // 12月最后一个工作日 posted in January means the coming December.
      const y = ymd(ry, spec.m, daysInMonth(ry, spec.m)) >= refDate ? ry : ry + 1;
      first = ymd(y, spec.m, 1);
    } else {
      first = addMonths(ymd(ry, rm, 1), spec.offset ?? 0);
    }
    const [fy, fm] = splitDate(first);
    last = ymd(fy, fm, daysInMonth(fy, fm));
  }
  const date = spec.which === 'first'
    ? cal.nextWorkingDay(addDays(first, -1))
    : cal.nextWorkingDay(addDays(last, 1), -1);
  return date >= first && date <= last ? { date } : undefined;
}

export function resolveDay(spec: DaySpec, ctx: DayContext): ResolvedDay | undefined {
  const { refDate, cal } = ctx;
  const [ry, rm] = splitDate(refDate);
  switch (spec.k) {
    case 'date': {
      const y = spec.y ?? ry + (spec.yOffset ?? 0);
      return isValidYmd(y, spec.m, spec.d) ? { date: ymd(y, spec.m, spec.d) } : undefined;
    }
    case 'rel':
      return { date: addDays(refDate, spec.days) };
    case 'md': {
      const date = nextMonthDay(refDate, spec.m, spec.d);
      return date ? { date } : undefined;
    }
    case 'dom': {
      const date = nextDayOfMonth(refDate, spec.d, spec.monthOffset);
      return date ? { date } : undefined;
    }
    case 'wd': {
      if (spec.week === undefined) {
        const ahead = (spec.wd - weekdayOf(refDate) + 7) % 7;
        return { date: addDays(refDate, ahead), rollWeek: true };
      }
      return { date: addDays(mondayOf(refDate), spec.week * 7 + spec.wd - 1) };
    }
    case 'monthWeek': {
      const fridayOf = (y: number) => {
        const first = ymd(y, spec.m, 1);
        let friday = addDays(mondayOf(first), 4 + 7 * (spec.n - 1));
        if (spec.n === 1 && friday < first) friday = addDays(friday, 7);
        return friday;
      };
      const thisYear = fridayOf(ry);
      return { date: thisYear >= refDate ? thisYear : fridayOf(ry + 1) };
    }
    case 'weekEnd': {
      if (spec.week === undefined) {
        const ahead = (5 - weekdayOf(refDate) + 7) % 7;
        return { date: addDays(refDate, ahead), rollWeek: true };
      }
      return { date: addDays(mondayOf(refDate), spec.week * 7 + 4) };
    }
    case 'month': {
      if (spec.m !== undefined) {
        if (spec.y !== undefined) return { date: monthPart(spec.y, spec.m, spec.part) };
        // 12月底 posted in January of the next year would be a year old: take the next one.
        const thisYear = monthPart(ry, spec.m, spec.part);
        return { date: thisYear >= refDate ? thisYear : monthPart(ry + 1, spec.m, spec.part) };
      }
      const [y, m] = splitDate(addMonths(ymd(ry, rm, 1), spec.offset ?? 0));
      return { date: monthPart(y, m, spec.part) };
    }
    case 'yearEnd':
      return { date: ymd(spec.y ?? ry + (spec.offset ?? 0), 12, 31) };
    case 'quarterEnd': {
      // 三季度末 / 上半年 posted after it ended is next year's: the next occurrence, like a date without a year.
      const qm = spec.half ? spec.half * 6 : spec.q ? spec.q * 3 : Math.ceil(rm / 3) * 3;
      const end = ymd(ry, qm, daysInMonth(ry, qm));
      return { date: end >= refDate ? end : ymd(ry + 1, qm, daysInMonth(ry + 1, qm)) };
    }
    case 'workdayOf':
      return workdayOf(spec, ctx);
    case 'nextWorkday':
      return { date: cal.nextWorkingDay(refDate, spec.n) };
    case 'holiday': {
      const block = nextHolidayBlock(cal, refDate, spec.name);
      if (!block) return undefined;
      return { date: workingDayAround(cal, block, spec.n) };
    }
  }
}

export function refDateOf(ref: Date): string {
  const p = localParts(ref);
  return ymd(p.year, p.month, p.day);
}
