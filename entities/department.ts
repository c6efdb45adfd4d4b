import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A functional department (民政、应急、城管…) that sends notices and answers whistles. */
@Entity('department')
export class Department {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64, unique: true }) name: string;
  @Column({ type: 'datetime' }) createdAt: Date;
}
