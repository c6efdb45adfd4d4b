import { expect } from 'chai';
import { WhistleTicket, WhistleTimer } from '../../entities';
import { Harness } from '../helpers/harness';

function whistles(h: Harness, chat: string, mark: number): string[] {
  return h.botMessages(chat, mark).filter((m) => m.includes('吹哨'));
}

describe('whistle desk: time limits and escalation', () => {
  let h: Harness;

  afterEach(async () => {
    await h?.stop();
  });

  it('一般: 报到 and 办结 limits skip the weekend', async () => {
    h = await Harness.start({ now: '2026-11-27T16:45:00+08:00' }); // Friday
    const r = await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    // 45 working minutes on Friday, 75 on Monday; the 27 working hours end on Wednesday.
    expect(r[0]).to.contain('报到时限：11月30日 09:45');
    expect(r[0]).to.contain('办结时限：12月2日 16:45');
    const mark = h.mark();
    await h.advanceTo('2026-11-28T10:00:00+08:00');
    await h.advanceTo('2026-11-29T18:00:00+08:00');
    expect(whistles(h, 'g-xiaofang', mark)).to.deep.equal([]);
    await h.advanceTo('2026-11-30T09:15:00+08:00');
    expect(whistles(h, 'g-xiaofang', mark).join('\n')).to.contain('将于11月30日 09:45到报到时限');
  });

  it('一般: the National Day holiday does not count; the adjusted Saturday does', async () => {
    h = await Harness.start({ now: '2026-09-30T16:30:00+08:00' });
    const r = await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    expect(r[0]).to.contain('报到时限：10月8日 09:30');
    // 1 h on 30 September, then 8, 9 October and the adjusted working Saturday 10 October.
    expect(r[0]).to.contain('办结时限：10月10日 16:30');
    const mark = h.mark();
    await h.advanceTo('2026-10-05T10:00:00+08:00');
    expect(whistles(h, 'g-xiaofang', mark)).to.deep.equal([]);
  });

  it('紧急 runs around the clock: at night the department is warned at 20 minutes and escalated at 30, 45 and 60', async () => {
    h = await Harness.start({ now: '2026-11-28T23:00:00+08:00' }); // Saturday night
    await h.say('admin', 'g-admin', '/职责 负责人 燃气公司 sunli');
    // The demo has no gas company group: bind the spare chat to it.
    await h.say('admin', 'g-new', '/绑定 部门 燃气公司');
    const r = await h.say('zhangmin', 'zhangmin', '吹哨：3栋2单元楼道里有很浓的煤气味');
    expect(r[0]).to.contain('已受理第1号吹哨（紧急（燃气泄漏）），分派给燃气公司');
    expect(r[0]).to.contain('报到时限：11月28日 23:30；办结时限：11月29日 23:00');
    const t = await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 1 });
    expect(t.urgency).to.equal('urgent');
    const mark = h.mark();
    const log: string[] = [];
    for (const at of ['23:19', '23:20', '23:30', '23:45', '23:59']) {
      await h.advanceTo(`2026-11-28T${at}:00+08:00`);
    }
    await h.advanceTo('2026-11-29T00:00:00+08:00');
    await h.advanceTo('2026-11-29T00:05:00+08:00');
    for (const e of h.app.sandbox!.since(mark)) if (e.from === 'bot' && 'text' in e.body && e.body.text.includes('吹哨')) log.push(`${e.chatId}: ${e.body.text.split('\n')[0]}`);
    expect(log).to.deep.equal([
      'g-new: ⏰ 第1号吹哨（紧急）将于11月28日 23:30到报到时限，请尽快报到：/报到 1',
      'g-new: ⚠️ 第1号吹哨（紧急）已超过报到时限（11月28日 23:30），请立即报到：/报到 1',
      'sunli: ⚠️ 燃气公司第1号吹哨（紧急）超过报到时限（11月28日 23:30）仍未报到，请督促处理。',
      'g-admin: 🚨 燃气公司第1号吹哨（紧急）超过报到时限（11月28日 23:30）仍未报到，已提醒部门群和负责人，请街道协调督办。',
    ]);
    const fired = await h.app.ds.manager.find(WhistleTimer, { where: { ticketId: 1, phase: 'ack' }, order: { dueAt: 'ASC' } });
    expect(fired.map((x) => [x.step, x.status, x.firedAt?.toISOString()])).to.deep.equal([
      ['warn', 'fired', new Date('2026-11-28T23:20:00+08:00').toISOString()],
      ['group', 'fired', new Date('2026-11-28T23:30:00+08:00').toISOString()],
      ['leader', 'fired', new Date('2026-11-28T23:45:00+08:00').toISOString()],
      ['admin', 'fired', new Date('2026-11-29T00:00:00+08:00').toISOString()],
    ]);
  });

  it('timers survive a restart and each fires once', async () => {
    h = await Harness.start({ now: '2026-11-23T09:15:00+08:00' });
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人');
    const url = h.url;
    await h.stop();

    // Down over the warning and the limit; the first sweep after the restart catches up, in order.
    h = await Harness.start({ url, keepData: true, now: '2026-11-23T11:20:00+08:00' });
    const mark = h.mark();
    await h.app.runJobs();
    await h.app.settle();
    const got = whistles(h, 'g-xiaofang', mark);
    expect(got).to.have.length(2);
    expect(got[0]).to.contain('将于11月23日 11:15到报到时限');
    expect(got[1]).to.contain('已超过报到时限');
    await h.stop();

    h = await Harness.start({ url, keepData: true, now: '2026-11-23T11:25:00+08:00' });
    const again = h.mark();
    await h.app.runJobs();
    await h.app.settle();
    expect(whistles(h, 'g-xiaofang', again)).to.deep.equal([]);
    expect(await h.say('wangqiang', 'g-xiaofang', '/报到 1')).to.deep.equal(['消防救援站已报到第1号吹哨（已超时）。请在11月26日 09:15前办结：/办结 1 处理结果']);
    // Reported: the remaining 报到 steps never fire.
    const later = h.mark();
    await h.advanceTo('2026-11-23T14:00:00+08:00');
    expect(whistles(h, 'g-admin', later)).to.deep.equal([]);
    expect(await h.app.ds.manager.count(WhistleTimer, { where: { ticketId: 1, phase: 'ack', status: 'cancelled' } })).to.equal(2);
  });
});
