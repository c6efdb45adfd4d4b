import { cut, cutForSearch } from '../text/segment';

const HAN_OR_WORD = /[\p{Script=Han}A-Za-z0-9]/u;

/** Words that every data request uses and that say nothing about what it asks for. */
const FILLER = new Set([
  '请', '各', '社区', '村', '居委会', '辖区', '本', '本社区', '上报', '报送', '统计', '上传', '填报', '提供', '汇总',
  '情况', '信息', '名单', '的', '和', '及', '等', '于', '前', '将', '工作', '相关', '有关', '做好', '及时', '报', '表',
]);

/** jieba words of a text without filler, the unit the near-duplicate sketch is built from; `search` adds the words inside long words. */
export function contentWords(text: string, search = false): string[] {
  const t = text.normalize('NFKC');
  const words = search ? cutForSearch(t, true) : cut(t, true);
  return words.filter((w) => HAN_OR_WORD.test(w) && !FILLER.has(w));
}

const PERMUTATIONS = 64;
// FNV-1a seeds per permutation; a fixed list keeps signatures stable across runs and processes.
const SEEDS = Array.from({ length: PERMUTATIONS }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) ^ 0x85ebca6b) >>> 0);

function hash(word: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/**
 * MinHash over words: the share of equal slots between two signatures estimates the
 * Jaccard similarity of their word sets, so repeated 简报/总结 requests are found without comparing texts.
 */
export function minhash(words: string[]): Uint32Array {
  // Words, not word pairs: requests are short, and one inserted word (秋收) must not halve the score.
  const shingles = new Set(words);
  const sig = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (const s of shingles) {
    for (let k = 0; k < PERMUTATIONS; k++) {
      const h = hash(s, SEEDS[k]);
      if (h < sig[k]) sig[k] = h;
    }
  }
  return sig;
}

export function similarity(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let k = 0; k < PERMUTATIONS; k++) if (a[k] === b[k]) eq++;
  return eq / PERMUTATIONS;
}

/** LSH bands: two texts with similarity ≥ ~0.7 share at least one band key with high probability. */
const BANDS = 16;
export function bandKeys(sig: Uint32Array): string[] {
  const rows = PERMUTATIONS / BANDS;
  const keys: string[] = [];
  for (let b = 0; b < BANDS; b++) keys.push(`${b}:${Array.from(sig.subarray(b * rows, (b + 1) * rows)).join('.')}`);
  return keys;
}
