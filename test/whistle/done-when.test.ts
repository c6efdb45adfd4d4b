import { expect } from 'chai';
import { WhistleTicket, WhistleTimer } from '../../entities';
import { Harness } from '../helpers/harness';

describe('whistle desk: a smoke alarm report from the sandbox to 已评价', () => {
  let h: Harness;

  afterEach(async () => {
    await h?.stop();
  });

  it('routes to 消防救援站 with a card in its group, escalates on time when unanswered, then 办结 and 评价 close it', async () => {
    h = await Harness.start({ now: '2026-11-23T09:15:00+08:00' });
    await h.say('admin', 'g-admin', '/职责 负责人 消防救援站 wangqiang');
    const mark = h.mark();
    const replies = await h.say('zhangmin', 'g-renmin', '吹哨：人民路12号沿街店铺烟感报警器损坏，楼上住人');
    expect(replies).to.have.length(1);
    expect(replies[0]).to.contain('已受理第1号吹哨（一般），分派给消防救援站');
    expect(replies[0]).to.contain('烟感');
    expect(replies[0]).to.contain('报到时限：11月23日 11:15');
    expect(replies[0]).to.contain('办结时限：11月26日 09:15');
    const card = h.botMessages('g-xiaofang', mark);
    expect(card).to.have.length(1);
    expect(card[0]).to.contain('【第1号吹哨】消防救援站');
    expect(card[0]).to.contain('地点：人民路12号');
    expect(card[0]).to.contain('[报到](/报到 1)');

    // Nobody answers: the warning 30 working minutes before, then the group, the leader, the admins.
    const quiet = h.mark();
    await h.advanceTo('2026-11-23T10:44:00+08:00');
    expect(h.botMessages('g-xiaofang', quiet)).to.deep.equal([]);
    await h.advanceTo('2026-11-23T10:45:00+08:00');
    expect(h.botMessages('g-xiaofang', quiet).join('\n')).to.contain('将于11月23日 11:15到报到时限');
    await h.advanceTo('2026-11-23T11:15:00+08:00');
    expect(h.botMessages('g-xiaofang', quiet).join('\n')).to.contain('已超过报到时限');
    expect(h.botMessages('wangqiang', quiet)).to.deep.equal([]);
    await h.advanceTo('2026-11-23T12:15:00+08:00');
    expect(h.botMessages('wangqiang', quiet).join('\n')).to.contain('消防救援站第1号吹哨超过报到时限');
    const whistles = (chat: string) => h.botMessages(chat, quiet).filter((m) => m.includes('吹哨'));
    expect(whistles('g-admin')).to.deep.equal([]);
    await h.advanceTo('2026-11-23T13:15:00+08:00');
    expect(whistles('g-admin').join('\n')).to.contain('请街道协调督办');
    // Each step fires once, however often the sweep runs.
    await h.advanceTo('2026-11-23T13:16:00+08:00');
    expect(h.botMessages('g-xiaofang', quiet)).to.have.length(2);
    expect(whistles('g-admin')).to.have.length(1);

    expect((await h.say('wangqiang', 'g-xiaofang', '/报到 1'))[0]).to.contain('消防救援站已报到第1号吹哨（已超时）');
    expect(h.botMessages('g-renmin', quiet).join('\n')).to.contain('消防救援站已报到');
    const done = await h.say('wangqiang', 'g-xiaofang', '/办结 1 已更换烟感报警器，测试正常');
    expect(done[0]).to.contain('第1号吹哨已办结，已请上报人评价');
    const rateCard = h.botMessages('g-renmin', quiet).pop()!;
    expect(rateCard).to.contain('[满意](/评价 1 满意)');
    expect((await h.say('zhangmin', 'g-renmin', '/评价 1 满意 很快'))[0]).to.contain('工单已关闭');
    const t = await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 1 });
    expect(t.status).to.equal('rated');
    expect(await h.app.ds.manager.count(WhistleTimer, { where: { ticketId: 1, status: 'pending' } })).to.equal(0);
  });
});
