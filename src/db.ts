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
  if (ds.options.type !== 'better-sqlite3') await readCommitted(ds);
  if (opts.migrate !== false) await exclusively(ds, 'migrate', () => ds.runMigrations({ transaction: 'each' }));
  return ds;
}

/**
 * READ COMMITTED on every pooled connection: no gap locks, so claiming due rows with a locking
 * read does not block every insert of a new pending row behind it, and each statement sees what
 * is committed, which is all the code assumes. Set once per connection rather than per transaction.
 */
async function readCommitted(ds: DataSource): Promise<void> {
  const sql = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';
  const pool = (ds.driver as unknown as { pool: { on(event: 'connection', cb: (c: { query(sql: string, cb: () => void): void }) => void): void } }).pool;
  pool.on('connection', (c) => c.query(sql, () => undefined));
  // TypeORM opened one connection to check the credentials before the listener existed.
  await ds.query(sql);
}

/**
 * Runs fn while holding a server-wide named lock (MySQL/MariaDB GET_LOCK), so instances started
 * together migrate and seed one after another instead of racing; SQLite has one process anyway.
 */
export async function exclusively<T>(ds: DataSource, name: string, fn: () => Promise<T>): Promise<T> {
  if (ds.options.type === 'better-sqlite3') return fn();
  const runner = ds.createQueryRunner();
  await runner.connect();
  const lock = `jianfu:${ds.driver.database ?? ''}:${name}`.slice(0, 64);
  try {
    const [{ got }] = await runner.query('SELECT GET_LOCK(?, 300) AS got', [lock]);
    if (Number(got) !== 1) throw new Error(`等待其他实例完成「${name}」超时`);
    return await fn();
  } finally {
    await runner.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    await runner.release();
  }
}

export async function pendingMigrations(ds: DataSource): Promise<boolean> {
  return ds.showMigrations();
}

/** Deadlocks and lock-wait timeouts roll the whole transaction back, so running it again is safe. */
export function isTransientLock(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

const TRANSACTION_TRIES = 5;

/**
 * Units of work. better-sqlite3 has a single connection, so two concurrent TypeORM transactions
 * would interleave on it: there every write waits its turn in one queue. MySQL/MariaDB give
 * each transaction its own pooled connection, so they run side by side and a deadlock victim
 * is simply run again.
 */
export class Db {
  /** True when transactions may run concurrently (MySQL/MariaDB); false for SQLite. */
  readonly concurrent: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly ds: DataSource) {
    this.concurrent = ds.options.type !== 'better-sqlite3';
  }

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

  /** Runs fn in a transaction; with retryDuplicate a unique-key race (two first messages of one new member) is retried too. */
  work<T>(fn: (em: EntityManager) => Promise<T>, opts: { retryDuplicate?: boolean } = {}): Promise<T> {
    if (this.concurrent) return this.retrying(() => this.ds.transaction(fn), opts.retryDuplicate);
    return this.queued(() => this.ds.transaction(fn));
  }

  /** A single statement that needs no transaction of its own (autocommit on MySQL, queued on SQLite). */
  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (this.concurrent) return this.retrying(() => fn(this.ds.manager), false);
    return this.queued(() => fn(this.ds.manager));
  }

  /**
   * Lock option for claiming rows: on MySQL/MariaDB (≥10.6) `FOR UPDATE SKIP LOCKED`, so two
   * instances never take the same row; SQLite's single writer needs none.
   */
  get skipLocked(): SkipLocked | undefined {
    return skipLocked(this.ds.manager);
  }

  private queued<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async retrying<T>(fn: () => Promise<T>, retryDuplicate = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const again = isTransientLock(err) || (retryDuplicate && isDuplicateKey(err));
        if (!again || attempt >= TRANSACTION_TRIES) throw err;
        // Random backoff so the two deadlock victims do not collide again at once.
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }
}

type SkipLocked = { mode: 'pessimistic_write'; onLocked: 'skip_locked' };

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

/** True for errors meaning "the database is not reachable right now" on either database. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string; name?: string };
  const code = e?.driverError?.code ?? e?.code ?? '';
  if (CONNECTION_CODES.has(code) || code.startsWith('SQLITE_IOERR')) return true;
  return e?.name === 'ConnectionIsNotSetError' || /connection (is )?(not open|closed|lost)|closed state|database connection is not open|Connection with .* was closed/i.test(e?.message ?? '');
}
