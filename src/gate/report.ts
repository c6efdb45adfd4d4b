import { Between } from 'typeorm';
import { Department, GateDecision, Incident, Notice } from '../../entities';
import { addDays, localDate, parseLocal } from '../calendar/time';
import type { CommandContext } from '../chat/context';
import type { CommandSink } from '../chat/registry';
import { VERDICT_LABELS } from './gate';
import { emergency } from './rules/emergency';
import { formatWhen } from './rules/time-format';

/**
 * 减负报告: what the gate did over the last N days — verdicts, which rules held notices,
 * every emergency use, and anonymous incidents by department — for admins and 纪检监督.
 */
async function report(ctx: CommandContext, raw: string): Promise<void> {
  const days = raw ? Number(raw) : 7;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    await ctx.reply('天数应为1到366的整数，例如：/减负报告 30');
    return;
  }
  const from = parseLocal(addDays(localDate(ctx.now), 1 - days));
  const range = Between(from, ctx.now);
  const notices = await ctx.em.find(Notice, { where: { createdAt: range } });
  const decisions = await ctx.em.find(GateDecision, { where: { at: range }, order: { id: 'ASC' } });
  const incidents = await ctx.em.find(Incident, { where: { at: range } });
  const depts = new Map((await ctx.em.find(Department)).map((d) => [d.id, d.name]));
  const byStatus = new Map<string, number>();
  for (const n of notices) byStatus.set(n.status, (byStatus.get(n.status) ?? 0) + 1);
  const ruleHits = new Map<string, number>();
  for (const d of decisions) for (const f of d.findings) if (f.outcome === 'hold' || f.outcome === 'approval') ruleHits.set(f.ruleName, (ruleHits.get(f.ruleName) ?? 0) + 1);
  const emergencies = decisions.filter((d) => d.findings.some((f) => f.ruleId === emergency.id && f.outcome === 'warn'));
  const noticeById = new Map(notices.map((n) => [n.id, n]));
  const incidentsByDept = new Map<string, number>();
  for (const i of incidents) incidentsByDept.set(i.departmentName || '未注明', (incidentsByDept.get(i.departmentName || '未注明') ?? 0) + 1);
  const status = [...byStatus].map(([s, c]) => `${VERDICT_LABELS[s as keyof typeof VERDICT_LABELS] ?? (s === 'withdrawn' ? '已撤回' : s === 'rejected' ? '已驳回' : s)}${c}`).join('、');
  const lines = [
    `减负报告（近${days}天，自${formatWhen(from)}）`,
    `通知${notices.length}条${status ? `：${status}` : ''}。`,
    `规则拦截：${[...ruleHits].map(([r, c]) => `${r}${c}次`).join('、') || '无'}。`,
    `紧急通道${emergencies.length}次${emergencies.length ? '：' : '。'}`,
    ...emergencies.map((d) => {
      const n = d.noticeId ? noticeById.get(d.noticeId) : undefined;
      return `  第${d.noticeId}号 ${n?.departmentId ? depts.get(n.departmentId) ?? '' : ''} ${n?.emergencyCategory ?? ''}（${n?.emergencyReason ?? ''}）${formatWhen(d.at)}`;
    }),
    `社区反映的未经机器人通知${incidents.length}条${incidents.length ? `：${[...incidentsByDept].map(([d, c]) => `${d}${c}条`).join('、')}` : ''}。`,
  ];
  await ctx.reply(lines.join('\n'));
}

export function registerReportCommand(r: CommandSink): void {
  r.register({
    name: '减负报告', aliases: ['报告'], summary: '近N天的通知把关、紧急通道和匿名反映情况', roles: ['admin'],
    args: [{ name: '天数', optional: true }], examples: ['/减负报告', '/减负报告 30'], handler: (ctx, a) => report(ctx, a['天数'] ?? ''),
  });
}
