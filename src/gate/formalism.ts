import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';

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
}

export interface FormalismCategory {
  id: string;
  label: string;
  explanation: string;
  patterns: RegExp[];
  exceptions: RegExp[];
}

export interface FormalismPatterns {
  categories: FormalismCategory[];
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

/** A demand introduced this way is being ruled out, not made: 「无需截图」「不得以打卡考核」. */
const NEGATION = /不得|不要|不用|无需|无须|不需|不必|不再|严禁|禁止|杜绝|避免|取消|不搞|不以|防止/;

const patternSchema = z.union([
  z.string().trim().min(1, '不能为空'),
  z.object({ re: z.string().min(1, '不能为空') }).strict(),
]);
const categorySchema = z.object({
  id: z.string().trim().min(1, '不能为空'),
  label: z.string().trim().min(1, '不能为空'),
  explanation: z.string().trim().min(1, '不能为空'),
  patterns: z.array(patternSchema).min(1, '至少要有一条识别说法'),
  exceptions: z.array(patternSchema).default([]),
});
const fileSchema = z.object({ categories: z.array(z.unknown()).min(1, '至少要有一类') });

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(p: z.infer<typeof patternSchema>, where: string, flags: string): RegExp {
  const source = typeof p === 'string' ? escapeRegex(p) : p.re.replaceAll('{N}', NUMBER);
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
    return {
      id: r.data.id,
      label: r.data.label,
      explanation: r.data.explanation,
      patterns: r.data.patterns.map((p) => compile(p, where, 'giu')),
      exceptions: r.data.exceptions.map((p) => compile(p, where, 'iu')),
    };
  });
  return { categories };
}

/**
 * Full-width ASCII (ＡＰＰ, １００％) from Chinese input methods folded to half-width, one character for one,
 * so indexes into the folded text are indexes into the original.
 */
function foldWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function spanAround(text: string, start: number, end: number, stop: RegExp): { before: string; span: string } {
  let s = start;
  while (s > 0 && !stop.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && !stop.test(text[e])) e++;
  return { before: text.slice(s, start), span: text.slice(s, e) };
}

function firstValidMatch(cat: FormalismCategory, folded: string): { index: number; length: number } | null {
  let best: { index: number; length: number } | null = null;
  for (const re of cat.patterns) {
    for (const m of folded.matchAll(re)) {
      if (!m[0] || (best && m.index >= best.index)) break;
      const end = m.index + m[0].length;
      if (NEGATION.test(spanAround(folded, m.index, end, CLAUSE_BREAK).before)) continue;
      const sentence = spanAround(folded, m.index, end, SENTENCE_BREAK).span;
      if (cat.exceptions.some((ex) => ex.test(sentence))) continue;
      best = { index: m.index, length: m[0].length };
      break;
    }
  }
  return best;
}

export function findFormalism(p: FormalismPatterns, text: string): FormalismHit[] {
  const folded = foldWidth(text);
  const hits: FormalismHit[] = [];
  for (const cat of p.categories) {
    const m = firstValidMatch(cat, folded);
    if (!m) continue;
    hits.push({
      category: cat.id,
      label: cat.label,
      explanation: cat.explanation,
      match: text.slice(m.index, m.index + m.length),
      index: m.index,
    });
  }
  return hits.sort((a, b) => a.index - b.index);
}
