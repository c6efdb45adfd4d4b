import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Department, KvState, WhistleDepartment, WhistleTicket } from '../../entities';
import { lookup } from '../db-lookups';
import { HistoryCase, Router } from './routing';
import type { DepartmentSpec, DepartmentsFile } from './settings';

export interface DeskDepartment {
  department: Department;
  duty: WhistleDepartment;
}

/** History the router learns from, newest first; enough to matter, small enough to train in a second. */
const HISTORY_LIMIT = 3000;

/** The tickets it learns from: routings people corrected, and tickets finished where they were sent. */
const FINISHED: WhistleTicket['status'][] = ['done', 'rated'];
const LEARNS_FROM = `corrected = 1 OR status IN (${FINISHED.map((s) => `'${s}'`).join(', ')})`;

/** Changes (to a fresh token) whenever a ticket joins or leaves that history, or changes what it teaches. */
const HISTORY_KEY = 'whistle.history';

/** What the router learns from a ticket, '' for nothing; the history changed when this did. */
export function lesson(t: WhistleTicket): string {
  return t.corrected || FINISHED.includes(t.status) ? `${t.departmentId}:${t.corrected}` : '';
}

/**
 * The departments that answer whistles and their duties. The file seeds an empty desk; after that the
 * database (edited by /职责) is the truth, so a restart never undoes an admin's change.
 */
export class DutyBook {
  private cached: (Routing & { signature: string }) | null = null;

  constructor(private readonly file: DepartmentsFile) {}

  async ensureSeeded(em: EntityManager, now: Date): Promise<void> {
    if (await em.count(WhistleDepartment)) return;
    for (const spec of this.file.departments) {
      const dept = (await em.findOne(Department, { where: { name: spec.name } }))
        ?? await em.save(em.create(Department, { name: spec.name, createdAt: now }));
      await em.save(em.create(WhistleDepartment, {
        departmentId: dept.id, duties: spec.duties, keywords: spec.keywords, problems: spec.problems, leaderId: null, updatedAt: now,
      }));
    }
  }

  async list(em: EntityManager, now: Date): Promise<DeskDepartment[]> {
    await this.ensureSeeded(em, now);
    const duties = await em.find(WhistleDepartment, { order: { id: 'ASC' } });
    const depts = new Map((await em.find(Department)).map((d) => [d.id, d]));
    return duties.filter((d) => depts.has(d.departmentId)).map((duty) => ({ department: depts.get(duty.departmentId)!, duty }));
  }

  /** The desk's router and the departments it names, retrained when duties change or people correct a routing. */
  async routing(em: EntityManager, now: Date): Promise<Routing> {
    // Once per batch of reports: a command that could change it runs with the batch's lookups closed (db-lookups).
    let state = (await lookup(em, 'whistle:state', async () => [await readState(em)]))[0];
    if (!state.seeded) {
      await this.ensureSeeded(em, now);
      state = await readState(em);
    }
    if (this.cached?.signature === state.signature) return this.cached;
    const list = await this.list(em, now);
    const specs = list.map((d) => specOf(d));
    const names = new Map(list.map((d) => [d.department.id, d.department.name]));
    const tickets = await em.createQueryBuilder(WhistleTicket, 't')
      .where(LEARNS_FROM)
      .orderBy('t.id', 'DESC').limit(HISTORY_LIMIT).getMany();
    const history: HistoryCase[] = tickets
      .filter((t) => t.departmentId !== null && names.has(t.departmentId))
      .map((t) => ({ id: t.id, text: t.text, department: names.get(t.departmentId!)!, corrected: t.corrected }));
    const router = new Router(specs, history, this.file);
    this.cached = { signature: state.signature, router, departmentIds: state.departmentIds };
    return this.cached;
  }

  async router(em: EntityManager, now: Date): Promise<Router> {
    return (await this.routing(em, now)).router;
  }

  /**
   * A ticket changed what the router learns (see lesson()): every instance retrains at its next
   * report. A token rather than counting the learned tickets, which read them all for every report.
   */
  async historyChanged(em: EntityManager): Promise<void> {
    await em.upsert(KvState, { key: HISTORY_KEY, value: randomUUID() }, ['key']);
  }
}

export interface Routing {
  router: Router;
  /** Department ids by name, as read with the router's signature (a report routed to a name needs no lookup). */
  departmentIds: Map<string, number>;
}

/**
 * What decides whether the router is current, in one round trip: each duty list's revision (not
 * a timestamp: two edits within one clock tick must both retrain; reading every duty list for each
 * report, a thousand keywords and more, cost more than routing it), every department's name, and
 * the token of the tickets it learns from.
 */
async function readState(em: EntityManager): Promise<{ signature: string; seeded: boolean; departmentIds: Map<string, number> }> {
  const rows: { k: string; id: number | string; a: number | string | null; b: string | number | Date | null }[] = await em.query(
    `SELECT 'w' AS k, id, departmentId AS a, revision AS b FROM whistle_department
     UNION ALL SELECT 'd', id, NULL, name FROM department
     UNION ALL SELECT 'h', 0, NULL, value FROM kv_state WHERE ${em.connection.driver.escape('key')} = ?
     ORDER BY k, id`,
    [HISTORY_KEY],
  );
  const key = rows.map((r) => [r.k, Number(r.id), r.a === null ? null : Number(r.a), r.b instanceof Date ? r.b.toISOString() : String(r.b ?? '')]);
  return {
    signature: JSON.stringify(key),
    seeded: rows.some((r) => r.k === 'w'),
    departmentIds: new Map(rows.filter((r) => r.k === 'd').map((r) => [String(r.b), Number(r.id)])),
  };
}

export function specOf(d: DeskDepartment): DepartmentSpec {
  return { name: d.department.name, duties: d.duty.duties, keywords: d.duty.keywords, problems: d.duty.problems };
}
