/**
 * Formalism benchmark: per-notice precision and recall of findFormalism on ../shared/bench/formalism.jsonl
 * (a notice counts as flagged when at least one demand is found), beside the anchor of a bare trigger-word
 * list (照片, 截图, 打卡, 签到, 点赞, 转发, 下载, 扫码, 定位 …) on the same notices in the same run: what
 * matching words without context would give.
 *
 * Run alone: node --import tsx bench/formalism.ts
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { findFormalism, loadFormalismPatterns } from '../src/gate/formalism';
import { SHARED } from './shared';

const FILE = path.join(SHARED, 'bench/formalism.jsonl');
const PATTERNS = path.resolve(__dirname, '../config/formalism.yaml');
const TRIGGERS = /照片|截图|截屏|打卡|签到|点赞|转发|下载|扫码|定位|注册|关注|投票|台账|责任状|一票否决|展板|证明/;

interface Case {
  id: string;
  text: string;
  formalism: boolean;
}

interface Score {
  tp: number;
  fp: number;
  fn: number;
  wrong: { c: Case; got: boolean }[];
}

function score(cases: Case[], flag: (text: string) => boolean): Score {
  const s: Score = { tp: 0, fp: 0, fn: 0, wrong: [] };
  for (const c of cases) {
    const got = flag(c.text);
    if (got && c.formalism) s.tp++;
    if (got && !c.formalism) s.fp++;
    if (!got && c.formalism) s.fn++;
    if (got !== c.formalism) s.wrong.push({ c, got });
  }
  return s;
}

const ratio = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');
const pr = (s: Score): string => `precision ${ratio(s.tp, s.tp + s.fp)} recall ${ratio(s.tp, s.tp + s.fn)}`;

export async function benchFormalism(): Promise<{ name: string; project: string; anchor: string }> {
  if (!existsSync(FILE)) {
    const why = `skipped: ${FILE} not found (set JIANFU_SHARED to the shared folder)`;
    process.stdout.write(`formalism ${why}\n`);
    return { name: 'formalism', project: why, anchor: '-' };
  }
  const cases = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);
  const patterns = loadFormalismPatterns(PATTERNS);
  const ours = score(cases, (t) => findFormalism(patterns, t).length > 0);
  const words = score(cases, (t) => TRIGGERS.test(t));
  const out = [`formalism (${path.relative(process.cwd(), FILE)}, ${cases.length} notices, per notice)`];
  out.push(`  ${'jianfu findFormalism'.padEnd(26)} ${pr(ours)}`);
  out.push(`  ${'trigger words alone'.padEnd(26)} ${pr(words)}`);
  for (const { c, got } of ours.wrong) out.push(`    ${got ? 'false flag' : 'missed'} ${c.id}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return { name: 'formalism', project: pr(ours), anchor: `trigger words ${pr(words)}` };
}

if (require.main === module) {
  benchFormalism().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
