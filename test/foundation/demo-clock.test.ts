import { expect } from 'chai';
import type { BotAdapter, SendResult } from '../../bots/types';
import { parseDemoTime } from '../../src/chat/demo-clock';
import { Harness } from '../helpers/harness';

class QuietWeCom implements BotAdapter {
  readonly platform = 'wecom' as const;
  readonly botId = 'bot1';
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(): Promise<SendResult> {
    return { ok: true };
  }
  maxBytes(): number {
    return 20_000;
  }
}

describe('demo clock (/时间)', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('parses the forms an admin types', () => {
    expect(parseDemoTime('2026-11-28 10:00')!.toISOString()).to.equal('2026-11-28T02:00:00.000Z');
    expect(parseDemoTime('2026年11月28日 9:05')!.toISOString()).to.equal('2026-11-28T01:05:00.000Z');
    expect(parseDemoTime('明天')).to.equal(null);
    expect(parseDemoTime('2026-11-28 25:00')).to.equal(null);
  });

  it('lets an admin move time in the sandbox to see night deferral, then restore it', async () => {
    h = await Harness.start({ now: '2026-11-24T09:15:00+08:00', demoClock: true });
    const basis = h.app.desk.env.admission.items.find((i) => /老/.test(i.name))!.id;
    const moved = await h.say('admin', 'g-admin', '/时间 设置 2026-11-28 10:00');
    expect(moved[0]).to.equal('现在是11月28日（周六）10:00（演示时钟）。到点的定时送达和提醒会随之进行。');
    const r = (await h.say('lixia', 'g-minzheng', `/通知 人民社区 请于12月4日前报送养老服务需求表 依据:${basis}`))[0];
    expect(r).to.contain('将于11月30日（周一）08:30发送');
    await h.say('admin', 'g-admin', '/时间 设置 2026-11-30 08:31');
    await h.app.runJobs();
    await h.app.settle();
    expect(h.botMessages('g-renmin')).to.have.length(1);
    expect(h.botMessages('g-renmin')[0]).to.contain('【第1号通知】民政科');
    expect((await h.say('admin', 'g-admin', '/时间 恢复'))[0]).to.equal('已恢复真实时间。现在是11月24日（周二）09:15。');
    expect((await h.say('lixia', 'g-minzheng', '/时间 设置 2026-11-28 10:00'))[0]).to.contain('权限不足');
  });

  it('is refused while a real platform is connected', async () => {
    h = await Harness.start({ demoClock: true, adapters: [new QuietWeCom()] });
    expect(await h.say('admin', 'g-admin', '/时间 设置 2026-11-28 10:00')).to.deep.equal(['已接入企业微信，不能修改时间（真实群会按假时间收到通知）。']);
    expect((await h.say('admin', 'g-admin', '/时间'))[0]).to.equal('现在是11月23日（周一）09:15。');
  });
});
