import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { explainingWords, features, MODEL_OPTIONS, modelFromJson, modelToJson, readNotice, trainModel, type FormalismModel } from './formalism-model';

export interface FormalismHit {
  /** Category id from the file, e.g. photo-proof. */
  category: string;
  /** Category name shown to the sender. */
  label: string;
  explanation: string;
  /** The text that matched, as written in the notice. */
  match: string;
  /** Position of the match in the notice text (UTF-16 index, as String.prototype.slice counts). */
  index: number;
  /** The sentence's words that made it a demand of this kind: the trigger, then each required context. */
  words: string[];
  /** Work outside the admission list (levies, certificates): the admission rule answers for it when it sees it. */
  outsideList: boolean;
  /** 'rules' when the category's patterns made it a demand; 'model' when the classifier did, over a bare trigger. */
  by: 'rules' | 'model';
}

export interface FormalismCategory {
  id: string;
  label: string;
  explanation: string;
  patterns: RegExp[];
  /** Each group must also match in the trigger's sentence (e.g. a quota beside 点赞). */
  requires: RegExp[][];
  /**
   * Other sets of groups that make it a demand when `requires` does not: a photo of the work itself
   * (活动照片, 入户照片) sent up is proof even without 备查, while a photo of a thing to fix needs a proof word.
   */
  alternatives: RegExp[][][];
  /** Groups that may match anywhere in the notice instead: a heading 「为迎接省级复审」 governs every item below it. */
  noticeRequires: RegExp[][];
  /** Words anywhere in the notice that rule the category out unless `strong` matches (寻人, 搜救). */
  noticeExceptions: RegExp[];
  exceptions: RegExp[];
  /** Words that make it a demand even where an exception matched: 「隐患整改后拍照留存备查」. */
  strong: RegExp[];
  outsideList: boolean;
}

export interface FormalismClassifier {
  model: FormalismModel;
  /** A bare trigger becomes a demand at this probability or above. */
  flag: number;
  /** Below this probability the rules' demands are not held: the notice reads like the examples without any. */
  veto: number;
  /** How many labelled notices it was trained on. */
  examples: number;
  /** 'file' when the trained model beside the examples was current; 'trained' when it had to be trained at load. */
  source: 'file' | 'trained';
  /** Hash of what the model was trained from (examples, patterns, options); the trained file must carry the same. */
  key: string;
}

export interface FormalismPatterns {
  categories: FormalismCategory[];
  /** Absent when the file names no examples: the rules alone decide. */
  classifier?: FormalismClassifier;
}

export class FormalismPatternsError extends Error {}

/** `{N}` in a regex stands for a count written either way: 3, 30, 三, 两, 十五. */
const NUMBER = '[0-9一二两三四五六七八九十百千]+';

/** A negation only rules out what follows it in the same clause: 「无需截图，请上传照片」 still asks for a photo. */
const CLAUSE_BREAK = /[，。；！？,;!?\n]/;
/**
 * Exceptions look at the whole sentence, because the purpose often comes after a comma:
 * 「请提供房屋受损现场照片，用于灾害救助申请」.
 */
const SENTENCE_BREAK = /[。；！？;!?\n]/;

/**
 * A demand introduced this way is being ruled out, not made: 「无需截图」「不得以打卡考核」「不统计转发量」.
 * 不得 alone is not here: 「不得少于」「不得低于」 set quotas; 不得 before a verb still negates.
 */
const NEGATION = /不得(?!少于|低于|离场|缺|漏)|不(?:开展|进行|举办|采用|安排|下达|分配|要求)|不要(?!合并)|不用|无需|无须|不需|不必|不再|严禁|禁止|杜绝|避免|取消|不搞|不以|防止|不统计|不作|不做|不设|不组织|不承担|不听|不看|不计|不强制|自愿|自行决定|由居民自愿|被要求|停止|停用|废止/;

/**
 * A notice that forbids practices often lists them after one frame (严禁以下行为：一是…；二是…, 以下做法一律禁止：,
 * 取消事项：) or names them as problems found (存在“每日截图报送”等问题): everything in that scope is ruled out.
 */
