import { EntityManager, In } from 'typeorm';
import { ChatGroup, Community, Department, Member } from '../../entities';
import { lookup, sharing } from '../db-lookups';

export type Found<T> = { ok: true; value: T } | { ok: false; message: string };

/** Exact name first, then a unique prefix, so people can type 人民 for 人民社区. */
function pick<T extends { name: string }>(items: T[], name: string, what: string): Found<T> {
  const exact = items.find((i) => i.name === name);
  if (exact) return { ok: true, value: exact };
  const partial = items.filter((i) => i.name.startsWith(name) || i.name.includes(name));
  if (partial.length === 1) return { ok: true, value: partial[0] };
  if (partial.length > 1) return { ok: false, message: `「${name}」对应多个${what}：${partial.map((p) => p.name).join('、')}，请写全称。` };
  return { ok: false, message: `没有找到${what}「${name}」。` };
}

export async function findCommunity(em: EntityManager, name: string): Promise<Found<Community>> {
  return pick(await em.find(Community), name, '社区');
}

export async function findDepartment(em: EntityManager, name: string): Promise<Found<Department>> {
  return pick(await em.find(Department), name, '部门');
}

export async function findMember(em: EntityManager, platform: string, ref: string): Promise<Found<Member>> {
  const byId = await em.findOne(Member, { where: { platform, externalId: ref } });
  if (byId) return { ok: true, value: byId };
  const named = await em.find(Member, { where: { platform, name: ref.replace(/^@/, '') } });
  if (named.length === 1) return { ok: true, value: named[0] };
  if (named.length > 1) {
    return { ok: false, message: `有${named.length}人叫「${ref}」，请用用户ID：${named.map((m) => m.externalId).join('、')}。` };
  }
  return { ok: false, message: `没有找到成员「${ref}」。对方需先给我发过消息，或用用户ID。` };
}

const departmentNames = new WeakMap<EntityManager, Map<number, string | null>>();

/**
 * A department's name, read once per transaction: a notice's card and its ledger row both name
 * the sender's department. Departments are added and removed, never renamed; outside a
 * transaction nothing is remembered.
 */
export async function departmentName(em: EntityManager, id: number): Promise<string | null> {
  const inTransaction = em.queryRunner?.isTransactionActive === true;
  let names = inTransaction ? departmentNames.get(em) : undefined;
  if (names?.has(id)) return names.get(id)!;
  const name = (await em.findOne(Department, { where: { id } }))?.name ?? null;
  if (inTransaction) {
    if (!names) departmentNames.set(em, (names = new Map()));
    names.set(id, name);
  }
  return name;
}

export async function unitName(em: EntityManager, m: Pick<Member, 'departmentId' | 'communityId'>): Promise<string> {
  if (m.departmentId) return (await departmentName(em, m.departmentId)) ?? '';
  if (m.communityId) return (await em.findOne(Community, { where: { id: m.communityId } }))?.name ?? '';
  return '';
}

/** A community by id, read once per batch while the dispatcher shares lookups (src/db-lookups.ts). */
export async function communityById(em: EntityManager, id: number): Promise<Community | null> {
  return (await lookup(em, `community:${id}`, () => em.find(Community, { where: { id } })))[0] ?? null;
}

/**
 * The community groups of these communities. With the batch's share open, every community group
 * is read once for the batch: its notices each name their own set of communities, and one read
 * of all groups costs less than a round trip per notice.
 */
export async function communityGroups(em: EntityManager, ids: number[]): Promise<ChatGroup[]> {
  if (!sharing(em)) return ids.length ? em.find(ChatGroup, { where: { kind: 'community', communityId: In(ids) } }) : [];
  const wanted = new Set(ids);
  return (await lookup(em, 'groups:community', () => em.find(ChatGroup, { where: { kind: 'community' } })))
    .filter((g) => g.communityId !== null && wanted.has(g.communityId));
}
