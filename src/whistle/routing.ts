import { normalise, words as cut } from '../text/features';
import { Example, LinearModel } from './classifier/linear-model';
import type { DepartmentSpec, LabelledText, UrgentRule } from './settings';

export interface Candidate {
  department: string;
  score: number;
}

export interface RouteResult {
  department: string;
  confidence: number;
  top3: Candidate[];
  /** Why, in a short Chinese sentence for the reporter and the department. */
  reason: string;
  /** The urgent situation recognised in the text, if any. */
  urgent: string | null;
}

/** A past ticket: its text and the department that turned out to own it. */
export interface HistoryCase {
  id?: number;
  text: string;
  department: string;
  /** Set when a person chose the department (转派, 分派): a correction of the router. */
  corrected: boolean;
}

/** What the router knows beside the duties: urgent situations, place words and labelled example reports. */
export interface RouterRules {
  urgent: UrgentRule[];
  places?: string[];
  examples?: LabelledText[];
}

/**
 * Duty keywords and the classifier count equally: the classifier now learns from many worded examples per
 * department, and a lone keyword (台阶, 水) must not outvote what the whole sentence says.
 */
const KEYWORD_SHARE = 0.5;
/**
 * Keyword evidence is shared out of at least this much, so one short keyword early in the sentence (where the
 * place usually is) does not take the whole keyword share; a two-character keyword near the end (蜂窝, just
 * added by an admin) still takes most of it and dispatches on its own.
 */
const KEYWORD_MASS = 6;
/** Without any duty keyword the classifier speaks alone: trust it less, so the dispatcher sees doubtful ones. */
const CLASSIFIER_ALONE = 0.75;
const CORRECTION_WEIGHT = 3;
/** A report this close to one people corrected goes where they sent that one. */
const REMEMBER_SIMILARITY = 0.4;
const REMEMBER_WEIGHT = 30;

