import { basisRelevance, findItem, looksExcluded, outsideList, RELEVANCE_THRESHOLD, suggestItems, SUGGEST_THRESHOLD } from '../admission';
import type { Rule } from './types';

/** 准入清单: only listed duties may be pushed down to communities, and the cited one must fit the notice. */
export const admission: Rule = {
  id: 'admission',
  name: '准入清单',
  check(n, ctx) {
    if (ctx.emergencyAccepted || n.approved) return null;
    // Selling, fee collection, 招商引资, certificates: outside the list whatever is cited.
    const outside = outsideList(n.text);
    if (outside) return { ruleId: this.id, ruleName: this.name, outcome: 'approval', reason: `${outside}，已提交管理组审批。` };
    const cited = n.basisItemId ? findItem(ctx.admission, n.basisItemId) : undefined;
    if (cited) {
      const fit = basisRelevance(ctx.admission, cited, n.text);
      if (fit.score >= RELEVANCE_THRESHOLD) return null;
      return { ruleId: this.id, ruleName: this.name, outcome: 'approval', reason: `${fit.reason}已提交管理组审批。` };
    }
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
