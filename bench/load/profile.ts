/**
 * `npm run bench:cost`: what one message of each kind in the load mix costs, measured so that a
 * busy shared machine moves it little: SQL statements (counted at TypeORM's query runner,
 * transaction control included; a multi-statement query, as db-carry sends, counts once: these
 * are round trips; exact) and CPU milliseconds of the service's process (moves a
 * little with the machine's load; wall time moves a lot), from accept through decision to the
 * platform's acceptance of every reply; on MariaDB also the database server's CPU (its whole
 * process, so run it on an otherwise idle server). Runs one App in this process.
 *
 * PROFILE_N messages per kind (default 200); PROFILE_SHOW=通知 prints the statements of one
 * message whose kind contains that text (PROFILE_WIDTH characters of each, default 160); PROFILE_TOP classes of statements listed (default 8);
 * PROFILE_KINDS=通知,收到 measures only those kinds; PROFILE_IDLE=1 measures an idle instance instead (statements and CPU per second).
 *
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/scratch npm run bench:cost   (that database is emptied)
 *   (without DATABASE_URL: a temporary SQLite file)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger as OrmLogger } from 'typeorm';
import type { BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../../bots/types';
import { Notice } from '../../entities';
import { App } from '../../src/app';
import type { Clock } from '../../src/clock';
import { deepMerge, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { resetDatabase } from '../../test/helpers/db';
import { cpuMs as processCpuMs, pidOf } from './cpu';
import { message, seedStaff } from './mix';

/** The load's domain time (a Monday morning, as instance.ts), running at real speed. */
const offset = new Date('2026-11-23T09:15:00+08:00').getTime() - Date.now();
const clock: Clock = { now: () => new Date(Date.now() + offset) };

const N = Number(process.env.PROFILE_N ?? 200);
/** PROFILE_IDLE=1: instead, what an idle instance costs per second with the load's settings (sender poll 50 ms, jobs each second). */
const IDLE = process.env.PROFILE_IDLE === '1';
const PARALLEL = 16;

class CountingAdapter implements BotAdapter {
  readonly platform = 'sandbox' as const;
  readonly botId = 'sandbox';
  sink: InboundSink | null = null;
  sent = 0;
  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }
  async stop(): Promise<void> {
    this.sink = null;
  }
  async send(_msg: OutgoingMessage): Promise<SendResult> {
    this.sent++;
    return { ok: true };
  }
  maxBytes(): number {
    return 4000;
  }
}

/** Statements seen by TypeORM, by a short class ("INSERT outbox_message", "SELECT member", "COMMIT"). */
class Counter {
  total = 0;
  readonly byClass = new Map<string, number>();
  trace: string[] | null = null;
  add(sql: string): void {
    this.total++;
    const verb = sql.trimStart().split(/\s+/)[0].toUpperCase();
    const table = /(?:FROM|INTO|UPDATE)\s+[`"]?(\w+)/i.exec(sql)?.[1] ?? '';
    const k = `${verb} ${table}`.trim();
    this.byClass.set(k, (this.byClass.get(k) ?? 0) + 1);
    this.trace?.push(sql.replace(/\s+/g, ' ').slice(0, Number(process.env.PROFILE_WIDTH ?? 160)));
  }
  reset(): void {
    this.total = 0;
    this.byClass.clear();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-profile-'));
  const url = process.env.DATABASE_URL && /^(mysql|mariadb):/.test(process.env.DATABASE_URL) ? process.env.DATABASE_URL : `sqlite:${path.join(dir, 'p.db')}`;
  await resetDatabase(url);
  const base = loadConfig({ dir: path.resolve(__dirname, '../../config'), env: {} });
  const config = deepMerge(base as Record<string, unknown>, {
    database: { url }, server: { port: 0 }, logLevel: 'silent', sandbox: { enabled: false },
    // The sender polls only when the idle phase asks for it (as the load's instances do, every 50 ms).
    outbox: { pollMs: IDLE ? 50 : 3_600_000 }, rules: { frequency: { enabled: false, value: 5 } },
    cluster: { leaseTtlMs: 3000, jobsCron: '* * * * * *' },
  }) as typeof base;
  const adapter = new CountingAdapter();
  const app = await App.create({ config, clock, logger: createLogger('silent'), adapters: [adapter] });
  await app.start({ listen: false, schedule: IDLE });
  await seedStaff(app.ds);
  const counter = new Counter();
  const orm = app.ds.logger;
  app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, { logQuery: (q: string) => counter.add(q) });

  const push = async (msgs: ReturnType<typeof message>[]) => {
    let next = 0;
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      for (let i = next++; i < msgs.length; i = next++) {
        const m = msgs[i];
        await adapter.sink!.accept({ platform: 'sandbox', botId: 'sandbox', messageId: m.messageId, chatId: m.chatId, chatType: m.chatType,
          senderId: m.userId, senderName: m.userName, text: m.text, mentioned: true, attachments: [], sentAt: new Date().toISOString() });
      }
    }));
    await app.settle();
  };

  if (IDLE) {
    await new Promise((r) => setTimeout(r, 2000));
    counter.reset();
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu = process.cpuUsage(cpu0);
    const top = [...counter.byClass].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 10).toFixed(1)}`).join(', ');
    process.stdout.write(`idle instance: ${(counter.total / 10).toFixed(1)} statements/s, ${((cpu.user + cpu.system) / 10_000).toFixed(1)} CPU ms/s  (${top})\n`);
    await app.stop();
    return;
  }
  // Warm: members exist, notices exist to receipt, JIT and caches are hot.
  await push(Array.from({ length: 60 }, (_, i) => message('warm', i, [1])));
  const noticeIds = (await app.ds.manager.find(Notice, { select: { id: true }, where: { status: 'sent' } })).map((n) => n.id);

