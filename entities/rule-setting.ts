import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** An admin's override of a gate rule's default from config. */
@Entity('rule_setting')
@Index('UQ_rule_setting_rule', ['ruleId'], { unique: true })
export class RuleSetting {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 32 }) ruleId: string;
  @Column({ type: 'boolean', nullable: true, default: null }) enabled: boolean | null;
  @Column({ type: 'text', nullable: true, default: null, transformer: jsonText }) value: unknown;
}
