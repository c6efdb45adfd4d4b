import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 街道 or 镇: the level above communities and villages. */
@Entity('street')
@Index('UQ_street_name', ['name'], { unique: true })
export class Street {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'varchar', length: 8, default: '街道' }) kind: string;
  @Column({ type: 'datetime' }) createdAt: Date;
}
