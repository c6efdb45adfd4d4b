import { EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { ChatGroup, Community, Department, GateDecision, Notice, NoticeDelivery, NoticeStatus, type StoredFinding } from '../../entities';
import { addDays, formatLocal, localDate, parseLocal, weekdayOf } from '../calendar/time';
import type { CalendarService } from '../calendar/calendar-service';
import type { CommandContext } from '../chat/context';
import { findCommunity } from '../directory/lookup';
import { findItem, type AdmissionList } from './admission';
import { extractDeadline, type DeadlineResult } from './deadline';
import type { FormalismPatterns } from './formalism';
import { GateDeps, GateResult, judge, VERDICT_LABELS } from './gate';
import { deliverDue } from './delivery';
import { NoticeView, verdictCard } from './notice-format';
import type { ParsedNotice } from './notice-parse';
import { formatWhen } from './rules/time-format';
import { ruleStates } from './settings';

export interface GateEnv {
  calendar: CalendarService;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  ruleDefaults: Record<string, { enabled: boolean; value?: unknown }>;
}

type Fail = { error: string };

/**
 * The notice gate as a service: takes a department's notice, judges it against the rules,
 * stores the decision with its reasons, and queues deliveries — all in the caller's transaction.
 */
export class NoticeDesk {
  constructor(readonly env: GateEnv) {}

  async deps(em: EntityManager): Promise<GateDeps> {
    return { cal: this.env.calendar.cal, admission: this.env.admission, formalism: this.env.formalism, states: await ruleStates(em, this.env.ruleDefaults) };
  }

  async view(em: EntityManager, n: Notice): Promise<NoticeView> {
    const dept = n.departmentId ? await em.findOne(Department, { where: { id: n.departmentId } }) : null;
    const item = n.basisItemId ? findItem(this.env.admission, n.basisItemId) : undefined;
    return { notice: n, departmentName: dept?.name ?? '街道管理组', basisLabel: item ? `${item.id} ${item.name}（${item.basis}）` : '' };
  }

  /** Resolves targets, deadline and basis; returns an error text instead of storing anything half-valid. */
  async prepare(ctx: CommandContext, p: ParsedNotice): Promise<Fail | {
    communities: Community[]; deadline: Date | null; source: string; basis: string; ambiguity?: DeadlineResult['ambiguity'];
  }> {
    const communities: Community[] = [];
    if (p.all) communities.push(...(await ctx.em.find(Community, { order: { id: 'ASC' } })));
    else {
      for (const t of p.targets) {
        const found = await findCommunity(ctx.em, t);
        // A bound community group's title works as a target too (人民社区工作群).
        const group = found.ok ? null : await ctx.em.findOne(ChatGroup, { where: { kind: 'community', title: t } });
        const community = found.ok ? found.value : group?.communityId ? await ctx.em.findOne(Community, { where: { id: group.communityId } }) : null;
        if (!community) return { error: `${found.ok ? '' : found.message}发送对象写「全部社区」、社区名称或社区群名（用顿号分隔）。` };
        if (!communities.some((c) => c.id === community.id)) communities.push(community);
      }
    }
    if (!communities.length) return { error: '没有可发送的社区。' };
    const cal = this.env.calendar.cal;
    const fromText = extractDeadline(p.text, ctx.now, cal);
    let deadline = fromText.deadline;
    let source = deadline ? 'text' : '';
    if (p.deadline !== undefined) {
      const explicit = extractDeadline(p.deadline, ctx.now, cal);
      if (!explicit.deadline) return { error: `看不懂截止时间「${p.deadline}」，可写成：截止:11月25日17:30 或 截止:3个工作日内。` };
      if (fromText.deadline && fromText.deadline.getTime() !== explicit.deadline.getTime()) {
        return { error: `正文中的截止时间（${formatWhen(fromText.deadline, ctx.now)}）与「截止:」（${formatWhen(explicit.deadline, ctx.now)}）不一致，请统一。` };
      }
      deadline = explicit.deadline;
      source = 'field';
    }
    if (deadline && deadline.getTime() < ctx.now.getTime()) {
      return { error: `截止时间${formatWhen(deadline, ctx.now)}已经过去，请重新填写。` };
    }
    let basis = '';
    if (p.basis) {
      const item = findItem(this.env.admission, p.basis);
      if (!item) return { error: `依据「${p.basis}」不在准入清单中。发送 /准入清单 查看可用事项。` };
      basis = item.id;
    }
    // Two readings of the text's deadline and no 截止: field to settle it: the sender chooses.
    const ambiguity = p.deadline === undefined ? fromText.ambiguity : undefined;
    return { communities, deadline, source, basis, ...(ambiguity ? { ambiguity } : {}) };
  }

  /** Keeps the notice held and asks its sender which reading of the deadline is meant, one button each. */
  private async askDeadline(ctx: CommandContext, n: Notice, ambiguity: NonNullable<DeadlineResult['ambiguity']>): Promise<void> {
    const reason = `截止时间有两种理解：${ambiguity.reason}。`;
    await this.record(ctx, n, 'submit', 'held', reason);
    await ctx.reply({
      kind: 'card', title: `第${n.id}号通知：请确认截止时间`, body: `${reason}请选择其一，确认后再检查发送。`,
      buttons: [
        ...ambiguity.readings.map((at) => ({ label: formatWhen(at, ctx.now), command: `/截止 ${n.id} ${formatLocal(at)}` })),
        { label: '撤回', command: `/撤回 ${n.id}` },
      ],
    });
  }

  async submit(ctx: CommandContext, p: ParsedNotice): Promise<void> {
    const prepared = await this.prepare(ctx, p);
    if ('error' in prepared) {
      await ctx.reply(prepared.error);
      return;
    }
    const n = await ctx.em.save(ctx.em.create(Notice, {
      departmentId: ctx.member.departmentId, senderId: ctx.member.id, platform: ctx.msg.platform, botId: ctx.msg.botId,
      sourceChatId: ctx.msg.chatId, sourceChatType: ctx.msg.chatType, text: p.text,
      targets: { all: p.all, communityIds: prepared.communities.map((c) => c.id) },
      deadline: prepared.deadline, deadlineSource: prepared.source, proposedDeadline: null, basisItemId: prepared.basis,
      emergencyCategory: p.emergency?.category ?? '', emergencyReason: p.emergency?.reason ?? '', approved: false,
      status: 'held' as NoticeStatus, deliverAt: null, createdAt: ctx.now,
    }));
    if (prepared.ambiguity) await this.askDeadline(ctx, n, prepared.ambiguity);
    else await this.evaluate(ctx, n, 'submit');
  }

  async targetCommunities(em: EntityManager, n: Notice): Promise<Community[]> {
    return n.targets.all ? em.find(Community, { order: { id: 'ASC' } }) : em.find(Community, { where: { id: In(n.targets.communityIds) }, order: { id: 'ASC' } });
  }

  private async weekCounts(em: EntityManager, n: Notice, communities: Community[]): Promise<Map<string, number>> {
    // Weeks start on Monday, in local time.
    const today = localDate(n.createdAt);
    const monday = parseLocal(addDays(today, 1 - weekdayOf(today)));
    const recent = n.departmentId
      ? await em.find(Notice, { where: { departmentId: n.departmentId, status: In(['sent', 'scheduled']), createdAt: MoreThanOrEqual(monday) } })
      : [];
    const counts = new Map<string, number>();
    for (const c of communities) {
      counts.set(c.name, recent.filter((r) => r.id !== n.id && (r.targets.all || r.targets.communityIds.includes(c.id))).length);
    }
    return counts;
  }

  /** Judges the notice as it stands now, stores the decision, and acts on the verdict. */
  async evaluate(ctx: CommandContext, n: Notice, action: string): Promise<GateResult> {
    const communities = await this.targetCommunities(ctx.em, n);
    const deps = await this.deps(ctx.em);
    const r = judge({
      text: n.text, deadline: n.deadline, postedAt: ctx.now, basisItemId: n.basisItemId,
      emergency: n.emergencyCategory ? { category: n.emergencyCategory, reason: n.emergencyReason } : null,
      approved: n.approved, weekCounts: await this.weekCounts(ctx.em, n, communities),
    }, deps);
    n.status = r.verdict;
    n.proposedDeadline = r.proposedDeadline;
    n.deliverAt = r.verdict === 'sent' || r.verdict === 'scheduled' ? r.deliverAt : null;
    await ctx.em.save(n);
    const reason = r.findings.filter((f) => f.outcome !== 'warn').map((f) => f.reason).join(' ') || '通过全部规则';
    await this.record(ctx, n, action, r.verdict, reason,
      r.findings.map((f) => ({ ruleId: f.ruleId, ruleName: f.ruleName, outcome: f.outcome, reason: f.reason })));
    const extra: string[] = [];
    if (r.verdict === 'sent' || r.verdict === 'scheduled') {
      const { reached, missing } = await this.queueDeliveries(ctx.em, n, communities, r.deliverAt);
      if (r.verdict === 'sent') extra.push(`已送达：${reached.join('、') || '无'}。`);
      if (missing.length) extra.push(`未绑定群、无法送达：${missing.join('、')}。`);
    }
    const v = await this.view(ctx.em, n);
    if (r.verdict === 'pending_approval') {
      const why = r.findings.filter((f) => f.outcome === 'approval' || f.ruleId === 'formalism').map((f) => `【${f.ruleName}】${f.reason}`);
      await this.askAdmins(ctx, n, `第${n.id}号通知待审批（${v.departmentName}）`, why);
    }
    await ctx.send(this.senderAddress(n), verdictCard(v, r, ctx.now, extra), { dedupeKey: `verdict:${n.id}:${ctx.inboundId}` });
    if (r.verdict === 'sent') await deliverDue(ctx.em, ctx.now, this, { noticeId: n.id });
    return r;
  }

  senderAddress(n: Notice) {
    return { platform: n.platform, botId: n.botId, chatId: n.sourceChatId, chatType: n.sourceChatType as 'group' | 'direct' };
  }

  private async queueDeliveries(em: EntityManager, n: Notice, communities: Community[], at: Date): Promise<{ reached: string[]; missing: string[] }> {
    const reached: string[] = [];
    const missing: string[] = [];
    for (const c of communities) {
      const groups = await em.find(ChatGroup, { where: { kind: 'community', communityId: c.id } });
      if (!groups.length) missing.push(c.name);
      else reached.push(c.name);
      for (const g of groups) {
        const existing = await em.findOne(NoticeDelivery, { where: { noticeId: n.id, groupId: g.id } });
        if (existing) continue;
        await em.save(em.create(NoticeDelivery, { noticeId: n.id, groupId: g.id, communityId: c.id, status: 'pending', deliverAt: at, sentAt: null, lastReminder: '' }));
      }
    }
    return { reached, missing };
  }

  /** Every change of a notice's state is a decision row: the gate's audit trail. */
  async record(ctx: CommandContext, n: Notice, action: string, verdict: string, reason: string, findings: StoredFinding[] = []): Promise<void> {
    await ctx.em.save(ctx.em.create(GateDecision, { noticeId: n.id, at: ctx.now, actorId: ctx.member.id, action, verdict, reason: reason.slice(0, 500), findings }));
  }

  /** An approval card in every admin group, with 批准/驳回 behind text commands. */
  async askAdmins(ctx: CommandContext, n: Notice, title: string, lines: string[]): Promise<void> {
    const admins = await ctx.em.find(ChatGroup, { where: { kind: 'admin' } });
    for (const g of admins) {
      await ctx.sendToGroup(g, {
        kind: 'card', title, body: [n.text.slice(0, 300), ...lines].join('\n'),
        buttons: [{ label: '批准', command: `/准入 批准 ${n.id}` }, { label: '驳回', command: `/准入 驳回 ${n.id}` }],
      }, { dedupeKey: `approval:${n.id}:${g.id}:${ctx.inboundId}` });
    }
  }

  async withdraw(ctx: CommandContext, n: Notice): Promise<void> {
    const before = n.status;
    n.status = 'withdrawn';
    await ctx.em.save(n);
    const deliveries = await ctx.em.find(NoticeDelivery, { where: { noticeId: n.id } });
    for (const d of deliveries) {
      if (d.status === 'pending') await ctx.em.update(NoticeDelivery, { id: d.id }, { status: 'cancelled' });
      if (d.status === 'sent') {
        const g = await ctx.em.findOne(ChatGroup, { where: { id: d.groupId } });
        if (g) await ctx.sendToGroup(g, `第${n.id}号通知已撤回，无需办理。`, { dedupeKey: `withdraw:${n.id}:${g.id}` });
      }
    }
    await this.record(ctx, n, 'withdraw', 'withdrawn', `由${ctx.member.name}撤回（原状态：${VERDICT_LABELS[before as keyof typeof VERDICT_LABELS] ?? before}）`);
    await ctx.reply(`第${n.id}号通知已撤回。`);
  }
}
