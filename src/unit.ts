import type { Logger } from 'pino';
import type { EntityManager, MixedList } from 'typeorm';
import type { OutgoingBody } from '../bots/types';
import type { Member } from '../entities';
import type { AuditEntry } from './audit';
import type { CalendarService } from './calendar/calendar-service';
import type { ArgResolver, CommandDef } from './chat/registry';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import type { Db } from './db';
import type { Job } from './jobs';
import type { Address, OutboxListener } from './outbox/outbox';
import type { RouteModule } from './server/http';

export interface SendOptions {
  notBefore?: Date;
  dedupeKey?: string;
}

/**
 * What a domain service may touch. A chat command, a CLI and a test each build one, so they all
 * drive the same code: who acts, inside which transaction, at what time, and how to say things.
 */
export interface Port {
  actor: Member;
  em: EntityManager;
  now: Date;
  /** Where the request came from (answers go there), or null for a CLI or a job. */
  origin: Address | null;
  /** Unique per request, so what it enqueues is enqueued once even if the request is replayed. */
  ref: string;
  send(to: Address, body: OutgoingBody | string, opts?: SendOptions): Promise<void>;
  audit(e: Omit<AuditEntry, 'actor'>): Promise<void>;
}

/** Answers whoever made the request; a CLI or a job has nobody to answer. */
export async function answer(port: Port, body: OutgoingBody | string, opts: SendOptions = {}): Promise<void> {
  if (port.origin) await port.send(port.origin, body, opts);
}

/** Services one unit offers to the units set up after it (never the other way round). */
export class Services {
  private readonly map = new Map<string, unknown>();

  provide<T>(name: string, service: T): T {
    if (this.map.has(name)) throw new Error(`service provided twice: ${name}`);
    this.map.set(name, service);
    return service;
  }

  get<T>(name: string): T {
    if (!this.map.has(name)) throw new Error(`no service named ${name}; is its unit listed earlier in src/units.ts?`);
    return this.map.get(name) as T;
  }

  has(name: string): boolean {
    return this.map.has(name);
  }
}

/** Everything a unit gets when it is set up; the same for every unit. */
export interface UnitContext {
  config: AppConfig;
  clock: Clock;
  log: Logger;
  db: Db;
  calendar: CalendarService;
  services: Services;
}

/** What a unit adds to the running service. */
export interface UnitParts {
  commands?: CommandDef[];
  /** Typed command arguments this unit resolves (e.g. a notice number to a notice). */
  argTypes?: Record<string, ArgResolver>;
  jobs?: Job[];
  routes?: RouteModule[];
  /** Told when a queued message was sent or parked. */
  outboxListeners?: OutboxListener[];
}

/**
 * A capability (gate, ledger, whistle desk, monitoring …): its tables are known before the
 * database opens, its commands, jobs and routes once the core is up.
 */
export interface Unit {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: Function[];
  setup(ctx: UnitContext): UnitParts;
}
