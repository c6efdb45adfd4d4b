import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { WeComHttpCallbackAdapter } from '../../bots/wecom/http-callback';
import { OutboxMessage } from '../../entities';
import { createLogger } from '../../src/logger';
import { enqueue } from '../../src/outbox/outbox';
import { retryWindowMs } from '../../src/outbox/sender';
import { Harness } from '../helpers/harness';

/**
 * A WeCom group robot webhook on loopback that can be "down" (HTTP 502) for as long as a test
 * likes; the real callback-mode adapter posts to it.
 */
class Webhook {
  down = true;
  received: string[] = [];
  private server!: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (this.down) {
          res.writeHead(502).end('bad gateway');
          return;
        }
        this.received.push((JSON.parse(body) as { markdown: { content: string } }).markdown.content);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

const OUTBOX = { pollMs: 3_600_000, maxAttempts: 20, backoffBaseMs: 2000, backoffMaxMs: 300_000 };

describe('security: a platform away for long', function () {
  this.timeout(120_000);
  let h: Harness;
  let hook: Webhook;

  beforeEach(async () => {
    hook = new Webhook();
    const url = await hook.start();
    const clockBox: { now: () => number } = { now: () => Date.now() };
    const adapter = new WeComHttpCallbackAdapter({
      id: 'wx', token: 'tok', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', webhooks: { 'wx-group': url },
      log: createLogger('silent'), now: () => clockBox.now(),
    });
    h = await Harness.start({ adapters: [adapter], config: { outbox: OUTBOX } });
    clockBox.now = () => h.clock.now().getTime();
  });
  afterEach(async () => {
    await h.stop();
    await hook.stop();
  });

  async function queueOne(text: string): Promise<number> {
    const now = h.clock.now();
    const row = await h.app.db.work((em) => enqueue(em, { platform: 'wecom', botId: 'wx', chatId: 'wx-group', chatType: 'group' }, { kind: 'text', text }, { dedupeKey: `t:${text}`, notBefore: now, now }));
    return row!.id;
  }

  /** Minute by minute, as the sender's poll would, for `minutes`. */
  async function passMinutes(minutes: number): Promise<void> {
    for (let i = 0; i < minutes; i++) {
      await h.app.sender.flush();
      h.clock.advanceMinutes(1);
    }
    await h.app.sender.flush();
  }

  it('the default retry policy covers more than an hour, with waits capped', () => {
    expect(retryWindowMs(OUTBOX)).to.be.greaterThan(60 * 60_000);
    expect(retryWindowMs({ maxAttempts: 6, backoffBaseMs: 2000 })).to.be.lessThan(70_000);
  });

  it('a 62-minute outage delays a message but does not park it', async () => {
    const id = await queueOne('一小时后也要送到');
    await passMinutes(62);
    expect((await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id })).status).to.equal('pending');
    hook.down = false;
    await passMinutes(10);
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row.status).to.equal('sent');
    expect(hook.received).to.deep.equal(['一小时后也要送到']);
  });

  it('parked after the window, reported to the admin group, and re-queued by /发送队列', async () => {
    const id = await queueOne('停了两小时的消息');
    await passMinutes(120);
    const parked = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(parked.status).to.equal('parked');
    expect(parked.attempts).to.equal(20);
    const report = h.botMessages('g-admin').join('\n');
    expect(report).to.contain(`第${id}条`).and.to.contain('/发送队列 重试');

    const list = (await h.say('admin', 'g-admin', '/发送队列 查看')).join('\n');
    expect(list).to.contain(`第${id}条`).and.to.contain('停了两小时的消息');
    const denied = (await h.say('zhangmin', 'g-renmin', '/发送队列 重试 全部')).join('\n');
    expect(denied).to.match(/权限不足/);
    expect((await h.say('admin', 'g-admin', '/发送队列 重试 99999')).join('\n')).to.match(/没有暂停的第99999条/);

    hook.down = false;
    const done = (await h.say('admin', 'g-admin', `/发送队列 重试 ${id}`)).join('\n');
    expect(done).to.match(/已重新排队1条/);
    await h.app.sender.flush();
    expect((await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id })).status).to.equal('sent');
    expect(hook.received).to.deep.equal(['停了两小时的消息']);
    expect((await h.say('admin', 'g-admin', '/发送队列 查看')).join('\n')).to.match(/没有暂停的消息/);
  });
});
