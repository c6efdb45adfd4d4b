import { EntityManager, In, MoreThanOrEqual } from 'typeorm';
import { ChatGroup, Community, GateDecision, Notice, NoticeDelivery, NoticeStatus, type StoredFinding } from '../../entities';
import { addDays, formatLocal, localDate, parseLocal, weekdayOf } from '../calendar/time';
import type { CalendarService } from '../calendar/calendar-service';
import { insertRow } from '../db-dialect';
import { insertLater } from '../db-statements';
import { lookup } from '../db-lookups';
import { communityGroups, departmentName, findCommunity } from '../directory/lookup';
import { enqueueRecorded, type Address } from '../outbox/outbox';
import { answer, type Port } from '../unit';
import { findItem, type AdmissionItem, type AdmissionList } from './admission';
import { NoticeChecks } from './checks';
import { extractDeadline, type DeadlineResult } from './deadline';
import type { FormalismPatterns } from './formalism';
import { GateDeps, GateResult, judge, readsWeekCounts, VERDICT_LABELS } from './gate';
import { deliverDue, groupAddress } from './delivery';
import { deliveryCard, markReplaced, NoticeView, verdictCard } from './notice-format';
import { IMMEDIATE_WORDS, type ParsedNotice } from './notice-parse';
import { formatWhen } from './rules/time-format';
import { ruleStates, type RuleStates } from './settings';

interface DeliveryPlan {
  reached: string[];
  missing: string[];
  add: { group: ChatGroup; communityId: number }[];
  /** The notice has no delivery rows yet. */
  fresh: boolean;
}

/**
 * Writes the notice's mutable state with one UPDATE: save() would read the row back first to
 * find what changed. createdAt never changes, and id is the key.
 */
async function storeNotice(em: EntityManager, n: Notice): Promise<void> {
  const { id, createdAt: _createdAt, ...rest } = n;
  await em.update(Notice, { id }, rest);
}

const NO_ADMIN_GROUP = '尚未绑定管理组，审批请求无法发送，请联系管理员。';

export interface GateEnv {
  calendar: CalendarService;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  /** Rule defaults after config/ overrides (see settings.ruleDefaults). */
  ruleDefaults: RuleStates;
}

type Fail = { error: string };

/**
 * The notice gate as a service: takes a department's notice, judges it against the rules,
 * stores the decision with its reasons, and queues deliveries — all in the caller's
 * transaction, through a Port, so chat, CLI and tests drive the same code.
 */
export class NoticeDesk {
  /** Checks other units add (service `gate.checks`). */
  readonly checks = new NoticeChecks();

  constructor(readonly env: GateEnv) {}

  async deps(em: EntityManager): Promise<GateDeps> {
    return { cal: this.env.calendar.cal, admission: this.env.admission, formalism: this.env.formalism, states: await ruleStates(em, this.env.ruleDefaults) };
  }

  async view(em: EntityManager, n: Notice): Promise<NoticeView> {
    const dept = n.departmentId ? await departmentName(em, n.departmentId) : null;
    const item = n.basisItemId ? findItem(this.env.admission, n.basisItemId) : undefined;
    // A moved deadline must not leave the old one standing in the text the community reads.
    const text = n.deadlineSource === 'adopted' ? markReplaced(n.text, extractDeadline(n.text, n.createdAt, this.env.calendar.cal).matches) : n.text;
    return { notice: n, text, departmentName: dept ?? '街道管理组', basisLabel: item ? `${item.id} ${item.name}（${item.basis}）` : '' };
  }

  private async resolveTargets(em: EntityManager, p: ParsedNotice): Promise<Fail | Community[]> {
    const communities: Community[] = [];
    if (p.all) return allCommunities(em);
    for (const t of p.targets) {
      const found = await findCommunity(em, t);
      // A bound community group's title works as a target too (人民社区工作群).
      const group = found.ok ? null : await em.findOne(ChatGroup, { where: { kind: 'community', title: t } });
      const community = found.ok ? found.value : group?.communityId ? await em.findOne(Community, { where: { id: group.communityId } }) : null;
      if (!community) return { error: `${found.ok ? '' : found.message}发送对象写「全部社区」、社区名称或社区群名（用顿号分隔）。` };
      if (!communities.some((c) => c.id === community.id)) communities.push(community);
    }
    return communities;
  }

