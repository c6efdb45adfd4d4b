/**
 * jianfu deadline --jsonl FILE: one {id, ref, text} per line in, one {id, deadline} per line out.
 * A bad line answers with {id, error} and the run goes on, so one typo does not sink a batch.
 */
import { createReadStream, existsSync } from 'fs';
import { createInterface } from 'readline';
import { formatLocal, parseInstant } from '../calendar/time';
import { WorkCalendar } from '../calendar/work-calendar';
import { extractDeadline } from '../gate/deadline';

const USAGE = '用法：jianfu deadline --jsonl FILE [--work-start 08:30] [--work-end 17:30]（FILE 为 - 时读标准输入）\n';

interface Options {
  file: string;
  workStart?: string;
  workEnd?: string;
}

function parseArgs(args: string[]): Options | undefined {
  const opts: Partial<Options> = {};
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (value === undefined) return undefined;
    if (args[i] === '--jsonl') opts.file = value;
    else if (args[i] === '--work-start') opts.workStart = value;
    else if (args[i] === '--work-end') opts.workEnd = value;
    else return undefined;
    i++;
  }
  return opts.file ? (opts as Options) : undefined;
}

function answer(line: string, cal: WorkCalendar): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return { id: null, error: '不是有效的 JSON' };
  }
  if (!row || typeof row !== 'object' || Array.isArray(row)) return { id: null, error: '每行应为 JSON 对象' };
  const { id = null, ref, text } = row as { id?: unknown; ref?: unknown; text?: unknown };
  if (typeof ref !== 'string') return { id, error: '缺少 ref' };
  if (typeof text !== 'string') return { id, error: '缺少 text' };
  let at: Date;
  try {
    at = parseInstant(ref);
  } catch {
    return { id, error: `ref 时间格式错误：${ref}` };
  }
  try {
    const { deadline } = extractDeadline(text, at, cal);
    return { id, deadline: deadline ? formatLocal(deadline) : null };
  } catch (err) {
    return { id, error: `提取失败：${err instanceof Error ? err.message : String(err)}` };
  }
}

export async function main(args: string[]): Promise<number> {
  const opts = parseArgs(args);
  if (!opts) {
    process.stderr.write(USAGE);
    return 2;
  }
  let cal: WorkCalendar;
  try {
    cal = new WorkCalendar({ workStart: opts.workStart, workEnd: opts.workEnd });
  } catch (err) {
    process.stderr.write(`上下班时间设置错误：${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (opts.file !== '-' && !existsSync(opts.file)) {
    process.stderr.write(`找不到文件：${opts.file}\n`);
    return 2;
  }
  const input = opts.file === '-' ? process.stdin : createReadStream(opts.file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  // `jianfu deadline … | head` closes the pipe early; that ends the run, it is not a failure.
  let closed = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
    lines.close();
  });
  for await (const raw of lines) {
    if (closed) break;
    const line = raw.trim();
    if (!line) continue;
    process.stdout.write(`${JSON.stringify(answer(line, cal))}\n`);
  }
  return 0;
}
