import { formatWhen } from './time-format';
import { finding, type Rule } from './types';

/** 五加二、白加黑: a notice posted at night or on a holiday waits for the next 上班. */
export const quietTime: Rule = {
  id: 'quiet_time',
  name: '非工作时间不推送',
  summary: '非工作时间、节假日发送的通知顺延到下一个上班时间发送',
  enabledByDefault: true,
  delay(postedAt, ctx) {
    const at = ctx.cal.nextWorkingStart(postedAt);
    return at.getTime() > postedAt.getTime() ? at : null;
  },
  check(n, ctx) {
    if (ctx.urgent || n.deliverAt.getTime() === n.postedAt.getTime()) return null;
    return finding(this, 'defer', `现在是非工作时间，将于${formatWhen(n.deliverAt, n.postedAt)}上班时发送。`, { deliverAt: n.deliverAt, fixes: [{ label: '申请紧急', command: '/紧急 {id}' }] });
  },
  checkReceived(n, ctx) {
    return ctx.cal.isWorkingTime(n.postedAt) ? null : finding(this, 'hold', '这条通知在非工作时间发送。');
  },
};
