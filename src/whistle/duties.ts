import type { EntityManager } from 'typeorm';
import { Department, WhistleDepartment, WhistleTicket } from '../../entities';
import { HistoryCase, Router } from './routing';
import type { DepartmentSpec, DepartmentsFile } from './settings';

export interface DeskDepartment {
  department: Department;
  duty: WhistleDepartment;
}

/** History the router learns from, newest first; enough to matter, small enough to train in a second. */
const HISTORY_LIMIT = 3000;

/**
 * The departments that answer whistles and their duties. The file seeds an empty desk; after that the
 * database (edited by /职责) is the truth, so a restart never undoes an admin's change.
 */
export class DutyBook {
  private cached: { signature: string; router: Router } | null = null;

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

  /** The desk's router, retrained when duties change or people correct a routing. */
  async router(em: EntityManager, now: Date): Promise<Router> {
    // Revisions, not timestamps: two edits within one clock tick must both retrain. Reading every
    // duty list for each report (a thousand keywords and more) cost more than routing it.
    const readRevisions = () => em.find(WhistleDepartment, { select: { id: true, departmentId: true, revision: true }, order: { id: 'ASC' } });
    let revisions = await readRevisions();
    if (!revisions.length) {
      await this.ensureSeeded(em, now);
      revisions = await readRevisions();
    }
    const depts = await em.find(Department, { select: { id: true, name: true }, order: { id: 'ASC' } });
    const raw: { n: string | number; at: string | Date | null }[] = await em.createQueryBuilder(WhistleTicket, 't')
      .select('COUNT(*)', 'n').addSelect('MAX(t.updatedAt)', 'at')
      .where("t.corrected = :c OR t.status IN ('done', 'rated')", { c: true }).getRawMany();
    const signature = JSON.stringify([revisions.map((r) => [r.id, r.departmentId, r.revision]), depts.map((d) => [d.id, d.name]), raw[0]?.n, String(raw[0]?.at ?? '')]);
    if (this.cached?.signature === signature) return this.cached.router;
    const list = await this.list(em, now);
    const specs = list.map((d) => specOf(d));
    const names = new Map(list.map((d) => [d.department.id, d.department.name]));
    const tickets = await em.createQueryBuilder(WhistleTicket, 't')
      .where("t.corrected = :c OR t.status IN ('done', 'rated')", { c: true })
      .orderBy('t.id', 'DESC').limit(HISTORY_LIMIT).getMany();
    const history: HistoryCase[] = tickets
      .filter((t) => t.departmentId !== null && names.has(t.departmentId))
      .map((t) => ({ id: t.id, text: t.text, department: names.get(t.departmentId!)!, corrected: t.corrected }));
    const router = new Router(specs, history, this.file);
    this.cached = { signature, router };
    return router;
  }
}

export function specOf(d: DeskDepartment): DepartmentSpec {
  return { name: d.department.name, duties: d.duty.duties, keywords: d.duty.keywords, problems: d.duty.problems };
}
