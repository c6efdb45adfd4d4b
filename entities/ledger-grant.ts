import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** A department's request to read sensitive fields collected by others; an admin decides. */
@Entity('ledger_grant')
@Index('IDX_ledger_grant_department', ['departmentId', 'status'])
export class LedgerGrant {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'integer' }) requesterId: number;
  @Column({ type: 'varchar', length: 64 }) population: string;
  @Column({ type: 'text', transformer: jsonText }) fields: string[];
  /** pending, approved, rejected */
  @Column({ type: 'varchar', length: 12 }) status: string;
  @Column({ type: 'integer', nullable: true, default: null }) decidedBy: number | null;
  @Column({ type: 'datetime' }) createdAt: Date;
  @Column({ type: 'datetime', nullable: true, default: null }) decidedAt: Date | null;
}
