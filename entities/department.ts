import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A functional department (民政、应急、城管…) that sends notices and answers whistles. */
@Entity('department')
@Index('UQ_department_name', ['name'], { unique: true })
export class Department {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'datetime' }) createdAt: Date;
}
