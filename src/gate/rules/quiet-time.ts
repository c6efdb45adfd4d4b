import { formatWhen } from './time-format';
import type { Rule } from './types';

/** 五加二、白加黑: a notice posted at night or on a holiday waits for the next 上班. */
export const quietTime: Rule = {
  id: 'quiet_time',
  name: '非工作时间不推送',
  check(n, ctx) {
    if (ctx.emergencyAccepted || n.deliverAt.getTime() === n.postedAt.getTime()) return null;
    return {
      ruleId: this.id, ruleName: this.name, outcome: 'defer', deliverAt: n.deliverAt,
      reason: `现在是非工作时间，将于${formatWhen(n.deliverAt, n.postedAt)}上班时送达。`,
    };
  },
};
