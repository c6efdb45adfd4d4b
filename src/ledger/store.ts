import { EntityManager, In } from 'typeorm';
import { LedgerRecord, LedgerRequest } from '../../entities';
import { DataCipher } from './crypto';
import type { RequestAnalysis } from './requests';
import { checkIdCard } from './validate';
import type { EntityKind, Pop, Vocabulary } from './vocabulary';

/** One entity in the ledger as a reader sees it: latest value of each field across the requests that collected it. */
export interface LedgerRow {
  identity: string;
  communityId: number;
  values: Record<string, string>;
  /** Requests whose rows contributed, for provenance. */
  requestIds: number[];
  updatedAt: Date;
}

export type StoredAnalysis = Omit<RequestAnalysis, 'sketch'>;

function tidy(v: string | undefined): string {
  return (v ?? '').normalize('NFKC').replace(/\s+/g, '').replace(/(号楼|幢)/g, '栋');
}

/** Age in whole years on `at` from a birth date YYYY-MM-DD. */
function ageOn(birth: string, at: Date): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(birth);
  if (!m) return null;
  const local = new Date(at.getTime() + 8 * 3_600_000);
  let age = local.getUTCFullYear() - Number(m[1]);
  const md = (local.getUTCMonth() + 1) * 100 + local.getUTCDate();
  if (md < Number(m[2]) * 100 + Number(m[3])) age--;
  return age;
}

/** Columns that identify a row, by kind, best first (what identityOf reads). */
const IDENTITY_FIELDS: Record<EntityKind, string[][]> = {
  person: [['姓名', '身份证号'], ['姓名', '住址'], ['姓名', '联系电话']],
  household: [['户主', '身份证号'], ['姓名', '身份证号'], ['户主', '住址']],
  building: [['住址'], ['小区名称', '楼栋号']],
  shop: [['名称', '住址']],
  place: [['名称', '位置'], ['名称'], ['位置'], ['住址']],
  event: [['名称', '时间'], ['名称']],
};

/** The fewest of `available` (canonical fields) that identify a row of this kind; [] when they cannot. */
export function identityFields(kind: EntityKind, available: string[]): string[] {
  return IDENTITY_FIELDS[kind].find((set) => set.every((f) => available.includes(f))) ?? [];
}

/**
 * The ledger's rows: stored by identity (an HMAC, never the value), sensitive fields encrypted,
 * each row tagged with the request and community it came from.
 */
export class LedgerStore {
  constructor(readonly vocab: Vocabulary, readonly cipher: DataCipher) {}

  /** Which values say who or what a row is, by kind; null when the row has none of them. */
  identityOf(kind: EntityKind, v: Record<string, string>): string | null {
    const id = v['身份证号'] ? checkIdCard(v['身份证号']) : null;
    const person = id?.ok ? `id:${id.value}` : v['姓名'] && v['住址'] ? `na:${tidy(v['姓名'])}|${tidy(v['住址'])}` : v['姓名'] && v['联系电话'] ? `np:${tidy(v['姓名'])}|${tidy(v['联系电话'])}` : null;
    const address = tidy(v['住址']) || [tidy(v['小区名称']), tidy(v['楼栋号'])].filter(Boolean).join('');
    let key: string | null;
    switch (kind) {
      case 'person': key = person; break;
      case 'household': key = id?.ok ? `id:${id.value}` : v['户主'] && address ? `hh:${tidy(v['户主'])}|${address}` : person; break;
      case 'building': key = address ? `addr:${address}${v['住址'] ? tidy(v['楼栋号']) : ''}` : null; break;
      case 'shop': key = v['名称'] && address ? `shop:${tidy(v['名称'])}|${address}` : null; break;
      case 'place': key = v['名称'] || v['位置'] || address ? `place:${tidy(v['名称'])}|${tidy(v['位置']) || address}` : null; break;
      case 'event': key = v['名称'] ? `event:${tidy(v['名称'])}|${tidy(v['时间'])}` : null; break;
    }
    return key ? this.cipher.identity(`${kind}|${key}`) : null;
  }

  isSensitive(field: string): boolean {
    return this.vocab.field(field)?.sensitive ?? false;
  }

