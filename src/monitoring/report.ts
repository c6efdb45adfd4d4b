import type { EntityManager } from 'typeorm';
import { KvState } from '../../entities';
import { addDays, localDate, localMinutes, parseClock } from '../calendar/time';
import type { WorkCalendar } from '../calendar/work-calendar';
import type { CommandContext } from '../chat/context';
import { enqueue } from '../outbox/outbox';
import { type Figures, satisfaction } from './figures';
import { groupsOfKind } from './figures';
import { mondayOf, parsePeriod, type Period, weekPeriod } from './period';
import type { MonitoringSettings } from './settings';
import type { LinkSigner } from './sign';

export interface ReportDeps {
  figures(em: EntityManager, period: Period): Promise<Figures>;
  cal: WorkCalendar;
  settings: MonitoringSettings;
  signer: LinkSigner;
}

const NONE = '暂无';
const classList = (c: Record<string, number>) => Object.entries(c).filter(([, v]) => v).map(([k, v]) => `${k}${v}`).join('、');

/** Markdown of a report; every figure comes from `f`, so the text, chart, xlsx and dashboard agree. */
export function reportMarkdown(f: Figures, links: { chart: string; xlsx: string } | null, minutes: MonitoringSettings['minutesSaved']): string {
  const title = f.period.kind === 'week' ? '减负周报' : '减负月报';
  const lines = [
    `### ${title} ${f.period.label}`,
    `收到通知 **${f.received}** 条：通过 ${f.passed}，拦截 ${f.held}（退回或送审），待审批 ${f.pendingApproval}，驳回 ${f.rejected}，撤回 ${f.withdrawn}。`,
    `拦截原因：${f.heldByRule.map((r) => `${r.rule}${r.count}`).join('、') || '无'}。`,
    `非工作时间发文顺延 ${f.queuedOffHours} 条；合并推送少发 ${f.merged} 条消息；紧急通道 ${f.emergencies} 次；组织已取消的考核评比 ${f.cancelledActivities} 条。`,
    '',
    '**加负榜**',
    ...(f.departments.length
      ? f.departments.map((d, i) => `${i + 1}. ${d.name} 负担分${d.score}（通知${d.notices}，急件${d.urgent}，索要字段${d.fields}，非工作时间发文${d.offHours}，被拦截${d.held}）${classList(d.classes) ? `：${classList(d.classes)}` : ''}`)
      : ['无']),
    '',
    '**各社区收到**',
    ...f.communities.map((c) => {
      const added = c.channels.added.map((a) => `${a.department || '未注明'}新增${a.kind === 'app' ? 'APP' : '群'}「${a.name}」`).join('、');
      return `- ${c.name}：${c.received}条${classList(c.classes) ? `（${classList(c.classes)}）` : ''}；登记工作群${c.channels.groups}个、政务APP${c.channels.apps}个${added ? `，本期${added}` : ''}`;
    }),
    '',
    `**估算节省工时**：约 ${f.saved.hours} 小时（${f.saved.items.map((i) => `${i.label}${i.count}项×${i.minutesEach}分钟`).join('；')}）。`,
    `台账免填：${f.ledger ? `免于重复填报${f.ledger.entriesAvoided}项，由台账直接答复${f.ledger.answeredFromLedger}次` : NONE}。`,
    `吹哨响应：${f.whistle ? f.whistle.map((w) => `${w.department} 接单${w.received}，报到${w.reported}（按时${w.reportedOnTime}），办结${w.done}（按时${w.doneOnTime}），退回${w.returns}${w.rated ? `，满意率${satisfaction(w)}%` : ''}`).join('；') : NONE}。`,
    `社区反映未经机器人的通知：${f.incidents.map((i) => `${i.department}${i.count}`).join('、') || '无'}；匿名反映 ${f.complaints.filed} 条（未办结 ${f.complaints.open}）。`,
    '',
    `口径：按通知提交时间统计；负担分=通知×1+急件×2+字段×0.2+非工作时间发文×2（权重见配置 monitoring.scoreWeights）；`
      + `急件指距截止不足1个工作日或走紧急通道；节省工时=各项避免的事项数×每项分钟数（拦下${minutes.notice}、免重发${minutes.resubmission}、顺延${minutes.offHours}、台账每项${minutes.entry}分钟）。`,
  ];
  if (links) lines.push('', `![图表](${links.chart})`, `[图表](${links.chart}) · [明细表格（xlsx）](${links.xlsx})（链接24小时内有效）`);
  return lines.join('\n');
}

