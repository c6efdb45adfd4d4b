import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';

export type FieldKind = 'idcard' | 'phone' | 'date' | 'number' | 'text';
export type EntityKind = 'person' | 'household' | 'building' | 'shop' | 'place' | 'event';

export interface FieldDef {
  name: string;
  synonyms: string[];
  personal: boolean;
  sensitive: boolean;
  kind: FieldKind;
  key: boolean;
}

export interface PopulationDef {
  name: string;
  synonyms: string[];
  kind: EntityKind;
  within: string[];
  overlaps: string[];
  /** Age band of a class (老人, 儿童): "N岁以上老人" is placed by its numbers. */
  band?: Band;
}

export interface Band {
  cls: string;
  lo: number;
  hi: number;
}

/** A population as a request names it: a listed one, an age band, or either narrowed by a qualifier (有就业意愿的). */
export interface Pop {
  label: string;
  base?: string;
  band?: Band;
  qualifier?: string;
}

export type PopRelation = 'same' | 'narrower' | 'broader' | 'overlap' | 'disjoint';

const nonEmpty = z.string().trim().min(1);
const fieldSchema = z.object({
  name: nonEmpty,
  synonyms: z.array(nonEmpty).default([]),
  personal: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  kind: z.enum(['idcard', 'phone', 'date', 'number', 'text']).default('text'),
  key: z.boolean().default(false),
});
const populationSchema = z.object({
  name: nonEmpty,
  synonyms: z.array(nonEmpty).default([]),
  kind: z.enum(['person', 'household', 'building', 'shop', 'place', 'event']),
  within: z.array(nonEmpty).default([]),
  overlaps: z.array(nonEmpty).default([]),
  class: nonEmpty.optional(),
  age: z.tuple([z.number().int().min(0), z.number().int().min(0).nullable()]).optional(),
});

export class VocabularyError extends Error {}

/** Words for an age class as notices write them; the first is the class name. */
const AGE_CLASSES: Record<string, string[]> = {
  老人: ['老年人', '老人', '老年居民', '长者'],
  儿童: ['儿童', '婴幼儿', '少年儿童', '未成年人', '孩子'],
};
const NO_UPPER = 200;

function norm(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '');
}

/**
 * The field and population vocabulary (config/ledger-fields.yaml, config/ledger-populations.yaml) plus
 * what admins added by chat. Lookups are exact on normalised names; requests.ts does the fuzzier work.
 */
export class Vocabulary {
  /** Grows with every word added, so what was read with an older vocabulary can tell it is stale. */
  revision = 0;
  private readonly fieldByWord = new Map<string, FieldDef>();
  private readonly popByWord = new Map<string, PopulationDef>();
  private readonly fieldList: FieldDef[] = [];
  private readonly popList: PopulationDef[] = [];
  /** Every population word, longest first, for scanning a text. */
  private popWords: string[] = [];
  /** References between listed populations are checked once the whole file is in. */
  private loading = true;
  /** relate() answers, because the request index asks the same pairs again and again. */
  private readonly relations = new Map<string, PopRelation>();

  constructor(fields: FieldDef[], populations: PopulationDef[]) {
    for (const f of fields) this.addField(f);
    for (const p of populations) this.addPopulation(p);
    for (const p of populations) {
      for (const w of [...p.within, ...p.overlaps]) {
        if (!this.popByWord.has(norm(w))) throw new VocabularyError(`人群「${p.name}」引用了未定义的人群「${w}」`);
      }
    }
    this.loading = false;
  }

  static load(fieldsFile: string, populationsFile: string): Vocabulary {
    const read = (file: string, key: string): unknown[] => {
      const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null;
      const list = doc?.[key];
      if (!Array.isArray(list)) throw new VocabularyError(`${file} 应有列表 ${key}`);
      return list;
    };
    const fields = read(fieldsFile, 'fields').map((raw, i) => {
      const r = fieldSchema.safeParse(raw);
      if (!r.success) throw new VocabularyError(`${fieldsFile} 第 ${i + 1} 个字段有误：${r.error.issues[0]?.message}`);
      return r.data;
    });
    const pops = read(populationsFile, 'populations').map((raw, i): PopulationDef => {
      const r = populationSchema.safeParse(raw);
      if (!r.success) throw new VocabularyError(`${populationsFile} 第 ${i + 1} 个人群有误：${r.error.issues[0]?.message}`);
      const { class: cls, age, ...rest } = r.data;
      if ((cls === undefined) !== (age === undefined)) throw new VocabularyError(`人群「${rest.name}」的 class 与 age 须同时给出`);
      return { ...rest, ...(cls && age ? { band: { cls, lo: age[0], hi: age[1] ?? NO_UPPER } } : {}) };
    });
    return new Vocabulary(fields, pops);
  }

