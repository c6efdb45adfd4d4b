/**
 * jianfu deadline --jsonl FILE: one {id, ref, text} per line in, one {id, deadline} per line out.
 */
import { formatLocal } from '../calendar/time';
import { WorkCalendar } from '../calendar/work-calendar';
import { extractDeadline } from '../gate/deadline';
import { eachJsonLine } from './jsonl';

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
  return eachJsonLine(opts.file, (row) => {
    const { deadline } = extractDeadline(row.text, row.ref, cal);
    return { deadline: deadline ? formatLocal(deadline) : null };
  }, '提取失败');
}
