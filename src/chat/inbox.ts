import { LessThan } from 'typeorm';
import type { IncomingMessage, InboundSink } from '../../bots/types';
import { InboundMessage } from '../../entities';
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
  /** One promise chain per lane: a chat on MySQL/MariaDB (order kept per chat), one lane for all on SQLite. */
  private readonly lanes = new Map<string, Promise<void>>();
  /** Ids scheduled here and not finished, so a sweep does not queue them twice. */
  private readonly inFlight = new Set<number>();

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
      // One autocommit INSERT: the row is the whole unit of work, so it needs no transaction of its own.
      id = await this.db.write(async (em) => {
        const r = await em.insert(InboundMessage, {
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
        return (r.identifiers[0] as { id: number }).id;
      });
    } catch (err) {
      if (isDuplicateKey(err)) return { duplicate: true };
      throw err;
    }
    if (this.autoProcess) this.schedule(id, msg);
    return { duplicate: false };
  }

  schedule(id: number, chat: { platform: string; botId: string; chatId: string }): void {
    if (this.inFlight.has(id)) return;
    this.inFlight.add(id);
    const lane = this.db.concurrent ? `${chat.platform}:${chat.botId}:${chat.chatId}` : '';
    // A failure here leaves the row 'received'; the next sweep or start replays it.
    const run = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.dispatcher.process(id)).catch(() => undefined)
      .finally(() => this.inFlight.delete(id));
    this.lanes.set(lane, run);
    void run.then(() => {
      if (this.lanes.get(lane) === run) this.lanes.delete(lane);
    });
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
    const fresh = rows.filter((r) => !this.inFlight.has(r.id));
    for (const r of fresh) this.schedule(r.id, r);
    return fresh.length;
  }

  /** Resolves when everything accepted so far has been processed. */
  async idle(): Promise<void> {
    while (this.lanes.size) await Promise.all([...this.lanes.values()]);
  }
}
