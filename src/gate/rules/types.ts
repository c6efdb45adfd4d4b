import type { WorkCalendar } from '../../calendar/work-calendar';
import type { AdmissionList } from '../admission';
import type { FormalismPatterns } from '../formalism';

export type Outcome = 'hold' | 'approval' | 'defer' | 'warn';

export interface Finding {
  ruleId: string;
  ruleName: string;
  outcome: Outcome;
  reason: string;
  proposedDeadline?: Date;
  deliverAt?: Date;
  /** Admission items the sender may confirm. */
  suggestions?: { id: string; name: string }[];
}

/** What the gate knows about a notice when it judges it. */
export interface GateInput {
  text: string;
  deadline: Date | null;
  postedAt: Date;
  /** When it would reach the groups: postedAt, or later if quiet time defers it. */
  deliverAt: Date;
  basisItemId: string;
  emergency: { category: string; reason: string } | null;
  approved: boolean;
  /** Notices this department already sent this week, per target community name. */
  weekCounts: Map<string, number>;
}

export interface RuleContext {
  cal: WorkCalendar;
  value: unknown;
  admission: AdmissionList;
  formalism: FormalismPatterns;
  /** True when the emergency rule accepted the notice's emergency claim. */
  emergencyAccepted: boolean;
}

export interface Rule {
  id: string;
  name: string;
  /** What the setting value means, for /规则 查看. */
  valueHint?: string;
  parseValue?: (raw: string) => unknown;
  check(n: GateInput, ctx: RuleContext): Finding | null;
}
