import type { OutgoingBody } from '../../bots/types';
import type { WhistleTicket } from '../../entities';
import { localParts } from '../calendar/time';

export const STATUS_LABELS: Record<string, string> = {
  dispatch: '待分派', pending: '待报到', reported: '已报到', handling: '处置中', done: '已办结', rated: '已评价', suspended: '挂起',
};

export const PHASE_LABELS = { ack: '报到', done: '办结' } as const;

/** 11月23日 11:15 in Beijing time. */
export function when(at: Date): string {
  const p = localParts(at);
  return `${p.month}月${p.day}日 ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

export function urgencyLabel(t: WhistleTicket): string {
  return t.urgency === 'urgent' ? `紧急${t.urgentReason ? `（${t.urgentReason}）` : ''}` : '一般';
}

export interface CardFacts {
  reporter: string;
  department: string;
}

/** The card a department group gets for a ticket it owns. */
export function departmentCard(t: WhistleTicket, f: CardFacts, heading: string): OutgoingBody {
  const lines = [
    `问题：${t.text}`,
    ...(t.location ? [`地点：${t.location}`] : []),
    ...(t.photos.length ? [`照片：${t.photos.length}张`] : []),
    `上报：${f.reporter}`,
    `紧急程度：${urgencyLabel(t)}`,
    ...(t.routeReason ? [`分派依据：${t.routeReason}`] : []),
    ...(t.ackDueAt && t.status === 'pending' ? [`报到时限：${when(t.ackDueAt)}`] : []),
    ...(t.doneDueAt ? [`办结时限：${when(t.doneDueAt)}`] : []),
  ];
  return {
    kind: 'card',
    title: `【第${t.id}号吹哨】${t.urgency === 'urgent' ? '紧急 · ' : ''}${heading}`,
    body: lines.join('\n'),
    buttons: [
      { label: '报到', command: `/报到 ${t.id}` },
      { label: '退回', command: `/退回 ${t.id} 不属于本部门职责` },
      { label: '详情', command: `/工单 ${t.id}` },
    ],
  };
}

/** The dispatcher's card: the router was not sure, or the department sent it back. */
export function dispatchCard(t: WhistleTicket, reporter: string, why: string, choices: string[]): OutgoingBody {
  return {
    kind: 'card',
    title: `【第${t.id}号吹哨】待分派${t.urgency === 'urgent' ? ' · 紧急' : ''}`,
    body: [`问题：${t.text}`, ...(t.location ? [`地点：${t.location}`] : []), `上报：${reporter}`, why,
      `请选择承办部门，或发送 /分派 ${t.id} 部门。`].join('\n'),
    buttons: choices.map((d) => ({ label: d, command: `/分派 ${t.id} ${d}` })),
  };
}

/** Sent to the reporter when the department says it is done. */
export function ratingCard(t: WhistleTicket, department: string): OutgoingBody {
  return {
    kind: 'card',
    title: `【第${t.id}号吹哨】已办结`,
    body: `${department}：${t.result ?? ''}\n请评价处理结果。`,
    buttons: ['满意', '基本满意', '不满意'].map((r) => ({ label: r, command: `/评价 ${t.id} ${r}` })),
  };
}
