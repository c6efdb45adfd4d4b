import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small durable facts jobs need across restarts (e.g. "warned about 2027 in week 45"). */
@Entity('kv_state')
export class KvState {
  @PrimaryColumn({ type: 'varchar', length: 128 }) key: string;
  @Column({ type: 'text' }) value: string;
}
