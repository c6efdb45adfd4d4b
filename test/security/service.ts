import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

/** `jianfu start` in a child process, as an operator runs it, configured by environment only. */
export const ROOT = path.resolve(__dirname, '../..');
const ENTRY = path.join(ROOT, 'scripts/jianfu.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Service {
  output = '';
  private done = false;
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess, readonly port: number) {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      this.done = true;
      resolve(code);
    }));
  }

  static async start(env: Record<string, string>, configDir?: string): Promise<Service> {
    const port = await freePort();
    const full: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), LOG_LEVEL: 'info', ...env };
    for (const k of ['JIANFU_CONFIG_DIR', 'JIANFU_ADMINS', 'JIANFU_SANDBOX', 'HOST', 'WECOM_BOT_ID', 'WECOM_BOTS', 'DINGTALK_CLIENT_ID', 'DINGTALK_BOTS']) {
      if (!(k in env)) delete full[k];
    }
    if (configDir) full.JIANFU_CONFIG_DIR = configDir;
    const child = spawn(process.execPath, [ENTRY, 'start'], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Service(child, port);
  }

  get running(): boolean {
    return !this.done;
  }

  url(p: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${p}`;
  }

  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`service exited before it was healthy:\n${this.output}`);
      const ok = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
      if (ok) return;
      await sleep(200);
    }
    throw new Error(`no healthy /healthz within ${timeoutMs} ms:\n${this.output}`);
  }

  logs(): { level?: number; msg?: string; [k: string]: unknown }[] {
    return this.output.split('\n').filter((l) => l.startsWith('{')).flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
  }

  async terminate(timeoutMs = 15_000): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    return Promise.race([this.exited, sleep(timeoutMs).then(() => null)]);
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
