import { expect } from 'chai';
import type { Logger as OrmLogger } from 'typeorm';
import type { BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../../bots/types';
import { InboundMessage, OutboxMessage } from '../../entities';
import { enqueue } from '../../src/outbox/outbox';
import { Harness, textOf } from '../helpers/harness';

/** A platform whose sends into one chat wait until the test lets them through. */
class GatedAdapter implements BotAdapter {
  readonly platform = 'wecom' as const;
  readonly botId = 'gated';
  readonly sent: string[] = [];
  private open: () => void = () => undefined;
  readonly opened = new Promise<void>((r) => (this.open = r));
  arrived: () => void = () => undefined;
  readonly waiting = new Promise<void>((r) => (this.arrived = r));
  async start(_sink: InboundSink): Promise<void> {}
  async stop(): Promise<void> {}
  async send(msg: OutgoingMessage): Promise<SendResult> {
    if (msg.chatId === 'slow') {
      this.arrived();
      await this.opened;
    }
    this.sent.push(msg.chatId);
    return { ok: true };
  }
  maxBytes(): number {
    return 2000;
  }
  release(): void {
    this.open();
  }
}

/** Counts transactions and statements of one class as TypeORM sends them. */
function countStatements(h: Harness): { begins: number; inboundInserts: number } {
  const seen = { begins: 0, inboundInserts: 0 };
  const orm = h.app.ds.logger;
  h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, {
    logQuery: (q: string) => {
      if (/^\s*(START TRANSACTION|BEGIN)/i.test(q)) seen.begins++;
      if (/^\s*INSERT INTO [`"]inbound_message/i.test(q)) seen.inboundInserts++;
    },
  });
  return seen;
}

describe('scale: group commit of messages from many chats', function () {
  this.timeout(60_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.app.stop();
  });

  it('stores and answers a burst from 40 chats once each, in fewer statements than messages, every reply in its own chat', async () => {
    const sandbox = h.app.sandbox!;
    // Warm-up: the members exist, so the burst counts only the steady-state cost.
    const users = Array.from({ length: 40 }, (_, i) => `burst${i}`);
    await Promise.all(users.map((u) => sandbox.post({ userId: u, userName: `居民${u}`, chatId: u, chatType: 'direct', text: '/帮助' })));
    await h.app.settle();
    const seen = countStatements(h);
    const before = sandbox.lastSeq();
    const posted = await Promise.all(users.map((u) => sandbox.post({ userId: u, userName: `居民${u}`, chatId: u, chatType: 'direct', text: '/我是谁' })));
    await h.app.settle();

    expect(posted.every((p) => !p.duplicate)).to.equal(true);
    const replies = sandbox.since(before).filter((e) => e.from === 'bot');
    for (const u of users) {
      const mine = replies.filter((e) => e.chatId === u);
      expect(mine, u).to.have.length(1);
      expect(textOf(mine[0].body)).to.include(`居民${u}`);
    }
    // Gathered, not one by one: the 40 rows came in fewer INSERTs and the 40 decisions in fewer transactions.
    expect(seen.inboundInserts).to.be.greaterThan(0).and.lessThan(40);
    expect(seen.begins).to.be.greaterThan(0).and.lessThan(40);
    // Ids from a multi-row INSERT belong to the right messages: each reply row answers an inbound row of its own chat.
    const inbound = await h.app.ds.manager.find(InboundMessage, { select: { id: true, chatId: true, status: true } });
    const chatOf = new Map(inbound.map((m) => [m.id, m.chatId]));
    const outbox = await h.app.ds.manager.find(OutboxMessage, { select: { id: true, chatId: true, inReplyTo: true, status: true } });
    const answers = outbox.filter((o) => o.inReplyTo !== null);
    expect(answers).to.have.length(80);
    for (const o of answers) expect(chatOf.get(o.inReplyTo!), `outbox ${o.id}`).to.equal(o.chatId);
    expect(inbound.every((m) => m.status === 'processed')).to.equal(true);
    expect(outbox.every((o) => o.status === 'sent')).to.equal(true);
  });

  it('fails one bad message of a batch alone: the others are answered as usual, and a redelivered one is still a duplicate', async () => {
    h.app.registry.register({
      name: '故障', summary: '测试用：处理时出错', roles: 'any',
      handler: async (ctx) => {
        await ctx.reply('不应发出');
        throw new Error('boom');
      },
    });
    const sandbox = h.app.sandbox!;
    const users = Array.from({ length: 12 }, (_, i) => `mix${i}`);
    const before = sandbox.lastSeq();
    const posted = await Promise.all(users.map((u, i) => sandbox.post({
      userId: u, userName: `居民${u}`, chatId: u, chatType: 'direct', text: i === 5 ? '/故障' : '/帮助', messageId: `m-${u}`,
    })));
    await h.app.settle();
    expect(posted.every((p) => !p.duplicate)).to.equal(true);
    const replies = sandbox.since(before).filter((e) => e.from === 'bot');
    users.forEach((u, i) => {
      const mine = replies.filter((e) => e.chatId === u).map((e) => textOf(e.body));
      expect(mine, u).to.have.length(1);
      if (i === 5) expect(mine[0]).to.include('处理这条消息时出错');
      else expect(mine[0]).to.include('/帮助');
    });
    const rows = await h.app.ds.manager.find(InboundMessage, { select: { id: true, messageId: true, status: true } });
    expect(rows.filter((r) => r.status === 'failed').map((r) => r.messageId)).to.deep.equal(['m-mix5']);
    expect(rows.filter((r) => r.status === 'processed')).to.have.length(11);

    // A platform redelivering part of the burst, mixed with new messages: the repeats are recognised, the new ones stored.
    const again = await Promise.all([
      sandbox.post({ userId: users[0], userName: `居民${users[0]}`, chatId: users[0], chatType: 'direct', text: '/帮助', messageId: 'm-mix0' }),
      sandbox.post({ userId: 'fresh', userName: '居民fresh', chatId: 'fresh', chatType: 'direct', text: '/帮助', messageId: 'm-fresh' }),
      sandbox.post({ userId: users[1], userName: `居民${users[1]}`, chatId: users[1], chatType: 'direct', text: '/帮助', messageId: 'm-mix1' }),
    ]);
    await h.app.settle();
    expect(again.map((a) => a.duplicate)).to.deep.equal([true, false, true]);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(13);
  });

  it('keeps a chat\'s order when several of its messages share a batch, and a later one sees what an earlier one did', async () => {
    h.app.registry.register({ name: '回声', summary: '测试用：原样回复', roles: 'any', args: [{ name: 'text', rest: true }], handler: async (ctx, args) => ctx.reply(`回声${args.text}`) });
    const sandbox = h.app.sandbox!;
    const before = sandbox.lastSeq();
    // Posted together: the rest wait while the first is in a batch, then go in one batch, in order.
    await Promise.all([
      sandbox.post({ userId: 'xiaozhou', userName: '小周', chatId: 'g-fresh', chatType: 'group', text: '/回声 开始' }),
      sandbox.post({ userId: 'admin', userName: '管理员', chatId: 'g-fresh', chatType: 'group', text: '/绑定 社区 东湖村' }),
      sandbox.post({ userId: 'xiaozhou', userName: '小周', chatId: 'g-fresh', chatType: 'group', text: '/我是谁' }),
      ...Array.from({ length: 8 }, (_, i) => sandbox.post({ userId: 'xiaozhou', userName: '小周', chatId: 'g-fresh', chatType: 'group', text: `/回声 ${i}` })),
    ]);
    await h.app.settle();
    const said = sandbox.since(before).filter((e) => e.from === 'bot' && e.chatId === 'g-fresh').map((e) => textOf(e.body));
    expect(said[0]).to.equal('回声开始');
    expect(said[1]).to.include('东湖村');
    expect(said[2]).to.include('本群').and.include('东湖村');
    expect(said.slice(3)).to.deep.equal(Array.from({ length: 8 }, (_, i) => `回声${i}`));
  });

  it('marks sent only the rows its pass still holds: a row another instance took over meanwhile stays theirs', async () => {
    await h.app.stop();
    const gated = new GatedAdapter();
    h = await Harness.start({ adapters: [gated] });
    const now = h.clock.now();
    for (const chatId of ['slow', 'fast1', 'fast2']) {
      await h.app.db.work((em) => enqueue(em, { platform: 'wecom', botId: 'gated', chatId, chatType: 'group' }, { kind: 'text', text: '测试' }, { dedupeKey: `t:${chatId}`, notBefore: now, now }));
    }
    const pass = h.app.sender.flush();
    await gated.waiting;
    // Another instance takes the slow chat's row over while the platform is still answering this pass.
    await h.app.ds.manager.update(OutboxMessage, { chatId: 'slow' }, { claimedBy: 'other-instance' });
    gated.release();
    await pass;
    const rows = await h.app.ds.manager.find(OutboxMessage, { select: { chatId: true, status: true, claimedBy: true } });
    const byChat = new Map(rows.map((r) => [r.chatId, r]));
    expect(byChat.get('fast1')!.status).to.equal('sent');
    expect(byChat.get('fast2')!.status).to.equal('sent');
    expect(byChat.get('slow')!.status).to.equal('pending');
    expect(byChat.get('slow')!.claimedBy).to.equal('other-instance');
    expect(gated.sent.sort()).to.deep.equal(['fast1', 'fast2', 'slow']);
  });
});
