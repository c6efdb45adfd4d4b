import { findFormalism } from '../formalism';
import type { Rule } from './types';

/** 形式主义: proof-by-screenshot, check-ins, like/forward quotas and the like. */
export const formalism: Rule = {
  id: 'formalism',
  name: '形式主义要求',
  check(n, ctx) {
    const hits = findFormalism(ctx.formalism, n.text);
    if (!hits.length) return null;
    const what = hits.map((h) => `「${h.match}」（${h.label}）`).join('、');
    // In an emergency or after approval the demand may be justified; say so, but let it pass.
    const outcome = ctx.emergencyAccepted || n.approved ? 'warn' : 'hold';
    return { ruleId: this.id, ruleName: this.name, outcome, reason: `含${what}：${hits[0].explanation}请删除，或申请审批。` };
  },
};
