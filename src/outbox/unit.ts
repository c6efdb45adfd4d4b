import type { Unit } from '../unit';
import { listParked, requeue } from './queue-commands';

/** The admin's view of the outbox: messages parked after a long platform outage, and putting them back. */
export const outboxUnit: Unit = {
  name: 'outbox',
  setup: () => ({
    commands: [{
      name: '发送队列',
      summary: '查看暂停发送的消息，平台恢复后重新发送',
      roles: ['admin'],
      args: [{ name: '操作', choices: ['查看', '重试'] }, { name: '编号', optional: true, rest: true }],
      examples: ['/发送队列 查看', '/发送队列 重试 全部', '/发送队列 重试 12,13'],
      handler: (ctx, a) => (a['操作'] === '查看' ? listParked(ctx) : requeue(ctx, a['编号'])),
    }],
  }),
};
