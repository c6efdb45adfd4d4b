import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/** 待分派 dispatch, 待报到 pending, 已报到 reported, 处置中 handling, 已办结 done, 已评价 rated, 挂起 suspended. */
export type TicketStatus = 'dispatch' | 'pending' | 'reported' | 'handling' | 'done' | 'rated' | 'suspended';

/** A whistle (吹哨) a community worker blew: one problem, owned by one department at a time. */
@Entity('whistle_ticket')
@Index('IDX_whistle_ticket_department', ['departmentId', 'status'])
@Index('IDX_whistle_ticket_reporter', ['reporterId'])
export class WhistleTicket {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'varchar', length: 128, default: '' }) location: string;
  /** normal or urgent */
  @Column({ type: 'varchar', length: 8 }) urgency: string;
  @Column({ type: 'varchar', length: 32, default: '' }) urgentReason: string;
  @Column({ type: 'varchar', length: 12 }) status: TicketStatus;
  /** Status to go back to when a 挂起 ends. */
  @Column({ type: 'varchar', length: 12, default: '' }) heldFrom: string;
  @Column({ type: 'integer', nullable: true, default: null }) departmentId: number | null;
  @Column({ type: 'integer' }) reporterId: number;
  @Column({ type: 'integer', nullable: true, default: null }) communityId: number | null;
  /** Where the whistle was blown, to tell the reporter what happens. */
  @Column({ type: 'varchar', length: 16 }) platform: string;
  @Column({ type: 'varchar', length: 64 }) botId: string;
  @Column({ type: 'varchar', length: 128 }) chatId: string;
  @Column({ type: 'varchar', length: 8 }) chatType: string;
  @Column({ type: 'text', transformer: jsonText }) photos: string[];
  /** The router's confidence in per cent and its top three. */
  @Column({ type: 'integer', default: 0 }) confidence: number;
  @Column({ type: 'varchar', length: 255, default: '' }) routeReason: string;
  @Column({ type: 'text', transformer: jsonText }) top3: { department: string; score: number }[];
  /** Set once a person chose the department (转派, 分派), so the router learns from it. */
  @Column({ type: 'boolean', default: false }) corrected: boolean;
  @Column({ type: 'text', nullable: true, default: null }) result: string | null;
  @Column({ type: 'varchar', length: 8, default: '' }) rating: string;
  @Column({ type: 'varchar', length: 255, default: '' }) ratingNote: string;
  @Column({ type: 'datetime', nullable: true, default: null }) ackDueAt: Date | null;
  @Column({ type: 'datetime', nullable: true, default: null }) doneDueAt: Date | null;
  @Column({ type: 'datetime', nullable: true, default: null }) reportedAt: Date | null;
  @Column({ type: 'datetime', nullable: true, default: null }) doneAt: Date | null;
  @Column({ type: 'datetime' }) createdAt: Date;
  @Column({ type: 'datetime' }) updatedAt: Date;
}
