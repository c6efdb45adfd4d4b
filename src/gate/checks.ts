import type { Notice } from '../../entities';
import type { Port } from '../unit';
import type { Verdict } from './gate';
import type { Finding } from './rules/types';

/**
 * A check another unit adds to the gate (the ledger's repeated-request check). Unlike a rule it may
 * read the database; its finding is judged with the rules' and shown on the same card, fixes as buttons.
 */
export interface NoticeCheck {
  id: string;
  /** Runs before a new notice is stored: its id is then undefined, and it has nothing stored yet. */
  check(port: Port, n: Notice): Promise<Finding | null>;
  /** Told each stored verdict, e.g. to remember a data request that went out. */
  decided?(port: Port, n: Notice, verdict: Verdict): Promise<void>;
}

/** The gate's list of checks, offered as service `gate.checks` so units set up later can add theirs. */
export class NoticeChecks {
  private readonly list: NoticeCheck[] = [];

  add(c: NoticeCheck): void {
    if (this.list.some((x) => x.id === c.id)) throw new Error(`notice check added twice: ${c.id}`);
    this.list.push(c);
  }

  async run(port: Port, n: Notice): Promise<Finding[]> {
    const out: Finding[] = [];
    for (const c of this.list) {
      const f = await c.check(port, n);
      if (f) out.push(f);
    }
    return out;
  }

  async decided(port: Port, n: Notice, verdict: Verdict): Promise<void> {
    for (const c of this.list) await c.decided?.(port, n, verdict);
  }
}
