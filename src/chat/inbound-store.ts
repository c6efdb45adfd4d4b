import type { EntityManager } from 'typeorm';
import { InboundMessage } from '../../entities';
import { Db, insertRow, isDuplicateKey } from '../db';

type Values = Omit<InboundMessage, 'id' | 'payload'> & { payload: object };

interface Waiting {
  values: Values;
  settle(result: { id: number } | { duplicate: true } | { error: unknown }): void;
}

/**
 * Stores inbound messages before they are acked, group-committed: while one INSERT is on its
 * way, the messages arriving meanwhile gather and go in the next one. Each still waits for its
 * own row to be stored, so nothing is acked unstored; an idle instance stores each at once.
 */
export class InboundStore {
  private waiting: Waiting[] = [];
  private writing = false;
  /** Whether a multi-row INSERT's ids are known from its first one (consecutive); checked once. */
  private consecutive: Promise<boolean> | null = null;

  constructor(private readonly db: Db) {}

  store(values: Values): Promise<{ id: number } | { duplicate: true }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ values, settle: (r) => ('error' in r ? reject(r.error) : resolve(r)) });
      if (!this.writing) void this.write();
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, 200);
        if (batch.length > 1 && (await this.idsConsecutive())) await this.many(batch);
        else for (const w of batch) await this.one(w);
      }
    } finally {
      this.writing = false;
    }
  }

  private async one(w: Waiting): Promise<void> {
    try {
      w.settle({ id: await this.db.write((em) => insertRow(em, InboundMessage, w.values)) });
    } catch (err) {
      w.settle(isDuplicateKey(err) ? { duplicate: true } : { error: err });
    }
  }

  private async many(batch: Waiting[]): Promise<void> {
    let ids: number[];
    try {
      ids = await this.db.write((em) => insertMany(em, batch.map((w) => w.values)));
    } catch (err) {
      // A redelivered message fails the whole INSERT: then each on its own finds which.
      if (isDuplicateKey(err)) {
        for (const w of batch) await this.one(w);
        return;
      }
      for (const w of batch) w.settle({ error: err });
      return;
    }
    batch.forEach((w, i) => w.settle({ id: ids[i] }));
  }

  /**
   * SQLite numbers a multi-row INSERT's rows one after another. MySQL/MariaDB do so for an
   * INSERT with a known row count unless InnoDB's auto-increment lock mode is 2 (interleaved) or
   * the increment is not 1; a MySQL-compatible database that says neither is written row by row.
   */
  private idsConsecutive(): Promise<boolean> {
    this.consecutive ??= (async () => {
      if (!this.db.concurrent) return true;
      try {
        const [v] = await this.db.manager.query('SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step') as { mode: unknown; step: unknown }[];
        return Number(v.mode) <= 1 && Number(v.step) === 1;
      } catch {
        return false;
      }
    })();
    return this.consecutive;
  }
}

async function insertMany(em: EntityManager, rows: Values[]): Promise<number[]> {
  const r = await em.createQueryBuilder().insert().into(InboundMessage).values(rows).updateEntity(false).execute();
  const raw = r.raw as number | bigint | { insertId?: number | string };
  // better-sqlite3 reports the last row's id, mysql2 the first's.
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    const last = Number(raw);
    return rows.map((_, i) => last - rows.length + 1 + i);
  }
  const first = Number(raw.insertId);
  return rows.map((_, i) => first + i);
}
