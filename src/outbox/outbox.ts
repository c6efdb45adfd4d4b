import { EntityManager } from 'typeorm';
import type { ChatType, OutgoingBody, Platform } from '../../bots/types';
import { OutboxMessage } from '../../entities';
import { insertRow, isDuplicateKey } from '../db-dialect';

export interface Address {
  platform: Platform | string;
  botId: string;
  chatId: string;
  chatType: ChatType;
}

export interface EnqueueOptions {
  inReplyTo?: number | null;
  /** Same key, same message: a second enqueue is ignored. */
  dedupeKey: string;
  notBefore: Date;
  now: Date;
}

/**
 * Writes outgoing messages as rows inside the caller's transaction, so a decision and the
 * messages it causes commit together.
 */
export async function enqueue(em: EntityManager, to: Address, body: OutgoingBody, opts: EnqueueOptions): Promise<OutboxMessage | null> {
  const row = em.create(OutboxMessage, {
    platform: to.platform,
    botId: to.botId,
    chatId: to.chatId,
    chatType: to.chatType,
    body,
    inReplyTo: opts.inReplyTo ?? null,
    dedupeKey: opts.dedupeKey.slice(0, 191),
    status: 'pending',
    attempts: 0,
    partsSent: 0,
    notBefore: opts.notBefore,
    lastError: '',
    createdAt: opts.now,
    sentAt: null,
  });
  // The unique key decides, not a read before the write: two instances enqueueing the same key
  // at once then still produce one row, and the common case costs one statement.
  try {
    row.id = await insertRow(em, OutboxMessage, { ...row, body: row.body as object });
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
  return row;
}

export type OutboxOutcome = 'sent' | 'parked';

/**
 * Told, inside the transaction that marks the row, when the platform accepted a message or
 * retries ran out: how a unit learns that what it queued really arrived.
 */
export interface OutboxListener {
  (em: EntityManager, row: OutboxMessage, outcome: OutboxOutcome, now: Date): Promise<void>;
  /** The rows it cares about, by dedupe key (all when absent): the others are marked in one statement, without a transaction. */
  readonly keys?: RegExp;
}

/** A listener told only about rows whose dedupe key matches. */
export function listenFor(keys: RegExp, fn: (em: EntityManager, row: OutboxMessage, outcome: OutboxOutcome, now: Date) => Promise<void>): OutboxListener {
  return Object.assign(fn, { keys });
}
