import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { In, MoreThan } from 'typeorm';
import { bodyText } from '../../bots/types';
import type { BotAdapter, IncomingMessage, OutgoingBody, OutgoingMessage, Platform } from '../../bots/types';
import { ChatGroup, InboundMessage, OutboxMessage } from '../../entities';
import type { Clock } from '../clock';
import { Db } from '../db';
import { updateJoined, updateLater } from '../db-statements';
import { maskDeep, maskPersonalData } from '../privacy/pii';
import { enqueue, OutboxListener } from './outbox';
import { splitBody } from './split';

export interface SenderOptions {
  maxAttempts: number;
  backoffBaseMs: number;
  /** Cap on one wait, so a long outage is retried steadily instead of ever more rarely. */
  backoffMaxMs?: number;
  /** How long a claimed row stays invisible to other instances; after a crash it is sent again after this (default 60 s). */
  claimMs?: number;
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

/** Rows claimed per pass, and chats sent to at once within a pass. */
const BATCH = 200;
const CHAT_CONCURRENCY = 8;

/**
 * Sliding one-minute window of one chat's sends, seeded from the database so every instance
 * counts the others' sends too; a burst waits instead of hitting the platform's limit.
 */
class ChatWindow {
  constructor(private readonly times: number[], private readonly perMinute: number | undefined) {}

  /** Milliseconds until a send is allowed; 0 means now. */
  waitMs(now: number): number {
    if (!this.perMinute) return 0;
    const recent = this.times.filter((t) => now - t < 60_000).sort((a, b) => a - b);
    return recent.length < this.perMinute ? 0 : 60_000 - (now - recent[recent.length - this.perMinute]);
  }

