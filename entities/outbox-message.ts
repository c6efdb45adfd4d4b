import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

export type OutboxStatus = 'pending' | 'sent' | 'parked';

/**
 * A message the bot wants to send. Written in the same transaction as the decision that
 * produced it; the sender delivers it later, so a crash delays a message but never loses it.
 */
@Entity('outbox_message')
@Index('IDX_outbox_due', ['status', 'notBefore'])
@Index('UQ_outbox_dedupe', ['dedupeKey'], { unique: true })
@Index('IDX_outbox_chat_sent', ['chatId', 'sentAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 64 }) botId: string;
  @Column({ type: 'varchar', length: 128 }) chatId: string;
  @Column({ type: 'varchar', length: 8 }) chatType: string;
  /** OutgoingBody: text, markdown or card. */
  @Column({ type: 'text', transformer: jsonText }) body: unknown;
  /** Inbound message this answers, so the adapter can use the platform's reply channel. */
  @Column({ type: 'integer', nullable: true, default: null }) inReplyTo: number | null;
  /** Sending the same logical message twice is prevented by this key. */
  @Column({ type: 'varchar', length: 191 }) dedupeKey: string;
  @Column({ type: 'varchar', length: 8, default: 'pending' }) status: OutboxStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  /** Parts of a split message already delivered, so a retry resumes instead of repeating. */
  @Column({ type: 'integer', default: 0 }) partsSent: number;
  @Column({ type: 'datetime' }) notBefore: Date;
  @Column({ type: 'varchar', length: 500, default: '' }) lastError: string;
  @Column({ type: 'datetime' }) createdAt: Date;
  @Column({ type: 'datetime', nullable: true, default: null }) sentAt: Date | null;
  /** The sender pass that holds this row until notBefore ('' when none does); marks are made only under this claim. */
  @Column({ type: 'varchar', length: 32, default: '' }) claimedBy: string;
}
