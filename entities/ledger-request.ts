import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** A data request to communities, as the ledger read it: who asked, for whom, which fields. */
@Entity('ledger_request')
@Index('IDX_ledger_request_notice', ['noticeId'])
@Index('IDX_ledger_request_created', ['createdAt'])
export class LedgerRequest {
  @PrimaryGeneratedColumn() id: number;
  /** The gate's notice that carried it; null for a request held before it became a notice. */
  @Column({ type: 'integer', nullable: true, default: null }) noticeId: number | null;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'varchar', length: 64, default: '' }) departmentName: string;
  @Column({ type: 'integer', nullable: true, default: null }) senderId: number | null;
  @Column({ type: 'text' }) text: string;
  /** RequestAnalysis without its sketch (recomputed from text). */
  @Column({ type: 'text', transformer: jsonText }) analysis: unknown;
  /** request: asks communities; delta: asks only for fields an earlier request lacked; answered: served from the ledger. */
  @Column({ type: 'varchar', length: 16 }) kind: string;
  /** For delta and answered requests: the earlier request whose data they build on. */
  @Column({ type: 'integer', nullable: true, default: null }) baseRequestId: number | null;
  @Column({ type: 'text', transformer: jsonText }) communityIds: number[];
  /** Values communities did not have to type again because of it (answered and delta requests), for the reports. */
  @Column({ type: 'integer', default: 0 }) entriesAvoided: number;
  @Column({ type: 'datetime' }) createdAt: Date;
}