/** Character bigrams of a text, for comparing short reports. */
function bigrams(text: string): Set<string> {
  const chars = [...normalise(text).replace(/[^\p{Script=Han}a-z0-9]/gu, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

/** Dice coefficient of two bigram sets. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const g of a) if (b.has(g)) common++;
  return (2 * common) / (a.size + b.size);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PLACE_AFTER = /^(的)?(门口|门前|旁边|旁|附近|周边|周围|对面|后面|后门|前面|隔壁|围墙|外面|里面|楼下|楼上|一带|边上)/;
const PLACE_FACTOR = 0.3;
/** A duty keyword that is only a place (学校, 医院, 工地) next to a keyword that names a problem. */
const PLACE_WORD_FACTOR = 0.15;
/** Words after a place that make it a location (学校门口, 医院旁边的, 菜市场里), longest first. */
const LOCATORS = ['围墙外', '门口', '门前', '旁边', '附近', '周边', '周围', '对面', '后面', '后头', '前面', '隔壁', '外面', '外边', '外头',
  '里面', '里边', '里头', '一带', '边上', '那边', '这边', '楼下', '楼上', '底下', '下面', '上面', '旁', '里', '内', '外', '边', '上', '下'];

const escapeAll = (words: string[]) => [...new Set(words)].sort((a, b) => b.length - a.length).map(escape).join('|');

/**
 * The place phrases of a report (学校门口的, 菜市场里, 医院旁边): they say where the problem is, and a word
 * like 学校 or 医院 would otherwise send a broken manhole cover to education or health. A place that
 * already ends in a locator (路口, 河边, 街角) is a location on its own.
 */
export function placePattern(places: string[]): RegExp | null {
  const ps = places.map((p) => normalise(p)).filter(Boolean);
  if (!ps.length) return null;
  const located = ps.filter((p) => /[边上下里口角头]$/.test(p));
  const alternatives = [`(?:在|从)?(?:${escapeAll(ps)})(?:的?(?:${escapeAll(LOCATORS)})的?|的)`];
  if (located.length) alternatives.push(`(?:在|从)?(?:${escapeAll(located)})的?`);
  // Any shop, works or hall named with its locator (那家手机店门口, 屠宰场旁边): also a place.
  alternatives.push(`(?:那家|这家|一家)?\\p{Script=Han}{0,4}?(?:店|馆|厂|场|院|铺|站)(?:的?(?:${escapeAll(LOCATORS.filter((l) => l.length > 1))})的?)`);
  return new RegExp(alternatives.join('|'), 'gu');
}

/** The text with its place phrases blanked out (a space, so no character n-gram spans the gap). */
export function withoutPlaces(text: string, pattern: RegExp | null): string {
  const t = normalise(text);
  if (!pattern) return t;
  const stripped = t.replace(pattern, ' ');
  // A report that is nothing but a place keeps it: some clue beats none.
  return /[\p{Script=Han}a-z]/u.test(stripped) ? stripped : t;
}


/**
 * A duty keyword: a word, or words with … between them (摆…人行道: 摆 followed within a few characters by
 * 人行道), for problems named by what is done where. A keyword jieba cuts into words also matches with a few
 * characters between them (拖欠工资 in 拖欠了三个月工资). Longer keywords are more specific (烧垃圾 says more
 * than 垃圾).
 */
function keyword(department: string, raw: string) {
  const word = normalise(raw);
  const explicit = word.split(/…+|\.\.\./).filter(Boolean);
  const parts = explicit.length > 1 ? explicit : [...word].length >= 4 ? cut(word) : [word];
  const length = parts.reduce((n, p) => n + [...p].length, 0);
  return {
    department, word,
    phrase: parts.length > 1 ? new RegExp(parts.map(escape).join('[^。！？!?；;]{0,12}?')) : null,
    // A phrase matches only a text holding each of its parts: checked first, as most texts hold none.
    parts,
    weight: length ** 1.5,
  };
}

/** The urgent situation in a text: the first matching rule, or the reporter's own word. */
export function urgentRule(text: string, rules: UrgentRule[]): UrgentRule | null {
  const t = normalise(text);
  return rules.find((r) => r.pattern.test(t)) ?? (/紧急|十万火急|火急/.test(t) ? { label: '报告人标注紧急', pattern: /紧急/ } : null);
}

/** An urgent rule's department counts like a long keyword: a gas smell is the gas company's first. */
const URGENT_WEIGHT = 16;

/**
 * The desk's router: the duty keyword list plus a linear classifier trained on each department's
 * duties, keywords and typical problems and on the desk's own history, where a person's choice
 * (转派, 分派) counts as a correction.
 */
export class Router {
  private readonly model: LinearModel;
  private readonly keywords: { department: string; word: string; phrase: RegExp | null; parts: string[]; weight: number; place: boolean }[];
  /** Keyword indexes by the character their matches start with. */
  private readonly byFirstChar = new Map<string, number[]>();
  private readonly corrections: { id?: number; department: string; grams: Set<string> }[];
  private readonly places: RegExp | null;
  private readonly urgent: UrgentRule[];

  constructor(readonly departments: DepartmentSpec[], history: HistoryCase[], rules: RouterRules) {
    if (!departments.length) throw new Error('没有配置任何部门');
    this.urgent = rules.urgent;
    this.places = placePattern(rules.places ?? []);
    const placeWords = new Set((rules.places ?? []).map((p) => normalise(p)));
    const names = new Set(departments.map((d) => d.name));
    const examples: Example[] = [];
    const reports: { text: string; label: string }[] = [];
    for (const d of departments) {
      for (const text of [...d.duties, ...d.keywords, d.name]) examples.push({ text, label: d.name });
      for (const text of d.problems) reports.push({ text, label: d.name });
    }
    for (const e of rules.examples ?? []) if (names.has(e.department)) reports.push({ text: e.text, label: e.department });
    for (const r of reports) examples.push(r);
    // The same problems again, each behind some place: a place then appears under every department,
    // so the classifier learns that 医院 or 学校 in front of a problem says nothing about whose it is.
    const prefixes = [...placeWords];
    if (prefixes.length) reports.forEach((r, i) => examples.push({ text: prefixes[(i * 7) % prefixes.length] + r.text, label: r.label }));
    for (const h of history) {
      if (names.has(h.department)) examples.push({ text: h.text, label: h.department, weight: h.corrected ? CORRECTION_WEIGHT : 1 });
    }
    // Every word of a short duty list matters, so no term is dropped for being rare.
    this.model = LinearModel.train(examples.map((e) => ({ ...e, text: this.located(e.text) })), { minDf: 1 });
    this.keywords = departments.flatMap((d) => d.keywords.map((k) => ({ ...keyword(d.name, k), place: placeWords.has(normalise(k)) || !!this.places && this.located(k).trim() === '' })));
    this.keywords.forEach((k, i) => {
      // A phrase's first part, else the word: where any match of the keyword must start.
      const [first] = k.phrase ? k.parts[0] : k.word;
      if (!first) return;
      const list = this.byFirstChar.get(first);
      if (list) list.push(i);
      else this.byFirstChar.set(first, [i]);
    });
    this.corrections = history.filter((h) => h.corrected && names.has(h.department)).map((h) => ({ id: h.id, department: h.department, grams: bigrams(this.located(h.text)) }));
  }

  /**
   * The keywords that can occur in `t`, in list order (the reason names the first ones): those whose
   * first character it holds. Trying all of them (well over a thousand) cost milliseconds a report.
   */
  private candidates(t: string): Router['keywords'] {
    const at = new Set<number>();
    for (const ch of new Set(t)) for (const i of this.byFirstChar.get(ch) ?? []) at.add(i);
    return [...at].sort((a, b) => a - b).map((i) => this.keywords[i]);
  }

  /** The text the router reads: normalised, place phrases blanked. */
  private located(text: string): string {
    return withoutPlaces(text, this.places);
  }

  route(text: string): RouteResult {
    const t = this.located(text);
    const hits = new Map<string, string[]>();
    const found: { department: string; word: string; score: number; place: boolean }[] = [];
    for (const { department, word, phrase, parts, weight, place: placeWord } of this.candidates(t)) {
      let at: number;
      let end: number;
      if (phrase) {
        const m = parts.every((p) => t.includes(p)) ? phrase.exec(t) : null;
        at = m ? m.index : -1;
        end = m ? m.index + m[0].length : -1;
      } else {
        at = word ? t.lastIndexOf(word) : -1;
        end = at + word.length;
      }
      if (at < 0) continue;
      // A one-line report names the place first and the problem last (学校旁边的马路…有个大坑), so later
      // words weigh more.
      const position = 0.5 + end / t.length;
      // 幼儿园围墙上, 工地旁边: a keyword that only says where the problem is says little about whose it is.
      const place = PLACE_AFTER.test(t.slice(end, end + 4)) ? PLACE_FACTOR : 1;
      found.push({ department, word, score: weight * position * place, place: placeWord });
    }
    // 学校食堂的帮厨阿姨没拿到工钱: the place word counts only when nothing names the problem itself.
    const problemNamed = found.some((f) => !f.place);
    const kw = new Map<string, number>();
    for (const f of found) {
      kw.set(f.department, (kw.get(f.department) ?? 0) + f.score * (f.place && problemNamed ? PLACE_WORD_FACTOR : 1));
      hits.set(f.department, [...(hits.get(f.department) ?? []), f.word]);
    }
    const urgent = urgentRule(text, this.urgent);
    if (urgent?.department && this.departments.some((d) => d.name === urgent.department)) {
      kw.set(urgent.department, (kw.get(urgent.department) ?? 0) + URGENT_WEIGHT);
      hits.set(urgent.department, [...(hits.get(urgent.department) ?? []), urgent.label]);
    }
    // The desk remembers what people corrected: the keyword list alone would repeat the mistake.
    const grams = bigrams(t);
    let remembered: { id?: number; department: string; sim: number } | null = null;
    for (const c of this.corrections) {
      const sim = similarity(grams, c.grams);
      if (sim >= REMEMBER_SIMILARITY && sim > (remembered?.sim ?? 0)) remembered = { id: c.id, department: c.department, sim };
    }
    if (remembered) kw.set(remembered.department, (kw.get(remembered.department) ?? 0) + REMEMBER_WEIGHT * remembered.sim);
    const kwTotal = [...kw.values()].reduce((a, b) => a + b, 0);
    const p = this.model.predict(t);
    const byName = new Map(p.ranked.map((r) => [r.label, r.p]));
    const scored: Candidate[] = this.departments.map((d) => {
      const model = byName.get(d.name) ?? 0;
      const score = kwTotal > 0 ? KEYWORD_SHARE * ((kw.get(d.name) ?? 0) / Math.max(kwTotal, KEYWORD_MASS)) + (1 - KEYWORD_SHARE) * model : CLASSIFIER_ALONE * model;
      return { department: d.name, score: Number(score.toFixed(3)) };
    }).sort((a, b) => b.score - a.score);
    const best = scored[0];
    const words = hits.get(best.department);
    const reason = remembered?.department === best.department
      ? `与${remembered.id ? `第${remembered.id}号` : '此前'}经人工更正、由${best.department}承办的工单相似`
      : words?.length
        ? `描述中有「${[...new Set(words)].slice(0, 4).join('、')}」，属${best.department}职责`
        : `与${best.department}处理过的同类问题最接近`;
    return { department: best.department, confidence: best.score, top3: scored.slice(0, 3), reason, urgent: urgent?.label ?? null };
  }
}
