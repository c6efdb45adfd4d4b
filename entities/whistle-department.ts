import { Column, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { jsonText } from './common';

/** A department's duties on the whistle desk (seeded from config/departments.yaml, edited by /职责). */
@Entity('whistle_department')
@Index('UQ_whistle_department_dept', ['departmentId'], { unique: true })
export class WhistleDepartment {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) departmentId: number;
  @Column({ type: 'text', transformer: jsonText }) duties: string[];
  @Column({ type: 'text', transformer: jsonText }) keywords: string[];
  @Column({ type: 'text', transformer: jsonText }) problems: string[];
  /** Member told in 1:1 when the department misses a time limit. */
  @Column({ type: 'integer', nullable: true, default: null }) leaderId: number | null;
  @Column({ type: 'datetime' }) updatedAt: Date;
  /** Counted up by every save(): the router retrains when any department's revision moves. */
  @VersionColumn({ type: 'integer', default: 1 }) revision: number;
}
