import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

export type NoticeStatus = 'sent' | 'scheduled' | 'held' | 'pending_approval' | 'withdrawn' | 'rejected';

export interface NoticeTargets {
  all: boolean;
  communityIds: number[];
}

/** A notice or data request a department posted through the bot, with the gate's current view of it. */
@Entity('notice')
@Index('IDX_notice_department', ['departmentId', 'createdAt'])
@Index('IDX_notice_open_deadline', ['status', 'deadline'])
export class Notice {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'integer' }) senderId: number;
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 64 }) botId: string;
  @Column({ type: 'varchar', length: 128 }) sourceChatId: string;
  @Column({ type: 'varchar', length: 8 }) sourceChatType: string;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', transformer: jsonText }) targets: NoticeTargets;
  @Column({ type: 'datetime', nullable: true, default: null }) deadline: Date | null;
  /** Where the deadline came from: the explicit 截止 field, the text, or an adopted proposal. */
  @Column({ type: 'varchar', length: 16, default: '' }) deadlineSource: string;
  @Column({ type: 'datetime', nullable: true, default: null }) proposedDeadline: Date | null;
  @Column({ type: 'varchar', length: 16, default: '' }) basisItemId: string;
  @Column({ type: 'varchar', length: 32, default: '' }) emergencyCategory: string;
  @Column({ type: 'varchar', length: 255, default: '' }) emergencyReason: string;
  /** Approval an admin gave (admission or frequency), so a re-check does not ask again. */
  @Column({ type: 'boolean', default: false }) approved: boolean;
  @Column({ type: 'varchar', length: 20 }) status: NoticeStatus;
  /** '' none asked, queued (request in the outbox), received (an admin group got it), failed. */
  @Column({ type: 'varchar', length: 10, default: '' }) approvalState: string;
  @Column({ type: 'datetime', nullable: true, default: null }) deliverAt: Date | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
