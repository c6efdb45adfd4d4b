import { expect } from 'chai';
import { WhistleDepartment, WhistleTicket } from '../../entities';
import type { WhistleDesk } from '../../src/whistle/tickets';
import { DutyBook } from '../../src/whistle/duties';
import { loadDepartmentsFile } from '../../src/whistle/settings';
import { Harness } from '../helpers/harness';

describe('whistle desk: who may do what, and admins editing duties by chat', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start({ now: '2026-11-23T09:00:00+08:00' });
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
  });

  afterEach(async () => {
    await h?.stop();
  });

  it('only the assigned department may 报到 and 办结', async () => {
    expect(await h.say('lixia', 'g-minzheng', '/报到 1')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能报到。']);
    expect(await h.say('admin', 'g-admin', '/报到 1')).to.deep.equal(['权限不足：/报到 仅限部门工作人员使用。你当前是管理员。']);
    expect(await h.say('zhangmin', 'g-renmin', '/报到 1')).to.deep.equal(['权限不足：/报到 仅限部门工作人员使用。你当前是社区工作者。']);
    expect(await h.say('wangqiang', 'g-xiaofang', '/办结 1 好了')).to.deep.equal(['第1号吹哨当前待报到，不能办结（请先报到）。']);
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    expect(await h.say('sunli', 'g-chengguan', '/办结 1 好了')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能办结。']);
    expect(await h.say('sunli', 'g-chengguan', '/挂起 1 等等')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能挂起。']);
    expect(await h.say('sunli', 'g-chengguan', '/退回 1 不是我们的')).to.deep.equal(['第1号吹哨不在你所在部门名下，不能退回。']);
    expect(await h.say('wangqiang', 'g-xiaofang', '/报到 1')).to.deep.equal(['第1号吹哨当前已报到，不能报到。']);
    expect((await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 1 })).status).to.equal('reported');
  });

  it('only the reporter rates; guests cannot blow the whistle; bad input gets a short answer', async () => {
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    await h.say('wangqiang', 'g-xiaofang', '/办结 1 已更换');
    expect(await h.say('chenjing', 'g-heping', '/评价 1 满意')).to.deep.equal(['只有上报人可以评价第1号吹哨。']);
    expect(await h.say('zhangmin', 'g-renmin', '/评价 1 还行')).to.deep.equal(['「评价」应为：满意、基本满意、不满意。用法：/评价 <工单号> <满意|基本满意|不满意> [说明]']);
    expect(await h.say('xiaozhou', 'xiaozhou', '/吹哨 楼道灯坏了')).to.deep.equal(['权限不足：/吹哨 仅限社区工作者或管理员使用。你当前是未登记。']);
    expect(await h.say('zhangmin', 'g-renmin', '/吹哨 坏了')).to.deep.equal(['请写清楚问题，例如：/吹哨 人民路12号店铺烟感报警器损坏']);
    expect(await h.say('zhangmin', 'g-renmin', '/吹哨')).to.deep.equal(['缺少参数「问题描述」。用法：/吹哨 <问题描述>']);
    expect(await h.say('wangqiang', 'g-xiaofang', '/报到 abc')).to.deep.equal(['没有第abc号吹哨工单。']);
    expect(await h.say('lixia', 'g-minzheng', '/部门工单')).to.deep.equal(['本部门没有待办的吹哨工单。']);
    expect(await h.say('lixia', 'g-minzheng', '/职责 查看')).to.deep.equal(['权限不足：/职责 仅限管理员使用。你当前是部门工作人员。']);
  });

  it('/职责: admins list, add keywords and problems, set a leader, add a department; routing follows at once', async () => {
    const list = await h.say('admin', 'g-admin', '/职责 查看');
    expect(list[0]).to.match(/^吹哨承办部门（19个）/);
    expect(list[0]).to.contain('消防救援站：消防安全隐患排查整治');
    const one = await h.say('admin', 'g-admin', '/职责 查看 消防救援站');
    expect(one[0]).to.contain('关键词：消防、烟感');
    const before = await h.say('zhangmin', 'g-renmin', '/吹哨 东湖村晒谷场边上的蜂窝越来越大，有人被蜇');
    expect(before[0]).to.not.contain('分派给消防救援站');
    expect(await h.say('admin', 'g-admin', '/职责 关键词 消防救援站 马蜂窝、蜂窝、摘除')).to.deep.equal(['已为消防救援站添加关键词：马蜂窝、蜂窝、摘除。分派模型将按新职责重新训练。']);
    const after = await h.say('zhangmin', 'g-renmin', '/吹哨 和平社区3栋屋檐下有个大蜂窝');
    expect(after[0]).to.contain('分派给消防救援站');
    expect(after[0]).to.contain('「蜂窝」');
    expect(await h.say('admin', 'g-admin', '/职责 删关键词 消防救援站 摘除')).to.deep.equal(['已删除消防救援站的关键词：摘除。分派模型将按新职责重新训练。']);
    expect(await h.say('admin', 'g-admin', '/职责 问题 供电所 小区配电房进水')).to.deep.equal(['已为供电所添加典型问题：小区配电房进水。分派模型将按新职责重新训练。']);
    expect(await h.say('admin', 'g-admin', '/职责 负责人 消防救援站 王强')).to.deep.equal(['已设王强为消防救援站负责人，超时未报到/办结时单独提醒。']);
    expect(await h.say('admin', 'g-admin', '/职责 新增部门 物业管理中心')).to.deep.equal(['已新增吹哨承办部门：物业管理中心。再用 /职责 关键词 物业管理中心 词1、词2 添加职责关键词。']);
    expect(await h.say('admin', 'g-admin', '/职责 关键词 不存在 词')).to.deep.equal(['吹哨承办部门中没有「不存在」。新增：/职责 新增部门 不存在']);
    expect(await h.app.ds.manager.count(WhistleDepartment)).to.equal(20);
  });

  it('a transfer teaches the router: the same kind of report goes straight to the corrected department next time', async () => {
    const first = await h.say('zhangmin', 'g-renmin', '/吹哨 小区里共享单车堆成山，把单元门口堵了');
    const firstDept = /分派给(\S+?)。/.exec(first[0])?.[1];
    expect(firstDept).to.not.equal('城管执法中队');
    expect(await h.say('admin', 'g-admin', '/转派 2 城管执法中队 共享单车乱停由城管管理')).to.deep.equal(['已将第2号吹哨转派给城管执法中队。']);
    expect((await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 2 })).corrected).to.equal(true);
    const next = await h.say('chenjing', 'g-heping', '/吹哨 共享单车堆成山堵了小区单元门口');
    expect(next[0]).to.contain('分派给城管执法中队');
    expect(next[0]).to.contain('与第2号经人工更正、由城管执法中队承办的工单相似');
  });

  it('the router retrains when a ticket changes what it learns (办结, 转派), not for every step, and on every instance', async () => {
    const desk = h.app.services.get<WhistleDesk>('whistle.desk');
    const em = h.app.ds.manager;
    const now = new Date('2026-11-23T10:00:00+08:00');
    // Another instance's duty book on the same database.
    const other = new DutyBook(loadDepartmentsFile(desk.settings.departments));
    const first = await desk.duties.routing(em, now);
    const otherFirst = await other.routing(em, now);
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    await h.say('wangqiang', 'g-xiaofang', '/处置 1 已联系物业');
    expect(await desk.duties.routing(em, now)).to.equal(first);
    await h.say('wangqiang', 'g-xiaofang', '/办结 1 已更换');
    const afterDone = await desk.duties.routing(em, now);
    expect(afterDone).to.not.equal(first);
    expect(await other.routing(em, now)).to.not.equal(otherFirst);
    // 已评价 teaches nothing new: same department, same text.
    await h.say('zhangmin', 'g-renmin', '/评价 1 满意');
    expect(await desk.duties.routing(em, now)).to.equal(afterDone);
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路8号楼道堆满杂物');
    expect(await desk.duties.routing(em, now)).to.equal(afterDone);
    expect(await h.say('admin', 'g-admin', '/转派 2 城管执法中队 楼道杂物由城管清理')).to.deep.equal(['已将第2号吹哨转派给城管执法中队。']);
    expect(await desk.duties.routing(em, now)).to.not.equal(afterDone);
  });
});
