import { InboundMessage } from '../../entities';
import { Db, insertRow, insertRowsWithIds, isDuplicateKey, numbersConsecutively } from '../db';

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
        // Row by row where a multi-row INSERT's ids are not known: a repeat in the middle would otherwise leave the rows before it stored but unclaimed.
        if (batch.length > 1 && (await numbersConsecutively(this.db.manager))) await this.many(batch);
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
      ids = await this.db.write((em) => insertRowsWithIds(em, InboundMessage, batch.map((w) => w.values)));
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
}
