import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A day whose status overrides the bundled calendar: imported from the State Council notice or set by an admin. */
@Entity('holiday_day')
@Index('UQ_holiday_day_date', ['date'], { unique: true })
export class HolidayDay {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 10 }) date: string;
  @Column({ type: 'integer' }) year: number;
  /** off or work */
  @Column({ type: 'varchar', length: 4 }) kind: string;
  @Column({ type: 'varchar', length: 32, default: '' }) name: string;
  /** notice (a whole year's schedule) or manual */
  @Column({ type: 'varchar', length: 8 }) source: string;
}
