import type { Logger } from 'pino';
import type { IncomingMessage } from '../../bots/types';
import { EntityManager, In } from 'typeorm';
import { InboundMessage, ROLE_LABELS } from '../../entities';
import type { Clock } from '../clock';
import { Db } from '../db';
import { enqueue, OutboxBatch } from '../outbox/outbox';
import { CommandContext } from './context';
import { maskPersonalData } from '../privacy/pii';
import { shareLookups } from '../db-lookups';
import { groupsFor, memberFor, membersFor } from './members';
import { allowed, CommandDef, CommandRegistry, usage } from './registry';

type Outcome = 'done' | 'deferred';
type Row = Pick<InboundMessage, 'id' | 'text' | 'chatType' | 'payload'>;

/** A stored message to process; `known` when this process just stored it, so it need not be read back. */
export interface BatchItem {
  id: number;
  known?: IncomingMessage;
}

/** Another instance claimed part of a batch (a replay): the rest run on their own. */
class SplitBatch extends Error {}

export interface DispatcherOptions {
  maxMessageLength: number;
}

/**
 * Runs stored inbound messages through the command registry inside a single transaction:
 * the handlers' decisions, their outgoing messages and the 'processed' marks commit together.
 */
export class Dispatcher {
  /** Told after each message's outcome is committed (the load benchmark times decisions with it). */
  readonly observers: ((inboundId: number, status: 'processed' | 'failed') => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly registry: CommandRegistry,
    private readonly clock: Clock,
    private readonly opts: DispatcherOptions,
    private readonly log: Logger,
  ) {}

  /**
   * 'deferred' means the database was away: nothing committed, the row is still 'received'
   * and the inbox replays it later. Never throws, so no failure path can end the process.
   */
  async process(inboundId: number, known?: IncomingMessage): Promise<Outcome> {
    return (await this.processBatch([{ id: inboundId, known }]))[0];
  }

  /**
   * Several stored messages (of different chats, or several of one chat in order) in one transaction: one claim, one read of
   * their senders and groups, one INSERT of their replies, one commit. If any of them fails,
   * nothing of the batch commits and each runs again on its own, so one bad message costs the
   * others only time.
   */
  async processBatch(items: BatchItem[]): Promise<Outcome[]> {
    try {
      const done = await this.db.work((em) => this.runBatch(em, items), { retryDuplicate: true });
      for (const id of done) for (const o of this.observers) o(id, 'processed');
      return items.map(() => 'done');
    } catch (err) {
      if (items.length > 1) {
        if (!(err instanceof SplitBatch) && (await this.db.unavailable(err))) return items.map(() => 'deferred');
        // One after another: a batch may hold several messages of one chat, in their order.
        const outcomes: Outcome[] = [];
        for (const it of items) outcomes.push(await this.process(it.id, it.known));
        return outcomes;
      }
      const inboundId = items[0].id;
      if (await this.db.unavailable(err)) {
        this.log.warn({ err, inboundId }, '数据库不可用，消息稍后重新处理');
        return ['deferred'];
      }
      this.log.error({ err, inboundId }, '处理收到的消息出错');
      try {
        await this.markFailed(inboundId, err);
        for (const o of this.observers) o(inboundId, 'failed');
        return ['done'];
      } catch (markErr) {
        this.log.warn({ err: markErr, inboundId }, '无法记录处理失败，消息稍后重新处理');
        return ['deferred'];
      }
    }
  }

  /** Returns the ids it processed (none when another instance had already claimed the one row). */
  private async runBatch(em: EntityManager, items: BatchItem[]): Promise<number[]> {
    const now = this.clock.now();
    const ids = items.map((it) => it.id);
    // Claimed and marked processed in one statement; the mark commits with the handlers'
    // outcome or not at all. An instance replaying a row meanwhile holds its lock: this waits
    // for it, then finds the row processed and leaves it.
    const claim = await em.createQueryBuilder().update(InboundMessage)
      .set({ status: 'processed', processedAt: now, attempts: () => 'attempts + 1' })
      .where(ids.length === 1 ? 'id = :id' : 'id IN (:...ids)', { id: ids[0], ids })
      .andWhere('status <> :processed', { processed: 'processed' })
      .execute();
    if (claim.affected !== ids.length) {
      if (ids.length === 1) return [];
      throw new SplitBatch();
    }
    const unknown = items.filter((it) => !it.known).map((it) => it.id);
    const read = unknown.length
      ? await em.find(InboundMessage, { select: { id: true, text: true, chatType: true, payload: true }, where: { id: unknown.length === 1 ? unknown[0] : In(unknown) } })
      : [];
    const byId = new Map(read.map((r) => [r.id, r]));
    const rows: Row[] = [];
    for (const it of items) {
      // The payload as the inbox just stored it (through JSON, as a replay reads it back), or as read.
      const row = it.known
        ? { id: it.id, text: it.known.text, chatType: it.known.chatType, payload: JSON.parse(JSON.stringify(it.known)) as IncomingMessage }
        : byId.get(it.id);
      if (row) rows.push(row);
    }
    const msgs = rows.map((r) => r.payload as IncomingMessage);
    // Every sender and group of the batch in one read each, a chat's later messages included (a
    // busy chat brings many); that read holds until a command that may change them has run.
    const members = await membersFor(em, msgs, now);
    const groups = await groupsFor(em, msgs);
    let readAtStart = true;
    const outbox = new OutboxBatch(em);
    for (let i = 0; i < rows.length; i++) {
      // After a /绑定 or a /角色 earlier in the batch, read again what it may have changed.
      const [member, group] = readAtStart ? [members[i], groups[i]] : [await memberFor(em, msgs[i], now), (await groupsFor(em, [msgs[i]]))[0]];
      const ctx = new CommandContext(em, now, msgs[i], rows[i].id, member, group, outbox);
      const def = await this.handle(ctx);
      if (def && !def.keepsDirectory) readAtStart = false;
      const stored = def?.anonymous ? forgottenSender(rows[i]) : maskedText(rows[i]);
      if (Object.keys(stored).length) await em.update(InboundMessage, { id: rows[i].id }, stored as never);
    }
    await outbox.flush();
    return rows.map((r) => r.id);
  }

