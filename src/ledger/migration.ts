import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { datetime, id, int, text, varchar } from '../migrations/columns';

export class Ledger1764300000000 implements MigrationInterface {
  name = 'Ledger1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const nullInt = (n: string) => int(n, { isNullable: true, default: null });
    await q.createTable(new Table({
      name: 'ledger_request',
      columns: [id(), nullInt('noticeId'), nullInt('departmentId'), varchar('departmentName', 64, { default: "''" }), nullInt('senderId'),
        text('text'), text('analysis'), varchar('kind', 16), nullInt('baseRequestId'), text('communityIds'), int('entriesAvoided', { default: 0 }),
        datetime('createdAt')],
      indices: [
        new TableIndex({ name: 'IDX_ledger_request_notice', columnNames: ['noticeId'] }),
        new TableIndex({ name: 'IDX_ledger_request_created', columnNames: ['createdAt'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'ledger_record',
      columns: [id(), int('requestId'), int('communityId'), varchar('entityKind', 16), varchar('identity', 64), varchar('population', 64),
        text('fieldValues'), varchar('keyId', 8), int('submittedBy'), datetime('submittedAt')],
      indices: [
        new TableIndex({ name: 'IDX_ledger_record_request', columnNames: ['requestId', 'communityId'] }),
        new TableIndex({ name: 'IDX_ledger_record_identity', columnNames: ['identity'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'ledger_submission',
      columns: [id(), int('requestId'), int('communityId'), int('memberId'), varchar('fileName', 128, { default: "''" }), int('accepted'),
        int('rejected'), datetime('at'), nullInt('pastedInboundId')],
      indices: [new TableIndex({ name: 'IDX_ledger_submission_request', columnNames: ['requestId', 'communityId'] })],
    }));
    await q.createTable(new Table({
      name: 'ledger_grant',
      columns: [id(), int('departmentId'), int('requesterId'), varchar('population', 64), text('fields'), varchar('status', 12),
        nullInt('decidedBy'), datetime('createdAt'), datetime('decidedAt', { isNullable: true, default: null })],
      indices: [new TableIndex({ name: 'IDX_ledger_grant_department', columnNames: ['departmentId', 'status'] })],
    }));
    await q.createTable(new Table({
      name: 'ledger_term',
      columns: [id(), varchar('kind', 16), varchar('canonical', 64), varchar('synonym', 64), int('createdBy'), datetime('createdAt')],
    }));
    await q.createTable(new Table({
      name: 'ledger_export',
      columns: [id(), varchar('token', 64), int('memberId'), text('query'), datetime('createdAt'), datetime('expiresAt')],
      indices: [new TableIndex({ name: 'UQ_ledger_export_token', columnNames: ['token'], isUnique: true })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ledger_export', 'ledger_term', 'ledger_grant', 'ledger_submission', 'ledger_record', 'ledger_request']) await q.dropTable(t);
  }
}
