import { EntityManager } from 'typeorm';
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

/** Append-only by construction: this is the only writer, and it only inserts. */
export async function audit(em: EntityManager, at: Date, e: AuditEntry): Promise<void> {
  await insertLater(em, AuditLog, [{
    at,
    actorId: e.actor?.id ?? null,
    actorName: e.actor?.name ?? '系统',
    action: e.action,
    entity: e.entity,
    entityId: e.entityId === undefined ? '' : String(e.entityId),
    before: (e.before ?? null) as never,
    after: (e.after ?? null) as never,
    note: maskPersonalData((e.note ?? '').slice(0, 255)),
  }]);
}