  /** Resolves targets, deadline and basis; returns an error text instead of storing anything half-valid. */
  async prepare(port: Port, p: ParsedNotice): Promise<Fail | {
    communities: Community[]; deadline: Date | null; source: string; basis: string; ambiguity?: DeadlineResult['ambiguity'];
  }> {
    const communities = await this.resolveTargets(port.em, p);
    if ('error' in communities) return communities;
    if (!communities.length) return { error: '没有可发送的社区。' };
    const cal = this.env.calendar.cal;
    const fromText = extractDeadline(p.text, port.now, cal);
    let deadline = fromText.deadline;
    let source = deadline ? 'text' : '';
    if (p.deadline !== undefined) {
      const explicit = IMMEDIATE_WORDS.test(p.deadline.trim()) ? port.now : extractDeadline(p.deadline, port.now, cal).deadline;
      if (!explicit) return { error: `看不懂截止时间「${p.deadline}」，可写成：截止:11月25日17:30、截止:3个工作日内 或 截止:立即。` };
      if (deadline && deadline.getTime() !== explicit.getTime() && !fromText.immediate) {
        return { error: `正文中的截止时间（${formatWhen(deadline, port.now)}）与「截止:」（${formatWhen(explicit, port.now)}）不一致，请统一。` };
      }
      deadline = explicit;
      source = 'field';
    }
    if (deadline && deadline.getTime() < port.now.getTime()) {
      // In an emergency a time already past describes what happened (昨夜暴雨), not a deadline.
      if (p.emergency) deadline = null;
      else return { error: `截止时间${formatWhen(deadline, port.now)}已经过去，请重新填写。` };
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
  private async askDeadline(port: Port, n: Notice, ambiguity: NonNullable<DeadlineResult['ambiguity']>): Promise<void> {
    const reason = `截止时间有两种理解：${ambiguity.reason}。`;
    await this.record(port, n, 'submit', 'held', reason);
    await answer(port, {
      kind: 'card', title: `第${n.id}号通知：请确认截止时间`, body: `${reason}请选择其一，确认后再检查发送。`,
      buttons: [
        ...ambiguity.readings.map((at) => ({ label: formatWhen(at, port.now), command: `/截止 ${n.id} ${formatLocal(at)}` })),
        { label: '撤回', command: `/撤回 ${n.id}` },
      ],
    });
  }

  /** The sender settles the deadline (one of two readings, or any time they write). */
  async setDeadline(port: Port, n: Notice, raw: string): Promise<void> {
    const at = extractDeadline(raw, port.now, this.env.calendar.cal).deadline;
    if (!at) return answer(port, `看不懂截止时间「${raw}」，可写成：/截止 ${n.id} 11月25日17:30。`);
    if (at.getTime() < port.now.getTime()) return answer(port, `截止时间${formatWhen(at, port.now)}已经过去，请重新填写。`);
    n.deadline = at;
    n.deadlineSource = 'field';
    await this.evaluate(port, n, 'deadline', `截止时间定为${formatWhen(at, port.now)}。`);
  }

  async submit(port: Port, p: ParsedNotice): Promise<Notice | null> {
    const prepared = await this.prepare(port, p);
    if ('error' in prepared) {
      await answer(port, prepared.error);
      return null;
    }
    const origin = port.origin ?? { platform: port.actor.platform, botId: port.actor.botId, chatId: port.actor.externalId, chatType: 'direct' as const };
    const n = port.em.create(Notice, {
      departmentId: port.actor.departmentId, senderId: port.actor.id, platform: origin.platform, botId: origin.botId,
      sourceChatId: origin.chatId, sourceChatType: origin.chatType, text: p.text,
      targets: { all: p.all, communityIds: prepared.communities.map((c) => c.id) },
      deadline: prepared.deadline, deadlineSource: prepared.source, proposedDeadline: null, basisItemId: prepared.basis,
      emergencyCategory: p.emergency?.category.slice(0, 32) ?? '', emergencyReason: p.emergency?.reason.slice(0, 255) ?? '', approved: false,
      status: 'held' as NoticeStatus, approvalState: '', deliverAt: null, createdAt: port.now,
    });
    if (prepared.ambiguity) {
      n.id = await insertRow(port.em, Notice, n);
      await this.askDeadline(port, n, prepared.ambiguity);
    } else {
      // Judged before it is stored, so it is written once, with its verdict.
      await this.evaluate(port, n, 'submit', '', prepared.communities);
    }
    return n;
  }

  async targetCommunities(em: EntityManager, n: Notice): Promise<Community[]> {
    return n.targets.all ? allCommunities(em) : em.find(Community, { where: { id: In(n.targets.communityIds) }, order: { id: 'ASC' } });
  }

  private async weekCounts(em: EntityManager, n: Notice, communities: Community[]): Promise<Map<string, number>> {
    // Weeks start on Monday, in local time.
    const today = localDate(n.createdAt);
    const monday = parseLocal(addDays(today, 1 - weekdayOf(today)));
    const recent = n.departmentId
      ? await em.find(Notice, { select: { id: true, targets: true }, where: { departmentId: n.departmentId, status: In(['sent', 'scheduled']), createdAt: MoreThanOrEqual(monday) } })
      : [];
    const counts = new Map<string, number>();
    for (const c of communities) {
      counts.set(c.name, recent.filter((r) => r.id !== n.id && (r.targets.all || r.targets.communityIds.includes(c.id))).length);
    }
    return counts;
  }

  /**
   * Judges the notice as it stands now, stores it (a new one, without an id, is inserted here) and
   * the decision, and acts on the verdict. `change` says what the action just did; the card leads
   * with it, so every click answers.
   */
  async evaluate(port: Port, n: Notice, action: string, change = '', targets?: Community[]): Promise<GateResult> {
    // The targets just resolved, in id order as targetCommunities() reads them, spare a second read.
    const communities = targets ? [...targets].sort((a, b) => a.id - b.id) : await this.targetCommunities(port.em, n);
    const deps = await this.deps(port.em);
    const r = judge({
      text: n.text, deadline: n.deadline, postedAt: port.now, basisItemId: n.basisItemId,
      emergency: n.emergencyCategory ? { category: n.emergencyCategory, reason: n.emergencyReason } : null,
      approved: n.approved, weekCounts: readsWeekCounts(deps.states) ? await this.weekCounts(port.em, n, communities) : new Map(),
    }, deps, await this.checks.run(port, n));
    n.status = r.verdict;
    n.proposedDeadline = r.proposedDeadline;
    n.deliverAt = r.verdict === 'sent' || r.verdict === 'scheduled' ? r.deliverAt : null;
    const fresh = n.id === undefined;
    if (fresh) n.id = await insertRow(port.em, Notice, n);
    const extra: string[] = [];
    const approvalBefore = n.approvalState;
    if (r.verdict === 'pending_approval' && n.approvalState !== 'queued' && n.approvalState !== 'received') {
      const why = r.findings.filter((f) => f.outcome !== 'defer').map((f) => `【${f.ruleName}】${f.reason}`);
      const asked = await this.askAdmins(port, n, `第${n.id}号通知待审批`, why);
      n.approvalState = asked ? 'queued' : 'failed';
      extra.push(asked ? '审批请求已发往管理组，管理组收到后会告诉你。' : NO_ADMIN_GROUP);
    }
    // A new notice was just inserted as judged; only asking the admins changes it again.
    if (!fresh || n.approvalState !== approvalBefore) await storeNotice(port.em, n);
    const reason = r.findings.filter((f) => f.outcome !== 'warn').map((f) => f.reason).join(' ') || '通过全部规则';
    await this.record(port, n, action, r.verdict, reason,
      r.findings.map((f) => ({ ruleId: f.ruleId, ruleName: f.ruleName, outcome: f.outcome, reason: f.reason })));
    await this.checks.decided(port, n, r.verdict);
    let plan: DeliveryPlan | null = null;
    if (r.verdict === 'sent' || r.verdict === 'scheduled') {
      plan = await this.planDeliveries(port.em, n, communities, action === 'submit');
      if (plan.reached.length) extra.push(`${r.verdict === 'sent' ? '已发往' : '届时发往'}：${plan.reached.join('、')}（送达情况：/进度 ${n.id}）。`);
      if (plan.missing.length) extra.push(`未绑定群、无法送达：${plan.missing.join('、')}。`);
    }
    // Due now and none queued before (the usual fresh notice): each group's card is queued with
    // its delivery row at once, as deliverDue() would after re-reading what was just written.
    const direct = plan !== null && r.verdict === 'sent' && plan.fresh && r.deliverAt.getTime() <= port.now.getTime();
    if (plan && !direct) await this.insertDeliveries(port.em, n, plan.add, r.deliverAt, null);
    const v = await this.view(port.em, n);
    await port.send(this.senderAddress(n), verdictCard(v, r, port.now, change, extra), { dedupeKey: `verdict:${n.id}:${port.ref}` });
    if (direct) await this.insertDeliveries(port.em, n, plan!.add, r.deliverAt, { view: v, now: port.now });
    else if (r.verdict === 'sent') await deliverDue(port.em, port.now, this, { noticeId: n.id });
    return r;
  }

  senderAddress(n: Notice): Address {
    return { platform: n.platform, botId: n.botId, chatId: n.sourceChatId, chatType: n.sourceChatType as 'group' | 'direct' };
  }

  /** Which target groups get a delivery row (those without one yet), and which communities have no group. */
  /** `isNew`: the notice was stored in this transaction, so it has no deliveries yet and none are read. */
  private async planDeliveries(em: EntityManager, n: Notice, communities: Community[], isNew: boolean): Promise<DeliveryPlan> {
    const reached: string[] = [];
    const missing: string[] = [];
    const add: { group: ChatGroup; communityId: number }[] = [];
    const ids = communities.map((c) => c.id);
    const groups = await communityGroups(em, ids);
    const existing = new Set(isNew ? [] : (await em.find(NoticeDelivery, { select: { id: true, groupId: true }, where: { noticeId: n.id } })).map((d) => d.groupId));
    for (const c of communities) {
      const mine = groups.filter((g) => g.communityId === c.id);
      (mine.length ? reached : missing).push(c.name);
      for (const g of mine) if (!existing.has(g.id)) add.push({ group: g, communityId: c.id });
    }
    return { reached, missing, add, fresh: existing.size === 0 };
  }

  /**
   * The delivery rows, in one INSERT: 'pending' for deliverDue() to queue, or with `queue` each
   * group's card enqueued first and the row written 'queued' with it.
   */
  private async insertDeliveries(em: EntityManager, n: Notice, add: DeliveryPlan['add'], at: Date, queue: { view: NoticeView; now: Date } | null): Promise<void> {
    if (!add.length) return;
    const rows: Partial<NoticeDelivery>[] = add.map(({ group, communityId }) => ({
      noticeId: n.id, groupId: group.id, communityId, status: queue ? 'queued' : 'pending', deliverAt: at, sentAt: null, lastReminder: '',
    }));
    if (!queue) {
      await insertLater(em, NoticeDelivery, rows.map((r) => ({ ...r, outboxId: null })));
      return;
    }
    // Only a notice with no deliveries yet is queued here (see evaluate), so its cards' keys are new.
    await enqueueRecorded(em, add.map(({ group }) => ({
      to: groupAddress(group), body: deliveryCard(queue.view, queue.now), opts: { dedupeKey: `deliver:${n.id}:${group.id}`, notBefore: queue.now, now: queue.now },
    })), NoticeDelivery, rows, 'outboxId');
  }

  /** Every change of a notice's state is a decision row: the gate's audit trail. */
  async record(port: Port, n: Notice, action: string, verdict: string, reason: string, findings: StoredFinding[] = []): Promise<void> {
    await insertLater(port.em, GateDecision, [{ noticeId: n.id, at: port.now, actorId: port.actor.id, action, verdict, reason: reason.slice(0, 500), findings }]);
  }

  /** An approval card in every admin group, with 批准/驳回 behind text commands. Returns how many groups were asked. */
  async askAdmins(port: Port, n: Notice, title: string, lines: string[]): Promise<number> {
    const admins = await port.em.find(ChatGroup, { where: { kind: 'admin' } });
    const v = await this.view(port.em, n);
    for (const g of admins) {
      await port.send(groupAddress(g), {
        kind: 'card', title: `${title}（${v.departmentName}）`, body: [n.text.slice(0, 300), ...lines].join('\n'),
        buttons: [{ label: '批准', command: `/准入 批准 ${n.id}` }, { label: '驳回', command: `/准入 驳回 ${n.id}` }],
      }, { dedupeKey: `approval:${n.id}:${g.id}:${port.ref}` });
    }
    return admins.length;
  }

  /** The sender's own request for approval of a held notice (formalism, a basis they cannot find). */
  async requestApproval(port: Port, n: Notice, why: string): Promise<void> {
    if (n.status !== 'held') {
      await answer(port, `第${n.id}号通知当前${VERDICT_LABELS[n.status as keyof typeof VERDICT_LABELS] ?? n.status}，不需要申请审批。`);
      return;
    }
    const last = await port.em.findOne(GateDecision, { where: { noticeId: n.id }, order: { id: 'DESC' } });
    const asked = await this.askAdmins(port, n, `第${n.id}号通知申请审批`, [`退回原因：${last?.reason ?? ''}`, ...(why ? [`申请理由：${why}`] : [])]);
    if (!asked) {
      await answer(port, NO_ADMIN_GROUP);
      return;
    }
    n.status = 'pending_approval';
    n.approvalState = 'queued';
    await port.em.save(n);
    await this.record(port, n, 'request', 'pending_approval', why || '申请审批');
    await answer(port, `第${n.id}号通知的审批请求已发往管理组，管理组收到后会告诉你。`);
  }

  /** An admin's approval: re-judged with approval granted; the answer says what happens now. */
  async approve(port: Port, n: Notice): Promise<void> {
    n.approved = true;
    const r = await this.evaluate(port, n, 'approve', `管理组已批准（${port.actor.name}）。`);
    const open = r.findings.filter((f) => f.outcome === 'hold' || f.outcome === 'approval').map((f) => f.ruleName);
    const now = r.verdict === 'sent' ? '已发往各社区'
      : r.verdict === 'scheduled' ? `将于${formatWhen(r.deliverAt, port.now)}发送`
      : `仍需发送人修改（${open.join('、')}），已告知发送人`;
    await answer(port, `已批准第${n.id}号通知：${now}。`);
  }

  async reject(port: Port, n: Notice, why: string): Promise<void> {
    n.status = 'rejected';
    await port.em.save(n);
    await this.record(port, n, 'reject', 'rejected', why);
    await port.send(this.senderAddress(n), `第${n.id}号通知被管理组驳回：${why}`, { dedupeKey: `reject:${n.id}` });
    await answer(port, `已驳回第${n.id}号通知，已告知发送人。`);
  }

  async adopt(port: Port, n: Notice): Promise<void> {
    if (!n.proposedDeadline) {
      await answer(port, `第${n.id}号通知没有建议的截止时间。`);
      return;
    }
    n.deadline = n.proposedDeadline;
    n.deadlineSource = 'adopted';
    await this.evaluate(port, n, 'adopt', `已采纳：截止时间改为${formatWhen(n.deadline, port.now)}。`);
  }

  async setBasis(port: Port, n: Notice, item: AdmissionItem): Promise<void> {
    n.basisItemId = item.id;
    await this.evaluate(port, n, 'basis', `已确认依据：${item.id} ${item.name}。`);
  }

  async setEmergency(port: Port, n: Notice, category: string, reason: string): Promise<void> {
    n.emergencyCategory = category.slice(0, 32);
    n.emergencyReason = reason.slice(0, 255);
    await this.evaluate(port, n, 'emergency', `已申请紧急：${n.emergencyCategory}（${n.emergencyReason}）。`);
  }

  async withdraw(port: Port, n: Notice): Promise<void> {
    const before = n.status;
    n.status = 'withdrawn';
    await port.em.save(n);
    const deliveries = await port.em.find(NoticeDelivery, { where: { noticeId: n.id } });
    const told = deliveries.filter((d) => d.status === 'queued' || d.status === 'sent').map((d) => d.groupId);
    await port.em.update(NoticeDelivery, { noticeId: n.id, status: 'pending' }, { status: 'cancelled' });
    for (const g of told.length ? await port.em.find(ChatGroup, { where: { id: In(told) } }) : []) {
      await port.send(groupAddress(g), `第${n.id}号通知已撤回，无需办理。`, { dedupeKey: `withdraw:${n.id}:${g.id}` });
    }
    await this.record(port, n, 'withdraw', 'withdrawn', `由${port.actor.name}撤回（原状态：${VERDICT_LABELS[before as keyof typeof VERDICT_LABELS] ?? before}）`);
    await answer(port, `第${n.id}号通知已撤回${told.length ? '，已告知收到的社区' : ''}。`);
  }
}

const allCommunities = (em: EntityManager) => lookup(em, 'communities', () => em.find(Community, { order: { id: 'ASC' } }));
