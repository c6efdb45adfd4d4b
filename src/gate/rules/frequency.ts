import type { Rule } from './types';

/** 频次上限: a department may not flood a community with notices. */
export const frequency: Rule = {
  id: 'frequency',
  name: '频次上限',
  valueHint: '每周每社区条数，如 5',
  parseValue: (raw) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 1 || v > 100) throw new Error('应为1到100的整数');
    return v;
  },
  check(n, ctx) {
    if (ctx.emergencyAccepted || n.approved) return null;
    const cap = Number(ctx.value ?? 5);
    const over = [...n.weekCounts].filter(([, c]) => c >= cap).map(([name]) => name);
    if (!over.length) return null;
    return { ruleId: this.id, ruleName: this.name, outcome: 'approval', reason: `本周已向${over.join('、')}发了${cap}条或更多通知（上限${cap}条），已提交管理组审批。` };
  },
};
