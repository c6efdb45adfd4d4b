import { normalise, words as cut } from './classifier/features';
import { Example, LinearModel } from './classifier/linear-model';
import type { DepartmentSpec, UrgentRule } from './settings';

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

/** Once any duty keyword is found it outweighs the classifier, which is trained on few short examples. */
const KEYWORD_SHARE = 0.75;
/** Without any duty keyword the classifier speaks alone, and it learnt from few short examples: trust it less. */
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

const PLACE_AFTER = /^(的)?(门口|门前|旁边|旁|附近|周边|周围|对面|后面|后门|前面|隔壁|围墙|外面|里面|楼下|楼上|一带|边上)/;
const PLACE_FACTOR = 0.3;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  private readonly keywords: { department: string; word: string; phrase: RegExp | null; weight: number }[];
  private readonly corrections: { id?: number; department: string; grams: Set<string> }[];

  constructor(readonly departments: DepartmentSpec[], history: HistoryCase[], private readonly urgent: UrgentRule[]) {
    if (!departments.length) throw new Error('没有配置任何部门');
    const names = new Set(departments.map((d) => d.name));
    const examples: Example[] = [];
    for (const d of departments) {
      for (const text of [...d.problems, ...d.duties, ...d.keywords, d.name]) examples.push({ text, label: d.name });
    }
    for (const h of history) {
      if (names.has(h.department)) examples.push({ text: h.text, label: h.department, weight: h.corrected ? CORRECTION_WEIGHT : 1 });
    }
    // Every word of a short duty list matters, so no term is dropped for being rare.
    this.model = LinearModel.train(examples, { minDf: 1 });
    this.keywords = departments.flatMap((d) => d.keywords.map((k) => keyword(d.name, k)));
    this.corrections = history.filter((h) => h.corrected && names.has(h.department)).map((h) => ({ id: h.id, department: h.department, grams: bigrams(h.text) }));
  }

  route(text: string): RouteResult {
    const t = normalise(text);
    const hits = new Map<string, string[]>();
    const kw = new Map<string, number>();
    for (const { department, word, phrase, weight } of this.keywords) {
      let at: number;
      let end: number;
      if (phrase) {
        const m = phrase.exec(t);
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
      // 幼儿园围墙上, 学校门口, 工地旁边: a keyword that only says where the problem is says little about whose it is.
      const place = PLACE_AFTER.test(t.slice(end, end + 4)) ? PLACE_FACTOR : 1;
      kw.set(department, (kw.get(department) ?? 0) + weight * position * place);
      hits.set(department, [...(hits.get(department) ?? []), word]);
    }
    const urgent = urgentRule(text, this.urgent);
    if (urgent?.department && this.departments.some((d) => d.name === urgent.department)) {
      kw.set(urgent.department, (kw.get(urgent.department) ?? 0) + URGENT_WEIGHT);
      hits.set(urgent.department, [...(hits.get(urgent.department) ?? []), urgent.label]);
    }
    // The desk remembers what people corrected: the keyword list alone would repeat the mistake.
    const grams = bigrams(text);
    let remembered: { id?: number; department: string; sim: number } | null = null;
    for (const c of this.corrections) {
      const sim = similarity(grams, c.grams);
      if (sim >= REMEMBER_SIMILARITY && sim > (remembered?.sim ?? 0)) remembered = { id: c.id, department: c.department, sim };
    }
    if (remembered) kw.set(remembered.department, (kw.get(remembered.department) ?? 0) + REMEMBER_WEIGHT * remembered.sim);
    const kwTotal = [...kw.values()].reduce((a, b) => a + b, 0);
    const p = this.model.predict(text);
    const byName = new Map(p.ranked.map((r) => [r.label, r.p]));
    const scored: Candidate[] = this.departments.map((d) => {
      const model = byName.get(d.name) ?? 0;
      const score = kwTotal > 0 ? KEYWORD_SHARE * ((kw.get(d.name) ?? 0) / kwTotal) + (1 - KEYWORD_SHARE) * model : CLASSIFIER_ALONE * model;
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
