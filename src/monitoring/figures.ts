import { Between, EntityManager, In } from 'typeorm';
import { ChatGroup, Community, Department, GateDecision, Incident, Notice, NoticeDelivery } from '../../entities';
import { Complaint } from '../../entities/complaint';
import { WorkChannel } from '../../entities/work-channel';
import { localParts } from '../calendar/time';
import type { WorkCalendar } from '../calendar/work-calendar';
import type { Services } from '../unit';
import { classifyNotice, countRequestedFields, NOTICE_CLASSES, type NoticeClass } from './classify';
import type { Period } from './period';
import type { MonitoringSettings } from './settings';

export type ClassCounts = Record<NoticeClass, number>;
const zeroClasses = (): ClassCounts => Object.fromEntries(NOTICE_CLASSES.map((c) => [c, 0])) as ClassCounts;

export interface DepartmentFigures {
  name: string;
  notices: number;
  urgent: number;
  fields: number;
  offHours: number;
  held: number;
  cancelledActivities: number;
  score: number;
  classes: ClassCounts;
}

export interface CommunityFigures {
  name: string;
  /** Distinct notices delivered to its groups in the period. */
  received: number;
  classes: ClassCounts;
  channels: { groups: number; apps: number; added: { name: string; kind: string; department: string }[] };
}

export interface NoticeRow {
  id: number;
  createdAt: Date;
  department: string;
  cls: NoticeClass;
  status: string;
  communities: number;
  fields: number;
  urgent: boolean;
  offHours: boolean;
  heldBy: string[];
  queued: boolean;
  emergency: boolean;
  /** The gate found it organises an evaluation on the cancelled list. */
  cancelledActivity: boolean;
  text: string;
}

export interface SavedItem {
  label: string;
  count: number;
  minutesEach: number;
}

/**
 * One department's whistle tickets, as the whistle desk's service 'whistle.figures' reports them
 * (byDepartment(em, from, to)). Read by shape, not by import: without that unit the report says 暂无.
 */
export interface WhistleRow {
  department: string;
  received: number;
  reported: number;
  reportedOnTime: number;
  done: number;
  doneOnTime: number;
  rated: number;
  satisfied: number;
  basicallySatisfied: number;
  returns: number;
}

const WHISTLE_COUNTS = ['received', 'reported', 'reportedOnTime', 'done', 'doneOnTime', 'rated', 'satisfied', 'basicallySatisfied', 'returns'] as const;

/** Keeps rows that look like whistle figures; anything else is ignored rather than shown wrong. */
export function whistleRows(raw: unknown): WhistleRow[] | null {
  if (!Array.isArray(raw)) return null;
  const rows = raw.filter((r): r is WhistleRow => typeof r === 'object' && r !== null && typeof (r as WhistleRow).department === 'string'
    && WHISTLE_COUNTS.every((k) => typeof (r as unknown as Record<string, unknown>)[k] === 'number'));
  return rows.length ? rows.map((r) => ({ department: r.department, ...Object.fromEntries(WHISTLE_COUNTS.map((k) => [k, r[k]])) }) as WhistleRow) : null;
}

/** 满意 and 基本满意 among rated tickets, in whole percent. */
export const satisfaction = (w: WhistleRow): number => Math.round((100 * (w.satisfied + w.basicallySatisfied)) / w.rated);

/** What the ledger may offer as service 'ledger.figures' (avoided(em, from, to)); other shapes are ignored. */
export interface LedgerFigures {
  entriesAvoided: number;
  answeredFromLedger: number;
}

export interface Figures {
  period: Period;
  received: number;
  passed: number;
  held: number;
  heldByRule: { rule: string; count: number }[];
  pendingApproval: number;
  rejected: number;
  withdrawn: number;
  queuedOffHours: number;
  /** Deliveries that went out inside a digest with others: messages a group did not get. */
  merged: number;
  emergencies: number;
  cancelledActivities: number;
  departments: DepartmentFigures[];
  communities: CommunityFigures[];
  daily: { date: string; received: number; passed: number; held: number }[];
  /** Notices posted, [ISO weekday − 1][hour]. */
  heat: number[][];
  saved: { items: SavedItem[]; hours: number };
  incidents: { department: string; count: number }[];
  complaints: { filed: number; open: number };
  ledger: LedgerFigures | null;
  whistle: WhistleRow[] | null;
  rows: NoticeRow[];
}

export interface FigureDeps {
  cal: WorkCalendar;
  settings: MonitoringSettings;
  services: Services;
}

const STOPPED = new Set(['held', 'pending_approval']);

/** A notice is urgent when it leaves less than one working day, or jumped the queue as an emergency. */
function isUrgent(n: Notice, cal: WorkCalendar): boolean {
  if (n.emergencyCategory) return true;
  if (!n.deadline) return false;
  return cal.workingMinutesBetween(n.createdAt, n.deadline) < cal.endMinutes - cal.startMinutes;
}

