import { normalise } from './classifier/features';
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
  text: string;
  department: string;
  /** Set when a person chose the department (转派, 分派): a correction of the router. */
  corrected: boolean;
}

/** Keyword matches weigh as much as the classifier once any keyword is found. */
const KEYWORD_SHARE = 0.6;
const CORRECTION_WEIGHT = 3;

export function detectUrgent(text: string, rules: UrgentRule[]): string | null {
  const t = normalise(text);
  if (/紧急|十万火急|火急/.test(t)) return '报告人标注紧急';
  return rules.find((r) => r.pattern.test(t))?.label ?? null;
}

/**
 * The desk's router: the duty keyword list plus a linear classifier trained on each department's
 * duties, keywords and typical problems and on the desk's own history, where a person's choice
 * (转派, 分派) counts as a correction.
 */
export class Router {
  private readonly model: LinearModel;
  private readonly keywords: { department: string; word: string }[];

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
    this.model = LinearModel.train(examples);
    this.keywords = departments.flatMap((d) => d.keywords.map((k) => ({ department: d.name, word: normalise(k) })));
  }

  route(text: string): RouteResult {
    const t = normalise(text);
    const hits = new Map<string, string[]>();
    const kw = new Map<string, number>();
    for (const { department, word } of this.keywords) {
      const at = word ? t.lastIndexOf(word) : -1;
      if (at < 0) continue;
      // Longer keywords are more specific (烧垃圾 says more than 垃圾), and a one-line report names the
      // place first and the problem last (学校旁边的马路…有个大坑), so later words weigh more.
      const position = 0.5 + (at + word.length) / t.length;
      kw.set(department, (kw.get(department) ?? 0) + [...word].length ** 2 * position);
      hits.set(department, [...(hits.get(department) ?? []), word]);
    }
    const kwTotal = [...kw.values()].reduce((a, b) => a + b, 0);
    const p = this.model.predict(text);
    const byName = new Map(p.ranked.map((r) => [r.label, r.p]));
    const scored: Candidate[] = this.departments.map((d) => {
      const model = byName.get(d.name) ?? 0;
      const score = kwTotal > 0 ? KEYWORD_SHARE * ((kw.get(d.name) ?? 0) / kwTotal) + (1 - KEYWORD_SHARE) * model : model;
      return { department: d.name, score: Number(score.toFixed(3)) };
    }).sort((a, b) => b.score - a.score);
    const best = scored[0];
    const words = hits.get(best.department);
    const reason = words?.length
      ? `描述中有「${[...new Set(words)].slice(0, 4).join('、')}」，属${best.department}职责`
      : `与${best.department}处理过的同类问题最接近`;
    return { department: best.department, confidence: best.score, top3: scored.slice(0, 3), reason, urgent: detectUrgent(text, this.urgent) };
  }
}
