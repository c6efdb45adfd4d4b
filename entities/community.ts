import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** 社区 or 村, grouped under a street or town. */
@Entity('community')
export class Community {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64, unique: true }) name: string;
  @Column({ type: 'varchar', length: 8, default: '社区' }) kind: string;
  @Column({ type: 'int', nullable: true }) streetId: number | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
