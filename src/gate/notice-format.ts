import type { CardButton, OutgoingBody } from '../../bots/types';
import type { Notice } from '../../entities';
import { VERDICT_LABELS, type GateResult } from './gate';
import { formatWhen } from './rules/time-format';

export interface NoticeView {
  notice: Notice;
  departmentName: string;
  basisLabel: string;
}

const OUTCOME_MARK: Record<string, string> = { hold: '✗', approval: '？', defer: '⏰', warn: '！' };

/** The sender's verdict card: what happened, why, and one button per fix. */
export function verdictCard(v: NoticeView, r: GateResult, now: Date, extra: string[]): OutgoingBody {
  const n = v.notice;
  const head = r.verdict === 'scheduled' ? `将于${formatWhen(r.deliverAt, now)}发送` : VERDICT_LABELS[r.verdict];
  const lines = r.findings.map((f) => `${OUTCOME_MARK[f.outcome] ?? '·'}【${f.ruleName}】${f.reason}`);
  if (r.verdict === 'sent' && !r.findings.length) lines.push('已通过全部减负规则。');
  lines.push(...extra);
  const buttons: CardButton[] = [];
  if (r.verdict === 'held' || r.verdict === 'pending_approval') {
    if (r.proposedDeadline) buttons.push({ label: '采纳建议截止时间', command: `/采纳 ${n.id}` });
    for (const s of r.findings.flatMap((f) => f.suggestions ?? [])) buttons.push({ label: `依据 ${s.id} ${s.name}`, command: `/依据 ${n.id} ${s.id}` });
    if (r.findings.some((f) => f.ruleId === 'formalism' && f.outcome === 'hold')) buttons.push({ label: '申请审批', command: `/申请审批 ${n.id}` });
    if (!r.emergencyAccepted) buttons.push({ label: '申请紧急', command: `/紧急 ${n.id}` });
  }
  if (n.status !== 'withdrawn') buttons.push({ label: '撤回', command: `/撤回 ${n.id}` });
  return { kind: 'card', title: `第${n.id}号通知：${head}`, body: lines.join('\n'), buttons };
}

function noticeLines(v: NoticeView, at: Date): string[] {
  const n = v.notice;
  const lines = [n.text];
  if (n.deadline) lines.push(`截止：${formatWhen(n.deadline, at)}${n.deadlineSource === 'adopted' ? '（已按减负规则调整）' : ''}`);
  if (v.basisLabel) lines.push(`依据：${v.basisLabel}`);
  if (n.emergencyCategory) lines.push(`紧急：${n.emergencyCategory}（${n.emergencyReason}）`);
  return lines;
}

/** What a community group receives for one notice. */
export function deliveryCard(v: NoticeView, at: Date): OutgoingBody {
  const n = v.notice;
  return {
    kind: 'card',
    title: `【第${n.id}号通知】${v.departmentName}`,
    body: noticeLines(v, at).join('\n'),
    buttons: [{ label: '收到', command: `/收到 ${n.id}` }, { label: '完成', command: `/完成 ${n.id}` }],
  };
}

/** Several queued notices for one group, sent as a single message. */
export function digestMessage(views: NoticeView[], at: Date): OutgoingBody {
  const parts = views.map((v) => [`**第${v.notice.id}号 · ${v.departmentName}**`, ...noticeLines(v, at), `回复 /收到 ${v.notice.id} 或 /完成 ${v.notice.id}`].join('\n'));
  return { kind: 'markdown', title: `通知汇总（${views.length}条）`, text: `**通知汇总（共${views.length}条）**\n\n${parts.join('\n\n')}` };
}
