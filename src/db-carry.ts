import { DataSource, EntityManager, QueryResult } from 'typeorm';
import type { QueryRunner } from 'typeorm';

/*
 * On MySQL/MariaDB each statement is a round trip, and on a small shared machine the round trips
 * (a socket write and a wake-up on both sides) cost the service and the database server more CPU
 * than the statements themselves (bench:cost, CPU profiles). Inside a transaction, a statement
 * whose result nobody reads (START TRANSACTION, an INSERT whose id is not needed) can wait and
 * go out in front of the transaction's next statement, as one multi-statement query (ormconfig
 * allows them; every value is a bound parameter). It still runs before anything read after it,
 * in order, and commits or rolls back with the rest; SQLite has no round trips and runs it at once.
 */

/** One statement (so one result to skip, or to hand to `done`). */
interface Carried {
  sql: string;
  params: unknown[];
  /** Told the statement's result once it ran (an INSERT's id, say). */
  done?: (raw: unknown) => void;
}

interface Carrier {
  waiting: Carried[];
  /** A query that carried statements failed: which one is unknown, so the transaction must not commit. */
  failed: unknown;
}

const carriers = new WeakMap<QueryRunner, Carrier>();

/**
 * Makes every query runner of this DataSource carry waiting statements on its next query.
 * Errors are the database's own; if a query that carried statements fails, its caller sees the
 * error as usual, and should the caller treat it as expected (a duplicate it meant to skip), the
 * COMMIT fails with it all the same: a carried INSERT can never be dropped quietly.
 */
export function carryStatements(ds: DataSource): void {
  if (ds.options.type === 'better-sqlite3') return;
  const create = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = (mode) => {
    const qr = create(mode);
    const own: Carrier = { waiting: [], failed: undefined };
    carriers.set(qr, own);
    const query = qr.query.bind(qr) as (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;
    (qr as { query: unknown }).query = async (sql: string, params?: unknown[], structured?: boolean): Promise<unknown> => {
      // TypeORM sends it alone and reads nothing from it; the transaction's first statement takes it along.
      if (sql === 'START TRANSACTION' && !own.waiting.length) {
        own.failed = undefined;
        own.waiting.push({ sql, params: [] });
        return structured ? new QueryResult() : undefined;
      }
      if (sql === 'ROLLBACK') {
        // What waited never ran; nothing to undo but what did.
        own.waiting = [];
        own.failed = undefined;
        return query(sql, params, structured);
      }
      if (sql === 'COMMIT' && own.failed !== undefined) {
        const err = own.failed;
        own.failed = undefined;
        throw err;
      }
      if (!own.waiting.length) return query(sql, params, structured);
      const waiting = own.waiting;
      own.waiting = [];
      let r: QueryResult;
      try {
        r = await query([...waiting.map((c) => c.sql), sql].join(';\n'), [...waiting.flatMap((c) => c.params), ...(params ?? [])], true) as QueryResult;
      } catch (err) {
        own.failed = err;
        throw err;
      }
      try {
        waiting.forEach((c, i) => c.done?.((r.raw as unknown[])[i]));
      } catch (err) {
        own.failed = err;
        throw err;
      }
      const rest = (r.raw as unknown[]).slice(waiting.length);
      const raw = rest.length === 1 ? rest[0] : rest;
      if (!structured) return raw;
      const out = new QueryResult();
      out.raw = raw;
      if (Array.isArray(raw)) out.records = raw as unknown[];
      const affected = (raw as { affectedRows?: number } | null)?.affectedRows;
      if (affected !== undefined) out.affected = affected;
      return out;
    };
    return qr;
  };
}

/**
 * Queues a statement on this transaction's connection, to go with its next query (at the latest
 * its COMMIT). False when it cannot wait (SQLite, no transaction): the caller runs it now.
 */
export function carry(em: EntityManager, sql: string, params: unknown[], done?: (raw: unknown) => void): boolean {
  const c = carrierOf(em);
  c?.waiting.push({ sql, params, done });
  return c !== undefined;
}

/** Sends what waits now, for a caller that needs its results (see carry's `done`) before the next statement. */
export async function sendCarried(em: EntityManager): Promise<void> {
  if (carrierOf(em)?.waiting.length) await em.query('SELECT 1');
}

/** Whether statements given to carry() would wait (a transaction on MySQL/MariaDB). */
export function carries(em: EntityManager): boolean {
  return carrierOf(em) !== undefined;
}

function carrierOf(em: EntityManager): Carrier | undefined {
  const qr = em.queryRunner;
  return qr && qr.isTransactionActive && !qr.isReleased ? carriers.get(qr) : undefined;
}

