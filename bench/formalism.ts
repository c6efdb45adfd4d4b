/**
 * Formalism benchmark: per-notice precision and recall of findFormalism on ../shared/bench/formalism.jsonl
 * (a notice counts as flagged when at least one demand is found), beside the anchor of a bare trigger-word
 * list (照片, 截图, 打卡, 签到, 点赞, 转发, 下载, 扫码, 定位 …) on the same notices in the same run: what
 * matching words without context would give. Then the same on the held-out notices written in this repo
 * (test/gate/fixtures/formalism-unseen-5.jsonl and -6.jsonl), which neither the rules nor the classifier's examples were
 * tuned on; the run refuses to call them held out if any of them is among the examples.
 *
 * Run alone: node --import tsx bench/formalism.ts
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { findFormalism, loadFormalismPatterns, type FormalismPatterns } from '../src/gate/formalism';
import { SHARED } from './shared';

const FILE = path.join(SHARED, 'bench/formalism.jsonl');
const PATTERNS = path.resolve(__dirname, '../config/formalism.yaml');
/** Batch 5 was written by the helper who built the rules, before any run; batch 6 by a writer who read only the conventions. */
const HELD_OUT = ['formalism-unseen-5.jsonl', 'formalism-unseen-6.jsonl'].map((f) => path.resolve(__dirname, '../test/gate/fixtures', f));
const EXAMPLES = path.resolve(__dirname, '../config/formalism-examples.jsonl');
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

const readCases = (file: string): Case[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);

/** The three readers on one set of notices: as shipped, the rules without the classifier, and bare trigger words. */
function measure(title: string, cases: Case[], patterns: FormalismPatterns, out: string[]): { ours: Score; words: Score } {
  const rulesOnly: FormalismPatterns = { categories: patterns.categories };
  const ours = score(cases, (t) => findFormalism(patterns, t).length > 0);
  const rules = score(cases, (t) => findFormalism(rulesOnly, t).length > 0);
  const words = score(cases, (t) => TRIGGERS.test(t));
  out.push(title);
  out.push(`  ${'jianfu findFormalism'.padEnd(26)} ${pr(ours)}`);
  out.push(`  ${'rules without classifier'.padEnd(26)} ${pr(rules)}`);
  out.push(`  ${'trigger words alone'.padEnd(26)} ${pr(words)}`);
  for (const { c, got } of ours.wrong) out.push(`    ${got ? 'false flag' : 'missed'} ${c.id}`);
  return { ours, words };
}

export async function benchFormalism(): Promise<{ name: string; project: string; anchor: string }> {
  const patterns = loadFormalismPatterns(PATTERNS);
  const out: string[] = [];
  let project: string;
  let anchor = '-';
  if (existsSync(FILE)) {
    const cases = readCases(FILE);
    const { ours, words } = measure(`formalism (${path.relative(process.cwd(), FILE)}, ${cases.length} notices, per notice)`, cases, patterns, out);
    project = `shared ${pr(ours)}`;
    anchor = `trigger words ${pr(words)}`;
  } else {
    project = `shared skipped (${FILE} not found; set JIANFU_SHARED to the shared folder)`;
    out.push(`formalism ${project}`);
  }
  const examples = new Set(readCases(EXAMPLES).map((c) => c.text.trim()));
  for (const file of HELD_OUT) {
    const held = readCases(file);
    const leaked = held.filter((c) => examples.has(c.text.trim())).length;
    const name = path.basename(file, '.jsonl').replace('formalism-', '');
    const title = `formalism held out (${path.relative(process.cwd(), file)}, ${held.length} notices written here, per notice)`;
    if (leaked) {
      out.push(`${title}: NOT held out, ${leaked} of them are among the classifier's examples`);
      project += ` | ${name}: not measured (${leaked} notices leaked into the examples)`;
    } else {
      const { ours } = measure(title, held, patterns, out);
      project += ` | ${name} ${pr(ours)}`;
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return { name: 'formalism', project, anchor };
}

if (require.main === module) {
  benchFormalism().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
