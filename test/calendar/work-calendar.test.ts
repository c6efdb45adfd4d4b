import { expect } from 'chai';
import { formatLocal, parseInstant } from '../../src/calendar/time';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { schedule } from './fixtures/schedules';

const cal = new WorkCalendar();
const at = (s: string): Date => parseInstant(s.length === 16 ? `${s}:00+08:00` : s);
const fmt = (d: Date): string => formatLocal(d).slice(0, 16);

describe('WorkCalendar', () => {
  describe('agrees with the official schedule', () => {
    for (const year of [2021, 2022, 2023, 2024, 2025, 2026]) {
      it(`every day the ${year} notice set`, () => {
        const { off, work } = schedule(year);
        expect(off.filter((d) => cal.isWorkingDay(d))).to.deep.equal([]);
        expect(work.filter((d) => !cal.isWorkingDay(d))).to.deep.equal([]);
      });
    }

    it('2020 with the Spring Festival extension of 2020-01-27', () => {
      const { off, work } = schedule(2020);
      const extended = [...off, '2020-01-31', '2020-02-01', '2020-02-02'];
      expect(extended.filter((d) => cal.isWorkingDay(d))).to.deep.equal([]);
      expect(work.filter((d) => d !== '2020-02-01' && !cal.isWorkingDay(d))).to.deep.equal([]);
    });
  });

  it('answers working days: adjusted weekends, holidays, plain weeks, and beyond 2026 the days off fixed by law, else Mon–Fri', () => {
    const table: [string, boolean][] = [
      ['2026-02-14', true], ['2026-02-28', true], ['2026-09-20', true], ['2026-10-10', true], ['2026-01-04', true],
      ['2026-02-16', false], ['2026-02-23', false], ['2026-10-01', false], ['2026-10-07', false], ['2026-06-19', false],
      ['2026-11-23', true], ['2026-11-27', true], ['2026-11-28', false], ['2026-11-29', false],
      ['2027-01-01', false], ['2027-01-04', true], ['2027-02-05', false], ['2027-02-08', false], ['2027-02-09', true],
      ['2027-04-05', false], ['2027-05-03', true], ['2027-06-09', false], ['2027-09-15', false], ['2027-10-01', false], ['2027-10-04', true],
    ];
    for (const [date, working] of table) expect(cal.isWorkingDay(date), date).to.equal(working);
  });

  it('names holidays', () => {
    expect(cal.dayName('2026-10-01')).to.equal('国庆节');
    expect(cal.dayName('2026-02-17')).to.equal('春节');
    expect(cal.dayName('2026-11-23')).to.equal(undefined);
    expect(cal.dayName('2027-01-01')).to.equal('元旦');
    expect(cal.dayName('2027-02-06')).to.equal('春节');
    expect(cal.dayName('2027-01-04')).to.equal(undefined);
  });

  it('knows which years it has a schedule for', () => {
    expect(cal.hasScheduleFor(2026)).to.equal(true);
    expect(cal.hasScheduleFor(2020)).to.equal(true);
    expect(cal.hasScheduleFor(2027)).to.equal(false);
    expect(new WorkCalendar({ loadedYears: [2027] }).hasScheduleFor(2027)).to.equal(true);
  });

  describe('overrides', () => {
    const overrides = [
      { date: '2027-01-01', kind: 'off' as const, name: '元旦' },
      { date: '2027-02-06', kind: 'work' as const, name: '春节' },
    ];

    it('win over the Mon–Fri rule and carry names', () => {
      const c = new WorkCalendar({ overrides, loadedYears: [2027] });
      expect(c.isWorkingDay('2027-01-01')).to.equal(false);
      expect(c.isWorkingDay('2027-02-06')).to.equal(true);
      expect(c.dayName('2027-01-01')).to.equal('元旦');
      expect(c.nextWorkingDay('2026-12-31')).to.equal('2027-01-04');
    });

    it('replace the bundled schedule for a loaded year', () => {
      const c = new WorkCalendar({ overrides: [{ date: '2026-10-01', kind: 'off' }], loadedYears: [2026] });
      expect(c.isWorkingDay('2026-10-01')).to.equal(false);
      expect(c.isWorkingDay('2026-10-02')).to.equal(true); // the DB's 2026 lists only 10-01 here
      expect(c.isWorkingDay('2026-10-10')).to.equal(false);
    });

    it('win over the bundled schedule for a single day even when the year is not loaded', () => {
      const c = new WorkCalendar({ overrides: [{ date: '2026-10-10', kind: 'off' }] });
      expect(c.isWorkingDay('2026-10-10')).to.equal(false);
      expect(c.isWorkingDay('2026-10-09')).to.equal(true);
    });

    it('are replaced by setOverrides', () => {
      const c = new WorkCalendar({ overrides, loadedYears: [2027] });
      c.setOverrides([]);
      // Back to no schedule for 2027: only the statutory days are off again.
      expect(c.isWorkingDay('2027-02-06')).to.equal(false);
      expect(c.isWorkingDay('2027-02-10')).to.equal(true);
      expect(c.hasScheduleFor(2027)).to.equal(false);
    });

    it('reject malformed dates', () => {
      expect(() => new WorkCalendar({ overrides: [{ date: '2027-13-01', kind: 'off' }] })).to.throw();
    });
  });

  it('checks working time at the edges', () => {
    const table: [string, boolean][] = [
      ['2026-11-23T08:29', false], ['2026-11-23T08:30', true], ['2026-11-23T17:29', true], ['2026-11-23T17:30', false],
      ['2026-10-01T10:00', false], ['2026-10-10T10:00', true], ['2026-02-14T09:00', true], ['2026-11-28T10:00', false],
      ['2027-01-01T10:00', false], ['2027-01-04T10:00', true],
    ];
    for (const [s, expected] of table) expect(cal.isWorkingTime(at(s)), s).to.equal(expected);
  });

  it('finds the next working start', () => {
    const table: [string, string][] = [
      ['2026-11-23T09:00', '2026-11-23T09:00'],
      ['2026-11-23T07:00', '2026-11-23T08:30'],
      ['2026-11-23T17:30', '2026-11-24T08:30'],
      ['2026-11-27T18:00', '2026-11-30T08:30'],
      ['2026-09-30T17:30', '2026-10-08T08:30'],
      ['2026-02-13T18:00', '2026-02-14T08:30'],
      ['2026-02-14T18:00', '2026-02-24T08:30'],
      ['2026-12-31T18:00', '2027-01-04T08:30'],
    ];
    for (const [from, expected] of table) expect(fmt(cal.nextWorkingStart(at(from))), from).to.equal(expected);
  });

  it('gives 上班 and 下班 instants of a date', () => {
    expect(formatLocal(cal.workStartOf('2026-11-23'))).to.equal('2026-11-23T08:30:00+08:00');
    expect(formatLocal(cal.workEndOf('2026-11-23'))).to.equal('2026-11-23T17:30:00+08:00');
    const c = new WorkCalendar({ workStart: '09:00', workEnd: '18:00' });
    expect(formatLocal(c.workEndOf('2026-11-23'))).to.equal('2026-11-23T18:00:00+08:00');
    expect(() => new WorkCalendar({ workStart: '18:00', workEnd: '09:00' })).to.throw();
  });

  it('counts working days', () => {
    const table: [string, number, string][] = [
      ['2026-11-23', 1, '2026-11-24'],
      ['2026-11-27', 1, '2026-11-30'],
      ['2026-09-30', 1, '2026-10-08'],
      ['2026-09-30', 3, '2026-10-10'],
      ['2026-02-13', 1, '2026-02-14'],
      ['2026-02-13', 2, '2026-02-24'],
      ['2026-12-31', 1, '2027-01-04'],
      ['2026-12-31', 2, '2027-01-05'],
      ['2026-10-08', -1, '2026-09-30'],
      ['2026-02-24', -1, '2026-02-14'],
      ['2026-11-25', 0, '2026-11-25'],
    ];
    for (const [from, n, expected] of table) expect(cal.nextWorkingDay(from, n), `${from} ${n}`).to.equal(expected);
  });

  it('adds working minutes across nights, weekends, holidays and the year boundary', () => {
    const table: [string, number, string][] = [
      ['2026-11-23T09:00', 60, '2026-11-23T10:00'],
      ['2026-11-23T17:00', 60, '2026-11-24T09:00'],
      ['2026-11-23T09:00', 540, '2026-11-24T09:00'],
      ['2026-11-23T17:00', 30, '2026-11-23T17:30'],
      ['2026-11-28T10:00', 30, '2026-11-30T09:00'],
      ['2026-09-30T17:00', 60, '2026-10-08T09:00'],
      ['2026-02-14T17:00', 60, '2026-02-24T09:00'],
      ['2026-12-31T17:00', 60, '2027-01-04T09:00'],
      ['2026-10-08T09:00', -60, '2026-09-30T17:00'],
      ['2026-11-30T08:00', -30, '2026-11-27T17:00'],
      ['2026-11-23T12:00', 0, '2026-11-23T12:00'],
    ];
    for (const [from, minutes, expected] of table) {
      expect(fmt(cal.addWorkingMinutes(at(from), minutes)), `${from} + ${minutes}`).to.equal(expected);
    }
  });

  it('adds working days keeping the time of day, clamped into working hours', () => {
    const table: [string, number, string][] = [
      ['2026-09-30T10:00', 1, '2026-10-08T10:00'],
      ['2026-11-27T20:00', 1, '2026-11-30T17:30'],
      ['2026-02-13T07:00', 1, '2026-02-14T08:30'],
      ['2026-02-13T10:00', 2, '2026-02-24T10:00'],
      ['2026-12-30T11:00', 2, '2027-01-04T11:00'],
      ['2026-10-08T10:00', -1, '2026-09-30T10:00'],
      ['2026-11-28T10:00', 0, '2026-11-30T10:00'],
    ];
    for (const [from, days, expected] of table) {
      expect(fmt(cal.addWorkingDays(at(from), days)), `${from} + ${days}`).to.equal(expected);
    }
  });

  it('measures working minutes between two instants', () => {
    const table: [string, string, number][] = [
      ['2026-11-23T09:00', '2026-11-23T10:00', 60],
      ['2026-11-23T00:00', '2026-11-24T00:00', 540],
      ['2026-11-27T17:00', '2026-11-30T09:00', 60],
      ['2026-09-30T17:00', '2026-10-08T09:00', 60],
      ['2026-09-30T08:30', '2026-10-11T00:00', 4 * 540], // 09-30, 10-08, 10-09 and the working Saturday 10-10
      ['2026-02-13T17:00', '2026-02-24T09:00', 30 + 540 + 30],
      ['2026-12-31T17:00', '2027-01-04T09:00', 30 + 30], // 2027-01-01 is off by law
      ['2026-11-23T10:00', '2026-11-23T09:00', -60],
      ['2026-11-28T10:00', '2026-11-29T10:00', 0],
    ];
    for (const [a, b, expected] of table) expect(cal.workingMinutesBetween(at(a), at(b)), `${a} → ${b}`).to.equal(expected);
    const withNewYear = new WorkCalendar({ overrides: [{ date: '2027-01-01', kind: 'off' }], loadedYears: [2027] });
    expect(withNewYear.workingMinutesBetween(at('2026-12-31T17:00'), at('2027-01-04T09:00'))).to.equal(60);
  });

  it('is consistent: adding the minutes between two working instants gets back to the second', () => {
    // Instants strictly inside working time; 08:30 would come back as the previous 17:30.
    const a = at('2026-09-29T10:17');
    for (const b of ['2026-09-30T16:00', '2026-10-09T11:45', '2026-10-10T09:00', '2027-01-05T12:00'].map(at)) {
      expect(cal.addWorkingMinutes(a, cal.workingMinutesBetween(a, b)).getTime()).to.equal(b.getTime());
    }
  });

  it('gives the local date and time in +08:00 whatever the machine zone', () => {
    const d = new Date('2026-11-22T16:30:00Z');
    expect(cal.localDate(d)).to.equal('2026-11-23');
    expect(cal.localTime(d)).to.equal('00:30');
  });
});
