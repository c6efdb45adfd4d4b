import type { WorkCalendar } from '../calendar/work-calendar';
import type { AdmissionList } from './admission';
import type { FormalismPatterns } from './formalism';
import { RULES } from './rules';
import { emergencyCategories } from './rules/emergency';
import type { Finding, GateInput } from './rules/types';
import type { RuleState } from './settings';

export type Verdict = 'sent' | 'scheduled' | 'held' | 'pending_approval';

export const VERDICT_LABELS: Record<Verdict, string> = {
  sent: '已发送',
  scheduled: '定时发送',
  held: '退回修改',
  pending_approval: '待审批',
};

export interface GateResult {
  verdict: Verdict;
  findings: Finding[];
  deliverAt: Date;
  proposedDeadline: Date | null;
  emergencyAccepted: boolean;
}

export interface GateDeps {
  cal: WorkCalendar;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  states: Map<string, RuleState>;
}

/** When a notice posted now would reach the groups, given quiet time. */
export function deliveryTime(deps: GateDeps, postedAt: Date, emergencyAccepted: boolean): Date {
  const quiet = deps.states.get('quiet_time');
  if (emergencyAccepted || quiet?.enabled === false) return postedAt;
  return deps.cal.nextWorkingStart(postedAt);
}

export function emergencyAccepted(deps: GateDeps, e: GateInput['emergency']): boolean {
  const s = deps.states.get('emergency');
  return !!e && s?.enabled !== false && emergencyCategories(s?.value).includes(e.category) && e.reason.trim().length > 0;
}

/** The strictest outcome among the findings decides. */
export function verdictOf(findings: Finding[]): Verdict {
  const has = (o: Finding['outcome']) => findings.some((f) => f.outcome === o);
  return has('hold') ? 'held' : has('approval') ? 'pending_approval' : has('defer') ? 'scheduled' : 'sent';
}

/** Runs every enabled rule and folds the findings into one verdict. */
export function judge(input: Omit<GateInput, 'deliverAt'>, deps: GateDeps): GateResult {
  const accepted = emergencyAccepted(deps, input.emergency);
  const deliverAt = deliveryTime(deps, input.postedAt, accepted);
  const n: GateInput = { ...input, deliverAt };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const state = deps.states.get(rule.id);
    if (state?.enabled === false) continue;
    const f = rule.check(n, { cal: deps.cal, value: state?.value, admission: deps.admission, formalism: deps.formalism, emergencyAccepted: accepted });
    if (f) findings.push(f);
  }
  const verdict = verdictOf(findings);
  const proposals = findings.map((f) => f.proposedDeadline).filter((d): d is Date => !!d);
  const proposedDeadline = proposals.length ? new Date(Math.max(...proposals.map((d) => d.getTime()))) : null;
  return { verdict, findings, deliverAt, proposedDeadline, emergencyAccepted: accepted };
}
