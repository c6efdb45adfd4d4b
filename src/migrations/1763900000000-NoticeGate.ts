import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { bool, datetime, id, int, text, varchar } from './columns';

export class NoticeGate1763900000000 implements MigrationInterface {
  name = 'NoticeGate1763900000000';

  async up(q: QueryRunner): Promise<void> {
    const nullInt = (n: string) => int(n, { isNullable: true, default: null });
    const nullDate = (n: string) => datetime(n, { isNullable: true, default: null });
    await q.createTable(new Table({
      name: 'notice',
      columns: [id(), nullInt('departmentId'), int('senderId'), varchar('platform', 16), varchar('botId', 64),
        varchar('sourceChatId', 128), varchar('sourceChatType', 8), text('text'), text('targets'), nullDate('deadline'),
        varchar('deadlineSource', 16, { default: "''" }), nullDate('proposedDeadline'), varchar('basisItemId', 16, { default: "''" }),
        varchar('emergencyCategory', 32, { default: "''" }), varchar('emergencyReason', 255, { default: "''" }),
        bool('approved', { default: 0 }), varchar('status', 20), nullDate('deliverAt'), datetime('createdAt')],
      indices: [new TableIndex({ name: 'IDX_notice_department', columnNames: ['departmentId', 'createdAt'] })],
    }));
    await q.createTable(new Table({
      name: 'gate_decision',
      columns: [id(), nullInt('noticeId'), datetime('at'), nullInt('actorId'), varchar('action', 16), varchar('verdict', 20),
        varchar('reason', 500), text('findings')],
      indices: [new TableIndex({ name: 'IDX_gate_decision_notice', columnNames: ['noticeId'] })],
    }));
    await q.createTable(new Table({
      name: 'notice_delivery',
      columns: [id(), int('noticeId'), int('groupId'), nullInt('communityId'), varchar('status', 12), datetime('deliverAt'),
        nullDate('sentAt'), varchar('lastReminder', 10, { default: "''" })],
      indices: [
        new TableIndex({ name: 'IDX_notice_delivery_due', columnNames: ['status', 'deliverAt'] }),
        new TableIndex({ name: 'UQ_notice_delivery_group', columnNames: ['noticeId', 'groupId'], isUnique: true }),
      ],
    }));
    await q.createTable(new Table({
      name: 'notice_receipt',
      columns: [id(), int('noticeId'), int('communityId'), int('memberId'), varchar('kind', 10), datetime('at')],
      indices: [new TableIndex({ name: 'UQ_notice_receipt', columnNames: ['noticeId', 'communityId', 'kind'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'holiday_day',
      columns: [id(), varchar('date', 10), int('year'), varchar('kind', 4), varchar('name', 32, { default: "''" }), varchar('source', 8)],
      indices: [new TableIndex({ name: 'UQ_holiday_day_date', columnNames: ['date'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'rule_setting',
      columns: [id(), varchar('ruleId', 32), bool('enabled', { isNullable: true, default: null }), text('value', { isNullable: true, default: null })],
      indices: [new TableIndex({ name: 'UQ_rule_setting_rule', columnNames: ['ruleId'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'incident',
      columns: [id(), datetime('at'), varchar('departmentName', 64, { default: "''" }), text('text'), text('findings')],
    }));
    await q.createTable(new Table({
      name: 'kv_state',
      columns: [varchar('key', 128, { isPrimary: true }), text('value')],
    }));
    await q.createTable(new Table({
      name: 'pending_action',
      columns: [id(), int('memberId'), varchar('kind', 32), text('payload'), datetime('createdAt')],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['pending_action', 'kv_state', 'incident', 'rule_setting', 'holiday_day', 'notice_receipt', 'notice_delivery', 'gate_decision', 'notice']) {
      await q.dropTable(t);
    }
  }
}
