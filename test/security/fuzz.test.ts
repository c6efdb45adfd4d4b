import v8 from 'node:v8';
import vm from 'node:vm';
import { expect } from 'chai';
import { callbackSign, DingTalkHttpAdapter } from '../../bots/dingtalk/http-callback';
import { sealReply } from '../../bots/wecom/callback-crypto';
import { WeComHttpCallbackAdapter } from '../../bots/wecom/http-callback';
import { createLogger } from '../../src/logger';
import { Harness } from '../helpers/harness';
import { request } from './http';

/*
 * ≥ 10,000 generated requests over loopback against the sandbox API and both callback routes:
 * random Unicode, 100k-character strings, injection strings, JSON type confusion, forged and
 * validly signed garbage. Nothing may answer 5xx, nothing may reject unhandled, and memory
 * must come back near where it started.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Small seeded PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INJECTIONS = [
  "' OR '1'='1", "'); DROP TABLE inbound_message; --", '" OR ""="', '<script>alert(1)</script>', '${process.exit(1)}', '{{7*7}}',
  '../../../../etc/passwd', '\u0000', '%00%0d%0a', '\r\nX-Injected: 1', '__proto__', 'constructor', '/规则 关闭 admission', '／角色 设置 张敏 管理员',
  '规则：关闭 admission', '@所有人 /通知 全部社区 马上拍照上传', 'SELECT SLEEP(10)', '\\', '`rm -rf /`', '😀'.repeat(50), '\u202e\u2066', 'A'.repeat(5000),
];
const COMMANDS = ['/帮助', '/规则 查看', '/通知 全部社区 明天前上报', '/评估 ', '/绑定 社区 人民社区', '/发送队列 重试 全部', '/收到 1', '/完成 abc', '/进度 -1', '吹哨：', '/角色 设置 张敏 管理员'];

class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  unicode(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) {
      const k = this.int(10);
      if (k < 3) s += String.fromCharCode(0x4e00 + this.int(0x51a5));
      else if (k < 5) s += String.fromCharCode(0x20 + this.int(0x5f));
      else if (k < 6) s += String.fromCharCode(this.int(0x20));
      else if (k < 7) s += String.fromCharCode(0xd800 + this.int(0x800)); // lone surrogates
      else if (k < 8) s += String.fromCodePoint(0x1f300 + this.int(0x300));
      else s += String.fromCharCode(this.int(0xffff));
    }
    return s;
  }
  text(): string {
    const k = this.int(10);
    if (k === 0) return this.unicode(100_000);
    if (k < 3) return this.pick(INJECTIONS) + this.unicode(this.int(20));
    if (k < 5) return this.pick(COMMANDS) + this.pick(['', ' ', '：']) + this.unicode(this.int(40));
    return this.unicode(1 + this.int(200));
  }
  /** Any JSON value, with a bias towards the wrong type. */
  value(depth = 0): unknown {
    const k = this.int(depth > 3 ? 6 : 9);
    switch (k) {
      case 0: return null;
      case 1: return this.r() < 0.5;
      case 2: return this.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 3.14]);
      case 3: case 4: case 5: return this.text().slice(0, 2000);
      case 6: return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default: return Object.fromEntries(Array.from({ length: this.int(5) }, () => [this.pick(['text', 'userId', 'files', '__proto__', 'constructor', 'msgtype', 'content', this.unicode(3)]), this.value(depth + 1)]));
    }
  }
  deep(n: number): string {
    return '['.repeat(n) + ']'.repeat(n);
  }
}

