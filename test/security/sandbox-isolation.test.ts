import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openDatabase } from '../../src/db';
import { onMysql, resetDatabase } from '../helpers/db';
import { ROOT, Service } from './service';

/*
 * The sandbox trusts whoever the page says you are, so it must never touch a real deployment:
 * `jianfu start` with a real platform configured, probed over loopback as an attacker would.
 */
const WECOM_HTTP = {
  WECOM_BOT_ID: 'bot-sec', WECOM_MODE: 'http', WECOM_CALLBACK_TOKEN: 'tok-sec', WECOM_CALLBACK_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

function otherAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

async function say(s: Service, userId: string, chatId: string, text: string): Promise<string[]> {
  const before = ((await (await fetch(s.url('/sandbox/api/state'))).json()) as { lastSeq: number }).lastSeq;
  const r = await fetch(s.url('/sandbox/api/send'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId, chatId, text }) });
  expect(r.status, await r.clone().text()).to.equal(200);
  // Scheduled messages (the 1 November holiday-import warning to the admin group) may land in the chat first,
  // so collect what the bot says until it has been quiet for a moment, not just its first message.
  let bot: string[] = [];
  let quiet = 0;
  for (let i = 0; i < 40 && quiet < 2; i++) {
    const m = (await (await fetch(s.url(`/sandbox/api/messages?after=${before}&wait=500&chatId=${chatId}`))).json()) as { messages: { from: string; body: { text?: string; body?: string } }[] };
    const now = m.messages.filter((e) => e.from === 'bot').map((e) => e.body.text ?? e.body.body ?? '');
    if (bot.length && now.length === bot.length) quiet++;
    else quiet = 0;
    bot = now;
    await new Promise((r) => setTimeout(r, 250));
  }
  return bot;
}

describe('security: the sandbox next to a real platform', function () {
  this.timeout(120_000);
  const services: Service[] = [];
  const dirs: string[] = [];
  let url: string;

  beforeEach(async () => {
    const env = process.env.DATABASE_URL;
    if (env && onMysql(env)) {
      url = env;
      await resetDatabase(url);
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-sec-'));
      dirs.push(dir);
      url = `sqlite:${path.join(dir, 'jianfu.db')}`;
    }
  });

  after(() => {
    for (const s of services) s.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function boot(env: Record<string, string>, configDir?: string): Promise<Service> {
    const s = await Service.start({ DATABASE_URL: url, ...env }, configDir);
    services.push(s);
    await s.waitHealthy();
    return s;
  }

  function configDirWith(local: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-sec-conf-'));
    dirs.push(dir);
    for (const f of fs.readdirSync(path.join(ROOT, 'config'))) fs.copyFileSync(path.join(ROOT, 'config', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'local.yaml'), local);
    return dir;
  }

  it('listens on 127.0.0.1 only, and with a platform configured the sandbox is off and says so', async () => {
    const s = await boot(WECOM_HTTP);
    expect((await fetch(s.url('/sandbox'))).status).to.equal(404);
    const send = await fetch(s.url('/sandbox/api/send'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'admin', chatId: 'g-admin', text: '/规则 关闭 admission' }) });
    expect(send.status).to.equal(404);
    expect((await fetch(s.url('/sandbox/api/messages'))).status).to.equal(404);
    const line = s.logs().find((l) => l.sandbox === 'off');
    expect(line?.msg, s.output).to.match(/已接入真实平台，沙盒已关闭/);
    expect(s.logs().find((l) => l.msg === 'jianfu 已启动')?.host).to.equal('127.0.0.1');
    const other = otherAddress();
    if (other) expect(await canConnect(other, s.port), `port open on ${other}`).to.equal(false);
    expect(await canConnect('127.0.0.1', s.port)).to.equal(true);
    expect(await s.terminate()).to.equal(0);
  });

  it('turned on by the operator next to a platform, runs on its own demo data: the admin it trusts cannot change real settings', async () => {
    const s = await boot({ ...WECOM_HTTP, JIANFU_SANDBOX: 'true' });
    expect(s.logs().find((l) => l.sandbox === 'isolated')?.msg, s.output).to.match(/独立的演示数据库/);
    const replies = await say(s, 'admin', 'g-admin', '/规则 关闭 admission');
    expect(replies.join('\n')).to.match(/admission|准入/);
    const noticeReplies = await say(s, 'lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前报送辖区80岁以上老人名单');
    expect(noticeReplies.length).to.be.greaterThan(0);
    expect(await s.terminate()).to.equal(0);
    // The real database saw none of it.
    const ds = await openDatabase(url, { migrate: false });
    try {
      expect(await ds.query('SELECT COUNT(*) AS n FROM rule_setting').then((r: { n: number | string }[]) => Number(r[0].n))).to.equal(0);
      expect(await ds.query("SELECT COUNT(*) AS n FROM inbound_message WHERE platform = 'sandbox'").then((r: { n: number | string }[]) => Number(r[0].n))).to.equal(0);
      expect(await ds.query('SELECT COUNT(*) AS n FROM notice').then((r: { n: number | string }[]) => Number(r[0].n))).to.equal(0);
    } finally {
      await ds.destroy();
    }
  });

  it('reads sandbox.enabled: "false" in local.yaml as off (fail closed), with no platform at all', async () => {
    const s = await boot({}, configDirWith('sandbox:\n  enabled: "false"\n'));
    expect((await fetch(s.url('/sandbox/api/state'))).status).to.equal(404);
    expect(s.logs().find((l) => l.sandbox === 'off'), s.output).to.not.equal(undefined);
    expect(await s.terminate()).to.equal(0);
  });

  it('warns when the operator opens the sandbox beyond loopback with HOST', async () => {
    const s = await boot({ HOST: '0.0.0.0' });
    const warn = s.logs().find((l) => l.level === 40 && /沙盒不验证身份/.test(l.msg ?? ''));
    expect(warn, s.output).to.not.equal(undefined);
    expect(await s.terminate()).to.equal(0);
    const quiet = await boot({});
    expect(quiet.logs().some((l) => /沙盒不验证身份/.test(l.msg ?? ''))).to.equal(false);
    expect(await quiet.terminate()).to.equal(0);
  });

  it('refuses to start when a config file holds a secret, naming the key', async () => {
    const s = await Service.start({ DATABASE_URL: url }, configDirWith('wecom:\n  bots:\n    - botId: b1\n      secret: s3cr3t-value\n'));
    services.push(s);
    expect(await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))])).to.equal(1);
    expect(s.output).to.match(/local\.yaml 中的 wecom\.bots\.0\.secret 像是密钥。密钥只能通过环境变量提供/);
  });
});
