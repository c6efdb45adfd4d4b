import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from './common';

/** A person as known on one platform; created the first time they talk to the bot. */
@Entity('member')
@Index('UQ_member_platform_external', ['platform', 'externalId'], { unique: true })
export class Member {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 128 }) externalId: string;
  /** The bot that last heard from this member, used for 1:1 sends. */
  @Column({ type: 'varchar', length: 64, default: '' }) botId: string;
  @Column({ type: 'varchar', length: 64 }) name: string;
  @Column({ type: 'varchar', length: 20, default: 'guest' }) role: Role;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