async function optional<T>(services: Services, name: string, method: string, ...args: unknown[]): Promise<T | null> {
  if (!services.has(name)) return null;
  const svc = services.get<Record<string, unknown>>(name);
  const fn = svc?.[method];
  if (typeof fn !== 'function') return null;
  return (await (fn as (...a: unknown[]) => Promise<T>).apply(svc, args)) ?? null;
}

/**
 * Every figure of a report, computed from the stored rows only: notices and the gate's decisions
 * about them, deliveries, incidents, complaints and the channel register. The same object feeds
 * the chat report, the chart, the xlsx and the dashboard, so they cannot disagree.
 */
export async function computeFigures(em: EntityManager, period: Period, deps: FigureDeps): Promise<Figures> {
  const { cal, settings } = deps;
  const range = Between(period.from, new Date(period.to.getTime() - 1));
  const notices = await em.find(Notice, { where: { createdAt: range }, order: { id: 'ASC' } });
  const ids = notices.map((n) => n.id);
  const decisions = ids.length ? await em.find(GateDecision, { where: { noticeId: In(ids) }, order: { id: 'ASC' } }) : [];
  const depts = new Map((await em.find(Department)).map((d) => [d.id, d.name]));
  const communities = await em.find(Community, { order: { id: 'ASC' } });
  const byNotice = new Map<number, GateDecision[]>();
  for (const d of decisions) byNotice.set(d.noticeId!, [...(byNotice.get(d.noticeId!) ?? []), d]);

  const rows: NoticeRow[] = notices.map((n) => {
    const ds = byNotice.get(n.id) ?? [];
    const findings = ds.flatMap((d) => d.findings);
    const stopped = ds.some((d) => STOPPED.has(d.verdict));
    const heldBy = stopped ? [...new Set(findings.filter((f) => f.outcome === 'hold' || f.outcome === 'approval').map((f) => f.ruleName))] : [];
    return {
      id: n.id, createdAt: n.createdAt, department: n.departmentId ? depts.get(n.departmentId) ?? '（已删除部门）' : '街道管理组',
      cls: classifyNotice(n.text), status: n.status,
      communities: n.targets.all ? communities.length : n.targets.communityIds.length,
      fields: countRequestedFields(n.text), urgent: isUrgent(n, cal), offHours: !cal.isWorkingTime(n.createdAt),
      heldBy: stopped && !heldBy.length ? ['其他'] : heldBy,
      queued: findings.some((f) => f.ruleId === 'quiet_time' && f.outcome === 'defer'),
      emergency: findings.some((f) => f.ruleId === 'emergency' && f.outcome === 'warn'),
      cancelledActivity: findings.some((f) => f.ruleId === 'cancelled_evaluation' && f.outcome !== 'pass'),
      text: n.text,
    };
  });

  const w = settings.scoreWeights;
  const deptMap = new Map<string, DepartmentFigures>();
  for (const r of rows) {
    const d = deptMap.get(r.department) ?? { name: r.department, notices: 0, urgent: 0, fields: 0, offHours: 0, held: 0, cancelledActivities: 0, score: 0, classes: zeroClasses() };
    d.notices++;
    d.urgent += Number(r.urgent);
    d.fields += r.fields;
    d.offHours += Number(r.offHours);
    d.held += Number(r.heldBy.length > 0);
    d.cancelledActivities += Number(r.cancelledActivity);
    d.classes[r.cls]++;
    deptMap.set(r.department, d);
  }
  for (const d of deptMap.values()) {
    d.score = Math.round((w.notice * d.notices + w.urgent * d.urgent + w.field * d.fields + w.offHours * d.offHours) * 10) / 10;
  }
  const departments = [...deptMap.values()].sort((a, b) => b.score - a.score || b.notices - a.notices || a.name.localeCompare(b.name));

  const ruleCounts = new Map<string, number>();
  for (const r of rows) for (const rule of r.heldBy) ruleCounts.set(rule, (ruleCounts.get(rule) ?? 0) + 1);

  const delivered = await em.find(NoticeDelivery, { where: { status: 'sent', sentAt: range } });
  const deliveredNotices = new Map((delivered.length ? await em.find(Notice, { where: { id: In([...new Set(delivered.map((d) => d.noticeId))]) } }) : []).map((n) => [n.id, n]));
  const channels = await em.find(WorkChannel, { order: { id: 'ASC' } });
  const communityFigures: CommunityFigures[] = communities.map((c) => {
    const seen = new Set(delivered.filter((d) => d.communityId === c.id).map((d) => d.noticeId));
    const classes = zeroClasses();
    for (const id of seen) {
      const n = deliveredNotices.get(id);
      if (n) classes[classifyNotice(n.text)]++;
    }
    const mine = channels.filter((ch) => ch.communityId === null || ch.communityId === c.id);
    return {
      name: c.name, received: seen.size, classes,
      channels: {
        groups: mine.filter((ch) => ch.kind === 'group').length,
        apps: mine.filter((ch) => ch.kind === 'app').length,
        added: mine.filter((ch) => ch.createdAt >= period.from && ch.createdAt < period.to)
          .map((ch) => ({ name: ch.name, kind: ch.kind, department: ch.departmentName })),
      },
    };
  });

  const daily = period.days.map((date) => {
    const today = rows.filter((r) => cal.localDate(r.createdAt) === date);
    return { date, received: today.length, passed: today.filter((r) => r.status === 'sent' || r.status === 'scheduled').length, held: today.filter((r) => r.heldBy.length).length };
  });
  const heat = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of rows) {
    const p = localParts(r.createdAt);
    heat[p.weekday - 1][p.hour]++;
  }

  // Hours saved: each avoided item times the configured minutes, per community it would have reached.
  const m = settings.minutesSaved;
  const neverSent = rows.filter((r) => r.heldBy.length && ['held', 'rejected', 'withdrawn'].includes(r.status));
  const fixedFirst = rows.filter((r) => r.heldBy.length && (r.status === 'sent' || r.status === 'scheduled'));
  const rawLedger = await optional<Partial<LedgerFigures>>(deps.services, 'ledger.figures', 'avoided', em, period.from, period.to);
  const ledger = typeof rawLedger?.entriesAvoided === 'number' && typeof rawLedger.answeredFromLedger === 'number'
    ? { entriesAvoided: rawLedger.entriesAvoided, answeredFromLedger: rawLedger.answeredFromLedger } : null;
  const items: SavedItem[] = [
    { label: '拦下未发出的通知（×社区数）', count: neverSent.reduce((s, r) => s + r.communities, 0), minutesEach: m.notice },
    { label: '修改后才发出、免于重发更正的通知（×社区数）', count: fixedFirst.reduce((s, r) => s + r.communities, 0), minutesEach: m.resubmission },
    { label: '顺延到上班时间的通知（×社区数）', count: rows.filter((r) => r.queued).reduce((s, r) => s + r.communities, 0), minutesEach: m.offHours },
  ];
  if (ledger) items.push({ label: '台账已有、免于重复填报的数据项', count: ledger.entriesAvoided, minutesEach: m.entry });
  const hours = Math.round(items.reduce((s, i) => s + i.count * i.minutesEach, 0) / 6) / 10;

  const perMessage = new Map<number, number>();
  for (const d of delivered) if (d.outboxId !== null) perMessage.set(d.outboxId, (perMessage.get(d.outboxId) ?? 0) + 1);
  const merged = [...perMessage.values()].reduce((sum, n) => sum + n - 1, 0);

  const incidents = await em.find(Incident, { where: { at: range } });
  const incidentMap = new Map<string, number>();
  for (const i of incidents) incidentMap.set(i.departmentName || '未注明', (incidentMap.get(i.departmentName || '未注明') ?? 0) + 1);
  const complaints = await em.find(Complaint, { where: { day: Between(period.days[0], period.days[period.days.length - 1]) } });

  return {
    period,
    received: rows.length,
    passed: rows.filter((r) => r.status === 'sent' || r.status === 'scheduled').length,
    held: rows.filter((r) => r.heldBy.length).length,
    heldByRule: [...ruleCounts].map(([rule, count]) => ({ rule, count })).sort((a, b) => b.count - a.count),
    pendingApproval: rows.filter((r) => r.status === 'pending_approval').length,
    rejected: rows.filter((r) => r.status === 'rejected').length,
    withdrawn: rows.filter((r) => r.status === 'withdrawn').length,
    queuedOffHours: rows.filter((r) => r.queued).length,
    merged,
    emergencies: rows.filter((r) => r.emergency).length,
    cancelledActivities: rows.filter((r) => r.cancelledActivity).length,
    departments,
    communities: communityFigures,
    daily,
    heat,
    saved: { items, hours },
    incidents: [...incidentMap].map(([department, count]) => ({ department, count })),
    complaints: { filed: complaints.length, open: complaints.filter((c) => c.status !== 'closed').length },
    ledger,
    whistle: whistleRows(await optional<unknown>(deps.services, 'whistle.figures', 'byDepartment', em, period.from, period.to)),
    rows,
  };
}

/** Groups bound for a kind (admin, supervision), for pushing reports. */
export function groupsOfKind(em: EntityManager, kind: 'admin' | 'supervision'): Promise<ChatGroup[]> {
  return em.find(ChatGroup, { where: { kind }, order: { id: 'ASC' } });
}
