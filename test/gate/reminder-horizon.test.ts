import { expect } from 'chai';
import { addDays, parseLocal } from '../../src/calendar/time';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { reminderHorizon } from '../../src/gate/delivery';
import { WORKDAY_MINUTES } from '../../src/gate/rules/time-format';

/**
 * The reminder sweep reads only deadlines up to reminderHorizon(); a deadline beyond it that is
 * still within one working day would never be reminded. Working time before a deadline only grows
 * as the deadline moves later, so it is enough that the horizon itself is within one working day
 * and a minute after it is not. Checked every 20 minutes for 14 months, long holidays included.
 */
describe('reminder horizon', () => {
  const cal = new WorkCalendar();
  const W = WORKDAY_MINUTES(cal);

  it('is the last deadline within one working day of any instant, across weekends and long holidays', () => {
    let checked = 0;
    for (let day = '2026-01-01'; day <= '2027-02-28'; day = addDays(day, 1)) {
      const midnight = parseLocal(day).getTime();
      for (let m = 0; m < 24 * 60; m += 20) {
        const now = new Date(midnight + m * 60_000);
        const horizon = reminderHorizon(cal, now);
        expect(cal.workingMinutesBetween(now, horizon), `${now.toISOString()}`).to.be.at.most(W);
        expect(cal.workingMinutesBetween(now, new Date(horizon.getTime() + 60_000)), `${now.toISOString()}`).to.be.above(W);
        checked++;
      }
    }
    expect(checked).to.equal(424 * 72);
  });
});
