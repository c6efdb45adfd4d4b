import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { datetime, id, int, text, varchar } from '../../migrations/columns';

export class Monitoring1764600000000 implements MigrationInterface {
  name = 'Monitoring1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'complaint',
      columns: [id(), varchar('code', 16), text('text'), varchar('day', 10), varchar('status', 12, { default: "'open'" }),
        varchar('answer', 500, { default: "''" }), varchar('senderHash', 64)],
      indices: [new TableIndex({ name: 'UQ_complaint_code', columnNames: ['code'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'work_channel',
      columns: [id(), varchar('kind', 8), varchar('name', 64), int('communityId', { isNullable: true, default: null }),
        varchar('departmentName', 64, { default: "''" }), datetime('createdAt')],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('work_channel');
    await q.dropTable('complaint');
  }
}