const BAN_LIST = /(?:严禁|禁止|不得|杜绝|取消|清理|纠正|叫停|停止)(?:出现|有)?(?:以下|下列)(?:行为|做法|事项|情形|要求)?[^。\n]{0,4}[：:]|(?:以下|下列)(?:做法|行为|事项|情形|要求)[^。\n]{0,8}(?:一律|均|全部)?(?:禁止|严禁|不得|取消|叫停)[^。\n]{0,4}[：:]?|(?:取消|清理|停止)(?:的)?(?:事项|要求|清单)[）)]?\s*[：:]|减负清单[^。\n]{0,12}[：:]/g;
const PROBLEMS_FOUND =
  /(?:存在|发现|仍有|还有|出现)[^。\n]{0,80}等(?:问题|现象|情况|做法|行为)|(?:发现|检查中|督查中|查实)[^。\n]{0,40}(?:仍|还|依然|继续)(?:要求|下达|让|在)[^。\n]*(?:纠正|整改|问责|通报)/;

/** Where the notice rules practices out rather than asking for them: [start, end) spans of the text. */
function bannedSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(BAN_LIST)) spans.push([m.index, text.length]);
  let start = 0;
  for (const sentence of text.split(/(?<=[。！？\n])/)) {
    if (PROBLEMS_FOUND.test(sentence.replace(/[。！？\n]$/, ''))) spans.push([start, start + sentence.length]);
    start += sentence.length;
  }
  return spans;
}

const patternSchema = z.union([
  z.string().trim().min(1, '不能为空'),
  z.object({ re: z.string().min(1, '不能为空') }).strict(),
]);
const categorySchema = z.object({
  id: z.string().trim().min(1, '不能为空'),
  label: z.string().trim().min(1, '不能为空'),
  explanation: z.string().trim().min(1, '不能为空'),
  patterns: z.array(patternSchema).min(1, '至少要有一条识别说法'),
  requires: z.array(z.array(patternSchema).min(1, '不能为空')).default([]),
  alternatives: z.array(z.array(z.array(patternSchema).min(1, '不能为空')).min(1, '不能为空')).default([]),
  noticeExceptions: z.array(patternSchema).default([]),
  noticeRequires: z.array(z.array(patternSchema).min(1, '不能为空')).default([]),
  exceptions: z.array(patternSchema).default([]),
  strong: z.array(patternSchema).default([]),
  outsideList: z.boolean().default(false),
});
const modelSchema = z
  .object({
    examples: z.string().trim().min(1, '不能为空'),
    /** The model trained from the examples (`jianfu formalism train`), so start-up does not train. */
    trained: z.string().trim().min(1, '不能为空').optional(),
    flag: z.number().gt(0).lt(1).default(0.5),
    veto: z.number().min(0).lt(1).default(0.1),
  })
  .strict()
  .refine((m) => m.veto < m.flag, { message: 'veto 须小于 flag' });
const fileSchema = z.object({
  macros: z.record(z.string().regex(/^[A-Z]+$/, '宏名须为大写字母'), z.string().min(1)).default({}),
  categories: z.array(z.unknown()).min(1, '至少要有一类'),
  model: modelSchema.optional(),
});
const exampleSchema = z.object({ text: z.string().trim().min(1), formalism: z.boolean() });

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Macros may use {N} and earlier macros; depth is bounded so a macro naming itself stays unexpanded. */
function expandMacros(re: string, macros: Record<string, string>, depth = 0): string {
  return re.replace(/\{([A-Z]+)\}/g, (m, name: string) => {
    if (name === 'N') return NUMBER;
    if (macros[name] === undefined || depth > 3) return m;
    return `(?:${expandMacros(macros[name], macros, depth + 1)})`;
  });
}

function compile(p: z.infer<typeof patternSchema>, where: string, flags: string, macros: Record<string, string> = {}): RegExp {
  const source = typeof p === 'string' ? escapeRegex(p) : expandMacros(p.re, macros);
  try {
    // Case-insensitive so APP, App and app all match.
    return new RegExp(source, flags);
  } catch (e) {
    throw new FormalismPatternsError(`${where}的正则「${typeof p === 'string' ? p : p.re}」写错了：${(e as Error).message}`);
  }
}

