import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** 街道 or 镇: the level above communities and villages. */
@Entity('street')
export class Street {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64, unique: true }) name: string;
  @Column({ type: 'varchar', length: 8, default: '街道' }) kind: string;
  @Column({ type: 'datetime' }) createdAt: Date;
}
