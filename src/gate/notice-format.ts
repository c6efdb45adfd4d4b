import type { CardButton, OutgoingBody } from '../../bots/types';
import type { Notice } from '../../entities';
import type { DeadlineMatch } from './deadline/types';
import { VERDICT_LABELS, type GateResult } from './gate';
import { formatWhen } from './rules/time-format';

export interface NoticeView {
  notice: Notice;
  /** The body as communities read it (a moved deadline's old words marked). */
  text: string;
  departmentName: string;
  basisLabel: string;
}

const OUTCOME_MARK: Record<string, string> = { hold: '✗', approval: '？', defer: '⏰', warn: '！' };

/** 「12点前」 → 「12点前（已改期，以截止时间为准）」, so a community never reads two deadlines. */
export function markReplaced(text: string, matches: DeadlineMatch[]): string {
  let out = text;
  for (const m of [...matches].sort((a, b) => b.index - a.index)) {
    // 「12点前」 reads as one phrase; the match covers only 「12点」.
    const tail = /^(之前|以前|前)/.exec(out.slice(m.index + m.text.length))?.[0] ?? '';
    const end = m.index + m.text.length + tail.length;
    out = `${out.slice(0, end)}（已改期，以截止时间为准）${out.slice(end)}`;
  }
  return out;
}

/** One button per way to resolve a finding; `{id}` is the notice number. */
function fixButtons(n: Notice, r: GateResult): CardButton[] {
  const buttons: CardButton[] = [];
  for (const f of r.findings) {
    if (f.outcome === 'warn') continue;
    for (const fix of f.fixes ?? []) {
      const command = fix.command.replace('{id}', String(n.id));
      // 申请审批 only makes sense while held; 申请紧急 only while not urgent.
      if (command.startsWith('/申请审批') && r.verdict !== 'held') continue;
      if (command.startsWith('/紧急') && r.urgent) continue;
      if (!buttons.some((b) => b.command === command)) buttons.push({ label: fix.label, command });
    }
  }
  return buttons;
}

/** The sender's verdict card: what the last action changed, what is still open, one button per fix. */
export function verdictCard(v: NoticeView, r: GateResult, now: Date, change: string, extra: string[]): OutgoingBody {
  const n = v.notice;
  const head = r.verdict === 'scheduled' ? `将于${formatWhen(r.deliverAt, now)}发送` : VERDICT_LABELS[r.verdict];
  const open = r.findings.filter((f) => f.outcome === 'hold' || f.outcome === 'approval');
  const lines: string[] = [];
  if (change) lines.push(`✓ ${change}`);
  if (change && open.length) lines.push(`还有${open.length}项待处理：`);
  lines.push(...r.findings.map((f) => `${OUTCOME_MARK[f.outcome] ?? '·'}【${f.ruleName}】${f.reason}`));
  if (r.verdict === 'sent' && !r.findings.length) lines.push('已通过全部减负规则。');
  lines.push(...extra);
  const buttons = r.verdict === 'held' || r.verdict === 'pending_approval' ? fixButtons(n, r) : [];
  buttons.push({ label: '撤回', command: `/撤回 ${n.id}` });
  return { kind: 'card', title: `第${n.id}号通知：${head}`, body: lines.join('\n'), buttons };
}

function noticeLines(v: NoticeView, at: Date): string[] {
  const n = v.notice;
  const lines = [v.text];
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
