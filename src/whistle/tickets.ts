import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { OutgoingBody } from '../../bots/types';
import { ChatGroup, Department, Member, WhistleDepartment, WhistleEvent, WhistleTicket, WhistleTimer } from '../../entities';
import type { CalendarService } from '../calendar/calendar-service';
import { insertRow } from '../db-dialect';
import { insertLater } from '../db-statements';
import { lookup } from '../db-lookups';
import { communityById, findDepartment } from '../directory/lookup';
import { maskPersonalData } from '../privacy/pii';
import type { Address } from '../outbox/outbox';
import type { Port } from '../unit';
import { DutyBook, lesson } from './duties';
import { departmentCard, dispatchCard, ratingCard, STATUS_LABELS, urgencyLabel, when } from './format';
import type { RouteResult } from './routing';
import { Phase, SlaClock } from './sla';
import type { DepartmentsFile, DeskSettings } from './settings';

/** A refusal the person sees as the reply; nothing was changed. */
export class Refusal extends Error {}

export interface BlowInput {
  text: string;
  urgency: 'urgent' | 'normal' | null;
  location: string;
  photos: string[];
  communityId: number | null;
  from: Address;
}

export const RATINGS = ['满意', '基本满意', '不满意'] as const;
const OPEN: string[] = ['pending', 'reported', 'handling'];

