import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An anonymous 反映 about formalism. Nothing here names the sender: the day (not the time) it was
 * filed, and a keyed hash that only rate-limits and changes every day and on every restart.
 */
@Entity('complaint')
@Index('UQ_complaint_code', ['code'], { unique: true })
export class Complaint {
  @PrimaryGeneratedColumn() id: number;
  /** Receipt code the sender keeps to ask about progress. */
  @Column({ type: 'varchar', length: 16 }) code: string;
  @Column({ type: 'text' }) text: string;
  /** Local date (YYYY-MM-DD): a time of day could be matched against other rows. */
  @Column({ type: 'varchar', length: 10 }) day: string;
  /** open, handling, closed */
  @Column({ type: 'varchar', length: 12, default: 'open' }) status: string;
  @Column({ type: 'varchar', length: 500, default: '' }) answer: string;
  @Column({ type: 'varchar', length: 64 }) senderHash: string;
}