  addField(f: FieldDef): void {
    this.revision++;
    this.relations.clear();
    const existing = this.fieldByWord.get(norm(f.name));
    if (existing) {
      for (const s of f.synonyms) this.addFieldSynonym(existing.name, s);
      return;
    }
    const def = { ...f, synonyms: [...f.synonyms] };
    this.fieldList.push(def);
    for (const w of [f.name, ...f.synonyms]) {
      const taken = this.fieldByWord.get(norm(w));
      if (taken && taken !== def) throw new VocabularyError(`字段名「${w}」同时属于「${taken.name}」和「${f.name}」`);
      this.fieldByWord.set(norm(w), def);
    }
  }

  addFieldSynonym(canonical: string, synonym: string): void {
    this.revision++;
    const def = this.fieldByWord.get(norm(canonical));
    if (!def) throw new VocabularyError(`没有字段「${canonical}」`);
    const taken = this.fieldByWord.get(norm(synonym));
    if (taken && taken !== def) throw new VocabularyError(`「${synonym}」已是字段「${taken.name}」的名称`);
    if (!taken) def.synonyms.push(synonym);
    this.fieldByWord.set(norm(synonym), def);
  }

  addPopulation(p: PopulationDef): void {
    this.revision++;
    this.relations.clear();
    const def = { ...p, synonyms: [...p.synonyms] };
    for (const w of [p.name, ...p.synonyms]) {
      const taken = this.popByWord.get(norm(w));
      if (taken) throw new VocabularyError(`人群名「${w}」已属于「${taken.name}」`);
    }
    for (const w of [...p.within, ...p.overlaps]) {
      if (!this.loading && !this.popByWord.has(norm(w))) throw new VocabularyError(`没有人群「${w}」`);
    }
    this.popList.push(def);
    for (const w of [p.name, ...p.synonyms]) this.popByWord.set(norm(w), def);
    this.popWords = [...this.popByWord.keys()].sort((a, b) => b.length - a.length);
  }

  addPopulationSynonym(canonical: string, synonym: string): void {
    this.revision++;
    this.relations.clear();
    const def = this.popByWord.get(norm(canonical));
    if (!def) throw new VocabularyError(`没有人群「${canonical}」`);
    const taken = this.popByWord.get(norm(synonym));
    if (taken && taken !== def) throw new VocabularyError(`「${synonym}」已是人群「${taken.name}」的名称`);
    if (!taken) def.synonyms.push(synonym);
    this.popByWord.set(norm(synonym), def);
    this.popWords = [...this.popByWord.keys()].sort((a, b) => b.length - a.length);
  }

  /** What an admin adds by chat: a synonym of a known field or population, or a new one (plain, not sensitive). */
  extend(kind: 'field' | 'population', canonical: string, synonym: string): void {
    if (kind === 'field') {
      if (!this.field(canonical)) this.addField({ name: canonical, synonyms: [], personal: false, sensitive: false, kind: 'text', key: false });
      this.addFieldSynonym(canonical, synonym);
    } else {
      if (!this.population(canonical)) this.addPopulation({ name: canonical, synonyms: [], kind: 'person', within: [], overlaps: [] });
      this.addPopulationSynonym(canonical, synonym);
    }
  }

  get fields(): readonly FieldDef[] {
    return this.fieldList;
  }

  get populations(): readonly PopulationDef[] {
    return this.popList;
  }

  /** Position of a canonical field in the list, -1 when unknown: a small integer for bit masks. */
  fieldId(canonical: string): number {
    const def = this.fieldByWord.get(norm(canonical));
    return def ? this.fieldList.indexOf(def) : -1;
  }

  field(word: string): FieldDef | undefined {
    return this.fieldByWord.get(norm(word));
  }

  population(word: string): PopulationDef | undefined {
    return this.popByWord.get(norm(word));
  }

  /** Population words in the order a scanner should try them. */
  populationWords(): readonly string[] {
    return this.popWords;
  }

