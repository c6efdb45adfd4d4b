import { Between, EntityManager, In, MoreThan } from 'typeorm';
import { LedgerRequest } from '../../entities';
import { sendCarried } from '../db-carry';
import { insertRowLater } from '../db-statements';
import { departmentName } from '../directory/lookup';
import { RequestIndex } from './request-index';
import { analyzeRequest, compareRequests, type Comparison, type RequestAnalysis } from './requests';
import type { StoredAnalysis } from './store';
import type { Vocabulary } from './vocabulary';

/** The columns the index is built from (see collected()). */
const INDEXED = { id: true, text: true, createdAt: true, baseRequestId: true, kind: true } as const;
/** And what naming a request to its sender takes (describe() in repeat-check.ts). */
const NAMED = { ...INDEXED, noticeId: true, departmentName: true } as const;

/** Kinds of ledger request whose data communities were (or are being) asked for. */
export const COLLECTING = ['request', 'delta'];

const ASKS_FOR_MATERIAL = /(上报|报送|提交|上传|填报|统计|汇总|报来)/;
const MATERIAL = /(总结|简报|材料|报告|汇报|情况|数据|名单|表|信息)/;

export function stored(a: RequestAnalysis): StoredAnalysis {
  const { sketch: _sketch, ...rest } = a;
  return rest;
}

/**
 * Every data request the ledger has seen, and the question the gate asks of each new one: did an
 * earlier request (within the window) already collect this? The index lives in memory and is
 * filled from the database on first use; a hit is re-checked against the stored row, so an index
 * entry from a transaction that rolled back can never answer.
 */
export class RequestBook {
  private index: RequestIndex | null = null;
  private readonly indexed = new Set<number>();
  private loadedUpTo = 0;
  /** Index entries of rows recorded but not yet written, by stand-in id (negative): the row's id once written, else 0. */
  private readonly provisional = new Map<number, number>();
  /** Transactions that have read other instances' new rows already. */
  private readonly toppedUp = new WeakSet<EntityManager>();

  constructor(readonly vocab: Vocabulary, readonly windowDays: number) {}

  /** Recent analyses: one notice's text is analysed by the check, its decision, the record and the index. */
  private readonly analyses = new Map<string, RequestAnalysis>();

  /** With the posting time, 本月 and 上季度 become the months and quarters they mean. Callers share the result: read it, never change it. */
  analyze(text: string, postedAt?: Date): RequestAnalysis {
    const key = `${this.vocab.revision}:${postedAt?.getTime() ?? ''}\u0000${text}`;
    const known = this.analyses.get(key);
    if (known) return known;
    const a = analyzeRequest(this.vocab, text, postedAt);
    if (this.analyses.size >= 256) this.analyses.delete(this.analyses.keys().next().value!);
    this.analyses.set(key, a);
    return a;
  }

  /** A table or count about a population, or a text asking for material (简报, 总结). */
  isDataRequest(a: RequestAnalysis, text: string): boolean {
    if (a.fields.length && (a.populations.length || a.subject.length)) return true;
    if (a.mode === 'count' && a.populations.length) return true;
    if (a.mode === 'list' && a.populations.length) return true;
    return ASKS_FOR_MATERIAL.test(text) && MATERIAL.test(text);
  }

  /**
   * The index, filled on first use and then topped up with rows other instances wrote (several
   * instances may share one database); rows this one writes are added as they are recorded.
   */
  private async ensureIndex(em: EntityManager): Promise<RequestIndex> {
    this.index ??= new RequestIndex(this.vocab);
    // Once per transaction: the notices of one batch are judged as if at one moment, so the later
    // ones need not read again what other instances wrote meanwhile (this one's rows go straight in).
    if (this.toppedUp.has(em)) return this.index;
    // Only what indexing reads: the stored analysis (a large JSON text) would be parsed for nothing.
    const rows = await em.find(LedgerRequest, { select: INDEXED, where: { id: MoreThan(this.loadedUpTo), kind: In(COLLECTING) }, order: { id: 'ASC' } });
    if (em.queryRunner?.isTransactionActive) this.toppedUp.add(em);
    for (const r of rows) {
      if (!this.indexed.has(r.id)) await this.indexRow(em, r);
      this.loadedUpTo = Math.max(this.loadedUpTo, r.id);
    }
    return this.index;
  }

