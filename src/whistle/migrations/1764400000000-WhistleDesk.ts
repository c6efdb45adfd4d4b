import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { bool, datetime, id, int, text, varchar } from '../../migrations/columns';

export class WhistleDesk1764400000000 implements MigrationInterface {
  name = 'WhistleDesk1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const nullInt = (n: string) => int(n, { isNullable: true, default: null });
    const nullDate = (n: string) => datetime(n, { isNullable: true, default: null });
    await q.createTable(new Table({
      name: 'whistle_department',
      columns: [id(), int('departmentId'), text('duties'), text('keywords'), text('problems'), nullInt('leaderId'), datetime('updatedAt')],
      indices: [new TableIndex({ name: 'UQ_whistle_department_dept', columnNames: ['departmentId'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'whistle_ticket',
      columns: [id(), text('text'), varchar('location', 128, { default: "''" }), varchar('urgency', 8),
        varchar('urgentReason', 32, { default: "''" }), varchar('status', 12), varchar('heldFrom', 12, { default: "''" }),
        nullInt('departmentId'), int('reporterId'), nullInt('communityId'), varchar('platform', 16), varchar('botId', 64),
        varchar('chatId', 128), varchar('chatType', 8), text('photos'), int('confidence', { default: 0 }),
        varchar('routeReason', 255, { default: "''" }), text('top3'), bool('corrected', { default: 0 }),
        text('result', { isNullable: true, default: null }), varchar('rating', 8, { default: "''" }),
        varchar('ratingNote', 255, { default: "''" }), nullDate('ackDueAt'), nullDate('doneDueAt'), nullDate('reportedAt'),
        nullDate('doneAt'), datetime('createdAt'), datetime('updatedAt')],
      indices: [
        new TableIndex({ name: 'IDX_whistle_ticket_department', columnNames: ['departmentId', 'status'] }),
        new TableIndex({ name: 'IDX_whistle_ticket_reporter', columnNames: ['reporterId'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'whistle_event',
      columns: [id(), int('ticketId'), datetime('at'), nullInt('actorId'), varchar('action', 16), nullInt('departmentId'),
        nullInt('toDepartmentId'), bool('onTime', { isNullable: true, default: null }), varchar('note', 500, { default: "''" })],
      indices: [
        new TableIndex({ name: 'IDX_whistle_event_ticket', columnNames: ['ticketId'] }),
        new TableIndex({ name: 'IDX_whistle_event_department', columnNames: ['departmentId', 'action'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'whistle_timer',
      columns: [id(), int('ticketId'), nullInt('departmentId'), varchar('phase', 8), varchar('step', 8), datetime('dueAt'),
        varchar('status', 10), nullInt('remaining'), nullDate('firedAt')],
      indices: [
        new TableIndex({ name: 'IDX_whistle_timer_due', columnNames: ['status', 'dueAt'] }),
        new TableIndex({ name: 'IDX_whistle_timer_ticket', columnNames: ['ticketId'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['whistle_timer', 'whistle_event', 'whistle_ticket', 'whistle_department']) await q.dropTable(t);
  }
}
