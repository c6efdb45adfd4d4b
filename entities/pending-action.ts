import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** Something shown to a person for confirmation (e.g. a parsed holiday notice) before it is stored. */
@Entity('pending_action')
export class PendingAction {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) memberId: number;
  @Column({ type: 'varchar', length: 32 }) kind: string;
  @Column({ type: 'text', transformer: jsonText }) payload: unknown;
  @Column({ type: 'datetime' }) createdAt: Date;
}
