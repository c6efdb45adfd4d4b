import type { Logger } from 'pino';
import { LessThanOrEqual } from 'typeorm';
import { bodyText } from '../../bots/types';
import type { BotAdapter, IncomingMessage, OutgoingBody, OutgoingMessage, Platform } from '../../bots/types';
import { ChatGroup, InboundMessage, OutboxMessage } from '../../entities';
import type { Clock } from '../clock';
import { Db } from '../db';
import { maskDeep, maskPersonalData } from '../privacy/pii';
import { enqueue, OutboxListener } from './outbox';
import { splitBody } from './split';

export interface SenderOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  /** Cap on one wait, so a long outage is retried steadily instead of ever more rarely. */
  backoffMaxMs?: number;
}

/** Wait before retry number `attempts` (1-based): doubling from the base, capped. */
export function backoffMs(opts: SenderOptions, attempts: number): number {
  const cap = opts.backoffMaxMs ?? Number.POSITIVE_INFINITY;
  return Math.min(opts.backoffBaseMs * 2 ** Math.min(attempts - 1, 40), cap);
}

/** How long a message keeps being retried before it is parked: the sum of all waits. */
export function retryWindowMs(opts: SenderOptions): number {
  let total = 0;
  for (let a = 1; a < opts.maxAttempts; a++) total += backoffMs(opts, a);
  return total;
}

/** Sliding one-minute window per chat, so a burst waits instead of hitting the platform's limit. */
class ChatRateLimiter {
  private readonly sent = new Map<string, number[]>();

  /** Milliseconds until a send is allowed; 0 means now. */
  waitMs(key: string, perMinute: number | undefined, now: number): number {
    if (!perMinute) return 0;
    const recent = (this.sent.get(key) ?? []).filter((t) => now - t < 60_000);
    this.sent.set(key, recent);
    return recent.length < perMinute ? 0 : 60_000 - (now - recent[0]);
  }

  record(key: string, now: number): void {
    const list = this.sent.get(key) ?? [];
    list.push(now);
    this.sent.set(key, list);
  }
}

/**
 * Delivers due outbox rows through the adapters: split by bytes, rate-limited per chat,
 * retried with exponential backoff, parked (and the admin group told) after maxAttempts.
 */