  private async markFailed(inboundId: number, err: unknown): Promise<void> {
    await this.db.work(async (em) => {
      const row = await em.findOne(InboundMessage, { where: { id: inboundId } });
      if (!row) return;
      row.status = 'failed';
      row.attempts += 1;
      row.error = maskPersonalData(String(err instanceof Error ? err.message : err).slice(0, 500));
      const msg = row.payload as IncomingMessage;
      Object.assign(row, maskedText(row));
      await em.save(row);
      const now = this.clock.now();
      await enqueue(em, msg, { kind: 'text', text: '处理这条消息时出错，已记录，请稍后重试或联系管理员。' },
        { inReplyTo: row.id, dedupeKey: `in:${row.id}:failed`, notBefore: now, now });
    });
  }

  /** Handles the message; returns the command it ran, if any. */
  private async handle(ctx: CommandContext): Promise<CommandDef | null> {
    const { msg, member } = ctx;
    const length = msg.textLength ?? [...msg.text].length;
    if (length > this.opts.maxMessageLength) {
      await ctx.reply(`消息过长（${length}字），请控制在${this.opts.maxMessageLength}字以内，或分几条发送。`);
      return null;
    }
    const parsed = this.registry.parse(msg.text);
    switch (parsed.kind) {
      case 'none':
        await ctx.reply(msg.text.trim()
          ? '没有识别到命令。发送 /帮助 查看可用命令。'
          : '请发送命令，例如 /帮助。');
        return null;
      case 'unknown':
        await ctx.reply(`未知命令 /${parsed.word}。发送 /帮助 查看可用命令。`);
        return null;
      case 'bad-args':
      case 'command': {
        const { def } = parsed;
        // Refused before its arguments are even read: a usage hint would teach the command.
        if (!allowed(def, member.role)) {
          await ctx.audit({ action: 'denied', entity: 'command', entityId: def.name, note: msg.text.slice(0, 200) });
          const need = def.roles === 'any' ? '' : def.roles.map((r) => ROLE_LABELS[r]).join('或');
          await ctx.reply(`权限不足：/${def.name} 仅限${need}使用。你当前是${ROLE_LABELS[member.role]}。`);
          return null;
        }
        if (parsed.kind === 'bad-args') {
          await ctx.reply(parsed.message);
          return null;
        }
        if (def.where === 'group' && msg.chatType !== 'group') {
          await ctx.reply(`/${def.name} 需要在群聊中使用。用法：${usage(def)}`);
          return null;
        }
        if (def.where === 'direct' && msg.chatType !== 'direct') {
          await ctx.reply(`/${def.name} 请在与我的单聊中使用。`);
          return null;
        }
        const resolved = await this.registry.resolve(ctx, def, parsed.args);
        if ('error' in resolved) {
          await ctx.reply(resolved.error);
          return null;
        }
        shareLookups(ctx.em, def.keepsDirectory === true);
        await def.handler(ctx, parsed.args, resolved.vals);
        return def;
      }
    }
  }
}

/**
 * Once handled, the stored copy keeps no 身份证号 or mobile number; the raw text was only needed
 * to act on it. Returns only the columns masking changed (usually none).
 */
function maskedText(row: Pick<InboundMessage, 'text' | 'payload'>): Partial<Pick<InboundMessage, 'text' | 'payload'>> {
  const msg = row.payload as IncomingMessage;
  const text = maskPersonalData(row.text);
  const payloadText = maskPersonalData(msg.text ?? '');
  const quoteText = msg.quote ? maskPersonalData(msg.quote.text) : undefined;
  const out: Partial<Pick<InboundMessage, 'text' | 'payload'>> = text === row.text ? {} : { text };
  if (payloadText !== (msg.text ?? '') || (msg.quote && quoteText !== msg.quote.text)) {
    out.payload = { ...msg, text: payloadText, ...(msg.quote ? { quote: { ...msg.quote, text: quoteText! } } : {}) };
  }
  return out;
}

/**
 * An anonymous report (/评估) must not be traceable from the database: its inbound row keeps
 * only what dedupe and the pending reply need, and the sender clears the rest after replying.
 */
function forgottenSender(row: Pick<InboundMessage, 'chatType' | 'payload'>): Partial<InboundMessage> {
  const msg = row.payload as IncomingMessage;
  return {
    text: '', senderId: '', senderName: '', ...(row.chatType === 'direct' ? { chatId: '' } : {}),
    payload: { anonymous: true, replyContext: msg.replyContext },
  };
}
