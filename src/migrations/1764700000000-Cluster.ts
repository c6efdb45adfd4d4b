import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { datetime, varchar } from './columns';

/** Leases for one-at-a-time duties; outbox claims, and an index for counting a chat's recent sends across instances. */
export class Cluster1764700000000 implements MigrationInterface {
  name = 'Cluster1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'lease',
      columns: [varchar('name', 128, { isPrimary: true }), varchar('holder', 128), datetime('expiresAt')],
    }));
    await q.createIndex('outbox_message', new TableIndex({ name: 'IDX_outbox_chat_sent', columnNames: ['chatId', 'sentAt'] }));
    await q.addColumn('outbox_message', new TableColumn(varchar('claimedBy', 32, { default: "''" })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('outbox_message', 'claimedBy');
    await q.dropIndex('outbox_message', 'IDX_outbox_chat_sent');
    await q.dropTable('lease');
  }
}
