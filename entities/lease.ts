import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Who runs a one-at-a-time duty (the scheduled jobs, a WeCom long connection) among several
 * instances on one database. The holder renews before expiresAt; anyone may take an expired one.
 */
@Entity('lease')
export class Lease {
  @PrimaryColumn({ type: 'varchar', length: 128 }) name: string;
  @Column({ type: 'varchar', length: 128 }) holder: string;
  @Column({ type: 'datetime' }) expiresAt: Date;
}
