import type { WorkCalendar } from '../../calendar/work-calendar';
import { localDate, localTime } from '../../calendar/time';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** 11月24日（周二）17:30, or 今天17:30 / 明天17:30 relative to now. */
export function formatWhen(at: Date, now?: Date): string {
  const d = localDate(at);
  const [y, m, day] = d.split('-').map(Number);
  const wd = WEEKDAYS[new Date(Date.UTC(y, m - 1, day)).getUTCDay()];
  const t = localTime(at);
  if (now) {
    const today = localDate(now);
    if (d === today) return `今天${t}`;
    const tomorrow = localDate(new Date(now.getTime() + 86_400_000));
    if (d === tomorrow) return `明天（${m}月${day}日）${t}`;
    if (y !== Number(today.slice(0, 4))) return `${y}年${m}月${day}日（${wd}）${t}`;
  }
  return `${m}月${day}日（${wd}）${t}`;
}

/** Length of one working day (08:30–17:30 = 540 minutes by default). */
export const WORKDAY_MINUTES = (cal: WorkCalendar): number => cal.endMinutes - cal.startMinutes;

/**
 * The earliest 下班 time that leaves `days` working days after `from` and is not before
 * `notBefore`: what the bot proposes instead of an urgent or off-hours deadline.
 */
export function proposeDeadline(cal: WorkCalendar, from: Date, days: number, notBefore?: Date): Date {
  const need = days * WORKDAY_MINUTES(cal);
  let date = localDate(from);
  for (let i = 0; i < 400; i++) {
    if (cal.isWorkingDay(date)) {
      const end = cal.workEndOf(date);
      if (cal.workingMinutesBetween(from, end) >= need && (!notBefore || end.getTime() >= notBefore.getTime())) return end;
    }
    date = cal.nextWorkingDay(date);
  }
  throw new Error('no working day found within 400 days');
}
