import { admission } from './admission';
import { deadlineHours } from './deadline-hours';
import { emergency } from './emergency';
import { formalism } from './formalism';
import { frequency } from './frequency';
import { leadTime } from './lead-time';
import { quietTime } from './quiet-time';
import type { Rule } from './types';

/** Order matters only for how findings are listed to the sender. */
export const RULES: Rule[] = [emergency, leadTime, deadlineHours, quietTime, admission, formalism, frequency];

/** Rules with a setting but no check of their own (applied by delivery). */
export const BEHAVIOURS: { id: string; name: string }[] = [{ id: 'digest', name: '合并推送' }];
