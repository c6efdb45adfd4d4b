import { outsideList } from '../admission';
import { findFormalism } from '../formalism';
import { finding, type Rule } from './types';

/** 形式主义: every demand for proof of work, quota, show or pushed-down task, each with its words and why. */
export const formalism: Rule = {
  id: 'formalism',
  name: '形式主义要求',
  summary: '截图照片留痕、打卡定位、点赞转发阅读等指标、摊派、层层签字、迎检材料等',
  enabledByDefault: true,
  check(n, ctx) {
    // Work outside the admission list (levies, certificates) is the admission rule's to refer, not held twice.
    const outside = outsideList(n.text) !== null;
    const hits = findFormalism(ctx.formalism, n.text).filter((h) => !(outside && h.outsideList));
    if (!hits.length) return null;
    const what = hits.map((h) => `「${h.words.join('」「')}」（${h.label}：${h.explanation.replace(/。$/, '')}）`).join('；');
    // In an emergency or after approval the demand may be justified; say so, but let it pass.
    const outcome = ctx.urgent || n.approved ? 'warn' : 'hold';
    return finding(this, outcome, `含${what}。请删除，或申请审批。`, { fixes: [{ label: '申请审批', command: '/申请审批 {id}' }] });
  },
};
