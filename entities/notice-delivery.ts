import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DeliveryStatus = 'pending' | 'queued' | 'sent' | 'parked' | 'cancelled';

/** One notice going to one community group; pending rows are the durable delivery queue. */
@Entity('notice_delivery')
@Index('IDX_notice_delivery_due', ['status', 'deliverAt'])
@Index('UQ_notice_delivery_group', ['noticeId', 'groupId'], { unique: true })
@Index('IDX_notice_delivery_outbox', ['outboxId'])
export class NoticeDelivery {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) noticeId: number;
  @Column({ type: 'integer' }) groupId: number;
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  /**
   * pending (waiting for deliverAt) → queued (in the outbox) → sent (the platform accepted it)
   * or parked (retries ran out); cancelled when the notice was withdrawn.
   */
  @Column({ type: 'varchar', length: 12 }) status: DeliveryStatus;
  /** The outbox row carrying it, so its fate becomes the delivery's. */
  @Column({ type: 'integer', nullable: true, default: null }) outboxId: number | null;
  @Column({ type: 'datetime' }) deliverAt: Date;
  @Column({ type: 'datetime', nullable: true, default: null }) sentAt: Date | null;
  /** Local date (YYYY-MM-DD) of the last reminder, so there is at most one a day. */
  @Column({ type: 'varchar', length: 10, default: '' }) lastReminder: string;
}
