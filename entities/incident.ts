import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText, maskedText } from './common';

/**
 * A notice that bypassed the gate, reported by a community worker. Anonymous on purpose:
 * the department is named, the reporter and the original sender are not.
 */
@Entity('incident')
export class Incident {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'datetime' }) at: Date;
  @Column({ type: 'varchar', length: 64, default: '' }) departmentName: string;
  /** Stored masked: the report is about the notice, not the people it names. */
  @Column({ type: 'text', transformer: maskedText }) text: string;
  @Column({ type: 'text', transformer: jsonText }) findings: unknown;
}
