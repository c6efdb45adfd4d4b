import { formatWhen, proposeDeadline } from './time-format';
import { DEADLINE_FIXES, finding, type Rule } from './types';

/** A deadline at 22:00 or on Sunday means someone works at 22:00 or on Sunday. */
export const deadlineHours: Rule = {
  id: 'deadline_hours',
  name: '截止须在工作时间',
  summary: '截止在下班后、上班前或节假日的，建议改到下一个工作日下班',
  enabledByDefault: true,
  check(n, ctx) {
    if (!n.deadline || ctx.urgent) return null;
    const d = n.deadline;
    const date = ctx.cal.localDate(d);
    const onWorkingDay = ctx.cal.isWorkingDay(date);
    // 下班 itself (17:30) is inside working time for a deadline.
    const inHours = onWorkingDay && d.getTime() >= ctx.cal.workStartOf(date).getTime() && d.getTime() <= ctx.cal.workEndOf(date).getTime();
    if (inHours) return null;
    const proposal = proposeDeadline(ctx.cal, d, 0, d);
    const why = onWorkingDay ? '在下班后或上班前' : `是${ctx.cal.dayName(date) ?? '休息日'}`;
    return finding(this, 'hold', `截止时间${formatWhen(d, n.postedAt)}${why}。建议改为${formatWhen(proposal, n.postedAt)}。`, {
      proposedDeadline: proposal, fixes: DEADLINE_FIXES,
    });
  },
};
