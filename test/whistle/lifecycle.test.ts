import { expect } from 'chai';
import { WhistleEvent, WhistleTicket, WhistleTimer } from '../../entities';
import type { WhistleFigures } from '../../src/whistle/figures';
import { Harness } from '../helpers/harness';

/** Bot messages in a chat since a mark that concern the whistle desk (the admin group also gets calendar notes). */
function whistles(h: Harness, chat: string, mark: number): string[] {
  return h.botMessages(chat, mark).filter((m) => m.includes('吹哨'));
}

async function ticket(h: Harness, id: number): Promise<WhistleTicket> {
  return h.app.ds.manager.findOneByOrFail(WhistleTicket, { id });
}

describe('whistle desk: ticket lifecycle in the sandbox', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start({ now: '2026-11-23T09:00:00+08:00' });
  });

  afterEach(async () => {
    await h?.stop();
  });

  it('转派: the holder hands it on with a reason; the new department gets a card and fresh clocks, and the router learns it', async () => {
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路菜场门口有人占道摆摊卖菜，堵住人行道');
    expect((await ticket(h, 1)).departmentId).to.not.equal(null);
    const t1 = await ticket(h, 1);
    expect(t1.routeReason).to.contain('城管执法中队');
    const mark = h.mark();
    h.clock.set('2026-11-23T10:00:00+08:00');
    const r = await h.say('sunli', 'g-chengguan', '/转派 1 消防救援站 摊位堵住了消防通道，先由消防处置');
    expect(r).to.deep.equal(['已将第1号吹哨转派给消防救援站。']);
    const card = whistles(h, 'g-xiaofang', mark);
    expect(card).to.have.length(1);
    expect(card[0]).to.contain('【第1号吹哨】消防救援站（转派）');
    expect(card[0]).to.contain('城管执法中队转派：摊位堵住了消防通道');
    expect(card[0]).to.contain('报到时限：11月23日 12:00');
    expect(whistles(h, 'g-renmin', mark)).to.deep.equal(['第1号吹哨已转派给消防救援站。']);
    const t = await ticket(h, 1);
    expect(t.status).to.equal('pending');
    expect(t.corrected).to.equal(true);
    // The old department's timers are gone, the new one's run from the transfer.
    const timers = await h.app.ds.manager.find(WhistleTimer, { where: { ticketId: 1, status: 'pending' } });
    expect(timers.every((x) => x.departmentId === t.departmentId)).to.equal(true);
    expect(await h.app.ds.manager.count(WhistleTimer, { where: { ticketId: 1, status: 'cancelled' } })).to.equal(8);
    // The old department can no longer act on it.
    expect(await h.say('sunli', 'g-chengguan', '/报到 1')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能报到。']);
    expect(await h.say('sunli', 'g-chengguan', '/转派 1 不存在的部门 理由')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能转派。']);
    expect(await h.say('wangqiang', 'g-xiaofang', '/转派 1 不存在的部门 理由')).to.deep.equal(['没有找到部门「不存在的部门」。']);
    const figures = await h.app.services.get<WhistleFigures>('whistle.figures').byDepartment(h.app.ds.manager);
    expect(figures.find((f) => f.department === '城管执法中队')).to.include({ received: 1, transfersOut: 1 });
    expect(figures.find((f) => f.department === '消防救援站')).to.include({ received: 1, transfersOut: 0 });
  });

  it('退回: back to the dispatcher with the top three; /分派 gives it to the chosen department', async () => {
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    const mark = h.mark();
    expect(await h.say('wangqiang', 'g-xiaofang', '/退回 1 这家店已停业，报警器归物业管')).to.deep.equal(['已将第1号吹哨退回街道调度。']);
    const card = whistles(h, 'g-admin', mark);
    expect(card).to.have.length(1);
    expect(card[0]).to.contain('【第1号吹哨】待分派');
    expect(card[0]).to.contain('消防救援站退回：这家店已停业');
    expect(card[0]).to.not.contain('[消防救援站]');
    expect(card[0]).to.match(/\[\S+\]\(\/分派 1 \S+\)/);
    expect((await ticket(h, 1)).status).to.equal('dispatch');
    expect(await h.app.ds.manager.count(WhistleTimer, { where: { ticketId: 1, status: 'pending' } })).to.equal(0);

    expect(await h.say('admin', 'g-admin', '/分派 1 住建房管科')).to.deep.equal(['已将第1号吹哨分派给住建房管科。']);
    const t = await ticket(h, 1);
    expect(t.status).to.equal('pending');
    expect(t.corrected).to.equal(true);
    expect(whistles(h, 'g-renmin', mark).join('\n')).to.contain('第1号吹哨已分派给住建房管科');
    expect(await h.say('admin', 'g-admin', '/分派 1 民政科')).to.deep.equal(['第1号吹哨当前待报到，不能分派。']);
    const figures = await h.app.services.get<WhistleFigures>('whistle.figures').byDepartment(h.app.ds.manager);
    expect(figures.find((f) => f.department === '消防救援站')).to.include({ received: 1, returns: 1, reported: 0 });
    expect(figures.find((f) => f.department === '住建房管科')).to.include({ received: 1, returns: 0 });
  });

  it('a report the router is unsure of goes to the dispatcher with its top three', async () => {
    const mark = h.mark();
    const r = await h.say('zhangmin', 'g-renmin', '/吹哨 这里有个情况需要看一下');
    expect(r[0]).to.contain('已受理第1号吹哨（一般）。暂不能确定承办部门');
    const card = whistles(h, 'g-admin', mark);
    expect(card).to.have.length(1);
    expect(card[0]).to.contain('系统无法确定承办部门');
    expect(card[0].match(/\(\/分派 1 /g)).to.have.length(3);
  });

  it('挂起 stops the clocks and /恢复 starts them with the time that was left; /处置 records progress', async () => {
    await h.say('zhangmin', 'g-renmin', '/吹哨 和平小区5号楼一楼车库门口消防通道被三轮车堵了');
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    const doneDue = (await ticket(h, 1)).doneDueAt!;
    expect(doneDue.toISOString()).to.equal(new Date('2026-11-26T09:00:00+08:00').toISOString());
    h.clock.set('2026-11-23T10:00:00+08:00');
    const mark = h.mark();
    expect(await h.say('wangqiang', 'g-xiaofang', '/挂起 1 请上报人补充是哪个车库入口')).to.deep.equal(['第1号吹哨已挂起，计时暂停。恢复：/恢复 1']);
    expect(whistles(h, 'g-renmin', mark).join('\n')).to.contain('第1号吹哨已挂起：请上报人补充是哪个车库入口');
    // Past the original 办结 limit while it waits: nothing fires.
    const paused = h.mark();
    await h.advanceTo('2026-11-26T12:00:00+08:00');
    expect(whistles(h, 'g-xiaofang', paused)).to.deep.equal([]);
    expect(await h.say('wangqiang', 'g-xiaofang', '/办结 1 已处理')).to.deep.equal(['第1号吹哨当前挂起，不能办结（请先报到）。']);
    const resumed = await h.say('zhangmin', 'g-renmin', '/恢复 1 是北侧入口');
    // 1 working hour had gone before the pause, so 26 of the 27 working hours are left from Thursday 12:00:
    // Thursday 5.5 h, Friday 9 h, (weekend), Monday 9 h, Tuesday 2.5 h → Tuesday 11:00.
    expect(resumed[0]).to.contain('第1号吹哨已恢复处理，补充：是北侧入口');
    expect(resumed[0]).to.contain('办结时限：12月1日 11:00');
    expect(whistles(h, 'g-xiaofang', mark).join('\n')).to.contain('第1号吹哨已恢复处理');
    expect((await ticket(h, 1)).status).to.equal('reported');
    expect(await h.say('wangqiang', 'g-xiaofang', '/处置 1 已联系物业挪车')).to.deep.equal(['已登记第1号吹哨处置进展。']);
    expect(whistles(h, 'g-renmin', mark).join('\n')).to.contain('第1号吹哨处置进展：已联系物业挪车');
    expect((await ticket(h, 1)).status).to.equal('handling');
  });

  it('不满意 reopens the ticket with a fresh 办结 limit; the second 办结 and 满意 close it; figures count it all', async () => {
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    await h.say('wangqiang', 'g-xiaofang', '/办结 1 已通知店主更换');
    h.clock.set('2026-11-23T15:00:00+08:00');
    const mark = h.mark();
    const r = await h.say('zhangmin', 'g-renmin', '/评价 1 不满意 报警器还是坏的');
    expect(r).to.deep.equal(['已记录不满意，第1号吹哨已重开，退回消防救援站重新处理。']);
    expect(whistles(h, 'g-xiaofang', mark).join('\n')).to.contain('第1号吹哨上报人不满意，已重开：报警器还是坏的');
    const t = await ticket(h, 1);
    expect(t.status).to.equal('handling');
    expect(t.doneDueAt!.toISOString()).to.equal(new Date('2026-11-26T15:00:00+08:00').toISOString());
    expect(await h.say('zhangmin', 'g-renmin', '/评价 1 满意')).to.deep.equal(['第1号吹哨当前处置中，不能评价。']);
    await h.say('wangqiang', 'g-xiaofang', '/办结 1 已更换新报警器');
    expect(await h.say('zhangmin', 'g-renmin', '/评价 1 满意')).to.deep.equal(['已评价第1号吹哨：满意。工单已关闭，谢谢！']);
    expect((await ticket(h, 1)).status).to.equal('rated');
    const actions = (await h.app.ds.manager.find(WhistleEvent, { where: { ticketId: 1 }, order: { id: 'ASC' } })).map((e) => e.action);
    expect(actions).to.deep.equal(['create', 'report', 'done', 'rate', 'reopen', 'done', 'rate']);

    const figures = await h.app.services.get<WhistleFigures>('whistle.figures').byDepartment(h.app.ds.manager);
    const fire = figures.find((f) => f.department === '消防救援站')!;
    expect(fire).to.include({ received: 1, reported: 1, reportedOnTime: 1, done: 2, doneOnTime: 2, rated: 2, satisfied: 1, unsatisfied: 1, returns: 0 });
    expect(figures.map((f) => f.department)).to.deep.equal(['消防救援站']);
  });

  it('/工单, /我的工单 and /部门工单 show what each person may see', async () => {
    await h.say('zhangmin', 'g-renmin', '/吹哨 地点：东湖村三组 路边电线杆被车撞歪了，随时可能倒');
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    const mine = await h.say('zhangmin', 'zhangmin', '/我的工单');
    expect(mine[0]).to.contain('我上报的吹哨（2件）');
    expect(mine[0]).to.contain('1. [待报到]');
    const dept = await h.say('wangqiang', 'g-xiaofang', '/部门工单');
    expect(dept[0]).to.contain('消防救援站的吹哨工单（1件）');
    expect(dept[0]).to.contain('2. [待报到]');
    const shown = await h.say('wangqiang', 'g-xiaofang', '/工单 2');
    expect(shown[0]).to.contain('第2号吹哨（一般）：待报到');
    expect(shown[0]).to.contain('上报：人民社区 张敏');
    expect(shown[0]).to.contain('地点：人民路12号');
    const first = await h.say('admin', 'g-admin', '/工单 1');
    expect(first[0]).to.contain('承办：供电所');
    expect(first[0]).to.contain('地点：东湖村三组');
    expect(await h.say('wangqiang', 'g-xiaofang', '/工单 1')).to.deep.equal(['第1号吹哨不是你上报的，也不在你所在部门名下。']);
    expect(await h.say('chenjing', 'g-heping', '/工单 2')).to.deep.equal(['第2号吹哨不是你上报的，也不在你所在部门名下。']);
    expect(await h.say('zhangmin', 'g-renmin', '/工单 99')).to.deep.equal(['没有第99号吹哨工单。']);
    expect(await h.say('chenjing', 'g-heping', '/我的工单')).to.deep.equal(['你还没有吹过哨。发送 /吹哨 问题描述 即可上报。']);
  });
});
