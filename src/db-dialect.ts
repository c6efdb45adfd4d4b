import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { insertByOrm, insertStatement, reportedId, UNSUPPORTED } from './db-statements';

/*
 * What differs between SQLite and MySQL/MariaDB: error codes and row-lock options. Kept apart
 * from db.ts (which loads the entity list through ormconfig) so domain modules can use them
 * without an import cycle.
 */

/** Deadlocks and lock-wait timeouts roll the whole transaction back, so running it again is safe. */
export function isTransientLock(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

export type SkipLocked = { mode: 'pessimistic_write'; onLocked: 'skip_locked' };

/** The same lock option for code that holds only a transaction's EntityManager (a job). */
export function skipLocked(em: EntityManager): SkipLocked | undefined {
  return em.connection.options.type === 'better-sqlite3' ? undefined : { mode: 'pessimistic_write', onLocked: 'skip_locked' };
}

/** True for a unique-key violation on either database. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed|Duplicate entry/.test(e?.message ?? '');
}

const CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_FULL',
]);

const MARIADB_CONNECTION_KILLED = 1927;

/** True for errors meaning "the database is not reachable right now" on either database. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; driverError?: { code?: string; errno?: number }; message?: string; name?: string };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (CONNECTION_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return true;
  // MariaDB's "Connection was killed" (1927) has no code name in mysql2, which knows MySQL's numbers only.
  if ((e?.driverError?.errno ?? e?.errno) === MARIADB_CONNECTION_KILLED) return true;
  return e?.name === 'ConnectionIsNotSetError' || /connection (is )?(not open|closed|lost)|closed state|database connection is not open|Connection with .* was closed|connection was killed/i.test(e?.message ?? '');
}

/**
 * One INSERT of the rows, returning the id the database reports (MySQL: the first row's,
 * SQLite: the last row's): written from the entity metadata, or by TypeORM for shapes it must write.
 */
async function insertReported<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<number> {
  const id = await insertStatement(em, target, rows);
  if (id !== UNSUPPORTED) return id;
  return reportedId((await insertByOrm(em, target, rows as ObjectLiteral[])).raw);
}

/**
 * INSERT of one row, returning its generated id, in exactly one statement. em.insert() would
 * also read back every column with a default on databases without RETURNING (SQLite), a second
 * statement the hot paths (each inbound message, each outgoing one) do not need.
 */
export function insertRow<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, values: QueryDeepPartialEntity<T>): Promise<number> {
  return insertReported(em, target, [values]);
}

/** INSERT of several rows in one statement, when nobody needs their ids. */
export async function insertRows<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  if (rows.length) await insertReported(em, target, rows);
}

const numbering = new WeakMap<DataSource, Promise<boolean>>();

/**
 * Whether one multi-row INSERT numbers its rows one after another. SQLite does; MySQL/MariaDB do
 * for an INSERT with a known row count unless InnoDB's auto-increment lock mode is 2
 * (interleaved) or the increment is not 1. A MySQL-compatible database that says neither is not trusted.
 */
export function numbersConsecutively(em: EntityManager): Promise<boolean> {
  const ds = em.connection;
  let known = numbering.get(ds);
  if (!known) {
    known = ds.options.type === 'better-sqlite3' ? Promise.resolve(true) : (async () => {
      try {
        const [v] = await ds.query('SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step') as { mode: unknown; step: unknown }[];
        return Number(v.mode) <= 1 && Number(v.step) === 1;
      } catch {
        return false;
      }
    })();
    numbering.set(ds, known);
  }
  return known;
}

/**
 * INSERT of several rows returning their ids, in one statement where the database numbers a
 * multi-row INSERT's rows consecutively, else one statement per row.
 */
export async function insertRowsWithIds<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<number[]> {
  if (rows.length < 2 || !(await numbersConsecutively(em))) {
    const ids: number[] = [];
    for (const r of rows) ids.push(await insertRow(em, target, r));
    return ids;
  }
  const reported = await insertReported(em, target, rows);
  // better-sqlite3 reports the last row's id, mysql2 the first's.
  const first = em.connection.options.type === 'better-sqlite3' ? reported - rows.length + 1 : reported;
  return rows.map((_, i) => first + i);
}
