import { formatWhen, proposeDeadline, WORKDAY_MINUTES } from './time-format';
import type { Rule } from './types';

/** 最短提前量: "12点前上交" posted at 09:15 leaves no time to do the work properly. */
export const leadTime: Rule = {
  id: 'lead_time',
  name: '最短提前量',
  valueHint: '工作日数，如 1',
  parseValue: (raw) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || n > 10) throw new Error('应为0到10之间的工作日数');
    return n;
  },
  check(n, ctx) {
    if (!n.deadline || ctx.emergencyAccepted) return null;
    const days = Number(ctx.value ?? 1);
    const have = ctx.cal.workingMinutesBetween(n.deliverAt, n.deadline);
    const need = days * WORKDAY_MINUTES(ctx.cal);
    if (have >= need) return null;
    const proposal = proposeDeadline(ctx.cal, n.deliverAt, days, n.deadline);
    const hours = Math.max(0, Math.round((have / 60) * 10) / 10);
    return {
      ruleId: this.id, ruleName: this.name, outcome: 'hold', proposedDeadline: proposal,
      reason: `截止时间${formatWhen(n.deadline, n.postedAt)}距送达只有${hours}个工作小时，少于${days}个工作日。建议截止：${formatWhen(proposal, n.postedAt)}。`,
    };
  },
};
