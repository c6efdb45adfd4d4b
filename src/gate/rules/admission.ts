import { findItem, looksExcluded, suggestItems, SUGGEST_THRESHOLD } from '../admission';
import type { Rule } from './types';

/** 准入清单: only listed duties may be pushed down to communities. */
export const admission: Rule = {
  id: 'admission',
  name: '准入清单',
  check(n, ctx) {
    if (ctx.emergencyAccepted || n.approved) return null;
    if (n.basisItemId && findItem(ctx.admission, n.basisItemId)) return null;
    const excluded = looksExcluded(ctx.admission, n.text);
    const suggestions = excluded ? [] : suggestItems(ctx.admission, n.text, 3).filter((s) => s.score >= SUGGEST_THRESHOLD);
    if (!suggestions.length) {
      const what = excluded ? `属于「${excluded.name}」，` : '';
      return { ruleId: this.id, ruleName: this.name, outcome: 'approval', reason: `该事项${what}不在社区准入清单内，已提交管理组审批。` };
    }
    const list = suggestions.map((s) => `${s.item.id} ${s.item.name}`).join('；');
    return {
      ruleId: this.id, ruleName: this.name, outcome: 'hold', suggestions: suggestions.map((s) => ({ id: s.item.id, name: s.item.name })),
      reason: `未注明依据。最接近的准入事项：${list}。请确认一项。`,
    };
  },
};
