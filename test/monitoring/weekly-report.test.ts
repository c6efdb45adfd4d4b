import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { Between, In } from 'typeorm';
import { Community, Department, GateDecision, KvState, Notice, NoticeDelivery } from '../../entities';
import { parseLocal } from '../../src/calendar/time';
import { simulateWeek, WEEK_START } from '../../bench/simulate-week';
import { Harness } from '../helpers/harness';
import { decodePng, inkShare } from '../helpers/png';

const WEEK_TITLE = '减负周报 2026年第48周（11月23日—11月29日）';

/** The numbers a supervisor would count by hand from the stored rows, without the monitoring code. */
async function countFromRows(h: Harness) {
  const em = h.app.ds.manager;
  const range = Between(parseLocal(WEEK_START), new Date(parseLocal('2026-11-30').getTime() - 1));
  const notices = await em.find(Notice, { where: { createdAt: range } });
  const decisions = await em.find(GateDecision, { where: { noticeId: In(notices.map((n) => n.id)) } });
  const of = (n: Notice) => decisions.filter((d) => d.noticeId === n.id);
  const stopped = (n: Notice) => of(n).filter((d) => d.verdict === 'held' || d.verdict === 'pending_approval');
  const byRule = new Map<string, number>();
  for (const n of notices) {
    const rules = new Set(stopped(n).flatMap((d) => d.findings).filter((f) => f.outcome === 'hold' || f.outcome === 'approval').map((f) => f.ruleName));
    for (const r of rules) byRule.set(r, (byRule.get(r) ?? 0) + 1);
  }
  const has = (n: Notice, rule: string, outcome: string) => of(n).some((d) => d.findings.some((f) => f.ruleId === rule && f.outcome === outcome));
  const depts = await em.find(Department);
  const perDept = new Map<string, number>();
  for (const n of notices) {
    const name = depts.find((d) => d.id === n.departmentId)!.name;
    perDept.set(name, (perDept.get(name) ?? 0) + 1);
  }
  const sent = await em.find(NoticeDelivery, { where: { status: 'sent', sentAt: range } });
  const perMessage = new Map<number, number>();
  for (const d of sent) perMessage.set(d.outboxId!, (perMessage.get(d.outboxId!) ?? 0) + 1);
  const perCommunity = new Map<string, number>();
  for (const c of await em.find(Community)) perCommunity.set(c.name, new Set(sent.filter((d) => d.communityId === c.id).map((d) => d.noticeId)).size);
  return {
    received: notices.length,
    passed: notices.filter((n) => n.status === 'sent' || n.status === 'scheduled').length,
    held: notices.filter((n) => stopped(n).length).length,
    rejected: notices.filter((n) => n.status === 'rejected').length,
    withdrawn: notices.filter((n) => n.status === 'withdrawn').length,
    pending: notices.filter((n) => n.status === 'pending_approval').length,
    queued: notices.filter((n) => has(n, 'quiet_time', 'defer')).length,
    emergencies: notices.filter((n) => has(n, 'emergency', 'warn')).length,
    merged: [...perMessage.values()].filter((n) => n > 1).reduce((sum, n) => sum + n - 1, 0),
    byRule, perDept, perCommunity,
  };
}

function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  expect(m, `${re} in the report`).to.not.equal(null);
  return Number(m![1]);
}