  record(now: number): void {
    this.times.push(now);
  }
}

/** Where a reply goes, and whether it answers an anonymous command (then nothing of it is kept once sent). */
interface ReplyTarget {
  to: OutgoingMessage['replyTo'];
  anonymous: boolean;
}

/** One pass's hold on the rows it took: a random token, and when the hold ends (epoch ms, sender clock). */
interface Claim {
  token: string;
  until: number;
}

interface Mark {
  row: OutboxMessage;
  token: string;
  at: Date;
  /** Units told of the send, in the same transaction as the mark. */
  listeners: OutboxListener[];
  settle(err?: unknown): void;
}

/** Part of a group was no longer this pass's (another instance took it over): each is marked on its own. */
class NotAllOurs extends Error {}

/**
 * "Sent" marks, group-committed: a mark waits at most for the one write already on its way, and
 * every mark that arrived meanwhile goes in the next: one UPDATE, or one transaction when units
 * listen. The window in which a crash could repeat a send grows by that one write; the
 * statements per send fall to a share of one.
 */
class SentMarks {
  private waiting: Mark[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  mark(row: OutboxMessage, token: string, at: Date, listeners: OutboxListener[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, token, at, listeners, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    while (this.waiting.length) {
      const marks = this.waiting;
      this.waiting = [];
      // Rows of one pass share its token; a window counts a send from its latest mark's time, which errs on the safe side.
      const groups = new Map<string, Mark[]>();
      for (const m of marks) {
        const k = `${m.token}:${m.row.partsSent}`;
        const group = groups.get(k);
        if (group) group.push(m);
        else groups.set(k, [m]);
      }
      for (const group of groups.values()) {
        try {
          await this.markGroup(group);
          for (const m of group) m.settle();
        } catch (err) {
          for (const m of group) m.settle(err);
        }
      }
    }
    this.writing = false;
  }

  private async markGroup(group: Mark[]): Promise<void> {
    try {
      await this.markAll(group);
    } catch (err) {
      if (!(err instanceof NotAllOurs)) throw err;
      // Each on its own then: a row that is no longer ours is left to the instance that has it, and its listeners are not told.
      for (const m of group) {
        await this.markAll([m]).catch((e: unknown) => {
          if (!(e instanceof NotAllOurs)) throw e;
        });
      }
    }
  }

  private async markAll(group: Mark[]): Promise<void> {
    const { token, row } = group[0];
    const sentAt = new Date(Math.max(...group.map((m) => m.at.getTime())));
    const ids = group.map((m) => m.row.id);
    const sent = { partsSent: row.partsSent, status: 'sent' as const, sentAt, lastError: '' };
    const where = { id: ids.length === 1 ? ids[0] : In(ids), claimedBy: token };
    if (!group.some((m) => m.listeners.length)) {
      await this.db.write((em) => em.update(OutboxMessage, where, sent));
      return;
    }
    // Listeners that only say what to set beside the mark: one statement, four round trips fewer.
    const joins = [...new Set(group.flatMap((m) => m.listeners))];
    if (this.db.concurrent && joins.every((l) => l.sentJoin)) {
      await this.db.write((em) => updateJoined(em, OutboxMessage, ids, { claimedBy: token }, sent,
        joins.map((l) => ({ entity: l.sentJoin!.entity, column: l.sentJoin!.column, values: l.sentJoin!.set(sentAt) }))));
      return;
    }
    await this.db.work(async (em) => {
      const r = await em.update(OutboxMessage, where, sent);
      if (r.affected !== ids.length) throw new NotAllOurs();
      const told = new Map<OutboxListener, Mark[]>();
      for (const m of group) {
        for (const l of m.listeners) {
          const marks = told.get(l);
          if (marks) marks.push(m);
          else told.set(l, [m]);
        }
      }
      for (const [l, marks] of told) {
        if (l.sentMany && marks.length > 1) await l.sentMany(em, marks.map((m) => m.row), sentAt);
        else for (const m of marks) await l(em, m.row, 'sent', m.at);
      }
    });
  }
}

/**
 * Delivers due outbox rows through the adapters: split by bytes, rate-limited per chat,
 * retried with exponential backoff, parked (and the admin group told) after maxAttempts.
 * Rows are claimed before sending (row locks with SKIP LOCKED on MySQL/MariaDB), so several
 * instances on one database send each row once; chats are served side by side, each in order.
 */
export class OutboxSender {
  /** Adapters configured here but run by another instance (an elected long connection): their rows are left alone. */
  readonly standby = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  /** The last pass found nothing due: the next one looks before it opens a claiming transaction. */
  private empty = false;
  private readonly claimMs: number;
  private readonly marks: SentMarks;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly adapters: Map<string, BotAdapter>,
    private readonly opts: SenderOptions,
    private readonly log: Logger,
    private readonly listeners: OutboxListener[] = [],
  ) {
    this.claimMs = opts.claimMs ?? 60_000;
    this.marks = new SentMarks(db);
  }

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
    const now = this.clock.now();
    const claim = { token: crypto.randomBytes(12).toString('hex'), until: now.getTime() + this.claimMs };
    // An idle poll is then one plain read instead of a transaction of three statements.
    if (this.empty && !(await this.anyDue(now))) return 0;
    const claimed = await this.claim(now, claim);
    this.empty = claimed.length === 0;
    if (!claimed.length) return 0;
    const targets = await this.replyTargets(claimed);
    const byChat = new Map<string, OutboxMessage[]>();
    for (const row of claimed) {
      const chatKey = `${row.platform}:${row.botId}:${row.chatId}`;
      byChat.set(chatKey, [...(byChat.get(chatKey) ?? []), row]);
    }
    const chats = [...byChat.values()];
    let delivered = 0;
    const worker = async () => {
      for (let rows = chats.shift(); rows; rows = chats.shift()) {
        const n = await this.deliverChat(rows, targets, now, claim);
        delivered += n; // not `delivered += await …`: that reads the total before the wait and loses the other workers' counts
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHAT_CONCURRENCY, chats.length) }, worker));
    return delivered;
  }

  private async anyDue(now: Date): Promise<boolean> {
    const row = await this.db.manager.createQueryBuilder(OutboxMessage, 'o').select('o.id', 'id')
      .where('o.status = :status', { status: 'pending' }).andWhere('o.notBefore <= :now', { now })
      .limit(1).getRawOne<{ id: number }>();
    return row !== undefined;
  }

  /** Takes due rows for this pass: marks them with its token and hides them from others until the claim ends. */
  private claim(now: Date, claim: Claim): Promise<OutboxMessage[]> {
    return this.db.work(async (em) => {
      const q = em.createQueryBuilder(OutboxMessage, 'o')
        .where('o.status = :status', { status: 'pending' })
        .andWhere('o.notBefore <= :now', { now })
        .orderBy('o.id', 'ASC')
        .limit(BATCH);
      [...this.standby].forEach((key, i) => {
        const [platform, botId] = key.split(/:(.*)/s);
        q.andWhere(`NOT (o.platform = :sp${i} AND o.botId = :sb${i})`, { [`sp${i}`]: platform, [`sb${i}`]: botId });
      });
      // A chat another pass is working on stays with it, so its order and its rate limit hold across instances.
      q.andWhere(`NOT EXISTS (SELECT 1 FROM outbox_message b WHERE b.chatId = o.chatId AND b.platform = o.platform AND b.botId = o.botId
        AND b.status = 'pending' AND b.sentAt IS NULL AND b.claimedBy <> '' AND b.notBefore > :now)`);
      if (this.db.skipLocked) q.setLock('pessimistic_write').setOnLocked('skip_locked');
      let rows = await q.getMany();
      // Rows another pass locked but has not yet marked are skipped, not seen: a chat belongs to
      // the pass that locked its oldest due row, so two instances never send into one chat at once.
      if (this.db.skipLocked && rows.length) rows = await this.ownChats(em, rows, now);
      // The rows are locked by this transaction, so the claim needs no answer: it goes with the COMMIT.
      if (rows.length) await updateLater(em, OutboxMessage, { id: In(rows.map((r) => r.id)) }, { notBefore: new Date(claim.until), claimedBy: claim.token });
      return rows;
    });
  }

  private async ownChats(em: EntityManager, rows: OutboxMessage[], now: Date): Promise<OutboxMessage[]> {
    const chatKey = (r: { platform: string; botId: string; chatId: string }) => `${r.platform}\u0000${r.botId}\u0000${r.chatId}`;
    // A plain read, not the locking one above: a locking read skips a row another pass is marking sent at
    // this moment, so that pass's claim would look gone and its last send not yet counted in the chat's window.
    const chats: { platform: string; botId: string; chatId: string; first: number | string | null; held: number | string }[] = await em
      .createQueryBuilder(OutboxMessage, 'o')
      .select(['o.platform AS platform', 'o.botId AS botId', 'o.chatId AS chatId'])
      .addSelect('MIN(CASE WHEN o.notBefore <= :now THEN o.id END)', 'first')
      .addSelect("SUM(CASE WHEN o.claimedBy <> '' AND o.notBefore > :now THEN 1 ELSE 0 END)", 'held')
      .where('o.status = :status', { status: 'pending', now })
      // Only a sent row has a sentAt, so this names the same rows and lets the (chatId, sentAt) index
      // find a chat's unsent ones, instead of reading every row the chat was ever sent.
      .andWhere('o.sentAt IS NULL')
      .andWhere('o.chatId IN (:...chats)', { chats: [...new Set(rows.map((r) => r.chatId))] })
      .groupBy('o.platform').addGroupBy('o.botId').addGroupBy('o.chatId')
      .getRawMany();
    const oldest = new Map(chats.map((c) => [chatKey(c), Number(c.held) > 0 ? -1 : Number(c.first)]));
    const mine = new Set(rows.map((r) => r.id));
    return rows.filter((r) => mine.has(oldest.get(chatKey(r)) ?? r.id));
  }

  /** One chat's claimed rows, in order; once one must wait, the rest are handed back unsent. */
  private async deliverChat(rows: OutboxMessage[], targets: Map<number, ReplyTarget>, now: Date, claim: Claim): Promise<number> {
    const adapter = this.adapters.get(OutboxSender.key(rows[0].platform, rows[0].botId));
    if (!adapter) {
      for (const row of rows) await this.fail(row, `没有可用的机器人：${row.platform}/${row.botId}`, false);
      return 0;
    }
    const window = new ChatWindow(adapter.perChatPerMinute ? await this.recentSends(rows[0], now) : [], adapter.perChatPerMinute);
    for (let i = 0; i < rows.length; i++) {
      if (!(await this.stillOurs(rows[i], claim))) continue;
      const ok = await this.deliver(rows[i], adapter, targets.get(rows[i].inReplyTo ?? 0), window, claim);
      if (!ok) {
        const rest = rows.slice(i + 1).map((r) => r.id);
        if (rest.length) await this.db.write((em) => em.update(OutboxMessage, { id: In(rest) }, { notBefore: now, claimedBy: '' }));
        return i;
      }
    }
    return rows.length;
  }

  /**
   * A slow pass (a long backlog, a slow platform) could outlive its claim and another instance
   * take the row; past half its life the claim is renewed, and a row that is no longer ours is left alone.
   */
  private async stillOurs(row: OutboxMessage, claim: Claim): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (claim.until - now > this.claimMs / 2) return true;
    const r = await this.db.write((em) => em.update(OutboxMessage, { id: row.id, claimedBy: claim.token, status: 'pending' }, { notBefore: new Date(now + this.claimMs) }));
    return r.affected === 1;
  }

  /** Parts sent to this chat in the last minute, by any instance. */
  private async recentSends(chat: OutboxMessage, now: Date): Promise<number[]> {
    const sent = await this.db.manager.find(OutboxMessage, {
      select: { id: true, sentAt: true, partsSent: true },
      where: { chatId: chat.chatId, platform: chat.platform, botId: chat.botId, status: 'sent', sentAt: MoreThan(new Date(now.getTime() - 60_000)) },
    });
    return sent.flatMap((r) => Array<number>(r.partsSent).fill(r.sentAt!.getTime()));
  }

  private async deliver(row: OutboxMessage, adapter: BotAdapter, target: ReplyTarget | undefined, window: ChatWindow, claim: Claim): Promise<boolean> {
    const replyTo = target?.to;
    const parts = splitBody(row.body as OutgoingMessage['body'], adapter.maxBytes({ body: row.body as OutgoingMessage['body'], replyTo }));
    while (row.partsSent < parts.length) {
      const wait = window.waitMs(this.clock.now().getTime());
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
      const at = this.clock.now();
      window.record(at.getTime());
      row.partsSent += 1;
      // Marked right after the platform accepted, without waiting behind other work: a crash can
      // repeat a part only inside this round trip (and the claim keeps other instances off meanwhile).
      if (row.partsSent < parts.length) {
        await this.db.write((em) => em.update(OutboxMessage, { id: row.id, claimedBy: claim.token }, { partsSent: row.partsSent }));
        continue;
      }
      // Delivered: the copy kept for the record needs no 身份证号 or mobile number.
      const anonymous = target?.anonymous === true;
      const kept = anonymous ? { kind: 'text', text: '' } : maskDeep(row.body);
      // Most bodies hold nothing to mask: then the stored one is left as it is rather than written again.
      const rewrite = anonymous || JSON.stringify(kept) !== JSON.stringify(row.body);
      const sent = { partsSent: row.partsSent, status: 'sent' as const, sentAt: at, lastError: '', ...(rewrite ? { body: kept as never } : {}), ...(anonymous && row.chatType === 'direct' ? { chatId: '' } : {}) };
      const listeners = this.listeners.filter((l) => !l.keys || l.keys.test(row.dedupeKey));
      if (!anonymous && !rewrite) {
        await this.marks.mark(row, claim.token, at, listeners);
        continue;
      }
      if (!listeners.length && !anonymous) {
        await this.db.write((em) => em.update(OutboxMessage, { id: row.id, claimedBy: claim.token }, sent));
        continue;
      }
      await this.db.work(async (em) => {
        const r = await em.update(OutboxMessage, { id: row.id, claimedBy: claim.token }, sent);
        if (r.affected !== 1) return;
        if (anonymous) await em.update(InboundMessage, { id: row.inReplyTo! }, { payload: { anonymous: true } as never });
        for (const l of listeners) await l(em, row, 'sent', at);
      });
    }
    return true;
  }

  /** Reply channels of every claimed row, and which answer anonymous commands, in one read. */
  private async replyTargets(rows: OutboxMessage[]): Promise<Map<number, ReplyTarget>> {
    const ids = [...new Set(rows.map((r) => r.inReplyTo).filter((id): id is number => !!id))];
    if (!ids.length) return new Map();
    const inbound = await this.db.manager.find(InboundMessage, { select: { id: true, messageId: true, payload: true }, where: { id: In(ids) } });
    return new Map(inbound.map((m) => {
      const payload = m.payload as IncomingMessage & { anonymous?: boolean };
      return [m.id, { to: { messageId: m.messageId, replyContext: payload.replyContext }, anonymous: payload.anonymous === true }];
    }));
  }

  private async postpone(row: OutboxMessage, ms: number, error: string): Promise<void> {
    const notBefore = new Date(this.clock.now().getTime() + Math.max(ms, 0));
    await this.db.work((em) => em.update(OutboxMessage, { id: row.id }, { notBefore, lastError: error.slice(0, 500), claimedBy: '' }));
  }

  private async fail(row: OutboxMessage, error: string, retryable: boolean): Promise<void> {
    const attempts = row.attempts + 1;
    const now = this.clock.now();
    this.log.warn({ outboxId: row.id, attempts, error }, '消息发送失败');
    if (retryable && attempts < this.opts.maxAttempts) {
      const notBefore = new Date(now.getTime() + backoffMs(this.opts, attempts));
      await this.db.work((em) => em.update(OutboxMessage, { id: row.id }, { attempts, notBefore, lastError: error.slice(0, 500), claimedBy: '' }));
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
