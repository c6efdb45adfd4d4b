import fs from 'node:fs';
import path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { dataSourceOptions } from '../ormconfig';
import { isConnectionError, isDuplicateKey, isTransientLock, skipLocked, type SkipLocked } from './db-dialect';
import { carryStatements } from './db-carry';
import { useStatementManager } from './db-statements';

export { insertRow, insertRows, insertRowsWithIds, numbersConsecutively, isConnectionError, isDuplicateKey, isTransientLock, skipLocked } from './db-dialect';

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
  useStatementManager(ds);
  carryStatements(ds);
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
