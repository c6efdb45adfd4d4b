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
