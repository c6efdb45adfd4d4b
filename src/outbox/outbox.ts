import { EntityManager } from 'typeorm';
import type { ChatType, OutgoingBody, Platform } from '../../bots/types';
import { OutboxMessage } from '../../entities';

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
  const existing = await em.findOne(OutboxMessage, { where: { dedupeKey: opts.dedupeKey } });
  if (existing) return null;
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
  return em.save(row);
}

export type OutboxOutcome = 'sent' | 'parked';

/**
 * Told, inside the transaction that marks the row, when the platform accepted a message or
 * retries ran out: how a unit learns that what it queued really arrived.
 */
export type OutboxListener = (em: EntityManager, row: OutboxMessage, outcome: OutboxOutcome, now: Date) => Promise<void>;
