import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { datetime, varchar } from './columns';

export class CallbackReplay1764200000000 implements MigrationInterface {
  name = 'CallbackReplay1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'callback_replay',
      columns: [varchar('key', 64, { isPrimary: true }), datetime('expiresAt')],
      indices: [new TableIndex({ name: 'IDX_callback_replay_expires', columnNames: ['expiresAt'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('callback_replay');
  }
}
