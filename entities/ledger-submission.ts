import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One file or text table a community sent for a request: what was kept and what was refused. */
@Entity('ledger_submission')
@Index('IDX_ledger_submission_request', ['requestId', 'communityId'])
export class LedgerSubmission {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) requestId: number;
  @Column({ type: 'integer' }) communityId: number;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'varchar', length: 128, default: '' }) fileName: string;
  @Column({ type: 'integer' }) accepted: number;
  @Column({ type: 'integer' }) rejected: number;
  @Column({ type: 'datetime' }) at: Date;
  /** A table pasted as chat text: its stored message, until the redact job has blanked it. */
  @Column({ type: 'integer', nullable: true, default: null }) pastedInboundId: number | null;
}