const groupAddress = (g: ChatGroup): Address => ({ platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' });
export const memberAddress = (m: Member): Address => ({ platform: m.platform, botId: m.botId, chatId: m.externalId, chatType: 'direct' });
const ticketAddress = (t: WhistleTicket): Address => ({ platform: t.platform, botId: t.botId, chatId: t.chatId, chatType: t.chatType as Address['chatType'] });

/**
 * The whistle desk (吹哨报到): takes a community worker's report, routes it to the department that owns
 * it, and keeps the ticket's life (报到, 办结, 转派, 退回, 挂起, 评价) with its time limits.
 * Every method takes a Port, so chat, CLI and tests drive the same code.
 */
export class WhistleDesk {
  readonly duties: DutyBook;
  /** Each loaded ticket's lesson(), to tell at save() whether the router's history changed. */
  private readonly lessons = new WeakMap<WhistleTicket, string>();

  constructor(readonly settings: DeskSettings, file: DepartmentsFile, private readonly calendar: CalendarService) {
    this.duties = new DutyBook(file);
  }

  get sla(): SlaClock {
    return new SlaClock(this.settings, this.calendar.cal);
  }

  async route(em: EntityManager, now: Date, text: string): Promise<RouteResult> {
    return (await this.duties.router(em, now)).route(text);
  }

  /* ---------- lookups ---------- */

  async ticket(em: EntityManager, raw: string): Promise<WhistleTicket> {
    const id = Number(String(raw).replace(/^[#第]/, '').replace(/号$/, ''));
    const t = Number.isInteger(id) && id > 0 ? await em.findOne(WhistleTicket, { where: { id } }) : null;
    if (!t) throw new Refusal(`没有第${raw}号吹哨工单。`);
    this.lessons.set(t, lesson(t));
    return t;
  }

  private async deptName(em: EntityManager, id: number | null): Promise<string> {
    if (id === null) return '调度（待分派）';
    return (await em.findOne(Department, { where: { id } }))?.name ?? `部门${id}`;
  }

  private async reporterLabel(em: EntityManager, t: WhistleTicket, actor?: Member): Promise<string> {
    const m = actor?.id === t.reporterId ? actor : await em.findOne(Member, { where: { id: t.reporterId } });
    const c = t.communityId ? await communityById(em, t.communityId) : null;
    return [c?.name, m?.name].filter(Boolean).join(' ') || '未知';
  }

  private async deskDepartment(em: EntityManager, now: Date, name: string): Promise<Department> {
    const found = await findDepartment(em, name);
    if (!found.ok) throw new Refusal(found.message);
    const on = (await this.duties.list(em, now)).some((d) => d.department.id === found.value.id);
    if (!on) throw new Refusal(`${found.value.name}未登记吹哨职责，请管理员先用 /职责 添加。`);
    return found.value;
  }

  private async event(port: Port, t: WhistleTicket, action: string, extra: Partial<WhistleEvent> = {}): Promise<void> {
    await insertLater(port.em, WhistleEvent, [eventRow(port, t, action, extra)]);
  }

  private async save(port: Port, t: WhistleTicket): Promise<void> {
    t.updatedAt = port.now;
    await port.em.save(t);
    if (this.lessons.get(t) !== lesson(t)) await this.duties.historyChanged(port.em);
    this.lessons.set(t, lesson(t));
  }

  private async toGroups(port: Port, where: { kind: ChatGroup['kind']; departmentId?: number }, body: OutgoingBody | string): Promise<number> {
    const groups = await lookup(port.em, `groups:${where.kind}:${where.departmentId ?? ''}`, () => port.em.find(ChatGroup, { where }));
    for (const g of groups) await port.send(groupAddress(g), body);
    return groups.length;
  }

  /** `department`: its name when the caller has it (a fresh report was just routed to it by name). */
  private async toDepartment(port: Port, t: WhistleTicket, heading: string, department?: string): Promise<number> {
    const card = departmentCard(t, { reporter: await this.reporterLabel(port.em, t, port.actor), department: department ?? await this.deptName(port.em, t.departmentId) }, heading);
    return this.toGroups(port, { kind: 'department', departmentId: t.departmentId! }, card);
  }

  private async toDispatcher(port: Port, t: WhistleTicket, why: string, choices: string[]): Promise<void> {
    const names = choices.length ? choices : (await this.duties.list(port.em, port.now)).slice(0, 3).map((d) => d.department.name);
    await this.toGroups(port, { kind: 'admin' }, dispatchCard(t, await this.reporterLabel(port.em, t, port.actor), why, names));
  }

  private async toReporter(port: Port, t: WhistleTicket, body: OutgoingBody | string): Promise<void> {
    if (port.actor.id === t.reporterId && port.actor.externalId === t.chatId) return;
    await port.send(ticketAddress(t), body);
  }

  /** Only the department that holds the ticket acts on it (报到, 办结, 挂起 …). */
  private mustHold(port: Port, t: WhistleTicket, what: string): void {
    if (t.departmentId === null || port.actor.departmentId !== t.departmentId) {
      throw new Refusal(`第${t.id}号吹哨不在你所在部门名下，不能${what}。`);
    }
  }

  private mustBe(t: WhistleTicket, statuses: string[], what: string): void {
    if (!statuses.includes(t.status)) throw new Refusal(`第${t.id}号吹哨当前${STATUS_LABELS[t.status]}，不能${what}。`);
  }

  /** Both clocks start for the department now holding the ticket. */
  private async startClocks(port: Port, t: WhistleTicket): Promise<void> {
    await this.sla.cancel(port.em, t.id);
    await this.sla.start(port.em, t, ['ack', 'done'], port.now);
  }

  /* ---------- lifecycle ---------- */

  async blow(port: Port, input: BlowInput): Promise<string> {
    // Phone and ID numbers in a report are kept masked: the department reaches people through the reporter.
    const text = maskPersonalData(input.text.trim());
    const location = maskPersonalData(input.location);
    if ([...text].length < 4) throw new Refusal('请写清楚问题，例如：/吹哨 人民路12号店铺烟感报警器损坏');
    const { router, departmentIds } = await this.duties.routing(port.em, port.now);
    const r = router.route(`${location} ${text}`);
    const urgent = input.urgency === 'urgent' || r.urgent !== null;
    const confident = r.confidence >= this.settings.confidenceThreshold;
    const deptId = confident ? departmentIds.get(r.department) : undefined;
    const dept = deptId === undefined ? null : { id: deptId, name: r.department };
    const t = port.em.create(WhistleTicket, {
      text: text.slice(0, 2000), location: location.slice(0, 128), urgency: urgent ? 'urgent' : 'normal',
      urgentReason: (input.urgency === 'urgent' && !r.urgent ? '报告人标注紧急' : r.urgent ?? '').slice(0, 32),
      status: dept ? 'pending' : 'dispatch', heldFrom: '', departmentId: dept?.id ?? null, reporterId: port.actor.id,
      communityId: input.communityId, platform: String(input.from.platform), botId: input.from.botId, chatId: input.from.chatId,
      chatType: input.from.chatType, photos: input.photos, confidence: Math.round(r.confidence * 100), routeReason: r.reason.slice(0, 255),
      top3: r.top3, corrected: false, result: null, rating: '', ratingNote: '', ackDueAt: null, doneDueAt: null,
      reportedAt: null, doneAt: null, createdAt: port.now, updatedAt: port.now,
    });
    // Its limits go into the one INSERT; its clocks follow once it has an id.
    const timers = dept ? this.sla.timers(t, ['ack', 'done'], port.now) : [];
    t.id = await insertRow(port.em, WhistleTicket, t);
    // Its event, its audit record and its clocks wait for the transaction's next statement (db-carry).
    await this.event(port, t, 'create', { note: `${r.department} ${Math.round(r.confidence * 100)}%：${r.reason}` });
    await port.audit({ action: 'whistle.create', entity: 'whistle_ticket', entityId: t.id, after: { department: r.department, confidence: r.confidence, urgency: t.urgency } });
    await insertLater(port.em, WhistleTimer, timers.map((row) => ({ ...row, ticketId: t.id })));
    const level = urgencyLabel(t);
    if (!dept) {
      await this.toDispatcher(port, t, `系统无法确定承办部门（最可能：${r.top3.map((c) => `${c.department}${Math.round(c.score * 100)}%`).join('、')}）。`, r.top3.map((c) => c.department));
      return `已受理第${t.id}号吹哨（${level}）。暂不能确定承办部门（最可能是${r.department}，把握${t.confidence}%），已请街道调度分派，分派后告诉你。`;
    }
    const groups = await this.toDepartment(port, t, dept.name, dept.name);
    return [
      `已受理第${t.id}号吹哨（${level}），分派给${dept.name}。`,
      `理由：${r.reason}（把握${t.confidence}%）。`,
      `报到时限：${when(t.ackDueAt!)}；办结时限：${when(t.doneDueAt!)}。`,
      ...(groups ? [] : [`注意：${dept.name}尚未绑定工作群，请管理员在其群内发送 /绑定 部门 ${dept.name}。`]),
    ].join('\n');
  }

  /** 报到: the department takes the ticket. */
  async report(port: Port, raw: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustHold(port, t, '报到');
    this.mustBe(t, ['pending'], '报到');
    const onTime = !t.ackDueAt || port.now.getTime() <= t.ackDueAt.getTime();
    t.status = 'reported';
    t.reportedAt = port.now;
    await this.sla.cancel(port.em, t.id, ['ack']);
    await this.save(port, t);
    await this.event(port, t, 'report', { onTime });
    const dept = await this.deptName(port.em, t.departmentId);
    await this.toReporter(port, t, `第${t.id}号吹哨：${dept}已报到（${port.actor.name}），正在处理。`);
    return `${dept}已报到第${t.id}号吹哨${onTime ? '' : '（已超时）'}。请在${when(t.doneDueAt!)}前办结：/办结 ${t.id} 处理结果`;
  }

  /** 处置: progress while working on it. */
  async progress(port: Port, raw: string, note: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustHold(port, t, '登记处置');
    this.mustBe(t, ['reported', 'handling'], '登记处置（请先报到）');
    t.status = 'handling';
    await this.save(port, t);
    await this.event(port, t, 'progress', { note });
    await this.toReporter(port, t, `第${t.id}号吹哨处置进展：${note}`);
    return `已登记第${t.id}号吹哨处置进展。`;
  }

  async finish(port: Port, raw: string, result: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustHold(port, t, '办结');
    this.mustBe(t, ['reported', 'handling'], '办结（请先报到）');
    const onTime = !t.doneDueAt || port.now.getTime() <= t.doneDueAt.getTime();
    t.status = 'done';
    t.doneAt = port.now;
    t.result = maskPersonalData(result).slice(0, 2000);
    await this.sla.cancel(port.em, t.id);
    await this.save(port, t);
    await this.event(port, t, 'done', { onTime, note: result });
    const dept = await this.deptName(port.em, t.departmentId);
    await this.toReporter(port, t, ratingCard(t, dept));
    return `第${t.id}号吹哨已办结${onTime ? '' : '（超时）'}，已请上报人评价。`;
  }

  /** 转派: the holder (or an admin) hands the ticket to the department that owns it; a correction for the router. */
  async transfer(port: Port, raw: string, target: string, reason: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    if (port.actor.role !== 'admin') this.mustHold(port, t, '转派');
    this.mustBe(t, [...OPEN, 'dispatch'], '转派');
    const to = await this.deskDepartment(port.em, port.now, target);
    if (to.id === t.departmentId) throw new Refusal(`第${t.id}号吹哨已在${to.name}名下。`);
    const from = t.departmentId;
    t.departmentId = to.id;
    t.status = 'pending';
    t.corrected = true;
    t.routeReason = maskPersonalData(`${await this.deptName(port.em, from)}转派：${reason}`).slice(0, 255);
    await this.startClocks(port, t);
    await this.save(port, t);
    await this.event(port, t, 'transfer', { departmentId: from, toDepartmentId: to.id, note: reason });
    await port.audit({ action: 'whistle.transfer', entity: 'whistle_ticket', entityId: t.id, before: { departmentId: from }, after: { departmentId: to.id }, note: reason.slice(0, 255) });
    await this.toDepartment(port, t, `${to.name}（转派）`);
    await this.toReporter(port, t, `第${t.id}号吹哨已转派给${to.name}。`);
    return `已将第${t.id}号吹哨转派给${to.name}。`;
  }

  /** 分派: the dispatcher picks the department. */
  async assign(port: Port, raw: string, target: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustBe(t, ['dispatch'], '分派');
    const to = await this.deskDepartment(port.em, port.now, target);
    t.departmentId = to.id;
    t.status = 'pending';
    t.corrected = true;
    t.routeReason = `街道调度分派（${port.actor.name}）`;
    await this.startClocks(port, t);
    await this.save(port, t);
    await this.event(port, t, 'assign', { toDepartmentId: to.id });
    await this.toDepartment(port, t, to.name);
    await this.toReporter(port, t, `第${t.id}号吹哨已分派给${to.name}。报到时限：${when(t.ackDueAt!)}。`);
    return `已将第${t.id}号吹哨分派给${to.name}。`;
  }

  /** 退回: not ours; back to the dispatcher. */
  async giveBack(port: Port, raw: string, reason: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustHold(port, t, '退回');
    this.mustBe(t, OPEN, '退回');
    const from = t.departmentId;
    const fromName = await this.deptName(port.em, from);
    t.departmentId = null;
    t.status = 'dispatch';
    await this.sla.cancel(port.em, t.id);
    await this.save(port, t);
    await this.event(port, t, 'return', { departmentId: from, note: reason });
    const choices = t.top3.map((c) => c.department).filter((d) => d !== fromName);
    await this.toDispatcher(port, t, `${fromName}退回：${reason}`, choices);
    return `已将第${t.id}号吹哨退回街道调度。`;
  }

  /** 挂起: waiting for the reporter; the clocks stop. */
  async suspend(port: Port, raw: string, reason: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    this.mustHold(port, t, '挂起');
    this.mustBe(t, OPEN, '挂起');
    t.heldFrom = t.status;
    t.status = 'suspended';
    await this.sla.pause(port.em, t, port.now);
    await this.save(port, t);
    await this.event(port, t, 'suspend', { note: reason });
    await this.toReporter(port, t, `第${t.id}号吹哨已挂起：${reason}\n补充后请发送 /恢复 ${t.id} 补充内容`);
    return `第${t.id}号吹哨已挂起，计时暂停。恢复：/恢复 ${t.id}`;
  }

  /** The reporter answered (or the department goes on): the clocks run again. */
  async resume(port: Port, raw: string, note: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    if (port.actor.id !== t.reporterId && port.actor.role !== 'admin') this.mustHold(port, t, '恢复');
    this.mustBe(t, ['suspended'], '恢复');
    t.status = (t.heldFrom || 'reported') as WhistleTicket['status'];
    t.heldFrom = '';
    await this.sla.resume(port.em, t, port.now);
    await this.save(port, t);
    await this.event(port, t, 'resume', { note });
    const msg = `第${t.id}号吹哨已恢复处理${note ? `，补充：${note}` : ''}。${t.doneDueAt ? `办结时限：${when(t.doneDueAt)}。` : ''}`;
    if (t.departmentId !== null && port.actor.departmentId !== t.departmentId) {
      await this.toGroups(port, { kind: 'department', departmentId: t.departmentId }, msg);
    }
    return msg;
  }

  async rate(port: Port, raw: string, rating: string, note: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    if (port.actor.id !== t.reporterId) throw new Refusal(`只有上报人可以评价第${t.id}号吹哨。`);
    this.mustBe(t, ['done'], '评价');
    t.rating = rating;
    t.ratingNote = maskPersonalData(note).slice(0, 255);
    await this.event(port, t, 'rate', { note: `${rating}${note ? `：${note}` : ''}` });
    const dept = await this.deptName(port.em, t.departmentId);
    if (rating !== '不满意') {
      t.status = 'rated';
      await this.save(port, t);
      return `已评价第${t.id}号吹哨：${rating}。工单已关闭，谢谢！`;
    }
    // 重开: back to the same department with a fresh 办结 limit.
    t.status = 'handling';
    t.doneAt = null;
    await this.sla.cancel(port.em, t.id);
    await this.sla.start(port.em, t, ['done'], port.now);
    await this.save(port, t);
    await this.event(port, t, 'reopen', { note });
    await this.toGroups(port, { kind: 'department', departmentId: t.departmentId! },
      `第${t.id}号吹哨上报人不满意，已重开：${note || '未说明'}\n请在${when(t.doneDueAt!)}前重新办结：/办结 ${t.id} 处理结果`);
    return `已记录不满意，第${t.id}号吹哨已重开，退回${dept}重新处理。`;
  }

  /* ---------- views ---------- */

  async show(port: Port, raw: string): Promise<string> {
    const t = await this.ticket(port.em, raw);
    const mayRead = port.actor.role === 'admin' || port.actor.id === t.reporterId
      || (port.actor.departmentId !== null && port.actor.departmentId === t.departmentId);
    if (!mayRead) throw new Refusal(`第${t.id}号吹哨不是你上报的，也不在你所在部门名下。`);
    const events = await port.em.find(WhistleEvent, { where: { ticketId: t.id }, order: { id: 'ASC' } });
    const steps = events.filter((e) => !['warn', 'escalate'].includes(e.action)).map((e) => `${when(e.at)} ${EVENT_LABELS[e.action] ?? e.action}${e.note ? `：${e.note}` : ''}`);
    return [
      `第${t.id}号吹哨（${urgencyLabel(t)}）：${STATUS_LABELS[t.status]}`,
      `承办：${await this.deptName(port.em, t.departmentId)}`,
      `问题：${t.text}`,
      ...(t.location ? [`地点：${t.location}`] : []),
      `上报：${await this.reporterLabel(port.em, t)}`,
      ...(t.ackDueAt && t.status === 'pending' ? [`报到时限：${when(t.ackDueAt)}`] : []),
      ...(t.doneDueAt && OPEN.includes(t.status) ? [`办结时限：${when(t.doneDueAt)}`] : []),
      ...(t.result ? [`结果：${t.result}`] : []),
      ...(t.rating ? [`评价：${t.rating}`] : []),
      '经过：', ...steps.map((s) => '  ' + s),
    ].join('\n');
  }

  private async listing(port: Port, tickets: WhistleTicket[], empty: string, title: string): Promise<string> {
    if (!tickets.length) return empty;
    const lines = await Promise.all(tickets.map(async (t) => {
      const due = t.status === 'pending' ? t.ackDueAt : OPEN.includes(t.status) ? t.doneDueAt : null;
      return `${t.id}. [${STATUS_LABELS[t.status]}]${t.urgency === 'urgent' ? '[紧急]' : ''} ${t.text.slice(0, 24)} — ${await this.deptName(port.em, t.departmentId)}${due ? `，时限${when(due)}` : ''}`;
    }));
    return `${title}（${tickets.length}件）：\n${lines.join('\n')}`;
  }

  async mine(port: Port): Promise<string> {
    const tickets = await port.em.find(WhistleTicket, { where: { reporterId: port.actor.id }, order: { id: 'DESC' }, take: 20 });
    return this.listing(port, tickets, '你还没有吹过哨。发送 /吹哨 问题描述 即可上报。', '我上报的吹哨');
  }

  async departmentOpen(port: Port): Promise<string> {
    if (port.actor.departmentId === null) throw new Refusal('你还不属于任何部门，请管理员用 /设置角色 设置。');
    const tickets = await port.em.find(WhistleTicket, {
      where: { departmentId: port.actor.departmentId, status: In([...OPEN, 'suspended', 'done']) }, order: { id: 'ASC' }, take: 50,
    });
    return this.listing(port, tickets, '本部门没有待办的吹哨工单。', `${await this.deptName(port.em, port.actor.departmentId)}的吹哨工单`);
  }

  /** Leader of a department (told in 1:1 when a limit is missed). */
  async leaderOf(em: EntityManager, departmentId: number): Promise<Member | null> {
    const d = await em.findOne(WhistleDepartment, { where: { departmentId } });
    return d?.leaderId ? em.findOne(Member, { where: { id: d.leaderId } }) : null;
  }

  phaseOpen(t: WhistleTicket, phase: Phase): boolean {
    return phase === 'ack' ? t.status === 'pending' : OPEN.includes(t.status);
  }
}

export const EVENT_LABELS: Record<string, string> = {
  create: '上报', assign: '分派', report: '报到', progress: '处置', done: '办结', transfer: '转派', return: '退回',
  suspend: '挂起', resume: '恢复', rate: '评价', reopen: '重开',
};

/** A ticket's event row, its note masked. */
function eventRow(port: Port, t: WhistleTicket, action: string, extra: Partial<WhistleEvent> = {}): Partial<WhistleEvent> {
  return {
    ticketId: t.id, at: port.now, actorId: port.actor.id, action, departmentId: t.departmentId, toDepartmentId: null, onTime: null, note: '',
    ...extra, ...(extra.note ? { note: maskPersonalData(extra.note).slice(0, 500) } : {}),
  };
}