  const kinds: [string, number[]][] = [['/我是谁', [1]], ['/帮助', [0]], ['/通知 (3 communities)', [6]], ['/收到', [8]], ['/吹哨', [9]]];
  const dbPid = url.startsWith('sqlite') ? null : pidOf('mariadbd') ?? pidOf('mysqld');
  const out: string[] = [`cost per message on ${url.split(':')[0]}, ${N} each, ${PARALLEL} at a time (statements = round trips, BEGIN/COMMIT included; CPU = this process, user+system${dbPid ? '; db = the database server' : ''})`];
  let mixStatements = 0;
  let mixCpu = 0;
  let mixDb = 0;
  for (const [name, ks] of kinds) {
    if (process.env.PROFILE_KINDS && !process.env.PROFILE_KINDS.split(',').some((k) => name.includes(k))) continue;
    // The same kind again, as the mix has it: index i with i mod 10 in ks.
    const msgs = Array.from({ length: N }, (_, j) => message(`p-${name}`, Math.floor(j / ks.length) * 10 + ks[j % ks.length], noticeIds));
    if (process.env.PROFILE_SHOW && name.includes(process.env.PROFILE_SHOW)) {
      counter.trace = [];
      // A fresh index, so a notice's text repeats no earlier one and it goes out.
      await push([message(`t-${name}`, 100_000 + ks[0], noticeIds)]);
      process.stdout.write(`one ${name}:\n  ${counter.trace.join('\n  ')}\n`);
      counter.trace = null;
    }
    counter.reset();
    const sent0 = adapter.sent;
    const cpu0 = process.cpuUsage();
    const db0 = dbPid ? processCpuMs(dbPid) : null;
    const t0 = performance.now();
    await push(msgs);
    const cpu = process.cpuUsage(cpu0);
    const db1 = dbPid ? processCpuMs(dbPid) : null;
    const dbMs = db0 !== null && db1 !== null ? (db1 - db0) / N : null;
    const wall = performance.now() - t0;
    const cpuMs = (cpu.user + cpu.system) / 1000 / N;
    const top = [...counter.byClass].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 8)).map(([k, v]) => `${k} ${(v / N).toFixed(1)}`).join(', ');
    out.push(`${name.padEnd(22)} ${(counter.total / N).toFixed(1).padStart(5)} statements  ${cpuMs.toFixed(2).padStart(5)} CPU ms${dbMs === null ? '' : ` + db ${dbMs.toFixed(2)}`}  ${((adapter.sent - sent0) / N).toFixed(1)} sends  (${(wall / N).toFixed(2)} ms wall)  ${top}`);
    const weight = name.startsWith('/我是谁') || name.startsWith('/帮助') ? 3 : name.startsWith('/通知') ? 2 : 1;
    mixStatements += weight * counter.total / N;
    mixCpu += weight * cpuMs;
    mixDb += weight * (dbMs ?? 0);
  }
  out.push(`mix (60/20/10/10)        ${(mixStatements / 10).toFixed(1).padStart(5)} statements  ${(mixCpu / 10).toFixed(2).padStart(5)} CPU ms${dbPid ? ` + db ${(mixDb / 10).toFixed(2)}` : ''} per message`);
  process.stdout.write(`${out.join('\n')}\n`);
  await app.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
