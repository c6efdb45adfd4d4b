import fs from 'node:fs';
import path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from '../ormconfig';

export async function openDatabase(url: string, opts: { migrate?: boolean } = {}): Promise<DataSource> {
  const options = dataSourceOptions(url);
  if (options.type === 'better-sqlite3' && options.database !== ':memory:') {
    fs.mkdirSync(path.dirname(options.database as string), { recursive: true });
  }
  let ds = new DataSource(options);
  await ds.initialize();
  // TypeORM reads MariaDB's catalog differently from MySQL's (e.g. column defaults), and a
  // mysql:// URL may point at either, so ask the server and pick the matching driver mode.
  if (options.type === 'mysql') {
    const [{ v }] = await ds.query('SELECT VERSION() AS v');
    if (/mariadb/i.test(String(v))) {
      await ds.destroy();
      ds = new DataSource({ ...options, type: 'mariadb' });
      await ds.initialize();
    }
  }
  if (opts.migrate !== false) await ds.runMigrations({ transaction: 'each' });
  return ds;
}

export async function pendingMigrations(ds: DataSource): Promise<boolean> {
  return ds.showMigrations();
}

/**
 * Serialises write transactions. better-sqlite3 has a single connection, so two concurrent
 * TypeORM transactions would interleave on it; one queue keeps each unit of work atomic and
 * costs nothing noticeable at a street office's message rate.
 */
export class Db {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /**
   * True when an error came from the database being away rather than from the work itself:
   * the connection was lost, or the database does not answer a trivial query now.
   */
  async unavailable(err: unknown): Promise<boolean> {
    if (isConnectionError(err)) return true;
    try {
      await this.ds.query('SELECT 1');
      return false;
    } catch {
      return true;
    }
  }

  work<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.ds.transaction(fn));
    this.tail = run.catch(() => undefined);
    return run;
  }
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

/** True for errors meaning "the database is not reachable right now" on either database. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string; name?: string };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (CONNECTION_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return true;
  return e?.name === 'ConnectionIsNotSetError' || /connection (is )?(not open|closed|lost)|closed state|database connection is not open|Connection with .* was closed/i.test(e?.message ?? '');
}
