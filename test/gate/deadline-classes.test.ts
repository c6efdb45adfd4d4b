import { expect } from 'chai';
import { formatLocal, parseInstant } from '../../src/calendar/time';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { extractDeadline } from '../../src/gate/deadline';

// Own wording per class of the convention (docs/judgement.md): only what recipients are asked to do binds.
const cal = new WorkCalendar();
const MON = '2026-11-23T09:15:00+08:00';
const T = (d: string, t = '17:30'): string => `${d}T${t}:00+08:00`;

function run(text: string, ref = MON): string | null {
  const r = extractDeadline(text, parseInstant(ref), cal);
  return r.deadline ? formatLocal(r.deadline) : null;
}

type Row = [text: string, expected: string | null];

const CLASSES: Record<string, Row[]> = {
  'events set none; the asked-for time beside them binds': [
    ['定于11月25日下午2点在街道三楼召开安全生产会议，请各社区主任准时参加。', null],
    ['街道拟于12月3日举办社工业务培训。', null],
    ['会议时间：11月26日上午9:00；会议地点：街道二楼会议室。', null],
    ['培训将于11月28日上午9点在党群服务中心举行，请于11月25日前报送参训名单。', T('2026-11-25')],
    ['拟于12月5日开展消防演练，请各社区于12月1日前报名。', T('2026-12-01')],
    ['活动时间：11月29日（周日）上午。', null],
    ['11月27日下午3点在文化站召开居民议事会。', null],
    ['计划于下周三组织入户调研，请各社区周二下班前反馈联系人。', T('2026-11-24')],
    ['考试日期为12月6日，报名截止11月30日。', T('2026-11-30')],
    ['本次培训时间为11月26日至28日，每天上午9点开始。', null],
    ['会议定于11月24日（周二）上午9:30召开，请于今天下午5点前报送参会回执。', T('2026-11-23', '17:00')],
  ],
  'status lines set none': [
    ['截至11月20日，全街道已完成入户走访1200户。', null],
    ['截至昨天，辖区累计接种3200人次。', null],
    ['截至11月22日已排查隐患46处，请于11月26日前报送整改进度。', T('2026-11-26')],
    ['截止到本月20日，共收到申请83份。', null],
  ],
  'office hours in any layout set none': [
    ['办公时间：8:30-17:30', null],
    ['工作时间（周一至周五）：上午9:00-12:00，下午14:00-17:30。', null],
    ['窗口受理时间为每周一至周五上午8:30至12:00。', null],
    ['服务大厅开放时间 9:00—17:00（节假日除外）', null],
    ['咨询时间：工作日上午8:30-11:30', null],
    ['值班时间为晚上8点至次日早上8点。', null],
    ['办事时间：周一至周五，下午2:00至5:30。请于11月25日前报送材料。', T('2026-11-25')],
    ['服务时间：周一至周五 上午8:30-12:00 下午2:30-5:30', null],
    ['办理时间：11月20日至11月30日，逾期不再受理。', T('2026-11-30')],
    ['居民可于周一至周五8:30-17:30到社区窗口办理。', null],
    ['窗口周六上午9点至12点照常开放', null],
    ['请各社区安排专人于明天上午9点到街道领取物资。', T('2026-11-24', '09:00')],
    ['今天下午3点前到街道领取物资', T('2026-11-23', '15:00')],
  ],
  'recurring times set none': [
    ['每天上午8:30前报送前一日巡查情况。', null],
    ['每周五下班前报送本周工作小结。', null],
    ['每月5日前报送上月数据。', null],
    ['请网格员每晚9点前在群里报平安。', null],
    ['每个工作日下午4点前更新台账。', null],
    ['周一至周五每天下午5点前报送。', null],
  ],
  'past events set none': [
    ['昨夜暴雨，请各社区立即排查积水点。', MON],
    ['昨天下午发生山体滑坡，请于今天下午3点前报送受灾情况。', T('2026-11-23', '15:00')],
    ['11月20日下午，街道召开了推进会。请各社区按会议要求于11月27日前报送整改清单。', T('2026-11-27')],
    ['上周三检查发现的问题，请本周五前整改到位。', T('2026-11-27')],
    ['前天晚上辖区发生一起火灾，请各社区加强用电安全宣传。', null],
    ['11月21日晚，某小区发生燃气泄漏，请各社区加强燃气安全宣传。', null],
    ['11月21日晚，某小区发生燃气泄漏。请各社区于11月28日前完成排查。', T('2026-11-28')],
  ],
  'the signing date under the issuer sets none': [
    ['关于做好冬季防火工作的通知\n各社区：\n请各社区加强消防安全宣传。\nXX街道办事处\n2026年11月23日', null],
    ['关于报送困难群众名单的通知\n各社区：\n请于11月27日前报送。\nXX街道民政办\n2026年11月20日', T('2026-11-27')],
  ],
  'quarters, halves and year end': [
    ['请于第四季度末前完成全部整改。', T('2026-12-31')],
    ['四季度末前报送。', T('2026-12-31')],
    ['请于本季度末前完成。', T('2026-12-31')],
    ['请于第三季度末前完成。', T('2027-09-30')],
    ['上半年完成试点。', T('2027-06-30')],
    ['下半年结束前完成验收。', T('2026-12-31')],
    ['年底前完成整改。', T('2026-12-31')],
    ['请于年底之前报送总结。', T('2026-12-31')],
  ],
  'after the holiday': [
    ['节后上班第一天下班前报送。', T('2027-01-04')],
    ['节后首个工作日上午10点前报送。', T('2027-01-04', '10:00')],
    ['节后第二个工作日前完成。', T('2027-01-05')],
    ['元旦后第一个工作日前报送。', T('2027-01-04')],
    ['节后上班首日中午12点前报。', T('2027-01-04', '12:00')],
  ],
  'weekday notes check their day': [
    ['请于30日（星期一）前报送。', T('2026-11-30')],
    ['请于30号(周一)前报送', T('2026-11-30')],
    ['11月27日（周五）下班前反馈。', T('2026-11-27')],
    ['请于12月1日(星期二)中午前报送。', T('2026-12-01', '12:00')],
    ['请于2026年12月4日（周五）前报送。', T('2026-12-04')],
  ],
};

