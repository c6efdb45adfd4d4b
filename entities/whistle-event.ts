import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One step in a ticket's life, kept for its history and the per-department figures. */
@Entity('whistle_event')
@Index('IDX_whistle_event_ticket', ['ticketId'])
@Index('IDX_whistle_event_department', ['departmentId', 'action'])
export class WhistleEvent {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'datetime' }) at: Date;
  @Column({ type: 'integer', nullable: true, default: null }) actorId: number | null;
  /** create, assign, report, progress, done, transfer, return, suspend, resume, rate, reopen, warn, escalate */
  @Column({ type: 'varchar', length: 16 }) action: string;
  /** The department responsible when it happened. */
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'integer', nullable: true, default: null }) toDepartmentId: number | null;
  /** For report and done: within the time limit or not. */
  @Column({ type: 'boolean', nullable: true, default: null }) onTime: boolean | null;
  @Column({ type: 'varchar', length: 500, default: '' }) note: string;
}
