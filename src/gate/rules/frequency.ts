import { z } from 'zod';
import { finding, type Rule } from './types';

/** 频次上限: a department may not flood a community with notices. */
export const frequency: Rule<number> = {
  id: 'frequency',
  name: '频次上限',
  summary: '同一部门每周给同一社区的通知超过上限的，交管理组审批',
  enabledByDefault: true,
  readsWeekCounts: true,
  value: {
    schema: z.coerce.number({ message: '应为数字' }).int('应为整数').min(1, '至少1条').max(100, '至多100条'),
    default: 5,
    unit: '条/周/社区',
    hint: '每个部门每周给每个社区的通知条数，如 5',
  },
  check(n, ctx) {
    if (ctx.urgent || n.approved) return null;
    const cap = ctx.value;
    const over = [...n.weekCounts].filter(([, c]) => c >= cap).map(([name]) => name);
    if (!over.length) return null;
    return finding(this, 'approval', `本周已向${over.join('、')}发了${cap}条或更多通知（上限${cap}条），须管理组审批。`);
  },
  // One forwarded notice says nothing about how many a department sent.
  checkReceived: () => null,
};
