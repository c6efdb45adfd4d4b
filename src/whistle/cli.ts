/**
 * jianfu route: the whistle desk's classifier and router from the command line.
 *   route train --jsonl FILE --out MODEL [--validate 0.2]   one {text, label[, title]} per line
 *   route predict --model MODEL --jsonl FILE                 prints {id, label, confidence} per line
 *   route desk --jsonl FILE [--no-db]                        prints {id, department, confidence, top3, urgent} per line
 * `desk` uses the configured departments and the desk's current model (its database history), the same
 * code as /吹哨; with --no-db only config/departments.yaml.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CalendarService } from '../calendar/calendar-service';
import { parseObjectLine } from '../cli/jsonl';
import { loadConfig } from '../config';
import { openDatabase } from '../db';
import { Example, LinearModel } from './classifier/linear-model';
import { Router } from './routing';
import { loadDepartmentsFile, parseSettings } from './settings';
import { WhistleDesk } from './tickets';

const USAGE = [
  '用法：',
  '  jianfu route train --jsonl FILE --out MODEL [--validate 比例]',
  '  jianfu route predict --model MODEL --jsonl FILE',
  '  jianfu route desk --jsonl FILE [--no-db]',
  '（FILE 为 - 时读标准输入）',
].join('\n') + '\n';

type Row = Record<string, unknown>;

function flags(args: string[]): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) return undefined;
    if (args[i] === '--no-db') {
      out.set('no-db', '1');
      continue;
    }
    const v = args[i + 1];
    if (v === undefined) return undefined;
    out.set(args[i].slice(2), v);
    i++;
  }
  return out;
}

/** The text the bot would see: title and body as the benchmark's conventions say. */
export function textOf(row: Row): string | null {
  if (typeof row.text !== 'string') return null;
  return (typeof row.title === 'string' && row.title ? `${row.title}\n` : '') + row.text;
}

async function* rows(file: string): AsyncGenerator<{ row: Row | null; error?: string }> {
  const input = file === '-' ? process.stdin : createReadStream(file, 'utf8');
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    const line = raw.trim();
    if (!line) continue;
    const parsed = parseObjectLine(line);
    yield 'error' in parsed ? { row: null, error: parsed.error } : { row: parsed.obj as Row };
  }
}

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const round = (v: number) => Number(v.toFixed(4));

async function train(f: Map<string, string>): Promise<number> {
  const file = f.get('jsonl');
  const model = f.get('out');
  if (!file || !model) return usage();
  const examples: Example[] = [];
  let bad = 0;
  for await (const { row } of rows(file)) {
    const text = row ? textOf(row) : null;
    if (!row || !text || typeof row.label !== 'string') bad++;
    else examples.push({ text, label: row.label });
  }
  if (!examples.length) {
    process.stderr.write('没有可用的训练样本（每行需要 text 和 label）。\n');
    return 1;
  }
  const share = Number(f.get('validate') ?? 0);
  if (share > 0) {
    // Every k-th row is held out: deterministic, and the same rows each run.
    const k = Math.max(2, Math.round(1 / share));
    const fit = LinearModel.train(examples.filter((_, i) => i % k !== 0));
    const held = examples.filter((_, i) => i % k === 0);
    const right = held.filter((e) => fit.predict(e.text).label === e.label).length;
    process.stderr.write(`验证集（每${k}行取1行，${held.length}条）准确率：${(right / held.length).toFixed(4)}\n`);
  }
  LinearModel.train(examples).save(model);
  process.stderr.write(`已训练 ${examples.length} 条${bad ? `（跳过 ${bad} 行无效数据）` : ''}，模型写入 ${model}\n`);
  return 0;
}

async function predict(f: Map<string, string>): Promise<number> {
  const file = f.get('jsonl');
  const path = f.get('model');
  if (!file || !path) return usage();
  let model: LinearModel;
  try {
    model = LinearModel.load(path);
  } catch (err) {
    process.stderr.write(`无法读取模型 ${path}：${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  for await (const { row, error } of rows(file)) {
    const text = row ? textOf(row) : null;
    if (!row || text === null) {
      out({ id: row?.id ?? null, error: error ?? '缺少 text' });
      continue;
    }
    const p = model.predict(text);
    out({ id: row.id ?? null, label: p.label, confidence: round(p.confidence) });
  }
  return 0;
}

async function desk(f: Map<string, string>): Promise<number> {
  const file = f.get('jsonl');
  if (!file) return usage();
  const config = loadConfig();
  const settings = parseSettings((config as Record<string, unknown>).whistle);
  const departments = loadDepartmentsFile(settings.departments);
  let route: (text: string) => Promise<ReturnType<Router['route']>>;
  let close = async () => undefined as unknown;
  if (f.has('no-db')) {
    const router = new Router(departments.departments, [], departments);
    route = async (text) => router.route(text);
  } else {
    const ds = await openDatabase(config.database.url);
    const calendar = new CalendarService(config.workHours);
    await calendar.reload(ds.manager);
    const d = new WhistleDesk(settings, departments, calendar);
    route = (text) => d.route(ds.manager, new Date(), text);
    close = () => ds.destroy();
  }
  try {
    for await (const { row, error } of rows(file)) {
      const text = row ? textOf(row) : null;
      if (!row || text === null) {
        out({ id: row?.id ?? null, error: error ?? '缺少 text' });
        continue;
      }
      const r = await route(text);
      out({
        id: row.id ?? null, department: r.department, confidence: round(r.confidence),
        top3: r.top3.map((c) => ({ department: c.department, score: round(c.score) })),
        urgent: r.urgent !== null, ...(r.urgent ? { urgentReason: r.urgent } : {}),
      });
    }
  } finally {
    await close();
  }
  return 0;
}

function usage(): number {
  process.stderr.write(USAGE);
  return 2;
}

export async function main(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const f = flags(rest);
  if (!f) return usage();
  const file = f.get('jsonl');
  if (file && file !== '-' && !existsSync(file)) {
    process.stderr.write(`找不到文件：${file}\n`);
    return 2;
  }
  // `jianfu route … | head` closes the pipe early; that ends the run, it is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  if (sub === 'train') return train(f);
  if (sub === 'predict') return predict(f);
  if (sub === 'desk') return desk(f);
  return usage();
}
