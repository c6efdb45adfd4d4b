import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditLog, Member } from '../entities';
import { insertLater } from './db-statements';
import { maskPersonalData } from './privacy/pii';

export interface AuditEntry {
  actor: Pick<Member, 'id' | 'name'> | null;
  action: string;
  entity: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
  note?: string;
}

/** Append-only by construction: audit rows are built only here, and only ever inserted. */
export async function audit(em: EntityManager, at: Date, e: AuditEntry): Promise<void> {
  await insertLater(em, AuditLog, [auditRow(at, e)]);
}

/** The row audit() writes, for a caller that writes it together with others (insertTogether). */
export function auditRow(at: Date, e: AuditEntry): QueryDeepPartialEntity<AuditLog> {
  return {
    at,
    actorId: e.actor?.id ?? null,
    actorName: e.actor?.name ?? '系统',
    action: e.action,
    entity: e.entity,
    entityId: e.entityId === undefined ? '' : String(e.entityId),
    before: (e.before ?? null) as never,
    after: (e.after ?? null) as never,
    note: maskPersonalData((e.note ?? '').slice(0, 255)),
  };
}
