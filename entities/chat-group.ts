import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { GroupKind } from './common';

/** A platform group chat bound to a community, a department, the admin team or the supervision team. */
@Entity('chat_group')
@Index('UQ_chat_group_platform_chat', ['platform', 'botId', 'chatId'], { unique: true })
export class ChatGroup {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 64 }) botId: string;
  @Column({ type: 'varchar', length: 128 }) chatId: string;
  @Column({ type: 'varchar', length: 128, default: '' }) title: string;
  @Column({ type: 'varchar', length: 20 }) kind: GroupKind;
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'datetime' }) createdAt: Date;
}
