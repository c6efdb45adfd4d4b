import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A work group or app communities are required to use, as the 减负 monitoring point counts them. */
@Entity('work_channel')
export class WorkChannel {
  @PrimaryGeneratedColumn() id: number;
  /** group (工作群) or app (政务APP/公众号) */
  @Column({ type: 'varchar', length: 8 }) kind: string;
  @Column({ type: 'varchar', length: 64 }) name: string;
  /** null: every community must use it. */
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  /** The department that requires it. */
  @Column({ type: 'varchar', length: 64, default: '' }) departmentName: string;
  @Column({ type: 'datetime' }) createdAt: Date;
}
