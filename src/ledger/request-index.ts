import { bandKeys } from './near-dup';
import { compareRequests, type Comparison, type RequestAnalysis } from './requests';
import type { PopRelation, Vocabulary } from './vocabulary';

export interface IndexedRequest {
  id: number;
  createdAt: number;
  analysis: RequestAnalysis;
}

export interface PriorMatch {
  id: number;
  comparison: Comparison;
}

const DAY = 86_400_000;
const WORDS = 4;
/** Candidates the cheap pass ranks highest get the full comparison. */
const VERIFY = 8;

interface Entry extends IndexedRequest {
  // The field mask as plain numbers and the period beside it: the hot loop touches nothing else.
  m0: number;
  m1: number;
  m2: number;
  m3: number;
  period: string | null;
}

function popKey(a: RequestAnalysis): string | null {
  return a.populations.length ? a.populations.map((p) => `${p.label}|${p.qualifier ?? ''}`).sort().join('+') : null;
}

/** What a request asks besides whom: equal signatures under one population compare alike. */
function signature(a: RequestAnalysis): string {
  return [a.mode, a.period ?? '', [...a.topic].sort().join(','), a.fields.map((f) => f.canonical).sort().join(',')].join('|');
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Earlier requests by what they are about, so a new request is compared only with those whose
 * population it can share (or, for field-less texts, whose MinHash shares an LSH band), newest
 * first, within the window. Fields are bit masks, so most candidates are ranked without the full
 * comparison, which then runs on the best few. In memory: years of a street's requests fit easily.
 */
export class RequestIndex {
  /** Population key → requests asking the same thing (fields, topic, period, mode) → those requests in time order. */
  private readonly byPop = new Map<string, Map<string, Entry[]>>();
  private readonly bySubject = new Map<string, Entry[]>();
  private readonly byBand = new Map<string, Entry[]>();
  /** Population keys not disjoint from a key, with the relation; dropped when a new key appears. */
  private readonly related = new Map<string, [string, PopRelation][]>();
  private count = 0;

  constructor(private readonly vocab: Vocabulary) {}

  get size(): number {
    return this.count;
  }

  private mask(a: RequestAnalysis): Uint32Array {
    const m = new Uint32Array(WORDS);
    for (const f of a.fields) {
      let id = this.vocab.fieldId(f.canonical);
      if (id < 0) {
        id = 0;
        for (let i = 0; i < f.canonical.length; i++) id = (Math.imul(id, 31) + f.canonical.charCodeAt(i)) >>> 0;
      }
      id %= WORDS * 32;
      m[id >>> 5] |= 1 << (id & 31);
    }
    return m;
  }

  private push(map: Map<string, Entry[]>, key: string, r: Entry): void {
    const list = map.get(key);
    if (!list) {
      map.set(key, [r]);
      return;
    }
    // Kept in time order so a lookup can stop at the window's edge.
    let i = list.length;
    while (i > 0 && list[i - 1].createdAt > r.createdAt) i--;
    list.splice(i, 0, r);
  }

  add(r: IndexedRequest): void {
    this.count++;
    const m = this.mask(r.analysis);
    const e: Entry = { ...r, m0: m[0], m1: m[1], m2: m[2], m3: m[3], period: r.analysis.period };
    const key = popKey(r.analysis);
    if (key) {
      let groups = this.byPop.get(key);
      if (!groups) {
        groups = new Map();
        this.byPop.set(key, groups);
        this.related.clear();
      }
      this.push(groups, signature(r.analysis), e);
    } else {
      for (const w of new Set(r.analysis.subject)) this.push(this.bySubject, w, e);
    }
    if (!r.analysis.fields.length) for (const b of bandKeys(r.analysis.sketch)) this.push(this.byBand, b, e);
  }

  private relatedKeys(a: RequestAnalysis, key: string): [string, PopRelation][] {
    let keys = this.related.get(key);
    if (!keys) {
      keys = [];
      for (const [k, groups] of this.byPop) {
        const first = groups.values().next().value!;
        const rel = this.vocab.relate(first[0].analysis.populations, a.populations);
        if (rel !== 'disjoint') keys.push([k, rel]);
      }
      this.related.set(key, keys);
    }
    return keys;
  }

  /**
   * The earlier request that best answers `a`: a `same` (newest), else the `overlap` missing fewest
   * fields. Requests asking exactly the same thing compare alike, so only the newest of each is ranked.
   */
  lookup(a: RequestAnalysis, now: number, windowDays: number, exclude?: (id: number) => boolean): PriorMatch | null {
    const since = now - windowDays * DAY;
    const want = this.mask(a);
    const wanted = want.reduce((n, w) => n + popcount(w), 0);
    const [w0, w1, w2, w3] = want;
    const period = a.period;
    // Rank: fewer missing fields first, then all rows known, then newer.
    const rankOf = (missing: number, rows: boolean, createdAt: number) => missing * 2 + (rows ? 0 : 1) - createdAt / (now + 1);
    const ranked: { e: Entry; rank: number }[] = [];
    const consider = (e: Entry, rows: boolean): void => {
      const shared = popcount(e.m0 & w0) + popcount(e.m1 & w1) + popcount(e.m2 & w2) + popcount(e.m3 & w3);
      if (wanted && !shared) return;
      if (period && e.period && period !== e.period) return;
      const rank = rankOf(wanted - shared, rows, e.createdAt);
      if (ranked.length >= VERIFY && rank >= ranked[ranked.length - 1].rank) return;
      let j = ranked.length;
      while (j > 0 && ranked[j - 1].rank > rank) j--;
      ranked.splice(j, 0, { e, rank });
      if (ranked.length > VERIFY) ranked.pop();
    };
    const key = popKey(a);
    if (key) {
      for (const [k, rel] of this.relatedKeys(a, key)) {
        const rows = rel === 'same' || rel === 'narrower';
        for (const list of this.byPop.get(k)!.values()) {
          for (let i = list.length - 1; i >= 0 && list[i].createdAt >= since; i--) {
            if (list[i].createdAt > now || exclude?.(list[i].id)) continue;
            consider(list[i], rows);
            break;
          }
        }
      }
    }
    // An entry may sit in several word or band lists.
    const seen = new Set<number>();
    const lists = key ? [] : [...new Set(a.subject)].map((w) => this.bySubject.get(w) ?? []);
    if (!a.fields.length) lists.push(...bandKeys(a.sketch).map((b) => this.byBand.get(b) ?? []));
    for (const list of lists) {
      for (let i = list.length - 1; i >= 0 && list[i].createdAt >= since; i--) {
        const e = list[i];
        // With no fields to share, rank is age alone: once the best few are found, the rest of a list (older) cannot enter.
        if (!wanted && ranked.length >= VERIFY && rankOf(0, true, e.createdAt) >= ranked[VERIFY - 1].rank) break;
        if (e.createdAt > now || seen.has(e.id) || exclude?.(e.id)) continue;
        seen.add(e.id);
        consider(e, true);
      }
    }
    let best: PriorMatch | null = null;
    for (const { e } of ranked) {
      const c = compareRequests(this.vocab, e.analysis, a);
      if (c.label === 'different') continue;
      if (!best || better(c, best.comparison)) best = { id: e.id, comparison: c };
    }
    return best;
  }
}

/** Ties keep the earlier pick, which ranked as newer. */
function better(c: Comparison, than: Comparison): boolean {
  if (c.label !== than.label) return c.label === 'same';
  if (c.label === 'overlap' && c.missing.length !== than.missing.length) return c.missing.length < than.missing.length;
  return c.label === 'overlap' && c.moreRows !== than.moreRows && !c.moreRows;
}
