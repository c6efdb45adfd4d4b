import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 收到 / 完成 from a community for a notice. */
@Entity('notice_receipt')
@Index('UQ_notice_receipt', ['noticeId', 'communityId', 'kind'], { unique: true })
export class NoticeReceipt {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) noticeId: number;
  @Column({ type: 'integer' }) communityId: number;
  @Column({ type: 'integer' }) memberId: number;
  /** received or done */
  @Column({ type: 'varchar', length: 10 }) kind: string;
  @Column({ type: 'datetime' }) at: Date;
}
