import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { formatLocal, parseInstant } from '../../src/calendar/time';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { extractDeadline } from '../../src/gate/deadline';

const cal = new WorkCalendar();

function run(text: string, ref: string, c: WorkCalendar = cal): string | null {
  const r = extractDeadline(text, parseInstant(ref), c);
  return r.deadline ? formatLocal(r.deadline) : null;
}

// Refs on different weekdays, around the 2026 holidays and across the year boundary.
const MON = '2026-11-23T09:15:00+08:00';
const WED_LATE = '2026-11-25T16:40:00+08:00';
const SAT = '2026-11-28T10:00:00+08:00';
const BEFORE_NATIONAL_DAY = '2026-09-30T10:00:00+08:00'; // Wed; 10-01..07 off, 10-10 (Sat) works
const IN_NATIONAL_DAY = '2026-10-03T11:00:00+08:00';
const BEFORE_SPRING = '2026-02-13T10:00:00+08:00'; // Fri; 02-14 (Sat) works, 02-15..23 off
const ADJUSTED_SAT = '2026-02-14T09:00:00+08:00';
const BEFORE_MAY_DAY = '2026-04-30T11:00:00+08:00'; // Thu; 05-01..05 off, 05-09 (Sat) works
const YEAR_END = '2026-12-28T14:00:00+08:00'; // Mon; 2027 has no published schedule
const LAST_DAY = '2026-12-31T16:00:00+08:00';

type Case = [text: string, ref: string, expected: string | null];

const T = (d: string, t = '17:30'): string => `${d}T${t}:00+08:00`;

