import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A synonym an admin added by chat to the field or population vocabulary. */
@Entity('ledger_term')
export class LedgerTerm {
  @PrimaryGeneratedColumn() id: number;
  /** field or population */
  @Column({ type: 'varchar', length: 16 }) kind: string;
  @Column({ type: 'varchar', length: 64 }) canonical: string;
  @Column({ type: 'varchar', length: 64 }) synonym: string;
  @Column({ type: 'integer' }) createdBy: number;
  @Column({ type: 'datetime' }) createdAt: Date;
}
