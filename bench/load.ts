/**
 * `npm run bench:load`: messages through whole jianfu instances (child processes) on one
 * database, at rising rates, then flat out; beside the anchor of a bare Koa endpoint doing one
 * INSERT per request on the same database, measured in the same run. Mix: 60% chat commands,
 * 20% notices (each to three community groups), 10% receipts, 10% whistles (吹哨). Each instance
 * first handles LOAD_WARM (default 1000) messages of the mix. Checks afterwards that every message
 * was decided exactly once and every outbox row was sent exactly once.
 *
 * SQLite (embedded default) unless LOAD_SQLITE=0, one instance; MariaDB with one and three instances when
 * BENCH_DATABASE_URL (or DATABASE_URL) is a mysql:// URL — that database is emptied first.
 * Loopback only; bounded by LOAD_RATES (default 50,100,200,400,800 msgs/s, 3 s each) and
 * LOAD_BURST (default 2000 messages).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource, In } from 'typeorm';
import { InboundMessage, Notice, OutboxMessage } from '../entities';
import { openDatabase } from '../src/db';
import { resetDatabase } from '../test/helpers/db';
import { Instance, Message, post, report, startChild, startInstance, stopChild } from '../test/helpers/cluster/cluster';
import { measureCpu, measureSteal, type CpuShare } from './load/cpu';
import { kindOf, message, seedStaff } from './load/mix';
import type { InstanceReport } from '../test/helpers/cluster/instance';

const RATES = (process.env.LOAD_RATES ?? '50,100,200,400,800').split(',').map(Number);
const STAGE_S = Number(process.env.LOAD_STAGE_S ?? 3);
const BURST = Number(process.env.LOAD_BURST ?? 2000);
const CONCURRENCY = 64;
/** Messages of the mix each instance handles before the first stage (LOAD_WARM): V8 optimises hot code only after many calls. */
const WARM = Number(process.env.LOAD_WARM ?? 1000);

async function waitQuiet(ds: DataSource, maxMs: number): Promise<boolean> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const [{ n }] = await ds.query(`SELECT (SELECT COUNT(*) FROM inbound_message WHERE status = 'received') + (SELECT COUNT(*) FROM outbox_message WHERE status = 'pending') AS n`);
    if (Number(n) === 0) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** When each message left the load generator: latency counts from here, queueing in front of the instance included. */
const leftAt = new Map<string, number>();
const wall = () => performance.timeOrigin + performance.now();

function send(port: number, m: Message): Promise<boolean> {
  leftAt.set(m.messageId, wall());
  return post(port, m);
}

/** Open loop: messages leave at the given rate whatever the answers, as a platform pushes them. */
async function openLoop(ports: number[], msgs: Message[], rate: number): Promise<number> {
  const t0 = Date.now();
  const pending: Promise<boolean>[] = [];
  for (let i = 0; i < msgs.length; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 2) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(ports[i % ports.length], msgs[i]));
  }
  return (await Promise.all(pending)).filter(Boolean).length;
}

