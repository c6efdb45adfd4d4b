import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ChatType, OutgoingBody, Platform } from '../../bots/types';
import { OutboxMessage } from '../../entities';
import { insertRow, insertRowsWithIds, isDuplicateKey } from '../db-dialect';
import { carries } from '../db-carry';
import { insertLater, insertReferringLater } from '../db-statements';

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

function outboxRow(to: Address, body: OutgoingBody, opts: EnqueueOptions) {
  return {
    platform: to.platform,
    botId: to.botId,
    chatId: to.chatId,
    chatType: to.chatType,
    body: body as object,
    inReplyTo: opts.inReplyTo ?? null,
    dedupeKey: opts.dedupeKey.slice(0, 191),
    status: 'pending' as const,
    attempts: 0,
    partsSent: 0,
    notBefore: opts.notBefore,
    lastError: '',
    claimedBy: '',
    createdAt: opts.now,
    sentAt: null,
  };
}

/**
 * Writes outgoing messages as rows inside the caller's transaction, so a decision and the
 * messages it causes commit together.
 */
export async function enqueue(em: EntityManager, to: Address, body: OutgoingBody, opts: EnqueueOptions): Promise<OutboxMessage | null> {
  const values = outboxRow(to, body, opts);
  // The unique key decides, not a read before the write: two instances enqueueing the same key
  // at once then still produce one row, and the common case costs one statement.
  try {
    const id = await insertRow(em, OutboxMessage, values);
    return Object.assign(new OutboxMessage(), values, { id });
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/**
 * enqueue() for a caller that needs neither the row nor to know whether the key was new: inside a
 * transaction on MySQL/MariaDB the INSERT waits for the transaction's next statement (db-carry).
 */
export async function enqueueLater(em: EntityManager, to: Address, body: OutgoingBody, opts: EnqueueOptions): Promise<void> {
  await insertLater(em, OutboxMessage, [outboxRow(to, body, opts)], { skipDuplicate: true });
}

/** Enqueues once per key and returns the row either way, so a replay finds the same row. */
export async function enqueueOrFind(em: EntityManager, to: Address, body: OutgoingBody, opts: EnqueueOptions): Promise<OutboxMessage> {
  return (await enqueue(em, to, body, opts)) ?? em.findOneOrFail(OutboxMessage, { where: { dedupeKey: opts.dedupeKey.slice(0, 191) } });
}

/**
 * Several rows whose dedupe keys are new (a fresh notice's delivery cards), in one INSERT where
 * the database allows, returning their ids. Should a key exist after all, each goes through
 * enqueueOrFind() and the row already there stands in its place.
 */
export async function enqueueMany(em: EntityManager, items: { to: Address; body: OutgoingBody; opts: EnqueueOptions }[]): Promise<number[]> {
  try {
    return await insertRowsWithIds(em, OutboxMessage, items.map((i) => outboxRow(i.to, i.body, i.opts)));
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  const ids: number[] = [];
  for (const i of items) ids.push((await enqueueOrFind(em, i.to, i.body, i.opts)).id);
  return ids;
}

/**
 * Cards and the rows that record them (`ref.column` of rows[i] gets items[i]'s id), in the fewest
 * round trips: in a MariaDB transaction both wait for its next statement, each row finding its
 * card by the card's key (a key already taken keeps its card, as enqueueOrFind); elsewhere the
 * cards' ids are read back (enqueueMany) and the rows written with them.
 */
export async function enqueueRecorded(em: EntityManager, items: { to: Address; body: OutgoingBody; opts: EnqueueOptions }[], target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[], column: string): Promise<void> {
  if (!items.length) return;
  if (carries(em)) {
    await insertLater(em, OutboxMessage, items.map((i) => outboxRow(i.to, i.body, i.opts)), { skipDuplicate: true });
    insertReferringLater(em, target, rows, { entity: OutboxMessage, by: 'dedupeKey', column }, items.map((i) => i.opts.dedupeKey));
    return;
  }
  const ids = await enqueueMany(em, items);
  await insertLater(em, target, rows.map((r, i) => ({ ...r, [column]: ids[i] })));
}

/**
 * Replies of a batch of messages, written in one INSERT just before the batch commits. Only rows
 * whose dedupe key no one else can hold belong here (a reply keyed by its inbound id): a clash
 * would fail the whole INSERT, where enqueue() drops just the repeated row.
 */
export class OutboxBatch {
  private rows: ReturnType<typeof outboxRow>[] = [];

  constructor(private readonly em: EntityManager) {}

  add(to: Address, body: OutgoingBody, opts: EnqueueOptions): void {
    this.rows.push(outboxRow(to, body, opts));
  }

  /** Writes what was added; call before any other outbox write of the batch, so rows keep their order. */
  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    await insertLater(this.em, OutboxMessage, rows);
  }
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
  /** Told of several rows sent together (marked in one statement), so it too can write once for all of them. */
  readonly sentMany?: (em: EntityManager, rows: OutboxMessage[], at: Date) => Promise<void>;
  /**
   * All that a send changes for it, said rather than done: in `entity`, the rows whose `column` holds
   * the outbox id get `set(at)`. On MySQL/MariaDB the sender then writes it in the outbox mark's own
   * statement (a multi-table UPDATE), atomic without a transaction; elsewhere sentMany runs as usual.
   */
  readonly sentJoin?: { entity: EntityTarget<ObjectLiteral>; column: string; set: (at: Date) => ObjectLiteral };
}

/** A listener told only about rows whose dedupe key matches. */
export function listenFor(keys: RegExp, fn: (em: EntityManager, row: OutboxMessage, outcome: OutboxOutcome, now: Date) => Promise<void>): OutboxListener {
  return Object.assign(fn, { keys });
}