  ageClass(word: string): string | undefined {
    return Object.entries(AGE_CLASSES).find(([, words]) => words.includes(word))?.[0];
  }

  ageClassWords(): string[] {
    return Object.values(AGE_CLASSES).flat().sort((a, b) => b.length - a.length);
  }

  /** The listed population for a band, when one has exactly that band, so "80周岁以上老年人" reads as 80岁以上老人. */
  popForBand(band: Band): Pop {
    const listed = this.popList.find((p) => p.band && p.band.cls === band.cls && p.band.lo === band.lo && p.band.hi === band.hi);
    if (listed) return { label: listed.name, base: listed.name, band: listed.band };
    const label = band.hi >= NO_UPPER ? `${band.lo}岁以上${band.cls}` : `${band.lo}-${band.hi}岁${band.cls}`;
    return { label, band };
  }

  popOf(word: string): Pop | undefined {
    const def = this.population(word);
    return def ? { label: def.name, base: def.name, ...(def.band ? { band: def.band } : {}) } : undefined;
  }

  kindOf(pop: Pop): EntityKind {
    if (pop.base) return this.population(pop.base)?.kind ?? 'person';
    return 'person';
  }

  /** The listed population and everything it is part of, nearest first. */
  private ancestors(name: string): PopulationDef[] {
    const out: PopulationDef[] = [];
    const queue = [name];
    while (queue.length) {
      const def = this.population(queue.shift()!);
      if (!def || out.includes(def)) continue;
      out.push(def);
      queue.push(...def.within);
    }
    return out;
  }

  private bands(p: Pop): Band[] {
    const own = p.band ? [p.band] : [];
    const inherited = p.base ? this.ancestors(p.base).flatMap((d) => (d.band ? [d.band] : [])) : [];
    return [...own, ...inherited];
  }

  /** The narrowest age band a population is known to lie in. */
  private nearestBand(p: Pop): Band | undefined {
    return this.bands(p)[0];
  }

  /** Is every member of `inner` also in `outer`? */
  contains(outer: Pop, inner: Pop): boolean {
    if (outer.qualifier && outer.qualifier !== inner.qualifier) return false;
    const o: Pop = { ...outer, qualifier: undefined };
    if (o.base) {
      if (inner.base && this.ancestors(inner.base).some((d) => d.name === o.base)) return true;
      if (!o.band) return false;
    }
    if (!o.band) return false;
    const ob = o.band;
    return this.bands(inner).some((b) => b.cls === ob.cls && b.lo >= ob.lo && b.hi <= ob.hi);
  }

  /** Do the two share members without either containing the other? Declared overlaps, or crossing age bands. */
  private touches(a: Pop, b: Pop): boolean {
    if (this.contains(a, b) || this.contains(b, a)) return true;
    const ancA = a.base ? this.ancestors(a.base) : [];
    const ancB = b.base ? this.ancestors(b.base) : [];
    const declared = (xs: PopulationDef[], ys: PopulationDef[]) =>
      xs.some((x) => x.overlaps.some((w) => ys.some((y) => y === this.population(w))));
    if (declared(ancA, ancB) || declared(ancB, ancA)) return true;
    // Crossing age bands of one class (65-79 and 70+; 独居老人, being 60+, and 80岁以上老人) can hold the same
    // person; two groups merely under one band (留守儿童, 困境儿童) are kept apart unless declared to overlap.
    if (!a.band && !b.band) return false;
    const x = this.nearestBand(a);
    const y = this.nearestBand(b);
    return !!x && !!y && x.cls === y.cls && x.lo <= y.hi && y.lo <= x.hi;
  }

  /** How population set `b` (a later request) stands to `a` (an earlier one). */
  relate(a: Pop[], b: Pop[]): PopRelation {
    const key = JSON.stringify([a, b]);
    let r = this.relations.get(key);
    if (!r) {
      r = this.relateUncached(a, b);
      this.relations.set(key, r);
    }
    return r;
  }

  private relateUncached(a: Pop[], b: Pop[]): PopRelation {
    const bInA = b.every((y) => a.some((x) => this.contains(x, y)));
    const aInB = a.every((x) => b.some((y) => this.contains(y, x)));
    if (bInA && aInB) return 'same';
    if (bInA) return 'narrower';
    if (aInB) return 'broader';
    return a.some((x) => b.some((y) => this.touches(x, y))) ? 'overlap' : 'disjoint';
  }
}