describe('monitoring: the weekly report after a simulated week', function () {
  this.timeout(120_000);
  let h: Harness;

  before(async () => {
    h = await Harness.start({ now: `${WEEK_START}T08:00:00+08:00`, listen: true });
    await simulateWeek({ at: (iso) => h.advanceTo(iso), say: (u, c, t) => h.say(u, c, t) });
  });

  after(async () => {
    await h.stop();
  });

  const pushed = (chatId: string) => h.botMessages(chatId).filter((m) => m.includes(WEEK_TITLE));
  const local = (link: string) => {
    const u = new URL(link);
    return `http://127.0.0.1:${h.app.port}${u.pathname}${u.search}`;
  };

  it('is pushed once on Monday 09:00 to the admin and supervision groups, with figures equal to the stored rows', async () => {
    expect(h.botMessages('g-admin').filter((m) => m.includes('减负周报')), 'the empty week before is not reported').to.have.length(1);
    expect(pushed('g-admin')).to.have.length(1);
    expect(pushed('g-supervision')).to.have.length(1);
    expect(await h.app.ds.manager.findOneBy(KvState, { key: 'monitoring.weekly-report:2026-11-30' })).to.not.equal(null);
    await h.advanceTo('2026-11-30T10:00:00+08:00');
    await h.advanceTo('2026-12-01T09:00:00+08:00');
    expect(pushed('g-admin'), 'not sent again').to.have.length(1);

    const report = pushed('g-admin')[0];
    const rows = await countFromRows(h);
    // The simulated week has one of each kind, so equal counts are not equal zeros.
    expect(rows.received).to.equal(13);
    expect(rows.emergencies).to.equal(1);
    expect(rows.rejected).to.equal(1);
    expect(rows.withdrawn).to.equal(1);
    expect(rows.queued).to.equal(3);
    expect(rows.merged, 'two queued notices reach 和平社区 together').to.equal(1);
    expect(rows.held).to.be.greaterThan(1);

    expect(num(report, /收到通知 \*\*(\d+)\*\* 条/)).to.equal(rows.received);
    expect(num(report, /通过 (\d+)，/)).to.equal(rows.passed);
    expect(num(report, /拦截 (\d+)（退回或送审）/)).to.equal(rows.held);
    expect(num(report, /待审批 (\d+)，/)).to.equal(rows.pending);
    expect(num(report, /驳回 (\d+)，/)).to.equal(rows.rejected);
    expect(num(report, /撤回 (\d+)。/)).to.equal(rows.withdrawn);
    expect(num(report, /非工作时间发文顺延 (\d+) 条/)).to.equal(rows.queued);
    expect(num(report, /紧急通道 (\d+) 次/)).to.equal(rows.emergencies);
    expect(num(report, /合并推送少发 (\d+) 条消息/)).to.equal(rows.merged);
    expect(num(report, /组织已取消的考核评比 (\d+) 条/)).to.equal(1);
    const ruleLine = /拦截原因：(.*)。/.exec(report)![1];
    expect(Object.fromEntries(ruleLine.split('、').map((s) => [s.replace(/\d+$/, ''), Number(/\d+$/.exec(s)![0])]))).to.deep.equal(Object.fromEntries(rows.byRule));
    for (const [dept, n] of rows.perDept) expect(num(report, new RegExp(`\\d+\\. ${dept} 负担分[\\d.]+（通知(\\d+)`)), dept).to.equal(n);
    for (const [c, n] of rows.perCommunity) expect(num(report, new RegExp(`- ${c}：(\\d+)条`)), c).to.equal(n);
    expect(report).to.contain('匿名反映 1 条（未办结 1）');
    expect(report).to.contain('本期民政科新增群「养老服务群」');
    expect(report).to.contain('吹哨响应：暂无');
    expect(report).to.contain('口径：');
  });

  it('answers /周报 上周 on demand with the same figures, and only to admins', async () => {
    const [onDemand] = await h.say('admin', 'g-admin', '/周报 上周');
    const body = (s: string) => s.slice(0, s.indexOf('![图表]'));
    expect(body(onDemand)).to.equal(body(pushed('g-admin')[0]));
    expect((await h.say('zhangmin', 'g-renmin', '/周报'))[0]).to.contain('权限不足');
    expect((await h.say('xiaozhou', 'g-supervision', '/周报 上周'))[0], 'anyone in the supervision group').to.contain(WEEK_TITLE);
    expect((await h.say('admin', 'g-admin', '/周报 下周'))[0]).to.contain('请写：/周报');
    expect((await h.say('admin', 'g-admin', '/月报 2026-11'))[0]).to.contain('减负月报 2026年11月');
  });

  it('links a server-rendered chart and an xlsx of the rows behind signed URLs', async () => {
    const report = pushed('g-admin')[0];
    const chart = /!\[图表\]\((\S+)\)/.exec(report)![1];
    const xlsx = /\[明细表格（xlsx）\]\((\S+)\)/.exec(report)![1];
    const png = await fetch(local(chart));
    expect(png.status).to.equal(200);
    expect(png.headers.get('content-type')).to.equal('image/png');
    const pixels = decodePng(Buffer.from(await png.arrayBuffer()));
    expect([pixels.width, pixels.height]).to.deep.equal([1000, 480]);
    expect(inkShare(pixels), 'bars, lines and labels drawn').to.be.greaterThan(0.02);
    expect((await fetch(local(chart.replace('period=2026-11-23', 'period=2026-11-16')))).status, 'period is signed').to.equal(403);
    expect((await fetch(local(chart.replace(/sig=[^&]+/, 'sig=x')))).status).to.equal(403);

    const res = await fetch(local(xlsx));
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const rows = await countFromRows(h);
    expect(wb.getWorksheet('通知明细')!.rowCount - 1).to.equal(rows.received);
    const top = /1\. (\S+) 负担分/.exec(report)![1];
    expect(wb.getWorksheet('部门')!.getRow(2).getCell(1).value).to.equal(top);
  });
});

describe('monitoring: the weekly push follows the working calendar', function () {
  this.timeout(60_000);

  it('waits out the National Day holiday and reports on the first working day, once', async () => {
    const h = await Harness.start({ now: '2026-09-29T09:15:00+08:00' });
    try {
      await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于10月9日前报送辖区独居老人名单 依据:L09');
      const reports = () => h.botMessages('g-admin').filter((m) => m.includes('减负周报'));
      for (const at of ['2026-10-05T09:00', '2026-10-06T10:00', '2026-10-07T16:00', '2026-10-08T08:59']) {
        await h.advanceTo(`${at}:00+08:00`);
        expect(reports(), at).to.deep.equal([]);
      }
      await h.advanceTo('2026-10-08T09:00:00+08:00');
      expect(reports()).to.have.length(1);
      expect(reports()[0]).to.contain('减负周报 2026年第40周（9月28日—10月4日）');
      expect(reports()[0]).to.contain('收到通知 **1** 条');
      await h.advanceTo('2026-10-09T09:00:00+08:00');
      await h.advanceTo('2026-10-12T08:00:00+08:00');
      expect(reports()).to.have.length(1);
    } finally {
      await h.stop();
    }
  });
});
