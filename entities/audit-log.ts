import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** Append-only: the code only ever inserts here. Who did what, when, with before/after images. */
@Entity('audit_log')
@Index('IDX_audit_log_entity', ['entity', 'entityId'])
export class AuditLog {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'datetime' }) at: Date;
  @Column({ type: 'integer', nullable: true, default: null }) actorId: number | null;
  @Column({ type: 'varchar', length: 64, default: '' }) actorName: string;
  @Column({ type: 'varchar', length: 64 }) action: string;
  @Column({ type: 'varchar', length: 32 }) entity: string;
  @Column({ type: 'varchar', length: 64, default: '' }) entityId: string;
  @Column({ type: 'text', nullable: true, default: null, transformer: jsonText }) before: unknown;
  @Column({ type: 'text', nullable: true, default: null, transformer: jsonText }) after: unknown;
  @Column({ type: 'varchar', length: 255, default: '' }) note: string;
}
