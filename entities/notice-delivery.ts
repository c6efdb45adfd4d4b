import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One notice going to one community group; pending rows are the durable delivery queue. */
@Entity('notice_delivery')
@Index('IDX_notice_delivery_due', ['status', 'deliverAt'])
@Index('UQ_notice_delivery_group', ['noticeId', 'groupId'], { unique: true })
export class NoticeDelivery {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) noticeId: number;
  @Column({ type: 'integer' }) groupId: number;
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  /** pending, sent, cancelled */
  @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'datetime' }) deliverAt: Date;
  @Column({ type: 'datetime', nullable: true, default: null }) sentAt: Date | null;
  /** Local date (YYYY-MM-DD) of the last reminder, so there is at most one a day. */
  @Column({ type: 'varchar', length: 10, default: '' }) lastReminder: string;
}
