import { outsideList } from '../admission';
import { findFormalism } from '../formalism';
import type { Rule } from './types';

/** 形式主义: every demand for proof of work, quota, show or pushed-down task, each with its words and why. */
export const formalism: Rule = {
  id: 'formalism',
  name: '形式主义要求',
  check(n, ctx) {
    const outside = outsideList(n.text) !== null;
    const hits = findFormalism(ctx.formalism, n.text).filter((h) => !(outside && h.outsideList));
    if (!hits.length) return null;
    const what = hits.map((h) => `「${h.words.join('」「')}」（${h.label}：${h.explanation.replace(/。$/, '')}）`).join('；');
    // In an emergency or after approval the demand may be justified; say so, but let it pass.
    const outcome = ctx.emergencyAccepted || n.approved ? 'warn' : 'hold';
    return { ruleId: this.id, ruleName: this.name, outcome, reason: `含${what}。请删除，或申请审批。` };
  },
};