export function loadFormalismPatterns(file: string): FormalismPatterns {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FormalismPatternsError(`形式主义规则 ${file} 无法读取：${(e as Error).message}`);
  }
  const top = fileSchema.safeParse(parsed ?? {});
  if (!top.success) throw new FormalismPatternsError(`形式主义规则 ${file} 格式不对：${top.error.issues[0].message}`);
  const seen = new Set<string>();
  const categories = top.data.categories.map((raw, i) => {
    const label = (raw as { label?: unknown; id?: unknown } | null)?.label ?? (raw as { id?: unknown } | null)?.id;
    const where = `形式主义规则第 ${i + 1} 类${typeof label === 'string' ? `（${label}）` : ''}`;
    const r = categorySchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new FormalismPatternsError(`${where}有误：${issue.path.join('.')}${issue.path.length ? '：' : ''}${issue.message}`);
    }
    if (seen.has(r.data.id)) throw new FormalismPatternsError(`${where}有误：类别编号 ${r.data.id} 重复`);
    seen.add(r.data.id);
    const macros = top.data.macros;
    return {
      id: r.data.id,
      label: r.data.label,
      explanation: r.data.explanation,
      patterns: r.data.patterns.map((p) => compile(p, where, 'giu', macros)),
      requires: r.data.requires.map((g) => g.map((p) => compile(p, where, 'iu', macros))),
      alternatives: r.data.alternatives.map((set) => set.map((g) => g.map((p) => compile(p, where, 'iu', macros)))),
      noticeExceptions: r.data.noticeExceptions.map((p) => compile(p, where, 'iu', macros)),
      noticeRequires: r.data.noticeRequires.map((g) => g.map((p) => compile(p, where, 'iu', macros))),
      exceptions: r.data.exceptions.map((p) => compile(p, where, 'iu', macros)),
      strong: r.data.strong.map((p) => compile(p, where, 'iu', macros)),
      outsideList: r.data.outsideList,
    };
  });
  const patterns: FormalismPatterns = { categories };
  if (top.data.model) {
    const dir = path.dirname(file);
    const m = top.data.model;
    const signature = JSON.stringify([top.data.macros, top.data.categories]);
    patterns.classifier = loadClassifier(patterns, signature, path.resolve(dir, m.examples), m.trained ? path.resolve(dir, m.trained) : null, m);
  }
  return patterns;
}

/**
 * Trains the classifier a patterns file names and writes it to its `trained` file: start-up then reads it instead of
 * training (a few seconds on a busy machine, enough to upset the timing of several instances starting together).
 */
export function writeTrainedFormalismModel(file: string): { path: string; examples: number; terms: number } {
  const parsed = fileSchema.safeParse(YAML.parse(fs.readFileSync(file, 'utf8')) ?? {});
  const m = parsed.success ? parsed.data.model : undefined;
  if (!m?.trained) throw new FormalismPatternsError(`形式主义规则 ${file} 未配置 model.trained（训练结果文件）`);
  const out = path.resolve(path.dirname(file), m.trained);
  fs.rmSync(out, { force: true });
  const p = loadFormalismPatterns(file);
  const c = p.classifier!;
  fs.writeFileSync(out, `${JSON.stringify(modelToJson(c.model, c.key))}\n`);
  return { path: out, examples: c.examples, terms: c.model.weights.size };
}

/** Models trained at load, by key: a process trains each once (tests load the file often). */
const trained = new Map<string, FormalismModel>();

