import { admission } from './admission';
import { cancelledEvaluation } from './cancelled-evaluation';
import { deadlineHours } from './deadline-hours';
import { digest } from './digest';
import { emergency } from './emergency';
import { formalism } from './formalism';
import { frequency } from './frequency';
import { leadTime } from './lead-time';
import { quietTime } from './quiet-time';
import type { AnyRule } from './types';

/**
 * Every gate rule. Adding one is a module and a line here. Order matters only for how findings
 * are listed, except that rules granting urgency come first (later rules read `urgent`).
 */
export const RULES: AnyRule[] = [emergency, leadTime, deadlineHours, quietTime, admission, cancelledEvaluation, formalism, frequency, digest];

/** By id or by Chinese name, as admins type them (/规则 设置 最短提前量 2). */
export function findRule(word: string): AnyRule | undefined {
  const w = word.trim();
  return RULES.find((r) => r.id === w || r.name === w);
}
