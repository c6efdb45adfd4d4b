import type { EntityManager } from 'typeorm';

/**
 * Directory reads (communities, their groups) shared by the messages of one batch: a batch of
 * notices to 全部社区 otherwise reads the same community list and group list once per notice.
 * Only while the dispatcher runs a command that declares it changes none of them; any other
 * command runs with the share closed and emptied, so nothing it writes can be read stale.
 */
const shared = new WeakMap<EntityManager, Map<string, Promise<unknown>>>();

export function shareLookups(em: EntityManager, open: boolean): void {
  if (!open) shared.delete(em);
  else if (!shared.has(em)) shared.set(em, new Map());
}

/** Whether this transaction's share is open (lookups are kept for the batch). */
export function sharing(em: EntityManager): boolean {
  return shared.has(em);
}

/** `load()` once per key while this transaction's share is open; otherwise every time. */
export async function lookup<T>(em: EntityManager, key: string, load: () => Promise<T[]>): Promise<T[]> {
  const memo = shared.get(em);
  if (!memo) return load();
  let rows = memo.get(key) as Promise<T[]> | undefined;
  if (!rows) {
    rows = load();
    memo.set(key, rows);
    // A failed read is not kept.
    rows.catch(() => memo.delete(key));
  }
  // A copy: a caller may add to its list, and the next message must not see that.
  return [...(await rows)];
}
