import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** A download link for a ledger table: the query is re-run (and audited) when the link is opened. */
@Entity('ledger_export')
@Index('UQ_ledger_export_token', ['token'], { unique: true })
export class LedgerExport {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64 }) token: string;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'text', transformer: jsonText }) query: unknown;
  @Column({ type: 'datetime' }) createdAt: Date;
  @Column({ type: 'datetime' }) expiresAt: Date;
}