/** Closed loop: `senders` (CONCURRENCY) senders each wait for the answer before the next. */
async function closedLoop(ports: number[], msgs: Message[], senders = CONCURRENCY): Promise<{ ok: number; seconds: number }> {
  let next = 0;
  let ok = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: senders }, async () => {
    for (let i = next++; i < msgs.length; i = next++) if (await send(ports[i % ports.length], msgs[i])) ok++;
  }));
  return { ok, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface Joined {
  receipt: Map<string, number>;
  decision: Map<number, number>;
  sends: Map<number, number[]>;
}

function join(reports: InstanceReport[]): Joined {
  const j: Joined = { receipt: new Map(), decision: new Map(), sends: new Map() };
  for (const r of reports) {
    for (const [m, t] of r.receipts) j.receipt.set(m, t);
    for (const [id, t] of r.decisions) j.decision.set(id, t);
    for (const [id, t] of r.sends) j.sends.set(id, [...(j.sends.get(id) ?? []), t]);
  }
  return j;
}

interface StageRow {
  stage: string;
  offered: number;
  decidedPerS: number;
  p50d: number;
  p99d: number;
  p50s: number;
  p99s: number;
  sustained: boolean;
  /** p99 to decision of each kind of message. */
  byKind: Map<string, number>;
}

async function stageRow(ds: DataSource, j: Joined, tag: string, label: string, offered: number, window: { start: number; end: number }): Promise<StageRow> {
  const rows = await ds.manager.find(InboundMessage, { select: { id: true, messageId: true }, where: { platform: 'sandbox', messageId: In(((await ds.query(`SELECT messageId FROM inbound_message WHERE messageId LIKE '${tag}-%'`)) as { messageId: string }[]).map((r) => r.messageId)) } });
  const replies = rows.length ? await ds.manager.find(OutboxMessage, { select: { id: true, inReplyTo: true }, where: { inReplyTo: In(rows.map((r) => r.id)) } }) : [];
  const replyOf = new Map<number, number>();
  for (const o of replies) if (!replyOf.has(o.inReplyTo!)) replyOf.set(o.inReplyTo!, o.id);
  const toDecision: number[] = [];
  const toSend: number[] = [];
  const kinds = new Map<string, number[]>();
  let lastDecision = window.start;
  for (const r of rows) {
    const t0 = leftAt.get(r.messageId) ?? j.receipt.get(r.messageId);
    const td = j.decision.get(r.id);
    if (t0 === undefined || td === undefined) continue;
    toDecision.push(td - t0);
    const kind = kindOf(r.messageId);
    const ofKind = kinds.get(kind);
    if (ofKind) ofKind.push(td - t0);
    else kinds.set(kind, [td - t0]);
    lastDecision = Math.max(lastDecision, td);
    const sent = j.sends.get(replyOf.get(r.id) ?? -1);
    if (sent) toSend.push(sent[0] - t0);
  }
  const seconds = Math.max(window.end, lastDecision) - window.start;
  const decidedPerS = toDecision.length / (seconds / 1000);
  return {
    stage: label, offered, decidedPerS, p50d: pct(toDecision, 50), p99d: pct(toDecision, 99), p50s: pct(toSend, 50), p99s: pct(toSend, 99),
    sustained: toDecision.length === rows.length && decidedPerS >= 0.9 * offered && pct(toDecision, 99) < 1000,
    byKind: new Map([...kinds].sort((a, b) => a[0].localeCompare(b[0])).map(([k, xs]) => [k, pct(xs, 99)])),
  };
}

interface Check {
  messages: number;
  stored: number;
  decidedOnce: number;
  failed: number;
  outbox: number;
  sentOnce: number;
  sentTwice: number;
  unsent: number;
}

/** Every generated message stored once and decided once; every outbox row sent exactly once per part. */
async function exactlyOnce(ds: DataSource, j: Joined, generated: number): Promise<Check> {
  const inbound = await ds.manager.find(InboundMessage, { select: { id: true, status: true, attempts: true } });
  const outbox = await ds.manager.find(OutboxMessage, { select: { id: true, status: true, partsSent: true } });
  let sentOnce = 0;
  let sentTwice = 0;
  let unsent = 0;
  for (const o of outbox) {
    const n = j.sends.get(o.id)?.length ?? 0;
    if (o.status !== 'sent' || n === 0) unsent++;
    else if (n === o.partsSent) sentOnce++;
    else sentTwice++;
  }
  return {
    messages: generated,
    stored: inbound.length,
    decidedOnce: inbound.filter((r) => r.status === 'processed' && r.attempts === 1).length,
    failed: inbound.filter((r) => r.status === 'failed').length,
    outbox: outbox.length,
    sentOnce, sentTwice, unsent,
  };
}

const dbProcess = (url: string) => (/^(mysql|mariadb):/.test(url) ? 'mariadbd' as const : null);

async function runScenario(url: string, instances: number, label: string): Promise<{ rows: StageRow[]; burst: StageRow & { acceptedPerS: number }; check: Check; cpu: CpuShare | null; steal: number | null }> {
  await resetDatabase(url);
  const steal = measureSteal();
  // One timeline for all instances, as NTP gives real ones: claims written by one are read by the others.
  // Scheduled jobs and leases at the shipped settings (config/default.yaml), as a deployment runs them; the send poll is shorter, for latency.
  const env = { DATABASE_URL: url, LOAD_POLL_MS: '50', LOAD_ANCHOR_AT: String(Date.now()), LOAD_JOBS_CRON: '* * * * *', LOAD_LEASE_MS: '10000' };
  const nodes: Instance[] = [await startInstance(env)];
  for (let k = 1; k < instances; k++) nodes.push(await startInstance(env));
  const ds = await openDatabase(url, { migrate: false });
  let generated = 0;
  try {
    await seedStaff(ds);
    const ports = nodes.map((n) => n.port);
    // Every instance warm (JIT, dictionaries, the ledger's index), or the first stage measures start-up of all but one:
    // first notices (receipts need one sent), then the mix itself, WARM messages per instance, a few at a time.
    const first = ports.flatMap((_, k) => Array.from({ length: 40 }, (_, i) => message(`${label}-warm${k}`, i % 2 ? i * 10 + 6 : i * 10 + 1, [1])));
    await Promise.all(ports.map(async (port, k) => {
      for (const m of first.slice(k * 40, (k + 1) * 40)) await post(port, m);
    }));
    generated += first.length;
    await waitQuiet(ds, 30_000);
    const noticeIds = (await ds.manager.find(Notice, { select: { id: true }, where: { status: 'sent' } })).map((n) => n.id);
    if (!noticeIds.length) throw new Error('warm-up notices were not sent; is the gate refusing them?');
    const warm = Array.from({ length: WARM * ports.length }, (_, i) => message(`${label}-warm`, i, noticeIds));
    await closedLoop(ports, warm, 8);
    generated += warm.length;
    await waitQuiet(ds, 60_000);
    const stages: { tag: string; rate: number; window: { start: number; end: number } }[] = [];
    for (const rate of RATES) {
      const tag = `${label}-r${rate}`;
      const msgs = Array.from({ length: rate * STAGE_S }, (_, i) => message(tag, i, noticeIds));
      const start = Date.now();
      await openLoop(ports, msgs, rate);
      generated += msgs.length;
      stages.push({ tag, rate, window: { start, end: Date.now() } });
      // A stage that leaves a backlog it cannot clear in 20 s ends the climb.
      if (!(await waitQuiet(ds, 20_000))) break;
    }
    const burstTag = `${label}-burst`;
    const burstMsgs = Array.from({ length: BURST }, (_, i) => message(burstTag, i, noticeIds));
    const b0 = Date.now();
    const cpu = measureCpu(nodes.map((n) => n.child.pid!), dbProcess(url));
    const accepted = await closedLoop(ports, burstMsgs);
    generated += burstMsgs.length;
    await waitQuiet(ds, 120_000);
    const share = cpu(burstMsgs.length);
    // Let the last sends' marks land before counting.
    await new Promise((r) => setTimeout(r, 300));
    const j = join(await Promise.all(nodes.map(report)));
    const rows: StageRow[] = [];
    for (const s of stages) rows.push(await stageRow(ds, j, s.tag, `${s.rate}/s`, s.rate, s.window));
    const burst = { ...(await stageRow(ds, j, burstTag, `flat out`, 0, { start: b0, end: b0 })), acceptedPerS: accepted.ok / accepted.seconds };
    return { rows, burst, check: await exactlyOnce(ds, j, generated), cpu: share, steal: steal() };
  } finally {
    await ds.destroy();
    await Promise.all(nodes.map((n) => stopChild(n.child)));
  }
}

async function anchorRate(url: string): Promise<{ rate: number; cpu: CpuShare | null; steal: number | null }> {
  const { child, ready } = await startChild(path.join(__dirname, 'load/anchor.ts'), { DATABASE_URL: url });
  const steal = measureSteal();
  try {
    const msgs = Array.from({ length: BURST * 2 }, (_, i) => message('anchor', i, [1]));
    const cpu = measureCpu([child.pid!], dbProcess(url));
    const r = await closedLoop([ready.port], msgs);
    return { rate: r.ok / r.seconds, cpu: cpu(msgs.length), steal: steal() };
  } finally {
    await stopChild(child);
  }
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');

function print(db: string, anchorRun: Awaited<ReturnType<typeof anchorRate>>, instances: number, r: Awaited<ReturnType<typeof runScenario>>): string {
  const anchor = anchorRun.rate;
  const out: string[] = [];
  out.push(`\n== load: ${db}, ${instances} instance${instances > 1 ? 's' : ''} (anchor: bare Koa + one INSERT ${f(anchor)} req/s${anchorRun.steal === null ? '' : `, steal ${(anchorRun.steal * 100).toFixed(0)}%`})`);
  out.push('latency from the moment the platform (load generator) sent a message; "sent" = its reply accepted by the platform');
  out.push('offered   decided/s  p50→decision  p99→decision  p50→sent  p99→sent  sustained');
  for (const s of [...r.rows, r.burst]) {
    out.push(`${s.stage.padEnd(9)} ${f(s.decidedPerS).padStart(9)}  ${f(s.p50d).padStart(10)}ms  ${f(s.p99d).padStart(10)}ms  ${f(s.p50s).padStart(6)}ms  ${f(s.p99s).padStart(6)}ms  ${s.stage === 'flat out' ? `accepted ${f(r.burst.acceptedPerS)}/s` : s.sustained ? 'yes' : 'no'}`);
  }
  out.push('p99→decision by kind (a chat\'s messages are handled in order, so the busiest chats wait longest):');
  for (const s of r.rows) out.push(`  ${s.stage.padEnd(7)} ${[...s.byKind].map(([k, v]) => `${k} ${f(v)}ms`).join(' · ')}`);
  const sustained = Math.max(0, ...r.rows.filter((s) => s.sustained).map((s) => s.offered));
  out.push(`sustained ${sustained} msgs/s (p99→decision < 1 s, ≥90% of offered); flat out ${f(r.burst.decidedPerS)} msgs/s decided, ratio to anchor ${(r.burst.decidedPerS / anchor).toFixed(2)}`);
  const cpu = (x: CpuShare | null) => (x ? `service ${x.service.toFixed(2)} ms + database ${x.database === null ? '?' : x.database.toFixed(2)} ms + load generator ${x.generator.toFixed(2)} ms` : 'not measured (no /proc)');
  out.push(`CPU per message flat out: ${cpu(r.cpu)}; anchor per request: ${cpu(anchorRun.cpu)}`);
  if (r.steal !== null) out.push(`CPU time the hypervisor gave other guests (steal) during this part: ${(r.steal * 100).toFixed(0)}% of the machine's; a run with much of it measured a slower machine`);
  const c = r.check;
  const ok = c.stored === c.messages && c.decidedOnce === c.messages && c.sentOnce === c.outbox;
  out.push(`exactly once: ${c.messages} messages, ${c.stored} stored, ${c.decidedOnce} decided once, ${c.failed} failed; ${c.outbox} outbox rows, ${c.sentOnce} sent once, ${c.sentTwice} sent twice, ${c.unsent} unsent → ${ok ? 'OK' : 'FAILED'}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const machine = `${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  process.stdout.write(`bench:load on ${machine}; figures on a shared machine move with its load.\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-load-'));
  const results: string[] = [];
  try {
    if (process.env.LOAD_SQLITE !== '0') {
      const sqlite = `sqlite:${path.join(dir, 'load.db')}`;
      const anchorSqlite = await anchorRate(`sqlite:${path.join(dir, 'anchor.db')}`);
      results.push(print('SQLite', anchorSqlite, 1, await runScenario(sqlite, 1, 'sqlite')));
      process.stdout.write(`${results.at(-1)}\n`);
    }
    const url = [process.env.BENCH_DATABASE_URL, process.env.DATABASE_URL].find((u) => u && /^(mysql|mariadb):/.test(u));
    if (!url) {
      process.stdout.write('\nMariaDB part skipped: set BENCH_DATABASE_URL=mysql://user@127.0.0.1:3306/<scratch db> (it is emptied).\n');
      return;
    }
    await resetDatabase(url);
    const anchor = await anchorRate(url);
    for (const n of (process.env.LOAD_INSTANCES ?? '1,3').split(',').map(Number)) {
      results.push(print('MariaDB', anchor, n, await runScenario(url, n, `m${n}`)));
      process.stdout.write(`${results.at(-1)}\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
