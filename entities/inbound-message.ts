import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

export type InboundStatus = 'received' | 'processed' | 'failed';

/**
 * Every message the bot receives, stored once. The unique key on (platform, messageId)
 * makes a platform's redelivery harmless; rows left 'received' after a crash are replayed.
 */
@Entity('inbound_message')
@Index('UQ_inbound_platform_message', ['platform', 'messageId'], { unique: true })
@Index('IDX_inbound_status', ['status'])
export class InboundMessage {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 64 }) botId: string;
  @Column({ type: 'varchar', length: 191 }) messageId: string;
  @Column({ type: 'varchar', length: 128 }) chatId: string;
  @Column({ type: 'varchar', length: 8 }) chatType: string;
  @Column({ type: 'varchar', length: 128 }) senderId: string;
  @Column({ type: 'varchar', length: 64, default: '' }) senderName: string;
  @Column({ type: 'text' }) text: string;
  /** The whole normalised message (attachments, quote, reply context) for replay. */
  @Column({ type: 'text', transformer: jsonText }) payload: unknown;
  @Column({ type: 'varchar', length: 12, default: 'received' }) status: InboundStatus;
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 500, default: '' }) error: string;
  @Column({ type: 'datetime' }) receivedAt: Date;
  @Column({ type: 'datetime', nullable: true, default: null }) processedAt: Date | null;
}
