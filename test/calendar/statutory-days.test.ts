import { expect } from 'chai';
import data from 'chinese-days/dist/chinese-days.json';
import { solarOfLunar, statutoryDays } from '../../src/calendar/statutory-days';

describe('statutory days off for a year with no published schedule', () => {
  it('are all off in the published schedules since the 2024 revision of the law', () => {
    const holidays = (data as { holidays: Record<string, string> }).holidays;
    for (const year of [2025, 2026]) {
      const days = statutoryDays(year);
      expect(days.size, String(year)).to.equal(13);
      for (const date of days.keys()) expect(holidays, `${date} ${days.get(date)}`).to.have.property(date);
    }
  });

  it('place the lunar festivals of 2027 (春节 from 除夕, 端午, 中秋) and 清明', () => {
    const days = statutoryDays(2027);
    const named = (name: string) => [...days].filter(([, n]) => n === name).map(([d]) => d);
    expect(named('春节')).to.deep.equal(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect(named('清明节')).to.deep.equal(['2027-04-05']);
    expect(named('端午节')).to.deep.equal(['2027-06-09']);
    expect(named('中秋节')).to.deep.equal(['2027-09-15']);
    expect(named('国庆节')).to.deep.equal(['2027-10-01', '2027-10-02', '2027-10-03']);
  });

  it('counts lunar months past a leap month', () => {
    // 2025 has a leap sixth month: 中秋 (8/15) fell on 6 October.
    expect(solarOfLunar(2025, 8, 15)).to.equal('2025-10-06');
    expect(solarOfLunar(2026, 1, 1)).to.equal('2026-02-17');
  });
});
