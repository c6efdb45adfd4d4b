import { z } from 'zod';
import { formatWhen, proposeDeadline, WORKDAY_MINUTES } from './time-format';
import { DEADLINE_FIXES, finding, type Rule } from './types';

/** 最短提前量: "12点前上交" posted at 09:15 leaves no time to do the work properly. */
export const leadTime: Rule<number> = {
  id: 'lead_time',
  name: '最短提前量',
  summary: '截止时间距送达不足时退回，建议足够远的第一个工作日的下班时间',
  enabledByDefault: true,
  value: {
    schema: z.coerce.number({ message: '应为数字' }).min(0, '不能为负').max(10, '至多10个工作日'),
    default: 1,
    unit: '个工作日',
    hint: '截止时间距送达至少几个工作日，如 1',
  },
  check(n, ctx) {
    if (!n.deadline || ctx.urgent) return null;
    const days = ctx.value;
    const have = ctx.cal.workingMinutesBetween(n.deliverAt, n.deadline);
    const need = days * WORKDAY_MINUTES(ctx.cal);
    if (have >= need) return null;
    const proposal = proposeDeadline(ctx.cal, n.deliverAt, days, n.deadline);
    const hours = Math.max(0, Math.round((have / 60) * 10) / 10);
    return finding(this, 'hold',
      `截止时间${formatWhen(n.deadline, n.postedAt)}距送达只有${hours}个工作小时，少于${days}个工作日。建议截止：${formatWhen(proposal, n.postedAt)}。`,
      { proposedDeadline: proposal, fixes: DEADLINE_FIXES });
  },
  // The notice is already out; whether its deadline left time is judged from when it arrived.
  checkReceived(n, ctx) {
    return this.check!(n, ctx);
  },
};