export class OutboxSender {
  private readonly limiter = new ChatRateLimiter();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly adapters: Map<string, BotAdapter>,
    private readonly opts: SenderOptions,
    private readonly log: Logger,
    private readonly listeners: OutboxListener[] = [],
  ) {}

  static key(platform: Platform | string, botId: string): string {
    return `${platform}:${botId}`;
  }

  start(pollMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush().catch((err) => this.log.error({ err }, '发送队列本轮发送出错'));
    }, pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Sends everything due now. Concurrent callers share one pass. */
  flush(): Promise<number> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async pass(): Promise<number> {
    let delivered = 0;
    const now = this.clock.now();
    const due = await this.db.manager.find(OutboxMessage, {
      where: { status: 'pending', notBefore: LessThanOrEqual(now) },
      order: { id: 'ASC' },
      take: 200,
    });
    const blockedChats = new Set<string>();
    for (const row of due) {
      const chatKey = `${row.platform}:${row.botId}:${row.chatId}`;
      // Keep each chat's messages in order: once one waits, the later ones wait too.
      if (blockedChats.has(chatKey)) continue;
      const adapter = this.adapters.get(OutboxSender.key(row.platform, row.botId));
      if (!adapter) {
        await this.fail(row, `没有可用的机器人：${row.platform}/${row.botId}`, false);
        continue;
      }
      const ok = await this.deliver(row, adapter, chatKey);
      if (ok) delivered++;
      else blockedChats.add(chatKey);
    }
    return delivered;
  }

  private async deliver(row: OutboxMessage, adapter: BotAdapter, chatKey: string): Promise<boolean> {
    const replyTo = await this.replyTarget(row);
    const parts = splitBody(row.body as OutgoingMessage['body'], adapter.maxBytes({ body: row.body as OutgoingMessage['body'], replyTo }));
    while (row.partsSent < parts.length) {
      const wait = this.limiter.waitMs(chatKey, adapter.perChatPerMinute, this.clock.now().getTime());
      if (wait > 0) {
        await this.postpone(row, wait, '');
        return false;
      }
      const msg: OutgoingMessage = {
        platform: row.platform as Platform,
        botId: row.botId,
        chatId: row.chatId,
        chatType: row.chatType as OutgoingMessage['chatType'],
        body: parts[row.partsSent],
        replyTo,
        outboxId: row.id,
      };
      let result;
      try {
        result = await adapter.send(msg);
      } catch (err) {
        result = { ok: false as const, retryable: true, error: err instanceof Error ? err.message : String(err) };
      }
      if (!result.ok) {
        if (result.retryAfterMs !== undefined && result.retryable) {
          // The platform said "too fast": not the message's fault, so it costs no attempt.
          await this.postpone(row, result.retryAfterMs, result.error);
        } else {
          await this.fail(row, result.error, result.retryable);
        }
        return false;
      }
      this.limiter.record(chatKey, this.clock.now().getTime());
      row.partsSent += 1;
      await this.db.work((em) => em.update(OutboxMessage, { id: row.id }, { partsSent: row.partsSent }));
    }
    const now = this.clock.now();
    await this.db.work(async (em) => {
      // Delivered: the copy kept for the record needs no 身份证号 or mobile number.
      const anonymous = await this.answersAnonymous(row);
      const kept = anonymous ? { kind: 'text', text: '' } : maskDeep(row.body);
      await em.update(OutboxMessage, { id: row.id }, { status: 'sent', sentAt: now, lastError: '', body: kept as never, ...(anonymous && row.chatType === 'direct' ? { chatId: '' } : {}) });
      if (anonymous) await em.update(InboundMessage, { id: row.inReplyTo! }, { payload: { anonymous: true } as never });
      for (const l of this.listeners) await l(em, row, 'sent', now);
    });
    return true;
  }

  private async answersAnonymous(row: OutboxMessage): Promise<boolean> {
    if (!row.inReplyTo) return false;
    const inbound = await this.db.manager.findOne(InboundMessage, { where: { id: row.inReplyTo } });
    return (inbound?.payload as { anonymous?: boolean } | null)?.anonymous === true;
  }

  private async replyTarget(row: OutboxMessage): Promise<OutgoingMessage['replyTo']> {
    if (!row.inReplyTo) return undefined;
    const inbound = await this.db.manager.findOne(InboundMessage, { where: { id: row.inReplyTo } });
    if (!inbound) return undefined;
    const payload = inbound.payload as IncomingMessage;
    return { messageId: inbound.messageId, replyContext: payload.replyContext };
  }

  private async postpone(row: OutboxMessage, ms: number, error: string): Promise<void> {
    const notBefore = new Date(this.clock.now().getTime() + Math.max(ms, 0));
    await this.db.work((em) => em.update(OutboxMessage, { id: row.id }, { notBefore, lastError: error.slice(0, 500) }));
  }

  private async fail(row: OutboxMessage, error: string, retryable: boolean): Promise<void> {
    const attempts = row.attempts + 1;
    const now = this.clock.now();
    this.log.warn({ outboxId: row.id, attempts, error }, '消息发送失败');
    if (retryable && attempts < this.opts.maxAttempts) {
      const notBefore = new Date(now.getTime() + backoffMs(this.opts, attempts));
      await this.db.work((em) => em.update(OutboxMessage, { id: row.id }, { attempts, notBefore, lastError: error.slice(0, 500) }));
      return;
    }
    await this.db.work(async (em) => {
      await em.update(OutboxMessage, { id: row.id }, { attempts, status: 'parked', lastError: error.slice(0, 500) });
      for (const l of this.listeners) await l(em, row, 'parked', now);
      if (row.dedupeKey.startsWith('park:')) return;
      const admins = await em.find(ChatGroup, { where: { kind: 'admin' } });
      const preview = maskPersonalData(bodyText(row.body as OutgoingBody)).slice(0, 60);
      for (const g of admins) {
        // A resend after /发送队列 重试 may park again; each parking is reported once.
        await enqueue(em, { platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' },
          { kind: 'text', text: `消息发送失败已暂停（第${row.id}条，发往${row.platform}群 ${row.chatId}，重试${attempts}次）：${error.slice(0, 80)}\n内容：${preview}\n处理：/发送队列 查看，恢复后 /发送队列 重试 ${row.id}` },
          { dedupeKey: `park:${row.id}:${g.id}:${now.getTime()}`, notBefore: now, now });
      }
    });
  }
}
