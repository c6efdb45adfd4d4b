/**
 * A small logistic regression over a notice's jieba words, word pairs and character n-grams, plus the formalism
 * patterns as features (which triggers appear, which were negated, ruled out by an exception, or banned). It is
 * trained in process from the street's own labelled notices (config/formalism-examples.jsonl), deterministically,
 * with no download. The rules stay first: the model only adds a demand where a trigger stood without the context
 * the rules ask for, and each such flag names the trigger and the words that weighed most.
 */
import { termCounts, type FeatureOptions } from '../text/features';
import { rng } from '../text/rng';

export interface Signal {
  category: string;
  outcome: 'demand' | 'banned' | 'negated' | 'exception' | 'no-context';
}

export interface LabelledNotice {
  text: string;
  formalism: boolean;
}

export interface ModelOptions {
  features: FeatureOptions;
  epochs: number;
  /** L2 penalty per example and epoch. */
  lambda: number;
  rate: number;
  seed: number;
}

export const MODEL_OPTIONS: ModelOptions = {
  features: { charMin: 2, charMax: 3, wordPairs: true },
  epochs: 40,
  lambda: 1e-4,
  rate: 0.5,
  seed: 7,
};

export interface FormalismModel {
  weights: Map<string, number>;
  bias: number;
  options: ModelOptions;
  /** Terms common in both kinds of notice (各社区, 请于): they weigh, but explain nothing to a sender. */
  generic: Set<string>;
}

/** A term in this share of both the flagged and the clean examples is generic. */
const GENERIC_SHARE = 0.08;

/**
 * Pattern features: a trigger seen (whatever became of it), and separately a negation, a ban or an exception. The
 * rules' own verdict (`demand`) is left out on purpose: on the examples it is right every time, and a model leaning
 * on it would only repeat the rules.
 */
function signalTerms(signals: Signal[]): string[] {
  const terms = new Set<string>();
  for (const s of signals) {
    if (s.outcome === 'banned') terms.add('s:banned');
    else if (s.outcome === 'negated') terms.add('s:negated');
    else {
      terms.add(`s:${s.category}`);
      terms.add('s:trigger');
      if (s.outcome === 'exception') terms.add(`s:${s.category}:exception`);
    }
  }
  return [...terms];
}

/** Presence features of a text, L2-normalised so a long notice does not outweigh a short one. */
export function features(text: string, signals: Signal[], opts: FeatureOptions): Map<string, number> {
  const v = new Map<string, number>();
  for (const term of termCounts(text, opts).keys()) v.set(term, 1);
  for (const term of signalTerms(signals)) v.set(term, 2);
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const round = (x: number): number => Number(x.toPrecision(6));

interface ModelJson {
  format: 'jianfu-formalism-1';
  /** Hash of the examples, the patterns and the options it was trained from. */
  key: string;
  options: ModelOptions;
  bias: number;
  generic: string[];
  weights: [string, number][];
}

export function modelToJson(model: FormalismModel, key: string): ModelJson {
  return { format: 'jianfu-formalism-1', key, options: model.options, bias: model.bias, generic: [...model.generic], weights: [...model.weights] };
}

/** The stored model, or null when it is not one or was trained from other examples, patterns or options. */
export function modelFromJson(text: string, key: string): FormalismModel | null {
  let j: ModelJson;
  try {
    j = JSON.parse(text) as ModelJson;
  } catch {
    return null;
  }
  if (j?.format !== 'jianfu-formalism-1' || j.key !== key || !Array.isArray(j.weights)) return null;
  return { weights: new Map(j.weights), bias: j.bias, options: j.options, generic: new Set(j.generic) };
}

function dot(weights: Map<string, number>, v: Map<string, number>): number {
  let z = 0;
  for (const [k, x] of v) z += (weights.get(k) ?? 0) * x;
  return z;
}

/** Stochastic gradient descent on the log loss; the same examples and seed give the same model. */
export function trainModel(examples: { vector: Map<string, number>; label: boolean }[], options: ModelOptions = MODEL_OPTIONS): FormalismModel {
  // Dense indices and typed arrays: start-up trains on every example forty times over.
  const index = new Map<string, number>();
  const rows = examples.map(({ vector, label }) => {
    const idx = new Int32Array(vector.size);
    const val = new Float64Array(vector.size);
    let i = 0;
    for (const [k, x] of vector) {
      let j = index.get(k);
      if (j === undefined) index.set(k, (j = index.size));
      idx[i] = j;
      val[i++] = x;
    }
    return { idx, val, y: label ? 1 : 0 };
  });
  const w = new Float64Array(index.size);
  let bias = 0;
  const order = rows.map((_, i) => i);
  const random = rng(options.seed);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const rate = options.rate / (1 + epoch / 10);
    for (const r of order) {
      const { idx, val, y } = rows[r];
      let z = bias;
      for (let i = 0; i < idx.length; i++) z += w[idx[i]] * val[i];
      const g = sigmoid(z) - y;
      for (let i = 0; i < idx.length; i++) w[idx[i]] -= rate * (g * val[i] + options.lambda * w[idx[i]]);
      bias -= rate * g;
    }
  }
  // Six significant digits: what the stored model keeps, so a model read from its file is the model trained.
  const weights = new Map<string, number>();
  for (const [k, j] of index) weights.set(k, round(w[j]));
  bias = round(bias);
  const df = { yes: new Map<string, number>(), no: new Map<string, number>() };
  for (const { vector, label } of examples) {
    const m = label ? df.yes : df.no;
    for (const k of vector.keys()) m.set(k, (m.get(k) ?? 0) + 1);
  }
  const nYes = examples.filter((e) => e.label).length || 1;
  const nNo = examples.length - nYes || 1;
  const generic = new Set([...df.yes].filter(([k, n]) => n / nYes >= GENERIC_SHARE && (df.no.get(k) ?? 0) / nNo >= GENERIC_SHARE).map(([k]) => k));
  return { weights, bias, options, generic };
}

export interface ModelReading {
  /** Probability that the notice makes a formalism demand. */
  p: number;
  /** Each present feature's share of the score, largest first. */
  contributions: { term: string; weight: number }[];
}

export function readNotice(model: FormalismModel, text: string, signals: Signal[]): ModelReading {
  const v = features(text, signals, model.options.features);
  const contributions = [...v].map(([term, x]) => ({ term, weight: (model.weights.get(term) ?? 0) * x })).sort((a, b) => b.weight - a.weight);
  return { p: sigmoid(dot(model.weights, v) + model.bias), contributions };
}

/**
 * The words behind a reading, as they stand in `sentence`: jieba words, pairs and n-grams with the largest positive
 * weight, longest kept when one contains another (评选依据 over 依据).
 */
export function explainingWords(model: FormalismModel, reading: ModelReading, sentence: string, max = 3): string[] {
  const folded = sentence.normalize('NFKC').toLowerCase();
  const literal = reading.contributions
    .filter((c) => c.weight > 0 && /^[wpc]:/.test(c.term) && !model.generic.has(c.term))
    .map((c) => ({ text: c.term.slice(2).replace('_', ''), weight: c.weight }))
    .filter((c) => c.text.length >= 2 && !/0/.test(c.text) && folded.includes(c.text));
  const out: string[] = [];
  for (const c of literal) {
    if (out.some((w) => w.includes(c.text))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (c.text.includes(out[i])) out.splice(i, 1);
    out.push(c.text);
    if (out.length >= max) break;
  }
  return out;
}
