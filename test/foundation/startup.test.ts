import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { onMysql, resetDatabase } from '../helpers/db';

/*
 * `npm start` as an operator runs it: the real entry script in a child process, configured
 * only through environment variables, probed over HTTP and stopped with SIGTERM.
 */
const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'scripts/jianfu.js');
const DEMO_LINE = '演示数据';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '0.0.0.0', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogLine {
  level?: number;
  msg?: string;
}

class Service {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  private constructor(readonly child: ChildProcess, readonly port: number) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.done = true;
      resolve({ code, signal });
    }));
  }

  static async start(databaseUrl: string, viaNpm = false): Promise<Service> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', JIANFU_SANDBOX: 'true', JIANFU_DEMO: 'true',
    };
    // The repository's own config, not whatever the developer's shell points at.
    delete env.JIANFU_CONFIG_DIR;
    delete env.JIANFU_ADMINS;
    const child = viaNpm
      ? spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [ENTRY, 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Service(child, port);
  }

  get running(): boolean {
    return !this.done;
  }

  url(p: string): string {
    return `http://127.0.0.1:${this.port}${p}`;
  }

  logs(): LogLine[] {
    return this.output.split('\n').filter((l) => l.startsWith('{')).map((l) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        return {};
      }
    });
  }

  /** Polls /healthz until it answers 200; fails early if the process dies. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`service exited before it was healthy:\n${this.output}`);
      try {
        const res = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(2000) });
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await sleep(200);
    }
    throw new Error(`no healthy /healthz within ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGTERM, then the exit code; null if it did not exit in time. */
  async terminate(timeoutMs = 15_000): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    const timeout = sleep(timeoutMs).then(() => null);
    const r = await Promise.race([this.exited, timeout]);
    return r ? r.code : null;
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

describe('foundation: npm start', function () {
  this.timeout(120_000);
  let dir: string | null = null;
  let url: string;
  const services: Service[] = [];
  let firstStartDone = false;

  before(async () => {
    const env = process.env.DATABASE_URL;
    if (env && onMysql(env)) {
      url = env;
      await resetDatabase(url);
    } else {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-start-'));
      url = `sqlite:${path.join(dir, 'jianfu.db')}`;
    }
  });

  after(() => {
    for (const s of services) s.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function boot(): Promise<Service> {
    const s = await Service.start(url);
    services.push(s);
    await s.waitHealthy();
    return s;
  }

  it('starts on an empty database, loads the demo data, serves the sandbox and stops cleanly on SIGTERM', async () => {
    const s = await boot();

    const ready = await fetch(s.url('/readyz'));
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { status: string }).status).to.equal('ready');

    const page = await fetch(s.url('/sandbox'));
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const title = /<title>([^<]+)<\/title>/.exec(fs.readFileSync(path.join(ROOT, 'bots/sandbox/page.html'), 'utf8'))?.[1];
    expect(title).to.contain('减负助手');
    expect(await page.text()).to.contain(`<title>${title}</title>`);

    const demo = YAML.parse(fs.readFileSync(path.join(ROOT, 'config/demo.yaml'), 'utf8')) as {
      members: { userId: string; name: string }[];
      groups: { chatId: string; title: string }[];
    };
    const state = (await (await fetch(s.url('/sandbox/api/state'))).json()) as {
      people: { userId: string; name: string }[];
      chats: { chatId: string; title: string }[];
    };
    expect(state.people.map((p) => p.name)).to.include.members(demo.members.map((m) => m.name));
    expect(state.chats.map((c) => c.title)).to.include.members(demo.groups.map((g) => g.title));

    const demoLines = s.logs().filter((l) => l.msg?.includes(DEMO_LINE));
    expect(demoLines, `a log line about ${DEMO_LINE}:\n${s.output}`).to.have.length(1);
    expect(demoLines[0].level, 'logged at info').to.equal(30);

    expect(await s.terminate(), `exit code after SIGTERM:\n${s.output}`).to.equal(0);
    firstStartDone = true;
  });

  it('stops when the npm process that started it is killed (Ctrl-C or SIGTERM to npm start)', async () => {
    const s = await Service.start(url, true);
    services.push(s);
    await s.waitHealthy();
    s.child.kill('SIGTERM');
    await s.exited;
    let stopped = false;
    for (let i = 0; i < 60 && !stopped; i++) {
      await sleep(250);
      stopped = await fetch(s.url('/healthz'), { signal: AbortSignal.timeout(1000) }).then(() => false, () => true);
    }
    expect(stopped, `the service still answers after npm was killed:\n${s.output}`).to.equal(true);
    expect(s.output).to.contain('正在停止');
  });

  it('starts again on the same database without loading the demo data twice', async () => {
    // Run alone (--grep), this test makes its own first start.
    if (!firstStartDone) expect(await (await boot()).terminate()).to.equal(0);
    const s = await boot();
    const state = (await (await fetch(s.url('/sandbox/api/state'))).json()) as { people: { name: string }[] };
    expect(state.people.map((p) => p.name)).to.include('王主任');
    expect((await fetch(s.url('/readyz'))).status).to.equal(200);
    expect(await s.terminate(), `exit code after SIGTERM:\n${s.output}`).to.equal(0);
    expect(s.logs().filter((l) => l.msg?.includes(DEMO_LINE)), s.output).to.deep.equal([]);
    expect(s.logs().length, 'the service did log (so the absence above means something)').to.be.greaterThan(0);
  });
});
