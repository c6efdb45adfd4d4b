import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { int, varchar } from './columns';

/** Deliveries follow their outbox row; approval requests are tracked until an admin group has them. */
export class GateTruth1764000000000 implements MigrationInterface {
  name = 'GateTruth1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('notice_delivery', new TableColumn(int('outboxId', { isNullable: true, default: null })));
    await q.createIndex('notice_delivery', new TableIndex({ name: 'IDX_notice_delivery_outbox', columnNames: ['outboxId'] }));
    await q.addColumn('notice', new TableColumn(varchar('approvalState', 10, { default: "''" })));
    // The reminder sweep starts from notices still open, so its cost follows today's work, not history.
    await q.createIndex('notice', new TableIndex({ name: 'IDX_notice_open_deadline', columnNames: ['status', 'deadline'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('notice', 'IDX_notice_open_deadline');
    await q.dropColumn('notice', 'approvalState');
    await q.dropIndex('notice_delivery', 'IDX_notice_delivery_outbox');
    await q.dropColumn('notice_delivery', 'outboxId');
  }
}
