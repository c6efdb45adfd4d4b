import { Between, EntityManager, In, LessThanOrEqual, Like } from 'typeorm';
import { ChatGroup, Notice, NoticeDelivery, NoticeReceipt, OutboxMessage } from '../../entities';
import { localDate } from '../calendar/time';
import type { WorkCalendar } from '../calendar/work-calendar';
import { skipLocked } from '../db-dialect';
import type { OutgoingBody } from '../../bots/types';
import { enqueue, enqueueOrFind, listenFor, type Address } from '../outbox/outbox';
import { mergesDeliveries } from './gate';
import { deliveryCard, digestMessage, NoticeView } from './notice-format';
import type { NoticeDesk } from './notice-desk';
import { formatWhen, WORKDAY_MINUTES } from './rules/time-format';
import { ruleStates } from './settings';

export const groupAddress = (g: ChatGroup): Address => ({ platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' });

/** A group's card, once per key (see enqueueOrFind). */
export async function enqueueOnce(em: EntityManager, g: ChatGroup, body: OutgoingBody, key: string, now: Date): Promise<OutboxMessage> {
  return enqueueOrFind(em, groupAddress(g), body, { dedupeKey: key, notBefore: now, now });
}

/**
 * Queues every delivery that is due, in the caller's transaction. Several non-urgent notices
 * due for one group go out as one digest message, so a group is not flooded at 08:30.
 * A delivery is only 'queued' here; it becomes 'sent' when the platform accepts it.
 */
export async function deliverDue(em: EntityManager, now: Date, desk: NoticeDesk, only?: { noticeId: number }): Promise<number> {
  const due = await em.find(NoticeDelivery, {
    where: { status: 'pending', deliverAt: LessThanOrEqual(now), ...(only ? { noticeId: only.noticeId } : {}) },
    order: { id: 'ASC' },
    lock: skipLocked(em),
  });
  if (!due.length) return 0;
  const merge = mergesDeliveries(await ruleStates(em, desk.env.ruleDefaults));
  const notices = new Map((await em.find(Notice, { where: { id: In([...new Set(due.map((d) => d.noticeId))]) } })).map((n) => [n.id, n]));
  const groups = new Map((await em.find(ChatGroup, { where: { id: In([...new Set(due.map((d) => d.groupId))]) } })).map((g) => [g.id, g]));
  const byGroup = new Map<number, NoticeDelivery[]>();
  const cancelled: number[] = [];
  for (const d of due) {
    const n = notices.get(d.noticeId);
    if (!n || n.status === 'withdrawn' || n.status === 'rejected' || !groups.has(d.groupId)) cancelled.push(d.id);
    else byGroup.set(d.groupId, [...(byGroup.get(d.groupId) ?? []), d]);
  }
  if (cancelled.length) await em.update(NoticeDelivery, { id: In(cancelled) }, { status: 'cancelled' });
  let queued = 0;
  for (const [groupId, list] of byGroup) {
    const g = groups.get(groupId)!;
    const views = new Map<number, NoticeView>();
    for (const d of list) views.set(d.noticeId, await desk.view(em, notices.get(d.noticeId)!));
    const urgent = list.filter((d) => notices.get(d.noticeId)!.emergencyCategory);
    const normal = list.filter((d) => !notices.get(d.noticeId)!.emergencyCategory);
    const one = async (d: NoticeDelivery) => {
      const row = await enqueueOnce(em, g, deliveryCard(views.get(d.noticeId)!, now), `deliver:${d.noticeId}:${g.id}`, now);
      await em.update(NoticeDelivery, { id: d.id }, { status: 'queued', outboxId: row.id });
    };
    for (const d of urgent) await one(d);
    if (normal.length > 1 && merge) {
      const ids = normal.map((d) => d.noticeId).join(',');
      const row = await enqueueOnce(em, g, digestMessage(normal.map((d) => views.get(d.noticeId)!), now), `digest:${g.id}:${ids}`, now);
      await em.update(NoticeDelivery, { id: In(normal.map((d) => d.id)) }, { status: 'queued', outboxId: row.id });
    } else {
      for (const d of normal) await one(d);
    }
    queued += list.length;
  }
  const released = [...notices.values()].filter((n) => n.status === 'scheduled').map((n) => n.id);
  if (released.length) await em.update(Notice, { id: In(released) }, { status: 'sent' });
  return queued;
}

/**
 * A delivery follows its outbox row: sent when the platform accepted it, parked when retries
 * ran out — and then the sender hears it once, with the group that did not get it.
 */
export const followDeliveries = Object.assign(listenFor(/^(deliver|digest):/, async (em, row, outcome, now) => {
  if (!/^(deliver|digest):/.test(row.dedupeKey)) return;
  if (outcome === 'sent') {
    await deliveriesSent(em, [row], now);
    return;
  }
  const list = await em.find(NoticeDelivery, { where: { outboxId: row.id } });
  if (!list.length) return;
  await em.update(NoticeDelivery, { id: In(list.map((d) => d.id)) }, { status: 'parked' });
  const group = await em.findOne(ChatGroup, { where: { id: list[0].groupId } });
  for (const n of await em.find(Notice, { where: { id: In(list.map((d) => d.noticeId)) } })) {
    await enqueue(em, { platform: n.platform, botId: n.botId, chatId: n.sourceChatId, chatType: n.sourceChatType as 'group' | 'direct' },
      { kind: 'text', text: `第${n.id}号通知未能送达${group?.title ?? '一个社区群'}（平台多次拒收）。已通知管理员处理，送达情况见 /进度 ${n.id}。` },
      { dedupeKey: `undelivered:${n.id}`, notBefore: now, now });
  }
}), {
  // A notice's cards to several groups are usually marked sent together.
  sentMany: deliveriesSent,
  sentJoin: { entity: NoticeDelivery, column: 'outboxId', set: (at: Date) => ({ status: 'sent', sentAt: at }) },
});

/** The deliveries the rows carried reached their groups: one statement, without reading them first. */
async function deliveriesSent(em: EntityManager, rows: OutboxMessage[], at: Date): Promise<void> {
  await em.update(NoticeDelivery, { outboxId: In(rows.map((r) => r.id)) }, { status: 'sent', sentAt: at });
}

/** The sender hears「已提交管理组审批」only once an admin group has the request. */
export const followApprovals = listenFor(/^approval:/, async (em, row, outcome, now) => {
  const m = /^approval:(\d+):/.exec(row.dedupeKey);
  if (!m) return;
  const n = await em.findOne(Notice, { where: { id: Number(m[1]) } });
  if (!n || n.approvalState !== 'queued') return;
  const to = { platform: n.platform, botId: n.botId, chatId: n.sourceChatId, chatType: n.sourceChatType as 'group' | 'direct' };
  if (outcome === 'sent') {
    await em.update(Notice, { id: n.id }, { approvalState: 'received' });
    await enqueue(em, to, { kind: 'text', text: `第${n.id}号通知已提交管理组审批，审批结果会告诉你。` }, { dedupeKey: `approval-received:${n.id}`, notBefore: now, now });
    return;
  }
  const others = await em.count(OutboxMessage, { where: { dedupeKey: Like(`approval:${n.id}:%`), status: In(['pending', 'sent']) } });
  if (others) return;
  await em.update(Notice, { id: n.id }, { approvalState: 'failed' });
  await enqueue(em, to, { kind: 'text', text: `第${n.id}号通知的审批请求未能送达管理组，请联系管理员。` }, { dedupeKey: `approval-failed:${n.id}`, notBefore: now, now });
});

/** How far ahead the reminder sweep looks: the last working day before a deadline, across a long holiday. */
const HORIZON_DAYS = 12;
/** A reminder right after the notice itself arrived only adds noise. */
const QUIET_AFTER_DELIVERY_MS = 60 * 60_000;

/**
 * The latest deadline that can be within one working day of `now`: any later one has more working
 * time before it. The sweep reads only notices due by then, not every open one of the fortnight.
 */
export function reminderHorizon(cal: WorkCalendar, now: Date): Date {
  const last = cal.nextWorkingStart(cal.addWorkingMinutes(now, WORKDAY_MINUTES(cal))).getTime();
  return new Date(Math.min(last, now.getTime() + HORIZON_DAYS * 86_400_000));
}

/**
 * Reminds a community group about an unfinished notice: only in working time, at most once a
 * day, only within the last working day before the deadline, never once it is done or past.
 * It starts from notices still open, so its cost follows today's work, not the history.
 */
export async function sendReminders(em: EntityManager, now: Date, desk: NoticeDesk): Promise<number> {
  const cal = desk.env.calendar.cal;
  if (!cal.isWorkingTime(now)) return 0;
  const today = localDate(now);
  const open = (await em.find(Notice, {
    select: { id: true, deadline: true },
    where: { status: 'sent', deadline: Between(new Date(now.getTime() + 1), reminderHorizon(cal, now)) },
  })).filter((n) => cal.workingMinutesBetween(now, n.deadline!) <= WORKDAY_MINUTES(cal));
  if (!open.length) return 0;
  const ids = open.map((n) => n.id);
  const deliveries = await em.find(NoticeDelivery, { where: { noticeId: In(ids), status: 'sent' } });
  const done = new Set((await em.find(NoticeReceipt, { where: { noticeId: In(ids), kind: 'done' } })).map((r) => `${r.noticeId}:${r.communityId}`));
  const due = deliveries.filter((d) => d.communityId && d.lastReminder !== today && !done.has(`${d.noticeId}:${d.communityId}`)
    && d.sentAt && now.getTime() - d.sentAt.getTime() >= QUIET_AFTER_DELIVERY_MS);
  if (!due.length) return 0;
  const groups = new Map((await em.find(ChatGroup, { where: { id: In([...new Set(due.map((d) => d.groupId))]) } })).map((g) => [g.id, g]));
  const byId = new Map(open.map((n) => [n.id, n]));
  let count = 0;
  for (const d of due) {
    const g = groups.get(d.groupId);
    const n = byId.get(d.noticeId)!;
    if (!g) continue;
    await enqueue(em, groupAddress(g), { kind: 'text', text: `提醒：第${n.id}号通知将于${formatWhen(n.deadline!, now)}截止，完成后请回复 /完成 ${n.id}。` },
      { dedupeKey: `remind:${n.id}:${g.id}:${today}`, notBefore: now, now });
    count++;
  }
  const reminded = due.filter((d) => groups.has(d.groupId)).map((d) => d.id);
  if (reminded.length) await em.update(NoticeDelivery, { id: In(reminded) }, { lastReminder: today });
  return count;
}
