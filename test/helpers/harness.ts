import path from 'node:path';
import { App, AppOptions } from '../../src/app';
import { DemoClock, ManualClock } from '../../src/clock';
import { deepMerge, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { OutgoingBody } from '../../bots/types';
import type { TranscriptEntry } from '../../bots/sandbox/sandbox-adapter';
import { resetDatabase, testDatabaseUrl } from './db';

export interface HarnessOptions {
  now?: string;
  config?: Record<string, unknown>;
  url?: string;
  /** Keep an existing database (simulated restart). */
  keepData?: boolean;
  listen?: boolean;
  adapters?: AppOptions['adapters'];
  routes?: AppOptions['routes'];
  /** Wrap the manual clock in the service's demo clock, as npm start does with the system clock. */
  demoClock?: boolean;
}

export function textOf(body: OutgoingBody): string {
  return body.kind === 'card' ? `${body.title}\n${body.body}\n${body.buttons.map((b) => `[${b.label}](${b.command})`).join(' ')}` : body.text;
}

/** An app on a real database with a manual clock, driven like a user through the sandbox. */
export class Harness {
  private constructor(readonly app: App, readonly clock: ManualClock, readonly url: string) {}

  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const url = opts.url ?? testDatabaseUrl();
    if (!opts.keepData) await resetDatabase(url);
    const clock = new ManualClock(opts.now ?? '2026-11-23T09:15:00+08:00');
    const base = loadConfig({ dir: path.resolve(__dirname, '../../config'), env: {} });
    const config = deepMerge(base as Record<string, unknown>, deepMerge({
      database: { url }, server: { port: 0 }, logLevel: 'silent', outbox: { pollMs: 3_600_000, maxAttempts: 4, backoffBaseMs: 1000 },
    }, opts.config ?? {})) as typeof base;
    const app = await App.create({ config, clock: opts.demoClock ? new DemoClock(clock) : clock, logger: createLogger('silent'), adapters: opts.adapters, routes: opts.routes });
    await app.start({ listen: opts.listen ?? false, schedule: false });
    return new Harness(app, clock, url);
  }

  /** Sends text as a member in a chat and returns what the bot said anywhere meanwhile. */
  async send(userId: string, chatId: string, text: string, opts: { messageId?: string; chatType?: 'group' | 'direct'; files?: { name: string; data: Buffer }[]; isCardAction?: boolean; quote?: string } = {}): Promise<{ duplicate: boolean; entries: TranscriptEntry[] }> {
    const sandbox = this.app.sandbox!;
    const before = sandbox.lastSeq();
    const person = (await this.app.people()).find((p) => p.userId === userId);
    const chatType = opts.chatType ?? (chatId === userId ? 'direct' : 'group');
    const r = await sandbox.post({ userId, userName: person?.name ?? userId, chatId, chatType, text, ...opts });
    await this.app.settle();
    return { duplicate: r.duplicate, entries: sandbox.since(before).filter((e) => e.from === 'bot') };
  }

  /** The bot's replies in the same chat, as text. */
  async say(userId: string, chatId: string, text: string, opts: Parameters<Harness['send']>[3] = {}): Promise<string[]> {
    const r = await this.send(userId, chatId, text, opts);
    return r.entries.filter((e) => e.chatId === chatId).map((e) => textOf(e.body));
  }

  /** Everything the bot has said in a chat since seq 0, or since a mark. */
  botMessages(chatId: string, after = 0): string[] {
    return this.app.sandbox!.since(after, chatId).filter((e) => e.from === 'bot').map((e) => textOf(e.body));
  }

  mark(): number {
    return this.app.sandbox!.lastSeq();
  }

  /** Moves the clock and runs the scheduled jobs once, as the per-minute cron would. */
  async advanceTo(at: string): Promise<void> {
    this.clock.set(at);
    await this.app.runJobs();
  }

  async advance(minutes: number): Promise<void> {
    this.clock.advanceMinutes(minutes);
    await this.app.runJobs();
  }

  async stop(): Promise<void> {
    await this.app.stop();
  }
}
