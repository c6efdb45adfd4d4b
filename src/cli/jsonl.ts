/**
 * The shared loop of the JSON-lines subcommands: one object per line in, one answer per line out. A bad line
 * answers with {id, error} and the run goes on, so one typo does not sink a batch.
 */
import { createReadStream, existsSync } from 'fs';
import { createInterface } from 'readline';
import { parseInstant } from '../calendar/time';

export interface Row {
  id: unknown;
  ref: Date;
  text: string;
}

/** One line as a JSON object, or the error every JSON-lines command answers for a bad line. */
export function parseObjectLine(line: string): { obj: Record<string, unknown> } | { error: string } {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { error: '不是有效的 JSON' };
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) return { error: '每行应为 JSON 对象' };
  return { obj: row as Record<string, unknown> };
}

function readRow(line: string): Row | Record<string, unknown> {
  const parsed = parseObjectLine(line);
  if ('error' in parsed) return { id: null, error: parsed.error };
  const { id = null, ref, text } = parsed.obj as { id?: unknown; ref?: unknown; text?: unknown };
  if (typeof ref !== 'string') return { id, error: '缺少 ref' };
  if (typeof text !== 'string') return { id, error: '缺少 text' };
  try {
    return { id, ref: parseInstant(ref), text };
  } catch {
    return { id, error: `ref 时间格式错误：${ref}` };
  }
}

/**
 * Reads FILE (or standard input for -) line by line and prints one JSON answer per non-empty line.
 * Returns the exit code: 2 when the file is missing, else 0.
 */
export async function eachLine(file: string, answer: (line: string) => Record<string, unknown>): Promise<number> {
  if (file !== '-' && !existsSync(file)) {
    process.stderr.write(`找不到文件：${file}\n`);
    return 2;
  }
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // `jianfu … | head` closes the pipe early; that ends the run, it is not a failure.
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
    lines.close();
  });
  for await (const raw of lines) {
    if (closed) break;
    const line = raw.trim();
    if (line) process.stdout.write(`${JSON.stringify(answer(line))}\n`);
  }
  return 0;
}

/** {id, ref, text} lines: a bad line or a failing answer becomes {id, error}. */
export function eachJsonLine(file: string, answer: (row: Row) => Record<string, unknown>, failure: string): Promise<number> {
  return eachLine(file, (line) => {
    const row = readRow(line);
    if ('error' in row) return row;
    try {
      return { id: row.id, ...answer(row as Row) };
    } catch (err) {
      return { id: row.id, error: `${failure}：${err instanceof Error ? err.message : String(err)}` };
    }
  });
}
