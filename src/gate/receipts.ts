import { In } from 'typeorm';
import { Community, Department, Incident, Notice, NoticeDelivery, NoticeReceipt } from '../../entities';
import { insertLater } from '../db-statements';
import { communityById } from '../directory/lookup';
import { answer, type Port } from '../unit';
import { assessNotice } from './assess';
import { VERDICT_LABELS } from './gate';
import type { NoticeDesk } from './notice-desk';
import { formatWhen } from './rules/time-format';

/** 收到 / 完成 from a community the notice reached. */
export async function recordReceipt(port: Port, n: Notice, communityId: number, kind: 'received' | 'done'): Promise<void> {
  // Whether it reached the community and what the community already said, in one read.
  const rows: { k: string; v: string }[] = await port.em.query(
    `SELECT 'd' AS k, status AS v FROM notice_delivery WHERE noticeId = ? AND communityId = ?
     UNION ALL SELECT 'r', kind FROM notice_receipt WHERE noticeId = ? AND communityId = ?`,
    [n.id, communityId, n.id, communityId],
  );
  if (!rows.some((r) => r.k === 'd' && REACHED.includes(r.v))) {
    await answer(port, `第${n.id}号通知没有发给你的社区。`);
    return;
  }
  const community = await communityById(port.em, communityId);
  if (!community) throw new Error(`社区 ${communityId} 不存在`);
  const have = new Set(rows.filter((r) => r.k === 'r').map((r) => r.v));
  const fresh = (kind === 'done' ? ['received', 'done'] : ['received']).filter((k) => !have.has(k));
  // Nobody reads the new rows back: they go with the transaction's next statement (a second
  // worker's 收到 at the same moment fails its batch on the unique key, which is then retried alone).
  await insertLater(port.em, NoticeReceipt, fresh.map((k) => ({ noticeId: n.id, communityId, memberId: port.actor.id, kind: k, at: port.now })));
  const label = kind === 'done' ? '完成' : '收到';
  await answer(port, fresh.includes(kind) ? `已登记：${community.name}${label}第${n.id}号通知。` : `${community.name}已登记过${label}第${n.id}号通知。`);
}

/** Delivery states in which the notice reached (or is reaching) the community's group. */
const REACHED = ['queued', 'sent', 'parked'];

const DELIVERY_LABEL: Record<string, string> = { pending: '待送达', queued: '发送中', parked: '未送达' };

/** Who received, who finished, and which groups the platform never accepted the notice for. */
export async function progressText(port: Port, n: Notice): Promise<string> {
  const deliveries = await port.em.find(NoticeDelivery, { where: { noticeId: n.id } });
  const ids = [...new Set(deliveries.filter((d) => d.status !== 'cancelled').map((d) => d.communityId).filter((x): x is number => x !== null))];
  if (!ids.length) return `第${n.id}号通知状态：${VERDICT_LABELS[n.status as keyof typeof VERDICT_LABELS] ?? n.status}，尚未发往任何社区。`;
  const receipts = await port.em.find(NoticeReceipt, { where: { noticeId: n.id } });
  const communities = await port.em.find(Community, { where: { id: In(ids) }, order: { id: 'ASC' } });
  const done: string[] = [];
  const got: string[] = [];
  const none: string[] = [];
  const notArrived: string[] = [];
  for (const c of communities) {
    const mine = deliveries.filter((d) => d.communityId === c.id && d.status !== 'cancelled');
    const has = (k: string) => receipts.some((r) => r.communityId === c.id && r.kind === k);
    if (has('done')) done.push(c.name);
    else if (has('received')) got.push(c.name);
    else if (mine.some((d) => d.status === 'sent')) none.push(c.name);
    else notArrived.push(`${c.name}（${DELIVERY_LABEL[mine[0]?.status ?? 'pending']}）`);
  }
  const passed = n.deadline && n.deadline.getTime() <= port.now.getTime();
  const deadline = n.deadline ? `（${passed ? '已于' : ''}${formatWhen(n.deadline, port.now)}截止）` : '';
  return [
    `第${n.id}号通知进度${deadline}：`,
    `已完成（${done.length}）：${done.join('、') || '无'}`,
    `已收到（${got.length}）：${got.join('、') || '无'}`,
    `已送达未回复（${none.length}）：${none.join('、') || '无'}`,
    ...(notArrived.length ? [`尚未送达（${notArrived.length}）：${notArrived.join('、')}`] : []),
    ...(passed && none.length + got.length ? ['截止时间已过，不再提醒。'] : []),
  ].join('\n');
}

/** A community worker asks "is this notice OK?" about one that reached them without the bot. */
export async function assessReceived(port: Port, desk: NoticeDesk, text: string): Promise<void> {
  const deps = await desk.deps(port.em);
  const dept = (await port.em.find(Department)).find((d) => text.includes(d.name));
  const r = assessNotice(text, port.now, deps);
  await port.em.save(port.em.create(Incident, {
    at: port.now, departmentName: dept?.name ?? '', text: text.slice(0, 4000),
    findings: r.findings.map((f) => ({ ruleId: f.ruleId, outcome: f.outcome, reason: f.reason })),
  }));
  const problems = r.findings.filter((f) => f.outcome === 'hold' || f.outcome === 'approval');
  const lines = problems.length
    ? [`发现${problems.length}处不合规：`, ...problems.map((f) => `✗【${f.ruleName}】${f.reason}`)]
    : ['未发现不合规之处。'];
  lines.push(`已匿名记录${dept ? `（${dept.name}）` : ''}，用于减负监测，不记录你的身份。`);
  await answer(port, lines.join('\n'));
}
