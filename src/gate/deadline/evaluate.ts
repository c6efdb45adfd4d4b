/**
 * Turns one group of tokens into an instant, following the conventions in
 * shared/bench/README.md (上班/下班 from the calendar, bare 1–7点 in the afternoon,
 * next occurrence for times and weekdays without a date, earliest deadline binds).
 */
import { addDays, addMonths, atMinutes, localMinutes, weekdayOf } from '../../calendar/time';
import type { WorkCalendar } from '../../calendar/work-calendar';
import type { Group } from './group';
import { resolveDay, type ResolvedDay } from './resolve-day';
import type { Clock, DaySpec, MatchKind, Period, Token } from './types';

export interface Evaluated {
  at: Date;
  kind: MatchKind;
  /** The calendar date the expression named, for the end of a range (11月25日至30日). */
  date?: string;
  hasDay: boolean;
  period?: Period;
  /** The day disagrees with its weekday note: the weekday's reading (the nearest such day) and why. */
  conflict?: { at: Date; reason: string };
}

/** The group is the end of a range; `date` is the day the range started on, if it named one. */
export interface RangeStart {
  date?: string;
  /** 晚上7点至9点: the end keeps the start's period of the day. */
  period?: Period;
}

export interface EvalContext {
  ref: Date;
  refDate: string;
  cal: WorkCalendar;
}

/** Words after 上班/下班 or a bare period word that make it a deadline (下班前, 中午前). */
const BEFORE_CUE = /^\s*(?:前|之前|以前|为止|截止|时|结束前|后\s*(?:请|须|要)?\s*(?:第一时间|立即|立刻|马上|即刻|尽快))/;
const MINUTE = 60_000;
const MAX_SCAN_DAYS = 3 * 366;

function clockMinutes(c: Clock, period: Period | undefined): number {
  let h = c.h;
  switch (period) {
    case 'dawn':
      if (h === 12) h = 0;
      break;
    case 'noon':
      if (h >= 1 && h <= 5) h += 12;
      break;
    case 'afternoon':
    case 'dusk':
      if (h < 12) h += 12;
      break;
    case 'evening':
      // 晚上8点 = 20:00, 晚上12点 = midnight at the end of the day, 夜里2点 = the small hours after it.
      if (h >= 5 && h < 12) h += 12;
      else if (h === 12) h = 24;
      else if (h < 5) h += 24;
      break;
    case 'morning':
      break;
    default:
      if (c.bareHour && h >= 1 && h <= 7) h += 12;
  }
  return h * 60 + c.m;
}

function periodEnd(p: Period, cal: WorkCalendar): number {
  switch (p) {
    case 'dawn':
      return 6 * 60;
    case 'morning':
    case 'noon':
      return 12 * 60;
    case 'afternoon':
      return cal.endMinutes;
    case 'dusk':
      return 19 * 60;
    case 'evening':
      return 23 * 60 + 59;
  }
}

function kindOf(day: Token | undefined, timed: boolean): MatchKind {
  if (timed) return 'clock';
  switch (day?.day?.k) {
    case 'weekEnd':
    case 'monthWeek':
    case 'month':
    case 'yearEnd':
    case 'quarterEnd':
      return 'period';
    case 'holiday':
    case 'nextWorkday':
    case 'workdayOf':
      return 'workdays';
    default:
      return 'day';
  }
}

