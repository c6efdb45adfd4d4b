import type { EntityManager } from 'typeorm';
import { Department, WhistleEvent } from '../../entities';

export interface DepartmentFigures {
  department: string;
  /** Tickets the department was given (routed, 分派 or 转派 to it). */
  received: number;
  reported: number;
  reportedOnTime: number;
  done: number;
  doneOnTime: number;
  rated: number;
  satisfied: number;
  basicallySatisfied: number;
  unsatisfied: number;
  /** 退回 to the dispatcher and 转派 away: tickets it said were not its own. */
  returns: number;
  transfersOut: number;
}

/**
 * Per-department whistle figures for the monitoring unit (service `whistle.figures`), counted from
 * the ticket events in [from, to); departments with nothing in the period are left out.
 */
export class WhistleFigures {
  async byDepartment(em: EntityManager, from?: Date, to?: Date): Promise<DepartmentFigures[]> {
    const q = em.createQueryBuilder(WhistleEvent, 'e');
    if (from) q.andWhere('e.at >= :from', { from });
    if (to) q.andWhere('e.at < :to', { to });
    const events = await q.getMany();
    const names = new Map((await em.find(Department)).map((d) => [d.id, d.name]));
    const rows = new Map<number, DepartmentFigures>();
    const row = (id: number | null) => {
      if (id === null) return null;
      if (!rows.has(id)) rows.set(id, blank(names.get(id) ?? `部门${id}`));
      return rows.get(id)!;
    };
    for (const e of events) {
      switch (e.action) {
        case 'create': { const r = row(e.departmentId); if (r) r.received++; break; }
        case 'assign': { const r = row(e.toDepartmentId); if (r) r.received++; break; }
        case 'transfer': {
          const r = row(e.toDepartmentId);
          if (r) r.received++;
          const f = row(e.departmentId);
          if (f) f.transfersOut++;
          break;
        }
        case 'return': { const r = row(e.departmentId); if (r) r.returns++; break; }
        case 'report': { const r = row(e.departmentId); if (r) { r.reported++; if (e.onTime) r.reportedOnTime++; } break; }
        case 'done': { const r = row(e.departmentId); if (r) { r.done++; if (e.onTime) r.doneOnTime++; } break; }
        case 'rate': {
          const r = row(e.departmentId);
          if (!r) break;
          r.rated++;
          const rating = e.note.split('：')[0];
          if (rating === '满意') r.satisfied++;
          else if (rating === '基本满意') r.basicallySatisfied++;
          else r.unsatisfied++;
          break;
        }
      }
    }
    return [...rows.values()].sort((a, b) => a.department.localeCompare(b.department, 'zh'));
  }
}

function blank(department: string): DepartmentFigures {
  return { department, received: 0, reported: 0, reportedOnTime: 0, done: 0, doneOnTime: 0, rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0, returns: 0, transfersOut: 0 };
}
