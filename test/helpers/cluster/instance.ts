/**
 * One jianfu instance for the load benchmark and the fault tests, run as a child process:
 * the real App on the given database, with a loopback-only platform adapter that takes
 * messages over HTTP (as a platform's callback would) and records when each outbox row was
 * sent. Timings are wall-clock epoch milliseconds so the parent can join them across instances.
 * Real platform adapters are added from the environment as in production (WECOM_*, DINGTALK_*).
 *
 * Env: DATABASE_URL; LOAD_ANCHOR and LOAD_ANCHOR_AT (the domain time at a wall-clock epoch ms,
 * so restarted instances share one timeline); LOAD_POLL_MS, LOAD_CLAIM_MS, LOAD_LEASE_MS, LOAD_JOBS_CRON;
 * LOAD_FAIL ("5xx:0.3" or "429:0.3": that share of sends fail as the platform would);
 * LOAD_PLATFORM_URL (sends are also POSTed there, so a killed instance's sends are still counted);
 * LOAD_PER_CHAT_PER_MIN (the platform's per-chat send limit).
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type Router from '@koa/router';
import { createPlatformAdapters } from '../../../bots';
import type { BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../../../bots/types';
import { App } from '../../../src/app';
import type { Clock } from '../../../src/clock';
import { deepMerge, loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createHttpApp, listen } from '../../../src/server/http';

const wall = () => performance.timeOrigin + performance.now();

/** Domain time that was `anchor` at wall time `at` and runs at real speed. */
class ShiftedClock implements Clock {
  private readonly offset: number;
  constructor(anchor: string, at: number) {
    this.offset = new Date(anchor).getTime() - at;
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

export interface InstanceReport {
  receipts: [string, number][];
  decisions: [number, number][];
  sends: [number, number][];
  failedSends: number;
}

/** The platform as the bench sees it: inbound over loopback HTTP, outbound recorded per outbox row. */
class LoadAdapter implements BotAdapter {
  readonly platform = 'sandbox' as const;
  readonly botId = 'sandbox';
  readonly perChatPerMinute = Number(process.env.LOAD_PER_CHAT_PER_MIN) || undefined;
  sink: InboundSink | null = null;
  readonly report: InstanceReport = { receipts: [], decisions: [], sends: [], failedSends: 0 };

  constructor(private readonly fail: { kind: string; share: number } | null, private readonly platformUrl: string | undefined, private readonly name: string) {}

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    if (this.fail && Math.random() < this.fail.share) {
      this.report.failedSends++;
      return this.fail.kind === '429'
        ? { ok: false, retryable: true, error: '发送太频繁', retryAfterMs: 200 }
        : { ok: false, retryable: true, error: 'HTTP 503' };
    }
    if (this.platformUrl) {
      const r = await fetch(this.platformUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outboxId: msg.outboxId, chatId: msg.chatId, by: this.name }) })
        .catch((err: Error) => ({ ok: false, status: 0, statusText: err.message }));
      if (r.status === 429) return { ok: false, retryable: true, error: '发送太频繁', retryAfterMs: 200 };
      if (!r.ok) return { ok: false, retryable: true, error: `平台 ${r.status}` };
    }
    this.report.sends.push([msg.outboxId, wall()]);
    return { ok: true };
  }

  maxBytes(): number {
    return 4000;
  }

  routes() {
    return {
      mount: (router: Router) => {
        router.post('/load/message', async (ctx) => {
          const b = ctx.request.body as { messageId: string; userId: string; userName: string; chatId: string; chatType: 'group' | 'direct'; text: string };
          const t = wall();
          if (!this.sink) throw Object.assign(new Error('not started'), { status: 503, expose: true });
          const r = await this.sink.accept({
            platform: 'sandbox', botId: this.botId, messageId: b.messageId, chatId: b.chatId, chatType: b.chatType,
            senderId: b.userId, senderName: b.userName, text: b.text, mentioned: true, attachments: [], sentAt: new Date(t).toISOString(),
          });
          if (!r.duplicate) this.report.receipts.push([b.messageId, t]);
          ctx.body = r;
        });
      },
    };
  }
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const failSpec = /^(5xx|429):([\d.]+)$/.exec(process.env.LOAD_FAIL ?? '');
  const adapter = new LoadAdapter(failSpec ? { kind: failSpec[1], share: Number(failSpec[2]) } : null, process.env.LOAD_PLATFORM_URL, `pid${process.pid}`);
  const base = loadConfig({ dir: path.resolve(__dirname, '../../../config'), env: {} });
  const config = deepMerge(base as Record<string, unknown>, {
    database: { url }, server: { port: 0 }, logLevel: process.env.LOAD_LOG ?? 'silent', sandbox: { enabled: false },
    // Capped so a run of unlucky 5xx answers cannot push one row past a test's patience.
    outbox: { pollMs: Number(process.env.LOAD_POLL_MS ?? 100), maxAttempts: 50, backoffBaseMs: 100, backoffMaxMs: 2000, claimMs: Number(process.env.LOAD_CLAIM_MS ?? 5000) },
    // Jobs each second rather than each minute (unless LOAD_JOBS_CRON says), so a take-over shows within a short run.
    cluster: { leaseTtlMs: Number(process.env.LOAD_LEASE_MS ?? 3000), jobsCron: process.env.LOAD_JOBS_CRON ?? '* * * * * *' },
    rules: { frequency: { enabled: false, value: 5 } },
    admins: [...base.admins, { platform: 'wecom', userId: 'u-admin', name: '王主任' }, { platform: 'dingtalk', userId: 'staff-admin', name: '王主任' }],
  }) as typeof base;
  const clock = new ShiftedClock(process.env.LOAD_ANCHOR ?? '2026-11-23T09:15:00+08:00', Number(process.env.LOAD_ANCHOR_AT ?? Date.now()));
  const log = createLogger(config.logLevel);
  const platforms = createPlatformAdapters(process.env, { clock, log });
  const app = await App.create({ config, clock, logger: log, adapters: [adapter, ...platforms.adapters], routes: platforms.routes });
  app.dispatcher.observers.push((id) => adapter.report.decisions.push([id, wall()]));
  await app.start({ listen: false, schedule: true });
  const http = createHttpApp({ log: app.log, ready: () => app.ready(), modules: [adapter.routes()] });
  const server = await listen(http, 0, '127.0.0.1');
  const port = (server.address() as { port: number }).port;
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'report') process.send!({ type: 'report', report: adapter.report });
    if (m.type === 'stop') {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await app.stop();
      process.exit(0);
    }
  });
  // An instance whose test runner died must not go on taking work from the next run's database.
  process.once('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port, holder: app.leases.holder });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
