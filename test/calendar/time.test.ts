import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import {
  addDays, addMonths, daysInMonth, diffDays, formatLocal, localDate, localTime, parseClock, parseInstant, parseLocal, weekdayOf,
} from '../../src/calendar/time';

describe('time helpers (+08:00)', () => {
  it('parses and formats local wall-clock time', () => {
    const d = parseLocal('2026-11-23', '12:00');
    expect(d.toISOString()).to.equal('2026-11-23T04:00:00.000Z');
    expect(formatLocal(d)).to.equal('2026-11-23T12:00:00+08:00');
    expect(formatLocal(parseLocal('2026-11-23', '24:00'))).to.equal('2026-11-24T00:00:00+08:00');
    expect(localDate(new Date('2026-12-31T16:00:00Z'))).to.equal('2027-01-01');
    expect(localTime(new Date('2026-12-31T16:05:00Z'))).to.equal('00:05');
  });

  it('parses instants with or without an offset', () => {
    expect(parseInstant('2026-11-23T09:15:00+08:00').toISOString()).to.equal('2026-11-23T01:15:00.000Z');
    expect(parseInstant('2026-11-23T01:15:00Z').toISOString()).to.equal('2026-11-23T01:15:00.000Z');
    expect(parseInstant('2026-11-23T09:15').toISOString()).to.equal('2026-11-23T01:15:00.000Z');
    expect(parseInstant('2026-11-23 09:15:30').toISOString()).to.equal('2026-11-23T01:15:30.000Z');
    expect(() => parseInstant('明天')).to.throw();
  });

  it('does calendar arithmetic on dates', () => {
    expect(addDays('2026-12-31', 1)).to.equal('2027-01-01');
    expect(addDays('2026-03-01', -1)).to.equal('2026-02-28');
    expect(addMonths('2026-01-31', 1)).to.equal('2026-02-28');
    expect(addMonths('2026-12-15', 1)).to.equal('2027-01-15');
    expect(addMonths('2026-01-15', -1)).to.equal('2025-12-15');
    expect(diffDays('2026-12-28', '2027-01-05')).to.equal(8);
    expect(weekdayOf('2026-11-23')).to.equal(1);
    expect(weekdayOf('2026-11-29')).to.equal(7);
    expect(daysInMonth(2028, 2)).to.equal(29);
    expect(parseClock('08:30')).to.equal(510);
    expect(() => parseClock('25:00')).to.throw();
    expect(() => addDays('2026-02-30', 1)).to.throw();
  });

  it('gives the same answers under any machine time zone', function () {
    this.timeout(60_000);
    const probe = path.join(__dirname, 'fixtures/tz-probe.ts');
    const root = path.resolve(__dirname, '../..');
    const outputs = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Pacific/Kiritimati'].map((tz) =>
      execFileSync(process.execPath, ['--import', 'tsx', probe], { cwd: root, env: { ...process.env, TZ: tz }, encoding: 'utf8' }));
    const first = JSON.parse(outputs[0]);
    expect(first.working).to.deep.equal([true, false, true, true, false, true, false]);
    expect(first.names).to.deep.equal(['国庆节', '春节', '春节', '端午节', '中秋节']); // 2027: lunar days off by law
    expect(first.local).to.deep.equal(['2026-11-23', '00:15', '2026-03-08T02:30:00+08:00']);
    expect(first.deadlines[0]).to.equal('2026-11-24T17:30:00+08:00');
    for (const o of outputs.slice(1)) expect(JSON.parse(o)).to.deep.equal(first);
  });
});
