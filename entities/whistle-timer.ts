import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One SLA step of a ticket (warning, then each escalation), due at a fixed instant. Rows are swept
 * by a job and marked fired in the same transaction as the messages they cause, so each fires once,
 * restarts or not.
 */
@Entity('whistle_timer')
@Index('IDX_whistle_timer_due', ['status', 'dueAt'])
@Index('IDX_whistle_timer_ticket', ['ticketId'])
export class WhistleTimer {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) ticketId: number;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  /** ack (报到) or done (办结) */
  @Column({ type: 'varchar', length: 8 }) phase: string;
  /** warn, group, leader, admin */
  @Column({ type: 'varchar', length: 8 }) step: string;
  @Column({ type: 'datetime' }) dueAt: Date;
  /** pending, paused (ticket 挂起), fired, cancelled */
  @Column({ type: 'varchar', length: 10 }) status: string;
  /** While paused: minutes that were left (working minutes on the working clock). */
  @Column({ type: 'integer', nullable: true, default: null }) remaining: number | null;
  @Column({ type: 'datetime', nullable: true, default: null }) firedAt: Date | null;
}
