import { createHash } from 'node:crypto';
import { LessThan } from 'typeorm';
import type { IncomingMessage, InboundSink } from '../../bots/types';
import { CallbackReplay, InboundMessage } from '../../entities';
import type { Clock } from '../clock';
import { Db, isDuplicateKey } from '../db';
import type { BatchItem, Dispatcher } from './dispatcher';
import { InboundStore } from './inbound-store';

/**
 * MySQL's TEXT holds 64 KB; a pasted book must still be recorded (and refused politely), so
 * very long text is stored cut, with its real length kept for the length check.
 */
export const STORED_TEXT_CHARS = 16_000;

interface Queued extends BatchItem {
  lane: string;
}

/** Messages in one transaction at most: enough to share its fixed cost, few enough that a deadlock retry stays cheap. */
const MAX_BATCH = 32;

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The core's side of the adapter contract, enforced: whatever an adapter decoded from a
 * hostile frame, what gets stored and processed has the declared types.
 */
function wellTyped(msg: IncomingMessage): IncomingMessage {
  return {
    ...msg,
    botId: str(msg.botId).slice(0, 64),
    messageId: str(msg.messageId),
    chatId: str(msg.chatId).slice(0, 128),
    chatType: msg.chatType === 'direct' ? 'direct' : 'group',
    chatTitle: msg.chatTitle === undefined ? undefined : str(msg.chatTitle).slice(0, 200),
    senderId: str(msg.senderId).slice(0, 128),
    senderName: str(msg.senderName),
    text: str(msg.text),
    mentioned: msg.mentioned === true,
    quote: msg.quote ? { ...msg.quote, text: str(msg.quote.text), senderName: msg.quote.senderName === undefined ? undefined : str(msg.quote.senderName) } : undefined,
    attachments: Array.isArray(msg.attachments) ? msg.attachments.filter((a) => a && typeof a === 'object' && typeof a.ref === 'string') : [],
    sentAt: str(msg.sentAt),
  };
}

function fitForStorage(msg: IncomingMessage): IncomingMessage {
  const chars = [...msg.text];
  if (chars.length <= STORED_TEXT_CHARS) return msg;
  return { ...msg, text: chars.slice(0, STORED_TEXT_CHARS).join(''), textLength: chars.length };
}

/**
 * Records each inbound message once, then processes it asynchronously. Adapters ack the
 * platform after accept() resolves; a crash before processing leaves a 'received' row that
 * recover() replays on the next start.
 */
