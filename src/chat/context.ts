import { EntityManager } from 'typeorm';
import type { IncomingMessage, OutgoingBody } from '../../bots/types';
import { ChatGroup, Member } from '../../entities';
import { audit, AuditEntry } from '../audit';
import { Address, enqueueLater, OutboxBatch } from '../outbox/outbox';
import type { Port, SendOptions } from '../unit';

export type { SendOptions } from '../unit';

/**
 * Everything a command handler may touch: the transaction, the message, who sent it, where,
 * and ways to answer. Replies become outbox rows in the same transaction.
 */
export class CommandContext implements Port {
  private seq = 0;

  constructor(
    readonly em: EntityManager,
    readonly now: Date,
    readonly msg: IncomingMessage,
    readonly inboundId: number,
    readonly member: Member,
    readonly group: ChatGroup | null,
    /** Where plain replies wait to be written with the rest of the batch's (absent: written at once). */
    private readonly outbox?: OutboxBatch,
  ) {}

  get actor(): Member {
    return this.member;
  }

  get origin(): Address {
    return this.here;
  }

  get ref(): string {
    return `in:${this.inboundId}`;
  }

  get here(): Address {
    return { platform: this.msg.platform, botId: this.msg.botId, chatId: this.msg.chatId, chatType: this.msg.chatType };
  }

  async reply(body: OutgoingBody | string): Promise<void> {
    await this.send(this.here, body, {});
  }

  async send(to: Address, body: OutgoingBody | string, opts: SendOptions = {}): Promise<void> {
    const isReply = to.chatId === this.msg.chatId && to.platform === this.msg.platform && !opts.notBefore;
    const content = typeof body === 'string' ? { kind: 'text' as const, text: body } : body;
    const row = {
      inReplyTo: isReply ? this.inboundId : null,
      dedupeKey: opts.dedupeKey ?? `in:${this.inboundId}:${this.seq++}`,
      notBefore: opts.notBefore ?? this.now,
      now: this.now,
    };
    // A key made of this message's id is this message's alone, so the row can wait for the batch's one INSERT.
    if (this.outbox && opts.dedupeKey === undefined) return this.outbox.add(to, content, row);
    await this.outbox?.flush();
    await enqueueLater(this.em, to, content, row);
  }

  async sendToGroup(group: ChatGroup, body: OutgoingBody | string, opts: SendOptions = {}): Promise<void> {
    await this.send({ platform: group.platform, botId: group.botId, chatId: group.chatId, chatType: 'group' }, body, opts);
  }

  async sendToMember(m: Member, body: OutgoingBody | string, opts: SendOptions = {}): Promise<void> {
    await this.send({ platform: m.platform, botId: m.botId || this.msg.botId, chatId: m.externalId, chatType: 'direct' }, body, opts);
  }

  async audit(e: Omit<AuditEntry, 'actor'>): Promise<void> {
    await audit(this.em, this.now, { ...e, actor: this.member });
  }
}