export function reportLinks(deps: ReportDeps, period: Period, now: Date): { chart: string; xlsx: string } {
  const base = deps.settings.publicUrl;
  const link = (path: string) => `${base}${path}?${deps.signer.sign(path, { period: period.key }, now)}`;
  return { chart: link('/monitoring/report.png'), xlsx: link('/monitoring/report.xlsx') };
}

export async function reportCommand(ctx: CommandContext, deps: ReportDeps, kind: 'week' | 'month', raw: string): Promise<void> {
  if (ctx.member.role !== 'admin' && ctx.group?.kind !== 'supervision') {
    await ctx.reply(`权限不足：/${kind === 'week' ? '周报' : '月报'} 仅限管理员或纪检监督群使用。`);
    return;
  }
  const period = parsePeriod(kind, raw, ctx.now);
  if (!period) {
    await ctx.reply(kind === 'week' ? '请写：/周报、/周报 上周 或 /周报 2026-11-23（该周任一天）。' : '请写：/月报、/月报 上月 或 /月报 2026-11。');
    return;
  }
  const f = await deps.figures(ctx.em, period);
  await ctx.reply({ kind: 'markdown', title: kind === 'week' ? '减负周报' : '减负月报', text: reportMarkdown(f, reportLinks(deps, period, ctx.now), deps.settings.minutesSaved) });
}

const sentKey = (monday: string) => `monitoring.weekly-report:${monday}`;

/**
 * Whether the weekly report is due: on the week's first working day (by the working calendar,
 * so a holiday Monday moves it) from the configured time on, or later that week if the service
 * was down then.
 */
export function weeklyDue(cal: WorkCalendar, now: Date, at: string): boolean {
  const today = localDate(now);
  const monday = mondayOf(today);
  for (let d = monday; d <= today; d = addDays(d, 1)) {
    if (!cal.isWorkingDay(d)) continue;
    return d < today || localMinutes(now) >= parseClock(at);
  }
  return false;
}

/** The job: last week's report to every admin and supervision group, once (a KvState mark), unless the week was empty. */
export async function pushWeeklyReport(em: EntityManager, now: Date, deps: ReportDeps): Promise<number> {
  if (!weeklyDue(deps.cal, now, deps.settings.weeklyAt)) return 0;
  const monday = mondayOf(localDate(now));
  if (await em.findOne(KvState, { where: { key: sentKey(monday) } })) return 0;
  const period = weekPeriod(addDays(monday, -7));
  const f = await deps.figures(em, period);
  // A week with nothing to report is marked done without a message: no one needs a page of zeros.
  const quiet = f.received + f.complaints.filed + f.incidents.length === 0;
  if (quiet) {
    await em.save(em.create(KvState, { key: sentKey(monday), value: JSON.stringify({ period: period.key, groups: 0, quiet: true, at: now.toISOString() }) }));
    return 0;
  }
  const body = { kind: 'markdown' as const, title: '减负周报', text: reportMarkdown(f, reportLinks(deps, period, now), deps.settings.minutesSaved) };
  const groups = [...(await groupsOfKind(em, 'admin')), ...(await groupsOfKind(em, 'supervision'))];
  for (const g of groups) {
    await enqueue(em, { platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' }, body, { dedupeKey: `weekly:${period.key}:${g.id}`, notBefore: now, now });
  }
  await em.save(em.create(KvState, { key: sentKey(monday), value: JSON.stringify({ period: period.key, groups: groups.length, at: now.toISOString() }) }));
  return groups.length;
}
