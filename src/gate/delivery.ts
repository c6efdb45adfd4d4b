import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import { ChatGroup, Notice, NoticeDelivery, NoticeReceipt } from '../../entities';
import { localDate } from '../calendar/time';
import { skipLocked } from '../db';
import { enqueue } from '../outbox/outbox';
import { deliveryCard, digestMessage, NoticeView } from './notice-format';
import type { NoticeDesk } from './notice-desk';
import { formatWhen, WORKDAY_MINUTES } from './rules/time-format';
import { ruleStates } from './settings';

const groupAddress = (g: ChatGroup) => ({ platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' as const });

/**
 * Sends every delivery that is due, in the caller's transaction. Several non-urgent notices
 * due for one group go out as one digest message, so a group is not flooded at 08:30.
 */
export async function deliverDue(em: EntityManager, now: Date, desk: NoticeDesk, only?: { noticeId: number }): Promise<number> {
  const due = await em.find(NoticeDelivery, {
    where: { status: 'pending', deliverAt: LessThanOrEqual(now), ...(only ? { noticeId: only.noticeId } : {}) },
    order: { id: 'ASC' },
    lock: skipLocked(em),
  });
  if (!due.length) return 0;
  const digestOn = (await ruleStates(em, desk.env.ruleDefaults)).get('digest')?.enabled !== false;
  const notices = new Map((await em.find(Notice, { where: { id: In([...new Set(due.map((d) => d.noticeId))]) } })).map((n) => [n.id, n]));
  const byGroup = new Map<number, NoticeDelivery[]>();
  for (const d of due) {
    const n = notices.get(d.noticeId);
    if (!n || n.status === 'withdrawn' || n.status === 'rejected') {
      await em.update(NoticeDelivery, { id: d.id }, { status: 'cancelled' });
      continue;
    }
    byGroup.set(d.groupId, [...(byGroup.get(d.groupId) ?? []), d]);
  }
  let sent = 0;
  for (const [groupId, list] of byGroup) {
    const g = await em.findOne(ChatGroup, { where: { id: groupId } });
    if (!g) {
      for (const d of list) await em.update(NoticeDelivery, { id: d.id }, { status: 'cancelled' });
      continue;
    }
    const views: NoticeView[] = [];
    for (const d of list) views.push(await desk.view(em, notices.get(d.noticeId)!));
    const urgent = views.filter((v) => v.notice.emergencyCategory);
    const normal = views.filter((v) => !v.notice.emergencyCategory);
    for (const v of urgent) await enqueue(em, groupAddress(g), deliveryCard(v, now), { dedupeKey: `deliver:${v.notice.id}:${g.id}`, notBefore: now, now });
    if (normal.length > 1 && digestOn) {
      const ids = normal.map((v) => v.notice.id).join(',');
      await enqueue(em, groupAddress(g), digestMessage(normal, now), { dedupeKey: `digest:${g.id}:${ids}`.slice(0, 191), notBefore: now, now });
    } else {
      for (const v of normal) await enqueue(em, groupAddress(g), deliveryCard(v, now), { dedupeKey: `deliver:${v.notice.id}:${g.id}`, notBefore: now, now });
    }
    for (const d of list) await em.update(NoticeDelivery, { id: d.id }, { status: 'sent', sentAt: now });
    for (const v of views) if (v.notice.status === 'scheduled') await em.update(Notice, { id: v.notice.id }, { status: 'sent' });
    sent += list.length;
  }
  return sent;
}

/**
 * Reminds a community group about an unfinished notice: only in working time, at most once a
 * day, only within the last working day before the deadline, never once it is done or past.
 */
export async function sendReminders(em: EntityManager, now: Date, desk: NoticeDesk): Promise<number> {
  const cal = desk.env.calendar.cal;
  if (!cal.isWorkingTime(now)) return 0;
  const today = localDate(now);
  const sent = await em.find(NoticeDelivery, { where: { status: 'sent' } });
  let count = 0;
  for (const d of sent) {
    if (d.lastReminder === today || !d.communityId) continue;
    const n = await em.findOne(Notice, { where: { id: d.noticeId } });
    if (!n || n.status !== 'sent' || !n.deadline || n.deadline.getTime() <= now.getTime()) continue;
    if (cal.workingMinutesBetween(now, n.deadline) > WORKDAY_MINUTES(cal)) continue;
    const done = await em.findOne(NoticeReceipt, { where: { noticeId: n.id, communityId: d.communityId, kind: 'done' } });
    if (done) continue;
    const g = await em.findOne(ChatGroup, { where: { id: d.groupId } });
    if (!g) continue;
    await enqueue(em, groupAddress(g), { kind: 'text', text: `提醒：第${n.id}号通知将于${formatWhen(n.deadline, now)}截止，完成后请回复 /完成 ${n.id}。` },
      { dedupeKey: `remind:${n.id}:${g.id}:${today}`, notBefore: now, now });
    await em.update(NoticeDelivery, { id: d.id }, { lastReminder: today });
    count++;
  }
  return count;
}