/** A time-of-day group: [day] [period] [clock | mark]. */
function evaluateTimed(g: Group, text: string, ctx: EvalContext, range?: RangeStart): Evaluated | undefined {
  const base = range?.date;
  const { ref, refDate, cal } = ctx;
  const dayTok = g.tokens.find((t) => t.day);
  const period = g.tokens.find((t) => t.period)?.period ?? (dayTok ? undefined : range?.period);
  const clockTok = g.tokens.find((t) => t.clock);
  const after = text.slice(g.end);
  // 上班/下班 sets the time only as a limit (上班前, 下班之前); 上班第一天 is just the day.
  const markTok = BEFORE_CUE.test(after) ? g.tokens.find((t) => t.mark) : undefined;
  const clock = clockTok?.clock;
  if (clock && !clock.strong && !clock.cued && !dayTok && !period && !range) return undefined;
  if (!dayTok && !clock && !markTok && (!period || !BEFORE_CUE.test(after))) return undefined;

  let rd: ResolvedDay | undefined;
  if (dayTok?.day) {
    if (base && dayTok.day.k === 'dom' && dayTok.day.monthOffset === undefined) {
      // 11月25日至30日: the end is in the month the range started in.
      const sameMonth = `${base.slice(0, 8)}${String(dayTok.day.d).padStart(2, '0')}`;
      rd = { date: sameMonth >= base ? sameMonth : addMonths(sameMonth, 1) };
    } else if (base && dayTok.day.k === 'wd' && dayTok.day.week === undefined) {
      // 下周一至周三: the end is in the week the range started in.
      const sameWeek = addDays(base, dayTok.day.wd - weekdayOf(base));
      rd = { date: sameWeek >= base ? sameWeek : addDays(sameWeek, 7) };
    } else {
      rd = resolveDay(dayTok.day, { refDate, cal });
    }
    if (!rd) return undefined;
  } else if (base) {
    rd = { date: base };
  }

  let minutes: number;
  if (clock) minutes = clockMinutes(clock, period);
  else if (markTok) minutes = markTok.mark === 'start' ? cal.startMinutes : period === 'morning' || period === 'noon' ? 12 * 60 : cal.endMinutes;
  else if (period) minutes = periodEnd(period, cal);
  else minutes = cal.endMinutes;

  const timed = Boolean(clock || markTok || period);
  const conflict = rd && dayTok?.day
    ? weekdayConflict(dayTok.day, rd.date, minutes) ?? restatementConflict(g, text, dayTok, rd.date, minutes, ctx)
    : undefined;
  let at: Date;
  if (rd) {
    at = atMinutes(rd.date, minutes);
    if (rd.rollWeek && at < ref) at = atMinutes(addDays(rd.date, 7), minutes);
  } else if (markTok) {
    // 下班前 with no day: the next 下班 of a working day.
    let d = refDate;
    for (let i = 0; !(cal.isWorkingDay(d) && atMinutes(d, minutes) >= ref); i++) {
      if (i > MAX_SCAN_DAYS) return undefined;
      d = addDays(d, 1);
    }
    at = atMinutes(d, minutes);
  } else {
    at = atMinutes(refDate, minutes);
    if (at < ref) at = atMinutes(addDays(refDate, 1), minutes);
  }
  return { at, kind: kindOf(dayTok, timed), date: rd?.date, hasDay: Boolean(dayTok), period, ...(conflict ? { conflict } : {}) };
}

const WEEKDAY_NAMES = '一二三四五六日';

/** 下周一（12月1日） when next Monday is 11月30日: the bracket names another day; both are readings. */
function restatementConflict(g: Group, text: string, first: Token, date: string, minutes: number, ctx: EvalContext): Evaluated['conflict'] {
  const second = g.tokens.find((t) => t.day && t !== first);
  if (!second?.day) return undefined;
  const other = resolveDay(second.day, { refDate: ctx.refDate, cal: ctx.cal });
  if (!other || other.date === date) return undefined;
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  return {
    at: atMinutes(other.date, minutes),
    reason: `「${text.slice(first.start, first.end)}」是${md(date)}，括号里写的是${md(other.date)}`,
  };
}

/** 27日（星期一） when the 27th is a Friday: not guessed; the nearest Monday is the other reading. */
function weekdayConflict(spec: DaySpec, date: string, minutes: number): Evaluated['conflict'] {
  if (!('wd' in spec) || spec.wd === undefined || weekdayOf(date) === spec.wd) return undefined;
  const shift = ((spec.wd - weekdayOf(date) + 10) % 7) - 3;
  const other = addDays(date, shift);
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  return {
    at: atMinutes(other, minutes),
    reason: `${md(date)}是周${WEEKDAY_NAMES[weekdayOf(date) - 1]}，与所写的周${WEEKDAY_NAMES[spec.wd - 1]}不符（周${WEEKDAY_NAMES[spec.wd - 1]}是${md(other)}）`,
  };
}

export function evaluateGroup(g: Group, text: string, ctx: EvalContext, range?: RangeStart): Evaluated | undefined {
  const t = g.tokens[0];
  const { ref, refDate, cal } = ctx;
  if (t.immediate) return { at: ref, kind: 'immediate', hasDay: false };
  if (t.duration) {
    const { minutes, months } = t.duration;
    if (months !== undefined) {
      return { at: atMinutes(addMonths(refDate, months), localMinutes(ref)), kind: 'duration', hasDay: false };
    }
    return { at: new Date(ref.getTime() + (minutes ?? 0) * MINUTE), kind: 'duration', hasDay: false };
  }
  if (t.workdays !== undefined) {
    return { at: cal.workEndOf(cal.nextWorkingDay(refDate, t.workdays)), kind: 'workdays', hasDay: false };
  }
  return evaluateTimed(g, text, ctx, range);
}
