import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

let jieba: Jieba | undefined;
/** Loading the dictionary takes ~100 ms, so it happens once, on first use, for every module that cuts text. */
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Recent cuts: one notice's text is cut by the gate's basis check, the ledger and again on re-evaluation. */
const recent = new Map<string, readonly string[]>();
const RECENT = 512;

function remembered(key: string, cutNow: () => string[]): readonly string[] {
  const known = recent.get(key);
  if (known) return known;
  const words = Object.freeze(cutNow());
  if (recent.size >= RECENT) recent.delete(recent.keys().next().value!);
  recent.set(key, words);
  return words;
}

/** jieba's words of a text (shared with other callers: read, never change). */
export function cut(text: string, hmm: boolean): readonly string[] {
  return remembered(`c${hmm ? 1 : 0}\u0000${text}`, () => segmenter().cut(text, hmm));
}

/** jieba's words of a text with the shorter words inside long ones, as a search index cuts. */
export function cutForSearch(text: string, hmm: boolean): readonly string[] {
  return remembered(`s${hmm ? 1 : 0}\u0000${text}`, () => segmenter().cutForSearch(text, hmm));
}
