import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { WhistleTicket, WhistleTimer } from '../../entities';
import type { WorkCalendar } from '../calendar/work-calendar';
import { insertLater } from '../db-statements';
import { DeskSettings, minutesOf, PhaseSla, UrgencySla } from './settings';

export type Phase = 'ack' | 'done';
/** The order in which a missed limit is escalated: warning, department group, its leader, the street admins. */
export const STEPS = ['warn', 'group', 'leader', 'admin'] as const;
export type Step = (typeof STEPS)[number];

/** The ticket's limit for a phase: when the department group is told it was missed. */
function limit(t: WhistleTicket, phase: Phase, due: Date): void {
  if (phase === 'ack') t.ackDueAt = due;
  else t.doneDueAt = due;
}

/**
 * Time limits for 报到 and 办结. 一般 tickets count working time on the working calendar (weekends and
 * holidays do not count); 紧急 ones count around the clock.
 */
export class SlaClock {
  constructor(private readonly settings: DeskSettings, private readonly cal: WorkCalendar) {}

  private rules(urgency: string): UrgencySla {
    return urgency === 'urgent' ? this.settings.sla.urgent : this.settings.sla.normal;
  }

  private working(urgency: string): boolean {
    return this.rules(urgency).clock === 'working';
  }

  private dayMinutes(urgency: string): number {
    return this.working(urgency) ? this.cal.endMinutes - this.cal.startMinutes : 24 * 60;
  }

  /** `at` plus minutes on this ticket's clock (negative goes back). */
  add(urgency: string, at: Date, minutes: number): Date {
    return this.working(urgency) ? this.cal.addWorkingMinutes(at, minutes) : new Date(at.getTime() + minutes * 60_000);
  }

  /** Minutes on this ticket's clock from a to b. */
  between(urgency: string, a: Date, b: Date): number {
    return Math.round(this.working(urgency) ? this.cal.workingMinutesBetween(a, b) : (b.getTime() - a.getTime()) / 60_000);
  }

  phase(urgency: string, phase: Phase): PhaseSla {
    return this.rules(urgency)[phase];
  }

  /** Due instants of each step of one phase, from `from`. */
  plan(urgency: string, phase: Phase, from: Date): Record<Step, Date> {
    const p = this.phase(urgency, phase);
    const day = this.dayMinutes(urgency);
    const due = this.add(urgency, from, minutesOf(p.limit, day));
    const every = minutesOf(p.escalate, day);
    return {
      warn: this.add(urgency, due, -minutesOf(p.warn, day)),
      group: due,
      leader: this.add(urgency, due, every),
      admin: this.add(urgency, due, 2 * every),
    };
  }

  /**
   * The timers of the phases for the ticket's current department (without its id: a new ticket has
   * none yet), and the limits recorded on the ticket, so a new one is stored once, with them.
   */
  timers(t: WhistleTicket, phases: Phase[], from: Date): Omit<Partial<WhistleTimer>, 'ticketId'>[] {
    const rows: Omit<Partial<WhistleTimer>, 'ticketId'>[] = [];
    for (const phase of phases) {
      const plan = this.plan(t.urgency, phase, from);
      for (const step of STEPS) {
        rows.push({ departmentId: t.departmentId, phase, step, dueAt: plan[step], status: 'pending', remaining: null, firedAt: null });
      }
      limit(t, phase, plan.group);
    }
    return rows;
  }

  /** Writes the timers of the phases (one INSERT) for the ticket's current department and records the limits on the ticket. */
  async start(em: EntityManager, t: WhistleTicket, phases: Phase[], from: Date): Promise<void> {
    await insertLater(em, WhistleTimer, this.timers(t, phases, from).map((r) => ({ ...r, ticketId: t.id })));
  }

  async cancel(em: EntityManager, ticketId: number, phases: Phase[] = ['ack', 'done']): Promise<void> {
    await em.update(WhistleTimer, { ticketId, phase: In(phases), status: In(['pending', 'paused']) }, { status: 'cancelled' });
  }

  /** 挂起: the clocks stop; what was left is kept on each timer. */
  async pause(em: EntityManager, t: WhistleTicket, now: Date): Promise<void> {
    const timers = await em.find(WhistleTimer, { where: { ticketId: t.id, status: 'pending' } });
    for (const timer of timers) {
      timer.remaining = Math.max(0, this.between(t.urgency, now, timer.dueAt));
      timer.status = 'paused';
      await em.save(timer);
    }
  }

  /** The clocks run again with the time that was left. */
  async resume(em: EntityManager, t: WhistleTicket, now: Date): Promise<void> {
    const timers = await em.find(WhistleTimer, { where: { ticketId: t.id, status: 'paused' } });
    for (const timer of timers) {
      timer.dueAt = this.add(t.urgency, now, timer.remaining ?? 0);
      timer.remaining = null;
      timer.status = 'pending';
      await em.save(timer);
      if (timer.step === 'group') {
        if (timer.phase === 'ack') t.ackDueAt = timer.dueAt;
        else t.doneDueAt = timer.dueAt;
      }
    }
  }

  /** Timers due now, oldest first; each is claimed (status fired) before the caller acts on it. */
  async claimDue(em: EntityManager, now: Date): Promise<WhistleTimer[]> {
    const due = await em.createQueryBuilder(WhistleTimer, 't')
      .where('t.status = :s AND t.dueAt <= :now', { s: 'pending', now })
      .orderBy('t.dueAt', 'ASC').addOrderBy('t.id', 'ASC').limit(200).getMany();
    const claimed: WhistleTimer[] = [];
    for (const timer of due) {
      // A second sweeper (another process) that read the same row finds it no longer pending.
      const r = await em.update(WhistleTimer, { id: timer.id, status: 'pending' }, { status: 'fired', firedAt: now });
      if (r.affected === 0) continue;
      claimed.push(timer);
    }
    return claimed;
  }
}
