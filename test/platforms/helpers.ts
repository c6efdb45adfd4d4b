import type { Logger } from 'pino';
import { In } from 'typeorm';
import type { IncomingMessage, OutgoingBody } from '../../bots/types';
import { InboundMessage, OutboxMessage } from '../../entities';
import { createLogger } from '../../src/logger';
import { enqueue } from '../../src/outbox/outbox';
import type { Harness } from '../helpers/harness';

/** Adapters log nothing unless TEST_LOG=debug (or info…) is set while debugging. */
export const testLog: Logger = createLogger(process.env.TEST_LOG ?? 'silent');

/**
 * Polls until fn returns something truthy. Bounded, so a broken expectation fails with a clear
 * message instead of hanging; never a fixed sleep of a guessed length.
 */
export async function eventually<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 8000, intervalMs = 15): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until the inbox has stored and processed this platform message. */
export async function processed(h: Harness, platform: string, messageId: string): Promise<InboundMessage> {
  return eventually(async () => {
    const row = await h.app.ds.manager.findOne(InboundMessage, { where: { platform, messageId } });
    return row && row.status !== 'received' ? row : null;
  }, `inbound ${platform}/${messageId} processed`);
}

/** Processes the message, then flushes the outbox once (sends whatever is due now). */
export async function handled(h: Harness, platform: string, messageId: string): Promise<InboundMessage> {
  const row = await processed(h, platform, messageId);
  await h.app.settle();
  return row;
}

export function payloadOf(row: InboundMessage): IncomingMessage {
  return row.payload as IncomingMessage;
}

/** Puts a message straight into the outbox, as a domain service would. */
export async function enqueueOut(h: Harness, to: { platform: string; botId: string; chatId: string; chatType: 'group' | 'direct' }, body: OutgoingBody, opts: { inReplyTo?: number; key?: string } = {}): Promise<number> {
  const now = h.clock.now();
  const row = await h.app.db.work((em) => enqueue(em, to, body, { inReplyTo: opts.inReplyTo ?? null, dedupeKey: opts.key ?? `test:${Math.random().toString(36).slice(2)}`, notBefore: now, now }));
  return row!.id;
}

/**
 * Moves the manual clock forward and flushes until every listed outbox row is sent (the sender
 * reads the injected clock, so backoff and retryAfterMs pass without waiting for real).
 */
export async function flushUntilSent(h: Harness, ids: number[], stepMs = 60_000, maxSteps = 20): Promise<void> {
  for (let i = 0; i <= maxSteps; i++) {
    await h.app.settle();
    const pending = await h.app.ds.manager.count(OutboxMessage, { where: { id: In(ids), status: 'pending' } });
    if (pending === 0) return;
    h.clock.advance(stepMs);
  }
  throw new Error(`outbox rows ${ids.join(',')} still pending after ${maxSteps} steps`);
}

/** Outbox row ids answering an inbound message. */
export async function repliesTo(h: Harness, inboundId: number): Promise<number[]> {
  const rows = await h.app.ds.manager.find(OutboxMessage, { where: { inReplyTo: inboundId }, order: { id: 'ASC' } });
  return rows.map((r) => r.id);
}
