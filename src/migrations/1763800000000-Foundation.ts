import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { datetime, id, int, text, varchar } from './columns';

export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'street',
      columns: [id(), varchar('name', 64), varchar('kind', 8, { default: "'街道'" }), datetime('createdAt')],
      indices: [new TableIndex({ name: 'UQ_street_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'community',
      columns: [id(), varchar('name', 64), varchar('kind', 8, { default: "'社区'" }),
        int('streetId', { isNullable: true }), datetime('createdAt')],
      indices: [new TableIndex({ name: 'UQ_community_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'department',
      columns: [id(), varchar('name', 64), datetime('createdAt')],
      indices: [new TableIndex({ name: 'UQ_department_name', columnNames: ['name'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'member',
      columns: [id(), varchar('platform', 16), varchar('externalId', 128), varchar('botId', 64, { default: "''" }), varchar('name', 64),
        varchar('role', 20, { default: "'guest'" }), int('departmentId', { isNullable: true }),
        int('communityId', { isNullable: true }), datetime('createdAt')],
      indices: [new TableIndex({ name: 'UQ_member_platform_external', columnNames: ['platform', 'externalId'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'chat_group',
      columns: [id(), varchar('platform', 16), varchar('botId', 64), varchar('chatId', 128),
        varchar('title', 128, { default: "''" }), varchar('kind', 20), int('communityId', { isNullable: true }),
        int('departmentId', { isNullable: true }), datetime('createdAt')],
      indices: [new TableIndex({ name: 'UQ_chat_group_platform_chat', columnNames: ['platform', 'botId', 'chatId'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'audit_log',
      columns: [id(), datetime('at'), int('actorId', { isNullable: true }), varchar('actorName', 64, { default: "''" }),
        varchar('action', 64), varchar('entity', 32), varchar('entityId', 64, { default: "''" }),
        text('before', { isNullable: true }), text('after', { isNullable: true }), varchar('note', 255, { default: "''" })],
      indices: [new TableIndex({ name: 'IDX_audit_log_entity', columnNames: ['entity', 'entityId'] })],
    }));
    await q.createTable(new Table({
      name: 'inbound_message',
      columns: [id(), varchar('platform', 16), varchar('botId', 64), varchar('messageId', 191), varchar('chatId', 128),
        varchar('chatType', 8), varchar('senderId', 128), varchar('senderName', 64, { default: "''" }), text('text'),
        text('payload'), varchar('status', 12, { default: "'received'" }), int('attempts', { default: 0 }),
        varchar('error', 500, { default: "''" }), datetime('receivedAt'), datetime('processedAt', { isNullable: true })],
      indices: [
        new TableIndex({ name: 'UQ_inbound_platform_message', columnNames: ['platform', 'messageId'], isUnique: true }),
        new TableIndex({ name: 'IDX_inbound_status', columnNames: ['status'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'outbox_message',
      columns: [id(), varchar('platform', 16), varchar('botId', 64), varchar('chatId', 128), varchar('chatType', 8),
        text('body'), int('inReplyTo', { isNullable: true }), varchar('dedupeKey', 191),
        varchar('status', 8, { default: "'pending'" }), int('attempts', { default: 0 }), int('partsSent', { default: 0 }),
        datetime('notBefore'),
        varchar('lastError', 500, { default: "''" }), datetime('createdAt'), datetime('sentAt', { isNullable: true })],
      indices: [
        new TableIndex({ name: 'IDX_outbox_due', columnNames: ['status', 'notBefore'] }),
        new TableIndex({ name: 'UQ_outbox_dedupe', columnNames: ['dedupeKey'], isUnique: true }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox_message', 'inbound_message', 'audit_log', 'chat_group', 'member', 'department', 'community', 'street']) {
      await q.dropTable(t);
    }
  }
}
