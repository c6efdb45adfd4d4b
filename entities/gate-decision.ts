import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

export interface StoredFinding {
  ruleId: string;
  ruleName: string;
  outcome: 'hold' | 'approval' | 'defer' | 'warn' | 'pass';
  reason: string;
}

/** Every verdict the gate reaches, with each rule's finding: the audit trail of the gate. */
@Entity('gate_decision')
@Index('IDX_gate_decision_notice', ['noticeId'])
export class GateDecision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer', nullable: true, default: null }) noticeId: number | null;
  @Column({ type: 'datetime' }) at: Date;
  @Column({ type: 'integer', nullable: true, default: null }) actorId: number | null;
  /** submit, adopt, emergency, basis, approve, reject, withdraw, assess */
  @Column({ type: 'varchar', length: 16 }) action: string;
  @Column({ type: 'varchar', length: 20 }) verdict: string;
  @Column({ type: 'varchar', length: 500 }) reason: string;
  @Column({ type: 'text', transformer: jsonText }) findings: StoredFinding[];
}