export class Inbox implements InboundSink {
  /** Messages of each chat not yet in a batch, in order. */
  private readonly lanes = new Map<string, Queued[]>();
  /** Chats with messages in a batch or about to be: their next messages wait. */
  private readonly busy = new Set<string>();
  /** Each chat's messages taken for the next batch, kept together. */
  private pending: Queued[][] = [];
  private batches = 0;
  private drainQueued = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Batches in flight at once: one on SQLite (its single connection takes one transaction at a time), a few on a pool. */
  private readonly maxBatches: number;
  private readonly store: InboundStore;
  /** Ids queued or running, so a replay does not queue a message twice. */
  private readonly queued = new Set<number>();
  /** Messages put off because the database was away; replayed by retryDeferred(). */
  private deferred = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly autoProcess = true,
  ) {
    this.maxBatches = db.concurrent ? 4 : 1;
    this.store = new InboundStore(db);
  }

  async accept(incoming: IncomingMessage): Promise<{ duplicate: boolean }> {
    const msg = fitForStorage(wellTyped(incoming));
    // One autocommit INSERT (shared with messages arriving at the same moment): the row is the
    // whole unit of work, so it needs no transaction of its own.
    const stored = await this.store.store({
      platform: msg.platform,
      botId: msg.botId,
      messageId: msg.messageId.slice(0, 191),
      chatId: msg.chatId,
      chatType: msg.chatType,
      senderId: msg.senderId,
      senderName: msg.senderName.slice(0, 64),
      text: msg.text,
      payload: msg as object,
      status: 'received',
      attempts: 0,
      error: '',
      receivedAt: this.clock.now(),
      processedAt: null,
    });
    if ('duplicate' in stored) return { duplicate: true };
    const id = stored.id;
    if (this.autoProcess) this.schedule(id, msg, msg);
    return { duplicate: false };
  }

  async claimOnce(credential: string, expiresAt: Date): Promise<boolean> {
    const key = createHash('sha256').update(credential).digest('hex');
    try {
      await this.db.work(async (em) => {
        // Expired credentials can never be accepted again (their timestamp is refused), so drop them.
        await em.delete(CallbackReplay, { expiresAt: LessThan(this.clock.now()) });
        await em.insert(CallbackReplay, { key, expiresAt });
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Queues a stored message; `payload` when this process just stored it, so it need not be read back. */
  schedule(id: number, chat: { platform: string; botId: string; chatId: string }, payload?: IncomingMessage): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    const lane = `${chat.platform}:${chat.botId}:${chat.chatId}`;
    const waiting = this.lanes.get(lane) ?? [];
    waiting.push({ id, known: payload, lane });
    this.lanes.set(lane, waiting);
    this.release(lane);
  }

  /**
   * Group commit: a chat with no message in a batch hands all it has waiting (in order) to the
   * next batch, and the lot is processed in one transaction. Idle, a batch is one message a
   * moment later; busy, messages gather while earlier batches run, so each costs a share of one
   * claim, one commit and one reply INSERT. A chat is in one batch at a time, so its order holds.
   */
  private release(lane: string): void {
    if (this.busy.has(lane)) return;
    const waiting = this.lanes.get(lane);
    if (!waiting?.length) {
      this.lanes.delete(lane);
      return;
    }
    const taken = waiting.splice(0, MAX_BATCH);
    if (!waiting.length) this.lanes.delete(lane);
    this.busy.add(lane);
    this.pending.push(taken);
    this.drainSoon();
  }

  private drainSoon(): void {
    if (this.drainQueued || this.batches >= this.maxBatches || !this.pending.length) return;
    this.drainQueued = true;
    // After the current I/O callbacks, so messages arriving in the same turn share the batch.
    setImmediate(() => {
      this.drainQueued = false;
      while (this.batches < this.maxBatches && this.pending.length) {
        const batch: Queued[] = [];
        while (this.pending.length && (!batch.length || batch.length + this.pending[0].length <= MAX_BATCH)) batch.push(...this.pending.shift()!);
        this.batches++;
        void this.run(batch);
      }
    });
  }

  private async run(batch: Queued[]): Promise<void> {
    // processBatch never throws; were it to, the rows stay 'received' and the next sweep or start replays them.
    const outcomes = await this.dispatcher.processBatch(batch).catch(() => batch.map(() => 'failed' as const));
    batch.forEach((it, i) => {
      if (outcomes[i] === 'deferred') this.deferred++;
      this.queued.delete(it.id);
    });
    this.batches--;
    for (const lane of new Set(batch.map((it) => it.lane))) {
      this.busy.delete(lane);
      this.release(lane);
    }
    this.drainSoon();
    if (!this.queued.size) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /**
   * Replays messages stored but never processed (this or another instance died in between).
   * With olderThanMs only rows that waited that long, so a live instance's fresh rows stay its own.
   */
  async recover(opts: { olderThanMs?: number } = {}): Promise<number> {
    const before = new Date(this.clock.now().getTime() - (opts.olderThanMs ?? 0));
    const rows = await this.db.manager.find(InboundMessage, {
      where: { status: 'received', ...(opts.olderThanMs ? { receivedAt: LessThan(before) } : {}) },
      select: { id: true, platform: true, botId: true, chatId: true },
      order: { id: 'ASC' },
    });
    const fresh = rows.filter((r) => !this.queued.has(r.id));
    for (const r of fresh) this.schedule(r.id, r);
    return fresh.length;
  }

  /** Messages stored but not yet processed, known to this process (for /readyz). */
  waiting(): number {
    return this.queued.size + this.deferred;
  }

  /**
   * Replays what was put off while the database was away. The rows are still 'received'
   * (their transactions never committed), so the same replay as after a crash finds them.
   */
  async retryDeferred(): Promise<number> {
    if (this.deferred === 0) return 0;
    await this.idle();
    const count = this.deferred;
    this.deferred = 0;
    try {
      return await this.recover();
    } catch {
      this.deferred += count;
      return 0;
    }
  }

  /** Checks for put-off messages every intervalMs; each check is a no-op while nothing waits. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.retryDeferred(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when everything accepted so far has been processed. */
  async idle(): Promise<void> {
    while (this.queued.size) await new Promise<void>((wake) => this.idleWaiters.push(wake));
  }
}
