import type { Rule } from './types';

/** 合并推送: several notices due for one group at once arrive as one message, not a flood at 08:30. */
export const digest: Rule = {
  id: 'digest',
  name: '合并推送',
  summary: '同一群同一时间到达的多条非紧急通知合并为一条',
  enabledByDefault: true,
  mergesDeliveries: true,
};
