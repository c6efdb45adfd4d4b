import { fork, ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { InstanceReport } from './instance';
import { loadAdmissionList } from '../../../src/gate/admission';
import { projectPath } from '../../../src/config';

/**
 * Starting, driving and stopping jianfu instances (instance.ts) as child processes on one
 * database; shared by `npm run bench:load` and the fault tests in test/scale. LOAD_PROF=<dir>
 * writes a CPU profile of each child there.
 */
export interface Instance {
  child: ChildProcess;
  port: number;
  holder: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

/** Forks a TypeScript file (absolute path) and waits for its {type:'ready'} message. */
export function startChild(file: string, env: Record<string, string>): Promise<{ child: ChildProcess; ready: { port: number; holder?: string } }> {
  const child = fork(file, [], {
    execArgv: ['--import', 'tsx', ...(process.env.LOAD_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_PROF}`] : [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // node-cron warns of every tick it missed while the cores were busy; under load that is noise.
  let rest = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (!l.includes('NODE-CRON')) process.stderr.write(`${l}\n`);
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { type: string; port: number; holder?: string }) => resolve({ child, ready: m }));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
  });
}

export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const { child, ready } = await startChild(path.join(__dirname, 'instance.ts'), env);
  return { child, port: ready.port, holder: ready.holder ?? '' };
}

export function report(i: Instance): Promise<InstanceReport> {
  return new Promise((resolve) => {
    const on = (m: { type: string; report: InstanceReport }) => {
      if (m.type !== 'report') return;
      i.child.off('message', on);
      resolve(m.report);
    };
    i.child.on('message', on);
    i.child.send({ type: 'report' });
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.send({ type: 'stop' });
  });
}

/** kill -9: no clean-up, leases and claims are left to expire. */
export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export interface Message {
  messageId: string;
  userId: string;
  userName: string;
  chatId: string;
  chatType: 'group' | 'direct';
  text: string;
}

/**
 * Delivers one message as a platform does: retried (same messageId) while the instance refuses
 * or the connection fails, up to `tries`; false if it never got through.
 */
export async function post(port: number, m: Message, tries = 5): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await postOnce(port, m)) return true;
    await new Promise((r) => setTimeout(r, 200 * (i + 1)));
  }
  return false;
}

export function postOnce(port: number, m: Message): Promise<boolean> {
  const body = Buffer.from(JSON.stringify(m));
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/load/message', method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end(body);
  });
}

/** The admission item the load's notices (困难群众名单) cite, so the gate passes them on their merits. */
export function reliefBasis(): string {
  const items = loadAdmissionList(projectPath('config/admission-list.yaml')).items;
  const item = items.find((i) => (i.name ?? '').includes('社会救助'));
  if (!item) throw new Error('config/admission-list.yaml has no 社会救助 item for the load notices to cite');
  return item.id;
}
