export type MatchKind = 'clock' | 'day' | 'duration' | 'workdays' | 'immediate' | 'period';

export interface DeadlineMatch {
  text: string;
  index: number;
  at: Date;
  kind: MatchKind;
}

export interface DeadlineResult {
  deadline: Date | null;
  matches: DeadlineMatch[];
  immediate: boolean;
  /**
   * Two readings remain (a day that disagrees with its weekday note: 27日（星期一）); the deadline is left null
   * and the sender is asked which one is meant.
   */
  ambiguity?: { readings: [Date, Date]; reason: string };
}

export type Period = 'dawn' | 'morning' | 'noon' | 'afternoon' | 'dusk' | 'evening';

/** A day named in the text, before it is pinned to a calendar date. */
export type DaySpec =
  /** A full date; yOffset (今年 0, 明年 1, 去年 -1) stands for a year relative to ref's. */
  | { k: 'date'; y?: number; yOffset?: number; m: number; d: number; wd?: number }
  | { k: 'rel'; days: number }
  /** Month and day without a year: the next occurrence. */
  | { k: 'md'; m: number; d: number; wd?: number }
  /** Day of month; without monthOffset it is this month's, or next month's once passed. */
  | { k: 'dom'; d: number; monthOffset?: number; wd?: number }
  /** ISO weekday; week undefined = the next such day on or after ref's day. */
  | { k: 'wd'; wd: number; week?: number }
  /** Friday of a week (本周内, 下周内, 周末前). */
  | { k: 'weekEnd'; week?: number }
  /** Friday of the n-th week of a month (12月第一周内): weeks start on Monday, the first holds the 1st. */
  | { k: 'monthWeek'; m: number; n: number }
  /** A part of a month: its last day, the end of 上旬/中旬, or 月中 (the 15th). */
  | { k: 'month'; part: 'early' | 'middle' | 'mid' | 'end'; offset?: number; m?: number; y?: number }
  | { k: 'yearEnd'; y?: number; offset?: number }
  /** The end of the current quarter, or of quarter q (三季度末), or of a half year (上半年). */
  | { k: 'quarterEnd'; q?: number; half?: 1 | 2 }
  /** The n-th working day after (or, n < 0, before) the next holiday, optionally a named one. */
  | { k: 'holiday'; n: number; name?: string }
  | { k: 'nextWorkday'; n: number }
  /** The first or last working day of a week, a month or the year (下月第一个工作日, 本周最后一个工作日). */
  | { k: 'workdayOf'; which: 'first' | 'last'; scope: 'week' | 'month' | 'year'; offset?: number; m?: number };

export interface Clock {
  h: number;
  m: number;
  /** An hour as people say it (五点, 5时, 5:30): 1–7 with no period word means the afternoon. */
  bareHour: boolean;
  /** Unambiguously a time of day (has minutes, 时 with Arabic digits, hh:mm, 整, 钟 …). */
  strong: boolean;
  /** Followed by a word that makes an ambiguous 三点 a time (前, 报送, 左右 …). */
  cued: boolean;
}

export interface Token {
  start: number;
  end: number;
  day?: DaySpec;
  period?: Period;
  clock?: Clock;
  mark?: 'start' | 'end';
  duration?: { minutes?: number; days?: number; months?: number };
  workdays?: number;
  immediate?: boolean;
}
