import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 社区 or 村, grouped under a street or town. */
@Entity('community')
@Index('UQ_community_name', ['name'], { unique: true })
export class Community {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'varchar', length: 8, default: '社区' }) kind: string;
  @Column({ type: 'integer', nullable: true, default: null }) streetId: number | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
