import { EntityManager } from 'typeorm';
import { HolidayDay } from '../../entities';
import { WorkCalendar } from './work-calendar';

/**
 * The one WorkCalendar the service uses, kept in step with the holiday_day table
 * (imported notices and admins' manual days win over the bundled chinese-days data).
 */
export class CalendarService {
  readonly cal: WorkCalendar;

  constructor(workHours: { start: string; end: string }) {
    this.cal = new WorkCalendar({ workStart: workHours.start, workEnd: workHours.end });
  }

  async reload(em: EntityManager): Promise<void> {
    const days = await em.find(HolidayDay);
    const years = [...new Set(days.filter((d) => d.source === 'notice').map((d) => d.year))];
    this.cal.setOverrides(days.map((d) => ({ date: d.date, kind: d.kind as 'off' | 'work', name: d.name || undefined })), years);
  }
}
