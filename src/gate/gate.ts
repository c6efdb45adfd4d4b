import type { WorkCalendar } from '../calendar/work-calendar';
import type { AdmissionList } from './admission';
import type { FormalismPatterns } from './formalism';
import { RULES } from './rules';
import type { AnyRule, Finding, GateInput, RuleContext } from './rules/types';
import type { RuleStates } from './settings';

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
  /** A rule (the emergency channel) let it through as urgent. */
  urgent: boolean;
}

export interface GateDeps {
  cal: WorkCalendar;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  states: RuleStates;
}

function enabledRules(deps: GateDeps): AnyRule[] {
  return RULES.filter((r) => isEnabled(deps.states, r));
}

function contextFor(rule: AnyRule, deps: GateDeps, urgent: boolean): RuleContext {
  return { cal: deps.cal, value: deps.states.get(rule.id)?.value, admission: deps.admission, formalism: deps.formalism, urgent };
}

function fold(findings: Finding[], deliverAt: Date, urgent: boolean): GateResult {
  const has = (o: Finding['outcome']) => findings.some((f) => f.outcome === o);
  const verdict: Verdict = has('hold') ? 'held' : has('approval') ? 'pending_approval' : has('defer') ? 'scheduled' : 'sent';
  const proposals = findings.map((f) => f.proposedDeadline).filter((d): d is Date => !!d);
  const proposedDeadline = proposals.length ? new Date(Math.max(...proposals.map((d) => d.getTime()))) : null;
  return { verdict, findings, deliverAt, proposedDeadline, urgent };
}

/** Runs every enabled rule and folds the findings, with those of other units' checks, into one verdict. */
export function judge(input: Omit<GateInput, 'deliverAt'>, deps: GateDeps, checked: Finding[] = []): GateResult {
  const rules = enabledRules(deps);
  const draft: GateInput = { ...input, deliverAt: input.postedAt };
  const urgent = rules.some((r) => r.grantsUrgency?.(draft, contextFor(r, deps, false)) ?? false);
  let deliverAt = input.postedAt;
  if (!urgent) {
    for (const r of rules) {
      const later = r.delay?.(input.postedAt, contextFor(r, deps, urgent));
      if (later && later.getTime() > deliverAt.getTime()) deliverAt = later;
    }
  }
  const n: GateInput = { ...input, deliverAt };
  const findings: Finding[] = [];
  for (const r of rules) {
    const f = r.check?.(n, contextFor(r, deps, urgent));
    if (f) findings.push(f);
  }
  return fold([...findings, ...checked], deliverAt, urgent);
}

/** The same rules read for a notice that reached a community without the bot (/评估). */
export function judgeReceived(input: Omit<GateInput, 'deliverAt'>, deps: GateDeps): GateResult {
  const n: GateInput = { ...input, deliverAt: input.postedAt };
  const findings: Finding[] = [];
  for (const r of enabledRules(deps)) {
    const ctx = contextFor(r, deps, false);
    const f = r.checkReceived ? r.checkReceived(n, ctx) : r.check?.(n, ctx);
    if (f) findings.push(f);
  }
  return fold(findings, input.postedAt, false);
}

/** Whether deliveries due together for one group may be merged into one message. */
export function mergesDeliveries(states: RuleStates): boolean {
  return anyEnabled(states, (r) => r.mergesDeliveries === true);
}

/** Whether an enabled rule judges the week's notice counts (reading them grows with the week). */
export function readsWeekCounts(states: RuleStates): boolean {
  return anyEnabled(states, (r) => r.readsWeekCounts === true);
}

function anyEnabled(states: RuleStates, has: (r: AnyRule) => boolean): boolean {
  return RULES.some((r) => has(r) && isEnabled(states, r));
}

/** A rule no setting mentions counts as on: the states hold every rule's default. */
function isEnabled(states: RuleStates, r: AnyRule): boolean {
  return states.get(r.id)?.enabled !== false;
}
