/**
 * jianfu holidays parse FILE: reads a pasted 国务院办公厅节假日安排通知 and prints the days it sets.
 */
import { readFileSync } from 'fs';
import { parseHolidayNotice } from '../calendar/holiday-notice';

const USAGE = '用法：jianfu holidays parse FILE（FILE 为 - 时读标准输入）\n';

export async function main(args: string[]): Promise<number> {
  const [verb, file, ...rest] = args;
  if (verb !== 'parse' || !file || rest.length) {
    process.stderr.write(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    process.stderr.write(`无法读取文件：${file}\n`);
    return 2;
  }
  try {
    const { year, off, work } = parseHolidayNotice(text);
    process.stdout.write(`${JSON.stringify({ year, off, work })}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`解析失败：${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