const CASES: Case[] = [
  // Clock times without a date: next occurrence at or after ref; bare 1–7点 is afternoon.
  ['请于今天中午12点前报送', MON, T('2026-11-23', '12:00')],
  ['今天下午4点半前', MON, T('2026-11-23', '16:30')],
  ['十二点前', MON, T('2026-11-23', '12:00')],
  ['１２点前报', MON, T('2026-11-23', '12:00')],
  ['晚上九点前', MON, T('2026-11-23', '21:00')],
  ['晚8点前发群里', MON, T('2026-11-23', '20:00')],
  ['中午12点半前', MON, T('2026-11-23', '12:30')],
  ['17:30前', MON, T('2026-11-23', '17:30')],
  ['17：30前', MON, T('2026-11-23', '17:30')],
  ['18时30分前', MON, T('2026-11-23', '18:30')],
  ['三点一刻前', MON, T('2026-11-23', '15:15')],
  ['下午3点钟前', MON, T('2026-11-23', '15:00')],
  ['今天5点前', MON, T('2026-11-23', '17:00')],
  ['早上8点前', MON, T('2026-11-24', '08:00')],
  ['9点前', MON, T('2026-11-24', '09:00')],
  ['早上7点前', MON, T('2026-11-24', '07:00')],
  ['下午三點前', MON, T('2026-11-23', '15:00')],
  ['下午4点前', WED_LATE, T('2026-11-26', '16:00')],
  ['5点前', WED_LATE, T('2026-11-25', '17:00')],
  ['今天下午4点前', WED_LATE, T('2026-11-25', '16:00')],
  ['中午前', WED_LATE, T('2026-11-26', '12:00')],
  ['今天下午3点前', SAT, T('2026-11-28', '15:00')],
  // Days with a period word or a clock.
  ['明天中午前', MON, T('2026-11-24', '12:00')],
  ['明天下午两点前', MON, T('2026-11-24', '14:00')],
  ['后天上午前', MON, T('2026-11-25', '12:00')],
  ['大后天下班前', MON, T('2026-11-26')],
  ['明晚8点前', MON, T('2026-11-24', '20:00')],
  ['明早前', WED_LATE, T('2026-11-26', '12:00')],
  ['次日上午10时前', MON, T('2026-11-24', '10:00')],
  ['明天17:00前', MON, T('2026-11-24', '17:00')],
  ['今日内报送', MON, T('2026-11-23')],
  ['当天下班前', MON, T('2026-11-23')],
  ['请各社区于11月25日下班前报送', MON, T('2026-11-25')],
  ['请在11月26日12时前将表格发至邮箱', MON, T('2026-11-26', '12:00')],
  ['截止时间：2026年11月30日18:00', MON, T('2026-11-30', '18:00')],
  ['11月24日（周二）下午3点前', MON, T('2026-11-24', '15:00')],
  ['请于12月1日（星期二）前报送', MON, T('2026-12-01')],
  ['11月24日周二前', MON, T('2026-11-24')],
  // 下班/上班 with no day: the next working day's.
  ['下班前报上来', MON, T('2026-11-23')],
  ['下班前', WED_LATE, T('2026-11-25')],
  ['下班前', SAT, T('2026-11-30')],
  ['下班前', IN_NATIONAL_DAY, T('2026-10-08')],
  ['下班前', ADJUSTED_SAT, T('2026-02-14')],
  ['下班前', LAST_DAY, T('2026-12-31')],
  // Weekdays.
  ['本周三下午3点前', MON, T('2026-11-25', '15:00')],
  ['这周五前', MON, T('2026-11-27')],
  ['下周二前', MON, T('2026-12-01')],
  ['下个星期五下午5点前', MON, T('2026-12-04', '17:00')],
  ['下下周一前', MON, T('2026-12-07')],
  ['周日前', MON, T('2026-11-29')],
  ['礼拜天之前', MON, T('2026-11-29')],
  ['上周五前', MON, T('2026-11-20')],
  ['周一上午10点前', MON, T('2026-11-23', '10:00')],
  ['周三前', WED_LATE, T('2026-11-25')],
  ['周二前', WED_LATE, T('2026-12-01')],
  ['周一前', SAT, T('2026-11-30')],
  ['本周日前', SAT, T('2026-11-29')],
  ['下周一前', SAT, T('2026-11-30')],
  ['周六前', SAT, T('2026-11-28')],
  ['下周一前', BEFORE_NATIONAL_DAY, T('2026-10-05')],
  ['周一前', BEFORE_SPRING, T('2026-02-16')],
  ['下周三前', BEFORE_SPRING, T('2026-02-18')],
  ['周五前', YEAR_END, T('2027-01-01')],
  ['下周一前', YEAR_END, T('2027-01-04')],
  // Weeks, months, quarters, years.
  ['这周之内', MON, T('2026-11-27')],
  ['本周内', WED_LATE, T('2026-11-27')],
  ['本周内', SAT, T('2026-11-27')],
  ['本周内', YEAR_END, T('2027-01-01')],
  ['本月底前', MON, T('2026-11-30')],
  ['月底前', SAT, T('2026-11-30')],
  ['12月底前', MON, T('2026-12-31')],
  ['下月底前', MON, T('2026-12-31')],
  ['下月底', YEAR_END, T('2027-01-31')],
  ['1月底前', YEAR_END, T('2027-01-31')],
  ['年内完成', MON, T('2026-12-31')],
  ['今年年底前', MON, T('2026-12-31')],
  // Dates.
  ['11月30号前', MON, T('2026-11-30')],
  ['十一月二十六日前', MON, T('2026-11-26')],
  ['2026-12-01前报送', MON, T('2026-12-01')],
  ['2026/12/02 12:00前', MON, T('2026-12-02', '12:00')],
  ['12月3日上午9:30前', MON, T('2026-12-03', '09:30')],
  ['２０２６年１２月１日前', MON, T('2026-12-01')],
  ['2027年1月10日前', MON, T('2027-01-10')],
  ['请于11月23日前报送', MON, T('2026-11-23')],
  ['30日前', MON, T('2026-11-30')],
  ['请于20日前报送', MON, T('2026-12-20')],
  ['本月28日前', MON, T('2026-11-28')],
  ['下月5日前', MON, T('2026-12-05')],
  ['31日前', YEAR_END, T('2026-12-31')],
  ['5日前', YEAR_END, T('2027-01-05')],
  ['12.31前', YEAR_END, T('2026-12-31')],
  ['1/4前', YEAR_END, T('2027-01-04')],
  ['明年1月8日前', YEAR_END, T('2027-01-08')],
  ['1月4日前', LAST_DAY, T('2027-01-04')],
  ['明天上午9点前', LAST_DAY, T('2027-01-01', '09:00')],
  ['明天下午3点前', IN_NATIONAL_DAY, T('2026-10-04', '15:00')],
  ['10月9日前', BEFORE_NATIONAL_DAY, T('2026-10-09')],
  ['10月8日上班前', BEFORE_NATIONAL_DAY, T('2026-10-08', '08:30')],
  ['明天上午10点前', BEFORE_NATIONAL_DAY, T('2026-10-01', '10:00')],
  ['昨天前', MON, T('2026-11-22')],
  // Ranges and starts.
  ['11月25日至11月27日期间报送', MON, T('2026-11-27')],
  ['11月24日至26日', MON, T('2026-11-26')],
  ['即日起至12月5日', MON, T('2026-12-05')],
  ['自11月24日起施行', MON, null],
  ['5月1日起施行', MON, null],
  ['11月25日起每天下午5点前报送', MON, null], // recurring: no single deadline
  // Durations.
  ['2小时内', MON, T('2026-11-23', '11:15')],
  ['一个半小时内', MON, T('2026-11-23', '10:45')],
  ['45分钟内', MON, T('2026-11-23', '10:00')],
  ['两天内', MON, T('2026-11-25', '09:15')],
  ['24小时内', MON, T('2026-11-24', '09:15')],
  ['一周内', MON, T('2026-11-30', '09:15')],
  ['3小时内', WED_LATE, T('2026-11-25', '19:40')],
  ['一周内', YEAR_END, T('2027-01-04', '14:00')],
  ['1个月内', YEAR_END, T('2027-01-28', '14:00')],
  // Working days.
  ['5个工作日内', MON, T('2026-11-30')],
  ['十个工作日内', MON, T('2026-12-07')],
  ['下一个工作日', MON, T('2026-11-24')],
  ['1个工作日内', WED_LATE, T('2026-11-26')],
  ['2个工作日内', SAT, T('2026-12-01')],
  ['2个工作日内', BEFORE_NATIONAL_DAY, T('2026-10-09')],
  ['5个工作日内', BEFORE_NATIONAL_DAY, T('2026-10-13')],
  ['2个工作日内', IN_NATIONAL_DAY, T('2026-10-09')],
  ['3个工作日内', BEFORE_SPRING, T('2026-02-25')],
  ['1个工作日内', ADJUSTED_SAT, T('2026-02-24')],
  ['3个工作日内', BEFORE_MAY_DAY, T('2026-05-08')],
  ['4个工作日内', BEFORE_MAY_DAY, T('2026-05-09')],
  ['3个工作日内', YEAR_END, T('2026-12-31')],
  ['两个工作日内', LAST_DAY, T('2027-01-05')], // 2027-01-01 is off by law before any schedule is imported
  // Holidays.
  ['节后', BEFORE_NATIONAL_DAY, T('2026-10-08')],
  ['节后上班前', BEFORE_NATIONAL_DAY, T('2026-10-08', '08:30')],
  ['国庆节后第一个工作日', BEFORE_NATIONAL_DAY, T('2026-10-08')],
  ['国庆前', BEFORE_NATIONAL_DAY, T('2026-09-30')],
  ['节前', BEFORE_NATIONAL_DAY, T('2026-09-30')],
  ['节后第一个工作日', IN_NATIONAL_DAY, T('2026-10-08')],
  ['节后', BEFORE_SPRING, T('2026-02-24')],
  ['春节前', BEFORE_SPRING, T('2026-02-14')],
  ['春节后', BEFORE_SPRING, T('2026-02-24')],
  ['年前完成', BEFORE_SPRING, T('2026-02-14')],
  ['节后第一个工作日上午9点前', ADJUSTED_SAT, T('2026-02-24', '09:00')],
  ['节后', BEFORE_MAY_DAY, T('2026-05-06')],
  ['五一前', BEFORE_MAY_DAY, T('2026-04-30')],
  ['五一后第一个工作日', BEFORE_MAY_DAY, T('2026-05-06')],
  ['元旦前', YEAR_END, T('2026-12-31')],
  ['节后第一个工作日', YEAR_END, T('2027-01-04')],
  // Immediacy.
  ['火速上报', MON, MON],
  ['立刻报送', MON, MON],
  ['请即刻到岗', MON, MON],
  ['速报！', MON, MON],
  ['尽快，最迟11月25日前', MON, MON],
  // Several deadlines: the earliest.
  ['初稿11月30日前，终稿12月10日前，请于今天下午5点前确认是否参加', MON, T('2026-11-23', '17:00')],
  ['明天下班前报送，后天上午9点前反馈', MON, T('2026-11-24')],
  // Background dates do not bind when the notice names what to do by when.
  ['请报送11月1日至11月20日的数据，11月25日前报送', MON, T('2026-11-25')],
  ['根据11月20日会议精神，请于11月25日前报送', MON, T('2026-11-25')],
  ['已于11月20日下发通知，请各社区11月26日前反馈', MON, T('2026-11-26')],
  // Assorted forms.
  ['晚上7点至9点', MON, T('2026-11-23', '21:00')],
  ['明天上午9点到11点', MON, T('2026-11-24', '11:00')],
  ['下周一至周三', MON, T('2026-12-02')],
  ['请于今天15.00前报送', MON, T('2026-11-23', '15:00')],
  ['5:30前', MON, T('2026-11-23', '17:30')],
  ['3:15pm前', MON, T('2026-11-23', '15:15')],
  ['2026-11-24T15:30:00+08:00前', MON, T('2026-11-24', '15:30')],
  ['一刻钟内', MON, T('2026-11-23', '09:30')],
  ['今明两天内报送', MON, T('2026-11-24')],
  ['下个月10号前', MON, T('2026-12-10')],
  ['本月中旬前', MON, T('2026-11-20')],
  ['元月5日前', YEAR_END, T('2027-01-05')],
  ['春节前最后一个工作日', BEFORE_SPRING, T('2026-02-14')],
  ['请于节后上班第一天报送', BEFORE_NATIONAL_DAY, T('2026-10-08')],
  ['请于12月1日（周二）前报送，联系电话：0571-87654321', MON, T('2026-12-01')],
  ['截至11月20日，全街道已完成800户，请于11月25日前报送剩余数据', MON, T('2026-11-25')],
  ['请在12月1日-12月5日期间完成入户走访，12月6日前提交走访记录', MON, T('2026-12-05')],
  ['12-10前报送', MON, T('2026-12-10')],
  ['不必马上回复，本周五前报送即可', MON, T('2026-11-27')],
  ['请于明天（11月25日）上午11时前报送', '2026-11-24T10:05:00+08:00', T('2026-11-25', '11:00')],
  ['请于11月30日（下周一）上班前报送', MON, T('2026-11-30', '08:30')],
  ['请于下周二（12月1日）前报送', MON, T('2026-12-01')],
  ['11月最后一个工作日前', MON, T('2026-11-30')],
  ['本周最后一个工作日', MON, T('2026-11-27')],
  ['下月第一个工作日', MON, T('2026-12-01')],
  ['下周第一个工作日', '2026-09-28T10:00:00+08:00', T('2026-10-08')],
  // Numbers that are not times.
  ['请拨打12345或13800138000咨询', MON, null],
  ['3号楼、5号楼居民请注意', MON, null],
  ['低保户补贴每人每月500元', MON, null],
  ['涨幅12.5%', MON, null],
  ['全年完成率达到98.6%', MON, null],
  ['请落实以下三点要求', MON, null],
  ['注意以下两点：', MON, null],
  ['再快一点', MON, null],
  ['辖区70岁以上老人', MON, null],
  ['2026年度考核', MON, null],
  ['根据民发〔2026〕3号文件精神', MON, null],
  ['阅读量达到1.2万', MON, null],
  ['请按时上班', MON, null],
  ['下午开会讨论', MON, null],
  ['第三点，关于资金', MON, null],
  ['请到A区3号', MON, null],
  ['办公时间：上午9点至下午5点', MON, null],
  ['工作时间8:30-17:30，请于11月25日前报送', MON, T('2026-11-25')],
  ['两点一线', MON, null],
  ['3.15消费者权益日宣传', MON, null],
];