describe('deadline classes (own wording)', () => {
  for (const [cls, rows] of Object.entries(CLASSES)) {
    describe(cls, () => {
      for (const [text, expected] of rows) {
        it(text, () => expect(run(text)).to.equal(expected));
      }
    });
  }

  describe('a day that disagrees with its weekday is reported with both readings, not guessed', () => {
    const rows: [string, string, string, RegExp][] = [
      ['请于27日（星期一）前报送。', T('2026-11-27'), T('2026-11-30'), /11月27日是周五，与所写的周一不符/],
      ['请于11月26日（周三）下班前反馈。', T('2026-11-25'), T('2026-11-26'), /11月26日是周四，与所写的周三不符（周三是11月25日）/],
      ['12月2日（星期五）上午10点前报送', T('2026-12-02', '10:00'), T('2026-12-04', '10:00'), /12月2日是周三/],
      ['请于2026年11月29日(周一)前报送', T('2026-11-29'), T('2026-11-30'), /11月29日是周日/],
      ['请于下周一（12月1日）前提交。', T('2026-11-30'), T('2026-12-01'), /「下周一」是11月30日，括号里写的是12月1日/],
      ['明天（11月25日）下班前报送', T('2026-11-24'), T('2026-11-25'), /「明天」是11月24日/],
    ];
    for (const [text, a, b, reason] of rows) {
      it(text, () => {
        const r = extractDeadline(text, parseInstant(MON), cal);
        expect(r.deadline).to.equal(null);
        expect(r.ambiguity?.readings.map(formatLocal)).to.deep.equal([a, b]);
        expect(r.ambiguity?.reason).to.match(reason);
      });
    }
  });
});