  private encode(values: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) out[k] = this.isSensitive(k) ? this.cipher.encrypt(v) : v;
    return out;
  }

  private decode(values: Record<string, string>, fields?: Set<string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
      if (fields && !fields.has(k)) continue;
      out[k] = this.isSensitive(k) ? this.cipher.decrypt(v) : v;
    }
    return out;
  }

  /** A community's answer to a request replaces its earlier answer to that request. */
  async replace(em: EntityManager, p: { request: LedgerRequest; communityId: number; memberId: number; now: Date; kind: EntityKind; rows: { identity: string; values: Record<string, string> }[] }): Promise<void> {
    await em.delete(LedgerRecord, { requestId: p.request.id, communityId: p.communityId });
    const population = ((p.request.analysis as StoredAnalysis).populations ?? []).map((x) => x.label).join('+').slice(0, 64);
    const rows = p.rows.map((r) => em.create(LedgerRecord, {
      requestId: p.request.id, communityId: p.communityId, entityKind: p.kind, identity: r.identity, population,
      fieldValues: this.encode(r.values), keyId: this.cipher.keyId, submittedBy: p.memberId, submittedAt: p.now,
    }));
    for (let i = 0; i < rows.length; i += 200) await em.save(rows.slice(i, i + 200));
  }

  /**
   * Rows about `pops` from every request whose population is the same, inside it, or — when an age
   * band can be checked from 身份证号/出生日期/年龄 — around it (百岁老人 from a list of 80岁以上老人).
   */
  async rows(em: EntityManager, q: { pops: Pop[]; fields: string[]; communityIds?: number[]; now: Date }): Promise<LedgerRow[]> {
    const requests = await em.find(LedgerRequest, { where: { kind: In(['request', 'delta']) } });
    const full: number[] = [];
    const banded: number[] = [];
    const band = q.pops.length === 1 ? q.pops[0].band : undefined;
    for (const r of requests) {
      const pops = (r.analysis as StoredAnalysis).populations ?? [];
      if (!pops.length) continue;
      const rel = this.vocab.relate(pops, q.pops);
      if (rel === 'same' || rel === 'broader') full.push(r.id);
      else if (rel === 'narrower' && band && !q.pops[0].qualifier) banded.push(r.id);
    }
    if (!full.length && !banded.length) return [];
    const records = await em.find(LedgerRecord, { where: { requestId: In([...full, ...banded]) }, order: { submittedAt: 'ASC', id: 'ASC' } });
    const want = new Set([...q.fields, '身份证号', '出生日期', '年龄']);
    const merged = new Map<string, LedgerRow & { stamp: Map<string, number> }>();
    // Rows known only from a wider population must show they are in the band asked for.
    const inFull = new Set<string>();
    for (const rec of records) {
      if (q.communityIds && !q.communityIds.includes(rec.communityId)) continue;
      const values = this.decode(rec.fieldValues, want);
      let row = merged.get(rec.identity);
      if (!row) {
        row = { identity: rec.identity, communityId: rec.communityId, values: {}, requestIds: [], updatedAt: rec.submittedAt, stamp: new Map() };
        merged.set(rec.identity, row);
      }
      // Latest value of each field wins; a later, partial answer (a delta) keeps the earlier fields.
      for (const [k, v] of Object.entries(values)) {
        if (v === '' || (row.stamp.get(k) ?? -1) > rec.submittedAt.getTime()) continue;
        row.values[k] = v;
        row.stamp.set(k, rec.submittedAt.getTime());
      }
      if (!row.requestIds.includes(rec.requestId)) row.requestIds.push(rec.requestId);
      if (rec.submittedAt > row.updatedAt) row.updatedAt = rec.submittedAt;
      row.communityId = rec.communityId;
      if (full.includes(rec.requestId)) inFull.add(rec.identity);
    }
    const out: LedgerRow[] = [];
    for (const row of merged.values()) {
      if (!inFull.has(row.identity) && band && !inBand(row.values, band, q.now)) continue;
      const values: Record<string, string> = {};
      for (const f of q.fields) if (row.values[f] !== undefined) values[f] = row.values[f];
      out.push({ identity: row.identity, communityId: row.communityId, values, requestIds: row.requestIds, updatedAt: row.updatedAt });
    }
    return out;
  }
}

function inBand(v: Record<string, string>, band: { lo: number; hi: number }, now: Date): boolean {
  const id = v['身份证号'] ? checkIdCard(v['身份证号']) : null;
  const birth = id?.ok ? `${id.value.slice(6, 10)}-${id.value.slice(10, 12)}-${id.value.slice(12, 14)}` : v['出生日期'];
  const age = birth ? ageOn(birth, now) : v['年龄'] ? Number(v['年龄']) : null;
  return age !== null && !Number.isNaN(age) && age >= band.lo && age <= band.hi;
}