function loadClassifier(
  p: FormalismPatterns,
  signature: string,
  file: string,
  trainedFile: string | null,
  opts: { flag: number; veto: number },
): FormalismClassifier {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FormalismPatternsError(`形式主义样例 ${file} 无法读取：${(e as Error).message}`);
  }
  const examples = raw.split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new FormalismPatternsError(`形式主义样例第 ${i + 1} 行不是 JSON`);
    }
    const r = exampleSchema.safeParse(row);
    if (!r.success) throw new FormalismPatternsError(`形式主义样例第 ${i + 1} 行须有 text 和 formalism（true/false）`);
    return [r.data];
  });
  if (!examples.some((e) => e.formalism) || !examples.some((e) => !e.formalism)) {
    throw new FormalismPatternsError(`形式主义样例 ${file} 须既有形式主义通知也有正常通知`);
  }
  // What the model depends on: the examples, the patterns (its pattern features) and the training options.
  const key = createHash('sha256').update(JSON.stringify([raw, signature, MODEL_OPTIONS])).digest('hex');
  const base = { flag: opts.flag, veto: opts.veto, examples: examples.length, key };
  if (trainedFile && fs.existsSync(trainedFile)) {
    const stored = modelFromJson(fs.readFileSync(trainedFile, 'utf8'), key);
    if (stored) return { ...base, model: stored, source: 'file' };
  }
  let model = trained.get(key);
  if (!model) {
    model = trainModel(examples.map((e) => ({ vector: features(e.text, traceFormalism(p, e.text), MODEL_OPTIONS.features), label: e.formalism })));
    trained.set(key, model);
  }
  return { ...base, model, source: 'trained' };
}

/**
 * Full-width letters, digits and ％ (ＡＰＰ, １００％) from Chinese input methods folded to half-width, one character
 * for one, so indexes into the folded text are indexes into the original. Chinese punctuation stays as written.
 */
