import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/**
 * A notice that bypassed the gate, reported by a community worker. Anonymous on purpose:
 * the department is named, the reporter and the original sender are not.
 */
@Entity('incident')
export class Incident {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'datetime' }) at: Date;
  @Column({ type: 'varchar', length: 64, default: '' }) departmentName: string;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'text', transformer: jsonText }) findings: unknown;
}
