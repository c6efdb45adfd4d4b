import { createHash } from 'node:crypto';
import { LessThan } from 'typeorm';
import type { IncomingMessage, InboundSink } from '../../bots/types';
import { CallbackReplay, InboundMessage } from '../../entities';
import type { Clock } from '../clock';
import { Db, isDuplicateKey } from '../db';
import type { Dispatcher } from './dispatcher';

/**
 * MySQL's TEXT holds 64 KB; a pasted book must still be recorded (and refused politely), so
 * very long text is stored cut, with its real length kept for the length check.
 */
export const STORED_TEXT_CHARS = 16_000;

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
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly autoProcess = true,
  ) {}

  async accept(incoming: IncomingMessage): Promise<{ duplicate: boolean }> {
    const msg = fitForStorage(incoming);
    let id: number;
    try {
      id = await this.db.work(async (em) => {
        const row = await em.save(em.create(InboundMessage, {
          platform: msg.platform,
          botId: msg.botId,
          messageId: msg.messageId.slice(0, 191),
          chatId: msg.chatId,
          chatType: msg.chatType,
          senderId: msg.senderId,
          senderName: msg.senderName.slice(0, 64),
          text: msg.text,
          payload: msg,
          status: 'received',
          attempts: 0,
          error: '',
          receivedAt: this.clock.now(),
          processedAt: null,
        }));
        return row.id;
      });
    } catch (err) {
      if (isDuplicateKey(err)) return { duplicate: true };
      throw err;
    }
    if (this.autoProcess) this.schedule(id);
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

  schedule(id: number): void {
    this.queue = this.queue.then(() => this.dispatcher.process(id));
  }

  /** Replays messages stored but never processed (the process died in between). */
  async recover(): Promise<number> {
    const rows = await this.db.manager.find(InboundMessage, { where: { status: 'received' }, order: { id: 'ASC' } });
    for (const r of rows) this.schedule(r.id);
    return rows.length;
  }

  /** Resolves when everything accepted so far has been processed. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.queue;
      await current;
    } while (current !== this.queue);
  }
}