describe('extractDeadline', () => {
  describe('own cases', () => {
    for (const [text, ref, expected] of CASES) {
      it(`${text} @ ${ref.slice(0, 16)}`, () => {
        expect(run(text, ref)).to.equal(expected);
      });
    }
  });

  it('reports every match with its text, index and kind, and flags immediacy', () => {
    const text = '请马上核实，11月25日前报送';
    const r = extractDeadline(text, parseInstant(MON), cal);
    expect(r.immediate).to.equal(true);
    expect(r.matches.map((m) => [m.text, m.index, m.kind])).to.deep.equal([
      ['马上', 1, 'immediate'],
      ['11月25日', 6, 'day'],
    ]);
    expect(r.deadline?.getTime()).to.equal(parseInstant(MON).getTime());
  });

  it('takes 上班 and 下班 from the calendar', () => {
    const late = new WorkCalendar({ workStart: '09:00', workEnd: '18:00' });
    expect(run('今天下班前', MON, late)).to.equal(T('2026-11-23', '18:00'));
    expect(run('周一上班前', MON, late)).to.equal(T('2026-11-30', '09:00'));
    expect(run('2个工作日内', MON, late)).to.equal(T('2026-11-25', '18:00'));
  });

  it('uses the days off fixed by law for a year without a schedule, and an imported schedule over them', () => {
    expect(run('5个工作日内', YEAR_END)).to.equal(T('2027-01-05'));
    const imported = new WorkCalendar({
      overrides: [{ date: '2027-01-01', kind: 'off', name: '元旦' }, { date: '2027-01-02', kind: 'work', name: '元旦' }],
      loadedYears: [2027],
    });
    expect(run('5个工作日内', YEAR_END, imported)).to.equal(T('2027-01-04'));
    expect(run('两个工作日内', LAST_DAY, imported)).to.equal(T('2027-01-04'));
  });

  it('returns an empty result for empty or invalid input', () => {
    expect(extractDeadline('', parseInstant(MON), cal)).to.deep.equal({ deadline: null, matches: [], immediate: false });
    expect(extractDeadline('明天', new Date(NaN), cal).deadline).to.equal(null);
  });

  it('never throws on generated time phrases and returns only valid dates', () => {
    // Every combination of a day form, a time form and a frame, plus fragments cut at each position.
    const days = ['', '今天', '明天', '后天', '大后天', '下周三', '本周五', '周日', '11月30日', '12月1号', '2027年1月5日', '2月30日',
      '13月1日', '30号', '1月', '下个月5号', '月底', '年底前', '下旬', '三季度末', '第4个工作日', '10.8', '2026-12-03', '十二月三十一日'];
    const times = ['', '上午9点', '下午3点半', '晚上8时', '中午', '17:30', '25:00', '8：05', '凌晨', '下班前', '上班前', '12点整', '三点一刻'];
    const frames = ['请于{}前报送', '{}', '截止{}', '{}召开会议', '最迟{}反馈', '{}以前完成，逾期不候', '截至{}，已完成'];
    let count = 0;
    const check = (text: string): void => {
      for (const ref of [MON, BEFORE_SPRING, LAST_DAY]) {
        const r = extractDeadline(text, parseInstant(ref), cal);
        count++;
        for (const m of r.matches) expect(Number.isNaN(m.at.getTime()), text).to.equal(false);
        if (r.deadline) {
          expect(Number.isNaN(r.deadline.getTime()), text).to.equal(false);
          expect(Math.abs(r.deadline.getTime() - parseInstant(ref).getTime())).to.be.below(3 * 366 * 86_400_000);
        }
      }
    };
    for (const d of days) {
      for (const t of times) {
        for (const f of frames) {
          const text = f.replace('{}', d + t);
          check(text);
          if (f === frames[0]) for (let i = 1; i < text.length; i += 3) check(text.slice(0, i));
        }
      }
    }
    expect(count).to.be.greaterThan(2000);
  });

  it('answers JSON lines through `jianfu deadline --jsonl`, reporting bad lines and going on', () => {
    const root = path.resolve(__dirname, '../..');
    const out = execFileSync(process.execPath, ['scripts/jianfu.js', 'deadline', '--jsonl', 'test/gate/fixtures/deadline-cli.jsonl'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, TZ: 'America/New_York' },
    });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[0]).to.deep.equal({ id: 'a', deadline: '2026-11-25T17:30:00+08:00' });
    expect(rows[1]).to.deep.equal({ id: 'b', deadline: null });
    expect(rows[2].id).to.equal(null);
    expect(rows[2].error).to.be.a('string');
    expect(rows[3].id).to.equal('c');
    expect(rows[3].error).to.be.a('string');
    expect(rows[4].id).to.equal('d');
    expect(rows[5]).to.deep.equal({ id: 5, deadline: '2026-10-10T17:30:00+08:00' });
    expect(rows).to.have.length(6);
  });

  it('prints a Chinese usage line and exits 2 on wrong usage', () => {
    const root = path.resolve(__dirname, '../..');
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['scripts/jianfu.js', 'deadline'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).to.equal(2);
    expect(stderr).to.contain('用法');
  });
});
