import type { z } from 'zod';
import type { WorkCalendar } from '../../calendar/work-calendar';
import type { AdmissionList } from '../admission';
import type { FormalismPatterns } from '../formalism';

export type Outcome = 'hold' | 'approval' | 'defer' | 'warn';

/** A button that fixes a finding; `{id}` stands for the notice number. */
export interface Fix {
  label: string;
  command: string;
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  outcome: Outcome;
  reason: string;
  proposedDeadline?: Date;
  deliverAt?: Date;
  /** One click per way to resolve this finding. */
  fixes?: Fix[];
}

/** What the gate knows about a notice when it judges it. */
export interface GateInput {
  text: string;
  deadline: Date | null;
  postedAt: Date;
  /** When it would reach the groups: postedAt, or later if a rule delays it. */
  deliverAt: Date;
  basisItemId: string;
  emergency: { category: string; reason: string } | null;
  approved: boolean;
  /** Notices this department already sent this week, per target community name. */
  weekCounts: Map<string, number>;
}

export interface RuleContext<V = unknown> {
  cal: WorkCalendar;
  value: V;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  /** True when a rule (the emergency channel) let the notice through as urgent. */
  urgent: boolean;
}

/** A setting's value: how it is validated (config and chat alike), its default and how it reads. */
export interface RuleValue<V> {
  schema: z.ZodType<V>;
  default: V;
  /** Appended to the value when shown: 个工作日, 条. */
  unit: string;
  /** What to type after /规则 设置. */
  hint: string;
  /** Chat text to the value's raw form before the schema runs (e.g. 防汛、火灾 → a list). */
  fromText?: (raw: string) => unknown;
}

/**
 * One gate rule, complete: everything the gate, the settings, /规则 and delivery need to know
 * about it is here, so no other module mentions a rule by its id.
 */
export interface Rule<V = unknown> {
  id: string;
  name: string;
  summary: string;
  enabledByDefault: boolean;
  value?: RuleValue<V>;
  check?(n: GateInput, ctx: RuleContext<V>): Finding | null;
  /** For a notice that reached a community without the bot (/评估); defaults to check. */
  checkReceived?(n: GateInput, ctx: RuleContext<V>): Finding | null;
  /** Accepts the notice as urgent: later rules skip time limits and it goes out at once. */
  grantsUrgency?(n: GateInput, ctx: RuleContext<V>): boolean;
  /** A later delivery time than the posting time, or null. */
  delay?(postedAt: Date, ctx: RuleContext<V>): Date | null;
  /** Deliveries due together for one group may go out as one message. */
  mergesDeliveries?: boolean;
  /** Judges GateInput.weekCounts; while no enabled rule does, the gate does not read the week's notices. */
  readsWeekCounts?: boolean;
}

 
export type AnyRule = Rule<any>;

export function finding(rule: { id: string; name: string }, outcome: Outcome, reason: string, extra: Partial<Finding> = {}): Finding {
  return { ruleId: rule.id, ruleName: rule.name, outcome, reason, ...extra };
}

/** The sender's fixes for a deadline the rules moved. */
export const DEADLINE_FIXES: Fix[] = [
  { label: '采纳建议截止时间', command: '/采纳 {id}' },
  { label: '申请紧急', command: '/紧急 {id}' },
];
