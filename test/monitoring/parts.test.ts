import { expect } from 'chai';
import { parseLocal } from '../../src/calendar/time';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { cancelledActivity, cancelledEvaluation } from '../../src/gate/rules/cancelled-evaluation';
import { cjkFontFiles, renderPng } from '../../src/monitoring/chart';
import { classifyNotice, countRequestedFields } from '../../src/monitoring/classify';
import { parsePeriod, periodFromKey } from '../../src/monitoring/period';
import { weeklyDue } from '../../src/monitoring/report';
import { LinkSigner, tokenMatches } from '../../src/monitoring/sign';
import { ConfigError, loadConfig, projectPath } from '../../src/config';
import { monitoringSettings } from '../../src/monitoring/settings';
import { decodePng, inkShare } from '../helpers/png';

describe('monitoring: parts', () => {
  it('classes notices the way the monitoring points count them', () => {
    expect(classifyNotice('请各社区书记于11月26日参加安全生产工作会议')).to.equal('会议');
    expect(classifyNotice('请组织居民下载注册平安通APP，于11月27日前报送注册人数')).to.equal('APP/公众号推广');
    expect(classifyNotice('请于27日前申报文明社区评比材料')).to.equal('考核评比与创建');
    expect(classifyNotice('区里下周一来督查垃圾分类，请做好迎检准备')).to.equal('督查检查');
    expect(classifyNotice('请于11月27日前报送辖区80岁以上老人名单')).to.equal('数据报表');
    expect(classifyNotice('转发区政府关于做好冬季供暖工作的通知')).to.equal('文件/通知');
    expect(classifyNotice('周末请注意安全')).to.equal('其他');
  });

  it('counts the fields a data request asks for', () => {
    expect(countRequestedFields('请报送名单（姓名、身份证号、住址、联系电话）。谢谢')).to.equal(4);
    expect(countRequestedFields('请统计姓名、性别、年龄、学历、政治面貌，周五前上报')).to.equal(5);
    expect(countRequestedFields('请于周五前报送困难家庭名单')).to.equal(1);
    expect(countRequestedFields('请各社区书记参加会议')).to.equal(0);
  });

  it('finds a notice that organises a cancelled evaluation, not one that mentions it', () => {
    const list = cancelledEvaluation.value!.default;
    expect(list, 'shipped from config/cancelled-evaluations.yaml').to.include.members(['文明社区', '美丽庭院', '星级社区']);
    expect(cancelledActivity('请各社区于11月27日前申报文明社区评比材料', list)).to.equal('文明社区');
    expect(cancelledActivity('请推荐一户参加美丽庭院评比', list)).to.equal('美丽庭院');
    expect(cancelledActivity('文明社区评比已取消，请勿再报材料', list)).to.equal(null);
    expect(cancelledActivity('请报送文明社区建设的居民意见', list)).to.equal(null);
    expect(cancelledActivity('请申报健康社区', [])).to.equal(null);
  });

  it('reads report periods and their link keys', () => {
    const now = parseLocal('2026-11-25', '10:00');
    const week = parsePeriod('week', '', now)!;
    expect(week.key).to.equal('2026-11-23');
    expect(week.label).to.equal('2026年第48周（11月23日—11月29日）');
    expect(parsePeriod('week', '上周', now)!.key).to.equal('2026-11-16');
    expect(parsePeriod('week', '2026-1-1', now)!.key).to.equal('2025-12-29');
    expect(parsePeriod('week', '下周', now)).to.equal(null);
    expect(parsePeriod('month', '上月', now)!.days.length).to.equal(31);
    expect(parsePeriod('month', '2026-02', now)!.days.length).to.equal(28);
    expect(parsePeriod('month', '2026-13', now)).to.equal(null);
    expect(periodFromKey('2026-11')!.label).to.equal('2026年11月');
    expect(periodFromKey('2026-11-26')!.key).to.equal('2026-11-23');
    expect(periodFromKey('../etc')).to.equal(null);
  });

  it('sends the weekly report on the first working day of the week, not on a holiday Monday', () => {
    const cal = new WorkCalendar({ workStart: '08:30', workEnd: '17:30' });
    cal.setOverrides([{ date: '2026-11-30', kind: 'off', name: '测试假日' }]);
    expect(weeklyDue(cal, parseLocal('2026-11-23', '08:59'), '09:00')).to.equal(false);
    expect(weeklyDue(cal, parseLocal('2026-11-23', '09:00'), '09:00')).to.equal(true);
    expect(weeklyDue(cal, parseLocal('2026-11-30', '09:30'), '09:00'), 'holiday Monday').to.equal(false);
    expect(weeklyDue(cal, parseLocal('2026-12-01', '08:45'), '09:00')).to.equal(false);
    expect(weeklyDue(cal, parseLocal('2026-12-01', '09:00'), '09:00')).to.equal(true);
    expect(weeklyDue(cal, parseLocal('2026-12-03', '07:00'), '09:00'), 'missed while down: later that week').to.equal(true);
  });

  it('signs links that expire and cannot be altered', () => {
    const signer = new LinkSigner('s3cret');
    const now = parseLocal('2026-11-25', '10:00');
    const q = Object.fromEntries(new URLSearchParams(signer.sign('/monitoring/report.png', { period: '2026-11-23' }, now)));
    expect(signer.verify('/monitoring/report.png', q, now, ['period'])).to.equal(true);
    expect(signer.verify('/monitoring/report.xlsx', q, now, ['period']), 'other path').to.equal(false);
    expect(signer.verify('/monitoring/report.png', { ...q, period: '2026-11-16' }, now, ['period']), 'other period').to.equal(false);
    expect(signer.verify('/monitoring/report.png', q, new Date(now.getTime() + 86_400_001), ['period']), 'expired').to.equal(false);
    expect(new LinkSigner('other').verify('/monitoring/report.png', q, now, ['period']), 'other secret').to.equal(false);
    expect(tokenMatches('', '')).to.equal(false);
    expect(tokenMatches('abc', 'abc')).to.equal(true);
    expect(tokenMatches('abc', 'abd')).to.equal(false);
  });

  it('renders a chart to PNG on the server, with Chinese text when the CJK font is installed', function () {
    const withTitle = decodePng(renderPng({ title: { text: '加负榜民政科应急管理办', textStyle: { fontSize: 40 } } }, 600, 200));
    const blank = decodePng(renderPng({ title: { text: '' } }, 600, 200));
    expect(withTitle.width).to.equal(600);
    expect(inkShare(blank)).to.equal(0);
    if (!cjkFontFiles().length) {
      this.test!.title += ' (CJK check skipped: apt-get install fonts-noto-cjk)';
      return;
    }
    expect(inkShare(withTitle), 'Chinese glyphs drawn').to.be.greaterThan(0.01);
  });

  it('reads its settings with defaults, refuses misspelt keys, and takes secrets only from the environment', () => {
    const config = (monitoring: Record<string, unknown>) => loadConfig({ dir: projectPath('config'), env: {}, overrides: { monitoring } });
    const s = monitoringSettings(config({}), { JIANFU_PUBLIC_URL: 'https://jianfu.example.gov.cn/', JIANFU_DASHBOARD_TOKEN: 't' });
    expect(s.publicUrl).to.equal('https://jianfu.example.gov.cn');
    expect(s.minutesSaved.notice).to.equal(20);
    expect(s.adminToken).to.equal('t');
    expect(s.linkSecret).to.have.length(64);
    expect(monitoringSettings(config({ minutesSaved: { notice: 30 } }), {}).minutesSaved).to.deep.include({ notice: 30, entry: 3 });
    expect(monitoringSettings(config({}), {}).publicUrl, 'this machine on the configured port').to.equal('http://localhost:3000');
    expect(() => monitoringSettings(config({ publicUrl: 'jianfu' }), {})).to.throw(ConfigError, /monitoring\.publicUrl/);
    expect(() => monitoringSettings(config({ minutesSave: {} }), {})).to.throw(ConfigError, /未知的配置项 monitoring\.minutesSave/);
    expect(() => monitoringSettings(config({ scoreWeights: { urgnt: 1 } }), {})).to.throw(ConfigError, /monitoring\.scoreWeights\.urgnt/);
    expect(() => monitoringSettings(config({ weeklyAt: '9点' }), {})).to.throw(ConfigError, /monitoring\.weeklyAt/);
  });
});
