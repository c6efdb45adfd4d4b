/**
 * jianfu dedup --jsonl FILE: one {id, a:{dept,text}, b:{dept,text}} per line in, one
 * {id, label, missing} per line out. A bad line answers with {id, error} and the run goes on.
 */
import { eachLine, parseObjectLine } from '../cli/jsonl';
import { defaultVocabulary } from './vocabulary-file';
import { analyzeRequest, compareRequests } from './requests';
import type { Vocabulary } from './vocabulary';

const USAGE = '用法：jianfu dedup --jsonl FILE（FILE 为 - 时读标准输入）\n';

function side(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const text = (v as { text?: unknown }).text;
  return typeof text === 'string' ? text : undefined;
}

export function answerLine(line: string, vocab: Vocabulary): Record<string, unknown> {
  const parsed = parseObjectLine(line);
  if ('error' in parsed) return { id: null, error: parsed.error };
  const { id = null, a, b } = parsed.obj as { id?: unknown; a?: unknown; b?: unknown };
  const ta = side(a);
  const tb = side(b);
  if (ta === undefined || tb === undefined) return { id, error: '缺少 a.text 或 b.text' };
  const c = compareRequests(vocab, analyzeRequest(vocab, ta), analyzeRequest(vocab, tb));
  return { id, label: c.label, missing: c.missing };
}

export async function main(args: string[]): Promise<number> {
  if (args.length !== 2 || args[0] !== '--jsonl') {
    process.stderr.write(USAGE);
    return 2;
  }
  const vocab = defaultVocabulary();
  return eachLine(args[1], (line) => answerLine(line, vocab));
}