  /**
   * The earlier collecting request that best answers `a`, if any, with how it compares. The answer
   * is recomputed from the stored row, so a stale index entry can cause a miss but never a false hit.
   * The rows carry what comparing and naming them need (NAMED), not the stored analysis.
   */
  async prior(em: EntityManager, a: RequestAnalysis, now: Date, skip: number[] = []): Promise<{ request: LedgerRequest; base: LedgerRequest | null; comparison: Comparison } | null> {
    const index = await this.ensureIndex(em);
    const refused = new Set(skip);
    for (let tries = 0; tries < 5; tries++) {
      const hit = index.lookup(a, now.getTime(), this.windowDays, (id) => refused.has(id));
      if (!hit) return null;
      refused.add(hit.id);
      let id = hit.id;
      if (id < 0) {
        // A stand-in: this transaction's own row, written with its next statement (sent now), or
        // another's not yet written, which is not this transaction's to see.
        if (!this.provisional.get(id)) await sendCarried(em);
        id = this.provisional.get(id) ?? 0;
        if (!id || refused.has(id)) continue;
        refused.add(id);
      }
      const row = await em.findOne(LedgerRequest, { select: NAMED, where: { id } });
      if (!row || !COLLECTING.includes(row.kind)) continue;
      const base = row.baseRequestId ? await em.findOne(LedgerRequest, { select: NAMED, where: { id: row.baseRequestId } }) : null;
      const comparison = compareRequests(this.vocab, this.collected(row, base), a);
      if (comparison.label !== 'different') return { request: row, base, comparison };
    }
    return null;
  }

  /** What the ledger spared communities between two instants (service `ledger.figures`, read by the reports). */
  async avoided(em: EntityManager, from: Date, to: Date): Promise<{ entriesAvoided: number; answeredFromLedger: number }> {
    const rows = await em.find(LedgerRequest, { where: { kind: In(['answered', 'delta']), createdAt: Between(from, new Date(to.getTime() - 1)) } });
    return {
      entriesAvoided: rows.reduce((n, r) => n + r.entriesAvoided, 0),
      answeredFromLedger: rows.filter((r) => r.kind === 'answered').length,
    };
  }

  /** `id`: the row's own, or the stand-in of a row not yet written (see record). */
  private async indexRow(em: EntityManager, row: LedgerRequest, id = row.id): Promise<void> {
    this.indexed.add(id);
    const base = row.baseRequestId ? await em.findOne(LedgerRequest, { select: INDEXED, where: { id: row.baseRequestId } }) : null;
    this.index!.add({ id, createdAt: row.createdAt.getTime(), analysis: this.collected(row, base) });
  }

  /** What a request (with the one it builds on) collected, as an analysis. */
  collected(row: LedgerRequest, base: LedgerRequest | null): RequestAnalysis {
    const own = this.analyze(row.text, row.createdAt);
    if (!base) return own;
    const b = this.analyze(base.text, base.createdAt);
    const fields = [...b.fields, ...own.fields.filter((f) => !b.fields.some((x) => x.canonical === f.canonical))];
    return { ...b, fields };
  }

  async record(em: EntityManager, r: { noticeId: number | null; departmentId: number | null; senderId: number | null; text: string; kind: string; baseRequestId?: number | null; communityIds: number[]; entriesAvoided?: number; now: Date }): Promise<void> {
    const a = this.analyze(r.text, r.now);
    const dept = r.departmentId ? await departmentName(em, r.departmentId) : null;
    const row = em.create(LedgerRequest, {
      noticeId: r.noticeId, departmentId: r.departmentId, departmentName: dept ?? '', senderId: r.senderId, text: r.text,
      analysis: stored(a), kind: r.kind, baseRequestId: r.baseRequestId ?? null, communityIds: r.communityIds,
      entriesAvoided: r.entriesAvoided ?? 0, createdAt: r.now,
    });
    let standIn = 0;
    if (COLLECTING.includes(r.kind)) {
      await this.ensureIndex(em);
      // In the index at once, under a stand-in id, so the batch's next notice finds it; the row
      // itself (and so its id) waits for the transaction's next statement (db-carry).
      standIn = -(this.provisional.size + 1);
      this.provisional.set(standIn, 0);
      await this.indexRow(em, row, standIn);
    }
    await insertRowLater(em, LedgerRequest, row, (id) => {
      row.id = id;
      if (!standIn) return;
      this.provisional.set(standIn, id);
      // Already in the index: reading it back from the database would add it twice.
      this.indexed.add(id);
    });
  }
}
