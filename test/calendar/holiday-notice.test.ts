import { expect } from 'chai';
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parseHolidayNotice } from '../../src/calendar/holiday-notice';

import { schedule } from './fixtures/schedules';

const NOTICES = path.join(__dirname, 'fixtures/notices');
const notice = (year: number): string => readFileSync(path.join(NOTICES, `${year}.txt`), 'utf8');
const expected = (year: number): { year: number; off: string[]; work: string[] } => ({ year, ...schedule(year) });

const toFullWidthDigits = (s: string): string => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('parseHolidayNotice', () => {
  // Notices of each year in its own wording (星期日, 周四, 与周末连休, 2022年12月31日至2023年1月2日 …),
  // checked against the official schedule of that year.
  for (const year of [2020, 2021, 2022, 2023, 2024, 2025, 2026]) {
    it(`parses a ${year}-style notice into the official ${year} schedule`, () => {
      const r = parseHolidayNotice(notice(year));
      expect({ year: r.year, off: r.off, work: r.work }).to.deep.equal(expected(year));
    });
  }

  it('reports each item with its own days', () => {
    const r = parseHolidayNotice(notice(2025));
    expect(r.items.map((i) => i.name)).to.deep.equal(['元旦', '春节', '清明节', '劳动节', '端午节', '国庆节、中秋节']);
    expect(r.items[0]).to.deep.equal({ name: '元旦', off: ['2025-01-01'], work: [] });
    expect(r.items[5].work).to.deep.equal(['2025-09-28', '2025-10-11']);
  });

  it('reads full-width digits and 星期 instead of 周', () => {
    const variant = toFullWidthDigits(notice(2026)).replace(/周([一二三四五六日])/g, '星期$1');
    const r = parseHolidayNotice(variant);
    expect({ year: r.year, off: r.off, work: r.work }).to.deep.equal(expected(2026));
  });

  it('reads items numbered （一）, 1. or not at all', () => {
    const text = notice(2026);
    const numerals = '一二三四五六七';
    const variants = [
      text.replace(/^([一二三四五六七])、/gm, '（$1）'),
      text.replace(/^([一二三四五六七])、/gm, (_m, c: string) => `${numerals.indexOf(c) + 1}. `),
      text.replace(/^([一二三四五六七])、/gm, ''),
    ];
    for (const v of variants) {
      const r = parseHolidayNotice(v);
      expect({ year: r.year, off: r.off, work: r.work }).to.deep.equal(expected(2026));
      expect(r.items.map((i) => i.name)).to.deep.equal(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    }
  });

  it('survives the notice pasted as one line', () => {
    const r = parseHolidayNotice(notice(2022).replace(/\s*\n\s*/g, ''));
    expect({ year: r.year, off: r.off, work: r.work }).to.deep.equal(expected(2022));
  });

  it('puts a range across the new year without written years into the previous December', () => {
    const text = '国务院办公厅关于2023年部分节假日安排的通知\n一、元旦：12月31日（星期六）至1月2日（星期一）放假调休，共3天。\n二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。';
    const r = parseHolidayNotice(text);
    expect(r.items[0].off).to.deep.equal(['2022-12-31', '2023-01-01', '2023-01-02']);
    expect(r.work).to.deep.equal(['2023-01-28', '2023-01-29']);
  });

  it('handles 放假1天, 不调休, lunar notes and a single day with 与周末连休', () => {
    const text = [
      '国务院办公厅关于2026年部分节假日安排的通知',
      '一、元旦：1月1日（周四）放假1天，不调休。',
      '二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。',
      '三、端午节：6月19日放假，与周末连休。',
    ].join('\n');
    const r = parseHolidayNotice(text);
    expect(r.items[0]).to.deep.equal({ name: '元旦', off: ['2026-01-01'], work: [] });
    expect(r.items[1].off).to.have.length(9);
    expect(r.items[2].off).to.deep.equal(['2026-06-19']);
    expect(r.work).to.deep.equal(['2026-02-14', '2026-02-28']);
  });

  it('expands a single start day with a stated length', () => {
    const r = parseHolidayNotice('2030年部分节假日安排\n一、国庆节：10月1日起放假7天。9月29日（星期日）上班。');
    expect(r.off).to.deep.equal(['2030-10-01', '2030-10-02', '2030-10-03', '2030-10-04', '2030-10-05', '2030-10-06', '2030-10-07']);
    expect(r.work).to.deep.equal(['2030-09-29']);
  });

  it('throws short Chinese errors when nothing can be parsed', () => {
    expect(() => parseHolidayNotice('')).to.throw('未找到年份');
    expect(() => parseHolidayNotice('元旦放假，春节上班')).to.throw('未找到年份');
    expect(() => parseHolidayNotice('国务院办公厅关于2027年部分节假日安排的通知\n具体安排另行通知。')).to.throw('未识别到放假安排');
  });

  it('is available as `jianfu holidays parse FILE`', () => {
    const root = path.resolve(__dirname, '../..');
    const file = path.join(NOTICES, '2025.txt');
    const out = execFileSync(process.execPath, ['scripts/jianfu.js', 'holidays', 'parse', file], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).to.deep.equal(expected(2025));
    let status = 0;
    try {
      execFileSync(process.execPath, ['scripts/jianfu.js', 'holidays', 'parse', path.join(NOTICES, 'missing.txt')], { cwd: root, stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).to.equal(2);
  });
});