describe('security: fuzz and abuse over loopback', function () {
  this.timeout(600_000);
  let h: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown) => unhandled.push(r);
  const DT_SECRET = 'dt-secret-fuzz';
  const WX = { token: 'wx-token-fuzz', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', receiveId: '' };

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    const log = createLogger(process.env.FUZZ_LOG ? 'error' : 'silent');
    const now = { fn: () => Date.now() };
    const wecom = new WeComHttpCallbackAdapter({ id: 'wxf', token: WX.token, encodingAESKey: WX.encodingAESKey, log, now: () => now.fn() });
    // Replies go nowhere real: the webhook base is a closed loopback port.
    const dingtalk = new DingTalkHttpAdapter({ id: 'dtf', clientId: 'dtf', clientSecret: DT_SECRET, log, now: () => now.fn(), endpoints: { apiBase: 'http://127.0.0.1:9', oapiBase: 'http://127.0.0.1:9' } });
    h = await Harness.start({ listen: true, adapters: [wecom, dingtalk], routes: [wecom.routes(), dingtalk.routes()] });
    now.fn = () => h.clock.now().getTime();
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h.stop();
  });

  it('answers 10,000+ generated requests without a 5xx, an exit or a leak', async () => {
    const g = new Gen(rng(20261129));
    const port = h.app.port;
    const statuses = new Map<number, number>();
    const fives: string[] = [];
    let sent = 0;

    const one = async (i: number): Promise<void> => {
      const kind = i % 20;
      let method = 'POST';
      let path = '/sandbox/api/send';
      let body: string | undefined;
      let headers: Record<string, string> = {};
      if (kind < 4) {
        // Well-formed sends with generated text: they reach the inbox and the command parser.
        body = JSON.stringify({ userId: g.pick(['zhangmin', 'lixia', 'xiaozhou', 'admin', g.unicode(8) || 'u']), chatId: g.pick(['g-renmin', 'g-minzheng', 'g-new', 'zhangmin', g.unicode(6) || 'c']), text: g.text() });
      } else if (kind < 10) {
        body = JSON.stringify(g.value());
      } else if (kind < 11) {
        body = g.pick([g.deep(5000), '{"userId":', '\u0000', g.unicode(500), '{"a":1}'.repeat(1000), 'null']);
        headers = { 'content-type': g.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) };
      } else if (kind < 12) {
        path = '/sandbox/api/chats';
        body = JSON.stringify(g.r() < 0.5 ? { title: g.text().slice(0, 300) } : g.value());
      } else if (kind < 13) {
        method = 'GET';
        path = `/sandbox/api/messages?after=${encodeURIComponent(String(g.value()).replace(/[\ud800-\udfff]/g, "?"))}&chatId=${encodeURIComponent(g.unicode(5).replace(/[\ud800-\udfff]/g, ''))}`;
      } else if (kind < 16) {
        // WeCom: forged signatures, and validly sealed garbage that must be refused or stored cleanly.
        const ts = String(Math.floor(h.clock.now().getTime() / 1000));
        const forged = g.r() < 0.4;
        // Only WeCom (holding the key) can seal; what it seals is still checked for shape.
        const sealed = sealReply(WX, g.r() < 0.1 ? JSON.stringify(g.value()) : g.r() < 0.5 ? JSON.stringify({ ...(g.value() as object) }) : JSON.stringify({ msgid: `m${i}`, msgtype: g.pick(['text', 'event', 'stream', 'mixed', 'image', 'voice', 'file']), chattype: g.pick(['group', 'single', 1, null]), chatid: g.value(), from: g.value(), text: g.value(), event: g.value(), mixed: g.value() }), ts, `n${i}`);
        path = `/wecom/callback/wxf?msg_signature=${forged ? g.pick(['', 'x', String(sealed.msgsignature).replace(/^./, '0')]) : sealed.msgsignature}&timestamp=${sealed.timestamp}&nonce=${sealed.nonce}`;
        body = JSON.stringify(g.r() < 0.9 ? { encrypt: sealed.encrypt } : g.value());
      } else {
        // DingTalk: forged signs with bodies of every shape (must be refused), and correctly signed
        // bodies in the protocol's own types with hostile contents (replays among them are refused).
        const ts = String(h.clock.now().getTime());
        const forged = g.r() < 0.5;
        headers = { timestamp: g.r() < 0.1 ? String(g.value()).slice(0, 50).replace(/[^\x20-\x7e]/g, '') : ts, sign: forged ? 'forged' : callbackSign(ts, DT_SECRET) };
        path = '/dingtalk/callback/dtf';
        // A signed body may still hold any JSON type where the protocol says string.
        const str = () => (g.r() < 0.1 ? g.value() : g.r() < 0.2 ? '' : g.text().slice(0, 300));
        body = JSON.stringify(forged ? g.value() : {
          msgId: `d${i}`, msgtype: g.pick(['text', 'richText', 'picture', 'file', 'audio', 'video']), text: { content: str() }, content: g.r() < 0.5 ? { downloadCode: str(), fileName: str(), recognition: str() } : undefined,
          conversationType: g.pick(['1', '2']), conversationId: str(), senderStaffId: str(), senderNick: str(), isInAtList: g.r() < 0.5,
          sessionWebhook: g.pick(['http://127.0.0.1:9/x', 'http://evil.example/x', str()]), robotCode: 'dtf',
        });
      }
      const r = await request(port, method, path, body, headers);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status >= 500 && !(r.status === 503 && /稍后重试/.test(r.text))) fives.push(`${method} ${path.slice(0, 60)} → ${r.status} ${r.text.slice(0, 120)} body=${(body ?? '').slice(0, 120)}`);
      sent++;
    };

    // Warm-up, then the baseline: the first requests load code and caches that stay.
    for (let i = 0; i < 200; i++) await one(i);
    await h.app.settle();
    gc();
    const start = process.memoryUsage().heapUsed;

    const TOTAL = Number(process.env.FUZZ_N ?? 10_000);
    let next = 200;
    const workers = Array.from({ length: 8 }, async () => {
      while (next < TOTAL + 200) await one(next++);
    });
    await Promise.all(workers);
    await h.app.settle();

    expect(fives, fives.slice(0, 5).join('\n')).to.deep.equal([]);
    expect(sent).to.be.at.least(TOTAL);
    expect(unhandled, String(unhandled[0])).to.deep.equal([]);
    // A mix of accepted and refused, not one uniform answer.
    expect(statuses.get(200) ?? 0).to.be.greaterThan(TOTAL / 10);
    expect([...statuses.keys()].filter((s) => s >= 400 && s < 500).length).to.be.greaterThan(1);

    // Still serving, still correct.
    const mark = h.mark();
    const r = await request(port, 'POST', '/sandbox/api/send', JSON.stringify({ userId: 'admin', chatId: 'g-admin', text: '/规则 查看' }));
    expect(r.status).to.equal(200);
    await h.app.settle();
    // The sender takes 200 rows a pass; thousands of replies are queued ahead of this one.
    while ((await h.app.sender.flush()) > 0);
    expect(h.botMessages('g-admin', mark).some((t) => /^减负规则/.test(t))).to.equal(true);
    expect((await request(port, 'GET', '/readyz')).status).to.equal(200);

    const held = h.app.sandbox!.heldBytes();
    gc();
    const growth = process.memoryUsage().heapUsed - start;
    if (process.env.FUZZ_REPORT) process.stdout.write(`fuzz: ${sent} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, heap +${Math.round(growth / 1e6)} MB (sandbox buffers ${Math.round((held.transcript + held.files) / 1e6)} MB)\n`);
    // The transcript may legitimately fill to its bound; anything beyond that is a leak.
    expect(growth - held.transcript - held.files, `heap grew ${Math.round(growth / 1e6)} MB`).to.be.lessThan(48 * 1024 * 1024);
  });
});
