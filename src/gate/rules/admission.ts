import { basisRelevance, findItem, looksExcluded, outsideList, RELEVANCE_THRESHOLD, suggestItems, SUGGEST_THRESHOLD } from '../admission';
import { finding, type Rule } from './types';

/** 准入清单: only listed duties may be pushed down to communities, and the cited one must fit the notice. */
export const admission: Rule = {
  id: 'admission',
  name: '准入清单',
  summary: '须注明相符的社区准入事项；清单外事项交管理组审批',
  enabledByDefault: true,
  check(n, ctx) {
    if (ctx.urgent || n.approved) return null;
    // Selling, fee collection, 招商引资, certificates: outside the list whatever is cited.
    const outside = outsideList(n.text);
    if (outside) return finding(this, 'approval', `${outside}，须管理组审批。`);
    const cited = n.basisItemId ? findItem(ctx.admission, n.basisItemId) : undefined;
    if (cited) {
      const fit = basisRelevance(ctx.admission, cited, n.text);
      return fit.score >= RELEVANCE_THRESHOLD ? null : finding(this, 'approval', `${fit.reason}须管理组审批。`);
    }
    const excluded = looksExcluded(ctx.admission, n.text);
    const suggestions = excluded ? [] : suggestItems(ctx.admission, n.text, 3).filter((s) => s.score >= SUGGEST_THRESHOLD);
    if (!suggestions.length) {
      const what = excluded ? `属于「${excluded.name}」，` : '';
      return finding(this, 'approval', `该事项${what}不在社区准入清单内，须管理组审批。`);
    }
    const list = suggestions.map((s) => `${s.item.id} ${s.item.name}`).join('；');
    return finding(this, 'hold', `未注明依据。最接近的准入事项：${list}。请确认一项。`, {
      fixes: [
        ...suggestions.map((s) => ({ label: `依据 ${s.item.id} ${s.item.name}`, command: `/依据 {id} ${s.item.id}` })),
        { label: '申请审批', command: '/申请审批 {id}' },
      ],
    });
  },
  // A received notice may cite a basis in its text; otherwise whether its matter is on the list at all is what counts.
  checkReceived(n, ctx) {
    const outside = outsideList(n.text);
    if (outside) return finding(this, 'hold', `${outside}。`);
    const cited = n.basisItemId ? findItem(ctx.admission, n.basisItemId) : undefined;
    if (cited) {
      const fit = basisRelevance(ctx.admission, cited, n.text);
      return fit.score >= RELEVANCE_THRESHOLD ? null : finding(this, 'approval', `${fit.reason}应经街道审批。`);
    }
    const excluded = looksExcluded(ctx.admission, n.text);
    if (excluded) return finding(this, 'hold', `该事项属于「${excluded.name}」，不在社区准入清单内。`);
    const best = suggestItems(ctx.admission, n.text, 1)[0];
    return best && best.score >= SUGGEST_THRESHOLD ? null : finding(this, 'approval', '未找到对应的社区准入事项，应经街道审批。');
  },
};
