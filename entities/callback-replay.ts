import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One-time callback credentials already used (a DingTalk HTTP callback's timestamp + sign).
 * Kept in the database so every instance behind a load balancer refuses the same replay;
 * rows are useless once the credential's validity window has passed and are purged then.
 */
@Entity('callback_replay')
@Index('IDX_callback_replay_expires', ['expiresAt'])
export class CallbackReplay {
  /** sha256 hex of the scope and credential. */
  @PrimaryColumn({ type: 'varchar', length: 64 }) key: string;
  @Column({ type: 'datetime' }) expiresAt: Date;
}
