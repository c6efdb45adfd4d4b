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
    expect(r.items[0]).to.deep.equal({ name: '元旦', off: ['2025-01-01'], work: [], statedDays: 1 });
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
    expect(r.items[0]).to.deep.equal({ name: '元旦', off: ['2026-01-01'], work: [], statedDays: 1 });
    expect(r.items[1].off).to.have.length(9);
    expect(r.items[2].off).to.deep.equal(['2026-06-19']);
    expect(r.work).to.deep.equal(['2026-02-14', '2026-02-28']);
  });

  it('expands a single start day with a stated length', () => {
    const r = parseHolidayNotice('2030年部分节假日安排\n一、国庆节：10月1日起放假7天。9月29日（星期日）上班。');
    expect(r.off).to.deep.equal(['2030-10-01', '2030-10-02', '2030-10-03', '2030-10-04', '2030-10-05', '2030-10-06', '2030-10-07']);
    expect(r.work).to.deep.equal(['2030-09-29']);
  });

  describe('the same schedule in other layouts', () => {
    const HEAD = '国务院办公厅关于2026年部分节假日安排的通知\n经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。\n';
    const FOOT = '\n国务院办公厅\n2025年11月4日';
    const layouts: Record<string, string> = {
      'adjusted working days listed together at the end': HEAD + [
        '一、元旦：1月1日至3日放假，共3天。',
        '二、春节：2月15日至23日放假，共9天。',
        '三、清明节：4月4日至6日放假，共3天。',
        '四、劳动节：5月1日至5日放假，共5天。',
        '五、端午节：6月19日至21日放假，共3天。',
        '六、中秋节：9月25日至27日放假，共3天。',
        '七、国庆节：10月1日至7日放假，共7天。',
        '调休上班日期：1月4日（周日）、2月14日（周六）、2月28日（周六）、5月9日（周六）、9月20日（周日）、10月10日（周六）。',
      ].join('\n') + FOOT,
      'adjusted working days one per line under a heading': HEAD + [
        '一、元旦：1月1日至3日放假，共3天。',
        '二、春节：2月15日至23日放假，共9天。',
        '三、清明节：4月4日至6日放假，共3天。',
        '四、劳动节：5月1日至5日放假，共5天。',
        '五、端午节：6月19日至21日放假，共3天。',
        '六、中秋节：9月25日至27日放假，共3天。',
        '七、国庆节：10月1日至7日放假，共7天。',
        '调休上班日期：',
        '1月4日（周日）', '2月14日（周六）', '2月28日（周六）', '5月9日（周六）', '9月20日（周日）', '10月10日（周六）',
      ].join('\n') + FOOT,
      'a table with | columns': HEAD + [
        '| 节日 | 放假时间 | 调休上班日期 | 放假天数 |',
        '| --- | --- | --- | --- |',
        '| 元旦 | 1月1日至1月3日 | 1月4日（周日） | 3天 |',
        '| 春节 | 2月15日至2月23日 | 2月14日（周六）、2月28日（周六） | 9天 |',
        '| 清明节 | 4月4日至4月6日 | 无 | 3天 |',
        '| 劳动节 | 5月1日至5月5日 | 5月9日（周六） | 5天 |',
        '| 端午节 | 6月19日至6月21日 | 无 | 3天 |',
        '| 中秋节 | 9月25日至9月27日 | 无 | 3天 |',
        '| 国庆节 | 10月1日至10月7日 | 9月20日（周日）、10月10日（周六） | 7天 |',
      ].join('\n') + FOOT,
      'a table whose columns are named otherwise': HEAD + [
        '节日｜放假调休时间｜天数｜调休上班',
        '元旦｜1月1日（周四）至3日（周六）｜共3天｜1月4日（周日）',
        '春节｜2月15日（周日）至23日（周一）｜共9天｜2月14日（周六）、2月28日（周六）',
        '清明节｜4月4日至6日｜共3天｜—',
        '劳动节｜5月1日至5日｜共5天｜5月9日（周六）',
        '端午节｜6月19日至21日｜共3天｜—',
        '中秋节｜9月25日至27日｜共3天｜—',
        '国庆节｜10月1日至7日｜共7天｜9月20日（周日）、10月10日（周六）',
      ].join('\n') + FOOT,
      'a tab-separated table without the title year': [
        '各省、自治区、直辖市人民政府：',
        '节假日\t放假日期\t天数\t调休上班',
        '国庆节\t10月1日—7日\t7\t9月20日、10月10日',
        '中秋节\t9月25日—27日\t3\t',
        '端午节\t6月19日—21日\t3\t',
        '劳动节\t5月1日—5日\t5\t5月9日',
        '清明节\t4月4日—6日\t3\t',
        '春节\t2月15日—23日\t9\t2月14日、2月28日',
        '元旦\t1月1日—3日\t3\t1月4日',
      ].join('\n') + FOOT,
    };
    for (const [name, text] of Object.entries(layouts)) {
      it(name, () => {
        const r = parseHolidayNotice(text);
        expect({ year: r.year, off: r.off, work: r.work }).to.deep.equal(expected(2026));
        expect(r.items.find((i) => i.name.includes('春节'))?.work).to.deep.equal(['2026-02-14', '2026-02-28']);
      });
    }
  });

  describe('refuses a result that fails a check, saying why', () => {
    const base = notice(2026);
    const refusals: [string, string, RegExp][] = [
      ['a weekday that disagrees with its date', base.replace('2月14日（周六）', '2月13日（周六）'), /2026年2月13日实际是周五/],
      ['an adjusted working day on a weekday', base.replace('5月9日（周六）上班', '5月8日上班'), /调休上班日2026年5月8日是周五/],
      ['a stated length that does not match', base.replace('共9天', '共8天'), /春节写明共8天，识别出9天/],
      ['days that are not contiguous', base.replace('10月1日（周四）至7日（周三）放假调休，共7天', '10月1日至3日、10月5日至7日放假调休'), /国庆节的放假日期不连续/],
      ['a holiday out of its place', base.replace('二、春节：2月15日', '二、春节：3月15日').replace('至23日（农历正月初七、周一）', '至23日'), /春节识别为2026年3月15日开始，不在1月或2月/],
      ['working days it speaks of but that cannot be read', base.replace(/\d+月\d+日（周[六日]）、?(?=[^。]*上班)/g, '').replace(/。上班。/g, '。调休上班另行通知。'), /通知提到调休上班，但没有识别出上班日期/],
      ['a date outside the notice year', base.replace('6月19日（周五）至21日（周日）', '2027年6月19日至21日'), /2027年6月19日不在2026年内/],
    ];
    for (const [name, text, reason] of refusals) {
      it(name, () => {
        expect(() => parseHolidayNotice(text)).to.throw(reason);
      });
    }
  });

  it('takes the year from the signing date only when nothing else names it, as the following year', () => {
    const r = parseHolidayNotice('元旦：1月1日至3日放假，共3天。1月4日（周日）上班。\n国务院办公厅\n2025年11月4日');
    expect(r.year).to.equal(2026);
    expect(r.work).to.deep.equal(['2026-01-04']);
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
