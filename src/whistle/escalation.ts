import type { EntityManager } from 'typeorm';
import type { OutgoingBody } from '../../bots/types';
import { ChatGroup, Department, WhistleEvent, WhistleTicket, WhistleTimer } from '../../entities';
import { Address, enqueue } from '../outbox/outbox';
import { PHASE_LABELS, when } from './format';
import type { Phase } from './sla';
import { memberAddress, WhistleDesk } from './tickets';

const groupAddress = (g: ChatGroup): Address => ({ platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' });

/**
 * The SLA sweep: each due timer row becomes one warning or escalation (department group, then the
 * department's leader in 1:1, then the street admin group), claimed and sent in the same transaction.
 */
export async function sweepTimers(em: EntityManager, now: Date, desk: WhistleDesk): Promise<number> {
  const timers = await desk.sla.claimDue(em, now);
  let n = 0;
  for (const timer of timers) {
    const t = await em.findOne(WhistleTicket, { where: { id: timer.ticketId } });
    // The ticket moved on (报到, 办结, 转派) in a way that did not cancel this row: nothing to say.
    if (!t || t.departmentId !== timer.departmentId || !desk.phaseOpen(t, timer.phase as Phase)) continue;
    await fire(em, now, desk, t, timer);
    n++;
  }
  return n;
}

async function fire(em: EntityManager, now: Date, desk: WhistleDesk, t: WhistleTicket, timer: WhistleTimer): Promise<void> {
  const phase = PHASE_LABELS[timer.phase as Phase];
  const due = timer.phase === 'ack' ? t.ackDueAt : t.doneDueAt;
  const dept = (await em.findOne(Department, { where: { id: t.departmentId! } }))?.name ?? '';
  const head = `第${t.id}号吹哨${t.urgency === 'urgent' ? '（紧急）' : ''}`;
  const cmd = timer.phase === 'ack' ? `/报到 ${t.id}` : `/办结 ${t.id} 处理结果`;
  let sent = 0;
  const send = async (to: Address, body: OutgoingBody | string) => {
    await enqueue(em, to, typeof body === 'string' ? { kind: 'text', text: body } : body, {
      dedupeKey: `whistle:timer:${timer.id}:${sent++}`, notBefore: now, now,
    });
  };
  const adminGroups = await em.find(ChatGroup, { where: { kind: 'admin' } });
  const bound = await em.find(ChatGroup, { where: { kind: 'department', departmentId: t.departmentId! } });
  // A department with no bound group would never hear it; the street admins do instead.
  const deptGroups = bound.length ? bound : adminGroups;
  const unbound = bound.length ? '' : `（${dept}未绑定工作群，转告管理组）`;
  const problem = `问题：${t.text.slice(0, 60)}`;
  switch (timer.step) {
    case 'warn':
      for (const g of deptGroups) await send(groupAddress(g), `⏰ ${head}${unbound}将于${when(due!)}到${phase}时限，请尽快${phase}：${cmd}\n${problem}`);
      break;
    case 'group':
      for (const g of deptGroups) await send(groupAddress(g), `⚠️ ${head}${unbound}已超过${phase}时限（${when(due!)}），请立即${phase}：${cmd}\n${problem}`);
      break;
    case 'leader': {
      const leader = await desk.leaderOf(em, t.departmentId!);
      if (leader) {
        await send(memberAddress(leader), `⚠️ ${dept}${head}超过${phase}时限（${when(due!)}）仍未${phase}，请督促处理。\n${problem}`);
      } else {
        for (const g of adminGroups) await send(groupAddress(g), `⚠️ ${dept}${head}超时未${phase}，该部门未设负责人，无法提醒。设置：/职责 负责人 ${dept} 成员`);
      }
      break;
    }
    case 'admin':
      for (const g of adminGroups) await send(groupAddress(g), `🚨 ${dept}${head}超过${phase}时限（${when(due!)}）仍未${phase}，已提醒部门群和负责人，请街道协调督办。\n${problem}`);
      break;
  }
  await em.save(em.create(WhistleEvent, {
    ticketId: t.id, at: now, actorId: null, action: timer.step === 'warn' ? 'warn' : 'escalate', departmentId: t.departmentId,
    toDepartmentId: null, onTime: null, note: `${timer.phase}:${timer.step}`,
  }));
}
