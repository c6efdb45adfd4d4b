import fs from 'node:fs';
import type { EntityManager } from 'typeorm';
import YAML from 'yaml';
import { z } from 'zod';
import { KvState } from '../../entities';

export interface CancelledItem {
  name: string;
  keywords: string[];
}

const fileSchema = z.object({ items: z.array(z.object({ name: z.string().min(1), keywords: z.array(z.string().min(1)).default([]) })) });
const KV_KEY = 'monitoring.cancelled-list';

/** The street's list of cancelled evaluations as shipped in config/. */
export function loadCancelledList(file: string): CancelledItem[] {
  if (!fs.existsSync(file)) return [];
  const parsed = fileSchema.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')) ?? { items: [] });
  if (!parsed.success) throw new Error(`${file}：${parsed.error.issues[0].message}`);
  return parsed.data.items.map((i) => ({ name: i.name, keywords: i.keywords.length ? i.keywords : [i.name] }));
}

interface Edits {
  added: CancelledItem[];
  removed: string[];
}

async function edits(em: EntityManager): Promise<Edits> {
  const row = await em.findOne(KvState, { where: { key: KV_KEY } });
  return row ? (JSON.parse(row.value) as Edits) : { added: [], removed: [] };
}

/** The file's list with the admins' chat edits applied (edits win, and survive redeploys). */
export async function currentCancelledList(em: EntityManager, base: CancelledItem[]): Promise<CancelledItem[]> {
  const e = await edits(em);
  const removed = new Set(e.removed);
  const added = new Set(e.added.map((a) => a.name));
  return [...base.filter((i) => !removed.has(i.name) && !added.has(i.name)), ...e.added];
}

export async function editCancelledList(em: EntityManager, change: { add?: CancelledItem; remove?: string }): Promise<void> {
  const e = await edits(em);
  if (change.add) {
    e.added = [...e.added.filter((a) => a.name !== change.add!.name), change.add];
    e.removed = e.removed.filter((r) => r !== change.add!.name);
  }
  if (change.remove) {
    e.added = e.added.filter((a) => a.name !== change.remove);
    if (!e.removed.includes(change.remove)) e.removed.push(change.remove);
  }
  await em.save(em.create(KvState, { key: KV_KEY, value: JSON.stringify(e) }));
}

const ORGANISES = /评比|评选|评定|评优|创建|申报|参评|验收|考核|达标|争创|排名|推荐|候选/;

/**
 * The cancelled activity a notice organises, if any: it must name the activity and ask for
 * something done about it, so "上级已取消文明社区评比" alone is not caught but "申报文明社区" is.
 * The gate treats a hit like an item outside the admission list.
 */
export function matchCancelled(text: string, list: CancelledItem[]): CancelledItem | null {
  if (!ORGANISES.test(text) || /已取消|不再(?:开展|组织)|取消了/.test(text)) return null;
  return list.find((i) => i.keywords.some((k) => text.includes(k))) ?? null;
}
