import { findFormalism } from '../formalism';
import { finding, type Rule } from './types';

/** 形式主义: proof-by-screenshot, check-ins, like/forward quotas and the like. */
export const formalism: Rule = {
  id: 'formalism',
  name: '形式主义要求',
  summary: '截图留痕、打卡、点赞转发数量、下载APP、学习时长等',
  enabledByDefault: true,
  check(n, ctx) {
    const hits = findFormalism(ctx.formalism, n.text);
    if (!hits.length) return null;
    const what = hits.map((h) => `「${h.match}」（${h.label}）`).join('、');
    // In an emergency or after approval the demand may be justified; say so, but let it pass.
    const outcome = ctx.urgent || n.approved ? 'warn' : 'hold';
    return finding(this, outcome, `含${what}：${hits[0].explanation}请删除，或申请审批。`, { fixes: [{ label: '申请审批', command: '/申请审批 {id}' }] });
  },
};