function foldWidth(text: string): string {
  return text.replace(/[０-９Ａ-Ｚａ-ｚ％]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function spanAround(text: string, start: number, end: number, stop: RegExp): { before: string; span: string } {
  let s = start;
  while (s > 0 && !stop.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && !stop.test(text[e])) e++;
  return { before: text.slice(s, start), span: text.slice(s, e) };
}

/** List numbering and words that point back: 「2.照片于周五报送」「上述照片」 start a sentence about the one before. */
const POINTS_BACK = /^\s*(?:[0-9一二三四五六七八九十]+[.、．)）]|[（(][0-9一二三四五六七八九十]+[)）])?\s*(?:请|并|将|把|上述|以上|相关|所有|此类|该|这些)?\s*$/;

/**
 * The sentence around a trigger; when the sentence opens with the trigger (a list item 「2.照片于周五报送」), the
 * sentence before it too, because a list spreads one demand over its items: 「1.每户走访须拍照；2.照片于周五报送」.
 */
function scopeOf(text: string, start: number, end: number): string {
  const { before, span } = spanAround(text, start, end, SENTENCE_BREAK);
  if (!POINTS_BACK.test(before)) return span;
  let j = start - before.length - 1;
  while (j >= 0 && (SENTENCE_BREAK.test(text[j]) || /\s/.test(text[j]))) j--;
  if (j < 0) return span;
  return `${spanAround(text, j, j + 1, SENTENCE_BREAK).span}；${span}`;
}

/** The words of `sentence` matching each group, or null when a group has no match outside a negated clause. */
function contextOf(groups: RegExp[][], sentence: string): string[] | null {
  const context: string[] = [];
  for (const group of groups) {
    const hit = group.map((g) => sentence.match(g)).find((x) => x && !NEGATION.test(sentence.slice(0, x.index).split(CLAUSE_BREAK).pop() ?? ''));
    if (!hit) return null;
    context.push(hit[0]);
  }
  return context;
}

/** What became of one trigger match: a demand, or why not. */
export type TriggerOutcome = 'demand' | 'banned' | 'negated' | 'exception' | 'no-context';

export interface Trigger {
  category: string;
  index: number;
  length: number;
  outcome: TriggerOutcome;
  /** The sentence (or list items) the trigger was read in. */
  sentence: string;
  /** For a demand: the trigger, then each required context. */
  words: string[];
}

/** Every trigger match of this category and what the rules made of it. */
function traceCategory(cat: FormalismCategory, folded: string, banned: [number, number][]): Trigger[] {
  const found: Trigger[] = [];
  const ruledOut = cat.noticeExceptions.some((ex) => ex.test(folded));
  for (const re of cat.patterns) {
    for (const m of folded.matchAll(re)) {
      if (!m[0]) break;
      const end = m.index + m[0].length;
      const sentence = scopeOf(folded, m.index, end);
      const at = { category: cat.id, index: m.index, length: m[0].length, sentence, words: [m[0]] };
      if (banned.some(([a, b]) => m.index >= a && m.index < b)) {
        found.push({ ...at, outcome: 'banned' });
        continue;
      }
      if (NEGATION.test(spanAround(folded, m.index, end, CLAUSE_BREAK).before + m[0])) {
        found.push({ ...at, outcome: 'negated' });
        continue;
      }
      const strong = cat.strong.some((st) => st.test(sentence));
      if ((ruledOut || cat.exceptions.some((ex) => ex.test(sentence))) && !strong) {
        found.push({ ...at, outcome: 'exception' });
        continue;
      }
      const context =
        [cat.requires, ...cat.alternatives].map((set) => contextOf(set, sentence)).find((c) => c !== null) ??
        (cat.noticeRequires.length ? contextOf(cat.noticeRequires, folded) : null);
      if (!context) {
        found.push({ ...at, outcome: 'no-context' });
        continue;
      }
      found.push({ ...at, outcome: 'demand', words: [m[0], ...context] });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Every trigger match in the notice, each with what the rules made of it (the classifier's pattern features). */
export function traceFormalism(p: FormalismPatterns, text: string): Trigger[] {
  const folded = foldWidth(text);
  const banned = bannedSpans(folded);
  return p.categories.flatMap((cat) => traceCategory(cat, folded, banned)).sort((a, b) => a.index - b.index);
}

/** Each category the rules find in the notice, at its first demand, with the words that made it one. */
function ruleHits(p: FormalismPatterns, text: string, trace: Trigger[]): FormalismHit[] {
  const hits: FormalismHit[] = [];
  for (const cat of p.categories) {
    const all = trace.filter((t) => t.category === cat.id && t.outcome === 'demand');
    if (!all.length) continue;
    const first = all[0];
    const words = [...new Set(all.flatMap((d) => d.words))].map((w) => w.trim()).filter(Boolean);
    hits.push({
      category: cat.id,
      label: cat.label,
      explanation: cat.explanation,
      match: text.slice(first.index, first.index + first.length),
      index: first.index,
      words,
      outsideList: cat.outsideList,
      by: 'rules',
    });
  }
  return hits;
}

/**
 * The classifier's demand where the rules found none: the bare trigger (no context, or an exception word beside it)
 * whose sentence carries the most weight, with the words that weighed most and the model's confidence.
 */
function modelHit(p: FormalismPatterns, c: FormalismClassifier, text: string, trace: Trigger[]): FormalismHit | null {
  const reading = readNotice(c.model, text, trace);
  if (reading.p < c.flag) return null;
  const bare = trace.filter((t) => t.outcome === 'no-context' || t.outcome === 'exception');
  let best: { t: Trigger; words: string[]; weight: number } | null = null;
  for (const t of bare) {
    const words = explainingWords(c.model, reading, t.sentence, 3);
    const weight = words.reduce((sum, w) => sum + (reading.contributions.find((x) => x.term.slice(2).replace('_', '') === w)?.weight ?? 0), 0);
    if (!best || weight > best.weight) best = { t, words, weight };
  }
  if (!best) return null;
  const cat = p.categories.find((x) => x.id === best.t.category)!;
  const match = text.slice(best.t.index, best.t.index + best.t.length);
  const words = [match, ...best.words.filter((w) => w !== match)];
  return {
    category: cat.id,
    label: cat.label,
    explanation: `${cat.explanation.replace(/。$/, '')}；按样例判断，依据“${words.join('、')}”，把握 ${Math.round(reading.p * 100)}%。`,
    match,
    index: best.t.index,
    words,
    outsideList: cat.outsideList,
    by: 'model',
  };
}

/**
 * Every demand in the notice, one per category, ordered by position. The rules speak first; with a classifier, a
 * notice it reads as clean (below `veto`) keeps no rule demand, and one it reads as formalism (at or above `flag`)
 * with no rule demand gets the classifier's, over a trigger the rules left without context.
 */
export function findFormalism(p: FormalismPatterns, text: string): FormalismHit[] {
  const trace = traceFormalism(p, text);
  let hits = ruleHits(p, text, trace);
  const c = p.classifier;
  if (c) {
    if (hits.length && readNotice(c.model, text, trace).p < c.veto) hits = [];
    else if (!hits.length) {
      const hit = modelHit(p, c, text, trace);
      if (hit) hits = [hit];
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}
