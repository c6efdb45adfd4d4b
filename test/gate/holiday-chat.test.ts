import { expect } from 'chai';
import { AuditLog, HolidayDay } from '../../entities';
import { Harness } from '../helpers/harness';

// Written in the State Council's style for a year whose real notice is not yet published.
const NOTICE_2027 = `国务院办公厅关于2027年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。`;

describe('holiday calendar by chat', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('imports next year\'s State Council notice after confirmation, and the gate then defers across it', async () => {
    h = await Harness.start({ now: '2026-12-20T10:00:00+08:00' });
    const preview = (await h.say('admin', 'g-admin', `/节假日 导入 ${NOTICE_2027}`))[0];
    expect(preview).to.contain('解析结果：2027年节假日安排');
    expect(preview).to.contain('放假11天，调休上班1天');
    expect(preview).to.contain('春节：2027年2月5日（周五）至2027年2月12日（周五）放假，共8天；2027年2月20日（周六）上班');
    expect(preview).to.contain('[确认导入](/节假日 确认)');
    expect(await h.app.ds.manager.count(HolidayDay)).to.equal(0);
    expect(await h.say('admin', 'g-admin', '/节假日 确认')).to.deep.equal(['已导入2027年节假日安排：放假11天，调休上班1天。']);
    expect(await h.app.ds.manager.count(HolidayDay, { where: { year: 2027 } })).to.equal(12);
    expect(h.app.calendar.cal.isWorkingDay('2027-02-08')).to.equal(false);
    expect(h.app.calendar.cal.isWorkingDay('2027-02-20')).to.equal(true);
    expect(await h.app.ds.manager.count(AuditLog, { where: { action: 'holiday.import' } })).to.equal(1);
    const view = (await h.say('admin', 'g-admin', '/节假日 查看 2027'))[0];
    expect(view).to.contain('2027年日历：已导入国务院通知');
    expect(view).to.contain('2027-02-20 上班');

    // A restart keeps the imported days (they live in the database).
    const url = h.url;
    await h.stop();
    h = await Harness.start({ now: '2027-02-08T10:00:00+08:00', url, keepData: true });
    const item = 'X01'; // 社会救助对象协助排查: fits a notice about 困难群众
    const r = (await h.say('lixia', 'g-minzheng', `/通知 全部社区 请于2月26日前报送辖区困难群众名单 依据:${item}`))[0];
    expect(r).to.contain('将于2月15日（周一）08:30发送');
  });

  it('refuses a notice whose reading fails a check, says why, and imports nothing', async () => {
    h = await Harness.start({ now: '2026-12-20T10:00:00+08:00' });
    const wrong = NOTICE_2027.replace('2月20日（周六）上班', '2月19日（周六）上班');
    const reply = (await h.say('admin', 'g-admin', `/节假日 导入 ${wrong}`))[0];
    expect(reply).to.equal('未导入：2027年2月19日实际是周五，通知写的是周六。请核对通知原文后重新发送，或用 /节假日 添加、/节假日 调休 逐日设置。');
    expect((await h.say('admin', 'g-admin', '/节假日 确认'))[0]).to.contain('没有待确认的导入');
    expect(await h.app.ds.manager.count(HolidayDay)).to.equal(0);
    const short = NOTICE_2027.replace('共8天', '共7天');
    expect((await h.say('admin', 'g-admin', `/节假日 导入 ${short}`))[0]).to.contain('未导入：春节写明共7天，识别出8天');
  });

  it('refuses text that is not a holiday notice', async () => {
    h = await Harness.start();
    expect((await h.say('admin', 'g-admin', '/节假日 导入 今天天气不错'))[0]).to.contain('无法解析');
    expect((await h.say('admin', 'g-admin', '/节假日 确认'))[0]).to.contain('没有待确认的导入');
  });

  it('adds, adjusts and deletes single days', async () => {
    h = await Harness.start({ now: '2026-12-20T10:00:00+08:00' });
    expect(await h.say('admin', 'g-admin', '/节假日 添加 2027-01-04 区里补休')).to.deep.equal(['已设置 2027-01-04 为放假。']);
    expect(h.app.calendar.cal.isWorkingDay('2027-01-04')).to.equal(false);
    expect(await h.say('admin', 'g-admin', '/节假日 调休 2027年1月9日')).to.deep.equal(['已设置 2027-01-09 为调休上班。']);
    expect(h.app.calendar.cal.isWorkingDay('2027-01-09')).to.equal(true);
    expect(await h.say('admin', 'g-admin', '/节假日 删除 2027-01-04')).to.deep.equal(['已删除 2027-01-04 的设置。']);
    expect(h.app.calendar.cal.isWorkingDay('2027-01-04')).to.equal(true);
    expect((await h.say('admin', 'g-admin', '/节假日 添加 明年元旦'))[0]).to.contain('看不懂日期');
    expect((await h.say('zhangmin', 'g-renmin', '/节假日 查看 2027'))[0]).to.contain('权限不足');
  });

  it('warns the admin group weekly from 1 November while next year is not loaded', async () => {
    h = await Harness.start({ now: '2026-10-31T10:00:00+08:00' });
    await h.app.runJobs();
    expect(h.botMessages('g-admin')).to.deep.equal([]);
    await h.advanceTo('2026-11-02T10:00:00+08:00');
    expect(h.botMessages('g-admin')).to.have.length(1);
    expect(h.botMessages('g-admin')[0]).to.contain('2027年节假日安排尚未导入');
    await h.advanceTo('2026-11-05T10:00:00+08:00');
    expect(h.botMessages('g-admin')).to.have.length(1);
    await h.advanceTo('2026-11-09T10:00:00+08:00');
    expect(h.botMessages('g-admin')).to.have.length(2);
    await h.say('admin', 'g-admin', `/节假日 导入 ${NOTICE_2027}`);
    await h.say('admin', 'g-admin', '/节假日 确认');
    const mark = h.mark();
    await h.advanceTo('2026-11-20T10:00:00+08:00');
    expect(h.botMessages('g-admin', mark)).to.deep.equal([]);
  });
});
