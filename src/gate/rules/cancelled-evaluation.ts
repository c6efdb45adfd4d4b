import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { projectPath } from '../../config';
import { finding, type Rule } from './types';

/** The street's list as shipped (config/cancelled-evaluations.yaml): every keyword of every item. */
function shippedKeywords(): string[] {
  const file = projectPath('config/cancelled-evaluations.yaml');
  if (!fs.existsSync(file)) return [];
  const items = (YAML.parse(fs.readFileSync(file, 'utf8'))?.items ?? []) as { name: string; keywords?: string[] }[];
  return [...new Set(items.flatMap((i) => i.keywords?.length ? i.keywords : [i.name]))];
}

const ORGANISES = /评比|评选|评定|评优|创建|申报|参评|验收|考核|达标|争创|排名|推荐|候选/;
const ONLY_MENTIONS = /已取消|不再(?:开展|组织)|取消了/;

/**
 * The cancelled activity a notice organises, if any: it must name the activity and ask for
 * something done about it, so "文明社区评比已取消" is not caught but "申报文明社区" is.
 */
export function cancelledActivity(text: string, keywords: readonly string[]): string | null {
  if (!ORGANISES.test(text) || ONLY_MENTIONS.test(text)) return null;
  return keywords.find((k) => text.includes(k)) ?? null;
}

/** 已取消的考核评比: organising a cancelled evaluation or creation activity is treated like an item outside the admission list. */
export const cancelledEvaluation: Rule<string[]> = {
  id: 'cancelled_evaluation',
  name: '已取消的考核评比',
  summary: '组织已列入取消清单的考核评比、创建达标活动的，交管理组审批',
  enabledByDefault: true,
  value: {
    schema: z.array(z.string().trim().min(1).max(32)),
    default: shippedKeywords(),
    unit: '',
    hint: '已取消活动的关键词，用顿号分隔，如 文明社区、美丽庭院',
    fromText: (raw) => raw.split(/[、,，\s]+/).filter(Boolean),
  },
  check(n, ctx) {
    if (ctx.urgent || n.approved) return null;
    const hit = cancelledActivity(n.text, ctx.value);
    return hit ? finding(this, 'approval', `组织「${hit}」相关的评比创建，该活动已列入取消清单，须管理组审批。`) : null;
  },
  checkReceived(n, ctx) {
    const hit = cancelledActivity(n.text, ctx.value);
    return hit ? finding(this, 'hold', `组织「${hit}」相关的评比创建，该活动已列入取消清单。`) : null;
  },
};
