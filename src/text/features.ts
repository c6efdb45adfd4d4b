import { cut } from './segment';

const WORDLIKE = /[\p{Script=Han}a-z0-9]/u;

/**
 * Full-width forms become ASCII and digit runs one symbol: a house number says nothing about who owns
 * the problem, and the benchmark's anonymised place names (A市, K8县) would otherwise become features.
 */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[0-9]+/g, '0');
}

/** jieba's words of a (normalised) text, punctuation dropped. */
export function words(text: string): string[] {
  return cut(text, false).filter((w) => WORDLIKE.test(w));
}

export interface FeatureOptions {
  /** Character n-gram lengths, inclusive. */
  charMin: number;
  charMax: number;
  /** Adjacent word pairs as well as single words. */
  wordPairs: boolean;
}

export const DEFAULT_FEATURES: FeatureOptions = { charMin: 1, charMax: 3, wordPairs: true };

/** Term counts of one text: jieba words ("w:"), optional word pairs ("p:") and character n-grams ("c:"). */
export function termCounts(raw: string, opts: FeatureOptions): Map<string, number> {
  const text = normalise(raw);
  const counts = new Map<string, number>();
  const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + 1);
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    add('w:' + ws[i]);
    if (opts.wordPairs && i + 1 < ws.length) add(`p:${ws[i]}_${ws[i + 1]}`);
  }
  // Character n-grams never cross punctuation, so a sentence break does not make a fake word.
  for (const run of text.split(/[^\p{Script=Han}a-z0-9]+/u)) {
    const chars = [...run];
    for (let n = opts.charMin; n <= opts.charMax; n++) {
      for (let i = 0; i + n <= chars.length; i++) add('c:' + chars.slice(i, i + n).join(''));
    }
  }
  return counts;
}
