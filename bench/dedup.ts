/**
 * Repeated-request benchmark.
 * 1. Labels on ../shared/bench/dedup.jsonl: accuracy and precision of `same`, beside an anchor that
 *    uses the near-duplicate text sketch alone (jieba words + MinHash, `same` at similarity ≥ 0.7,
 *    `overlap` at ≥ 0.4) — what a reader gets without the vocabulary.
 * 2. Lookup latency: RequestIndex.lookup (what the gate calls for each data request) with 10^5 and
 *    10^6 earlier requests spread over a year, window 180 days. They are drawn from 20,000 distinct
 *    requests generated from the vocabulary (populations × fields × topics); the index ranks only the
 *    newest of identical requests, so the cost grows with distinct requests per population, not with
 *    repeats (a street office makes far fewer than 20,000 distinct ones).
 *
 * Run alone: node --import tsx bench/dedup.ts
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { analyzeRequest, compareRequests, type Label, type RequestAnalysis } from '../src/ledger/requests';
import { similarity } from '../src/ledger/near-dup';
import { RequestIndex } from '../src/ledger/request-index';
import { defaultVocabulary } from '../src/ledger/vocabulary-file';
import type { Vocabulary } from '../src/ledger/vocabulary';
import { SHARED } from './shared';

const FILE = path.join(SHARED, 'bench/dedup.jsonl');

interface Case {
  id: number | string;
  a: { dept: string; text: string };
  b: { dept: string; text: string };
  label: Label;
}

interface Score {
  accuracy: string;
  samePrecision: string;
  wrong: string[];
}

function score(cases: Case[], predict: (c: Case) => Label): Score {
  let correct = 0;
  let said = 0;
  let right = 0;
  const wrong: string[] = [];
  for (const c of cases) {
    const got = predict(c);
    if (got === c.label) correct++;
    else wrong.push(`#${c.id} want ${c.label} got ${got}`);
    if (got === 'same') {
      said++;
      if (c.label === 'same') right++;
    }
  }
  const pct = (n: number, d: number) => (d ? `${n}/${d} (${((100 * n) / d).toFixed(1)}%)` : 'n/a (never said same)');
  return { accuracy: pct(correct, cases.length), samePrecision: pct(right, said), wrong };
}

function pools(vocab: Vocabulary): string[] {
  const pops = vocab.populations.flatMap((p) => [p.name, ...p.synonyms.slice(0, 2)]);
  const fields = vocab.fields.flatMap((f) => [f.name, ...f.synonyms.slice(0, 1)]);
  const topics = ['', '', '', '疫苗接种', '消防安全检查', '体检', '走访慰问', '燃气安全排查', '入户核查'];
  const verbs = ['请上报辖区', '请各社区统计', '请报送', '请统计本社区'];
  let seed = 42;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const texts: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const chosen = new Set<string>();
    const n = 2 + rnd(5);
    while (chosen.size < n) chosen.add(fields[rnd(fields.length)]);
    const topic = topics[rnd(topics.length)];
    texts.push(`${verbs[rnd(verbs.length)]}${pops[rnd(pops.length)]}${topic}${topic ? '情况' : '名单'}：${[...chosen].join('、')}`);
  }
  return texts;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function latency(vocab: Vocabulary, analyses: RequestAnalysis[], stored: number): string {
  const index = new RequestIndex(vocab);
  const now = Date.parse('2026-11-30T00:00:00Z');
  const year = 365 * 86_400_000;
  for (let i = 0; i < stored; i++) {
    // Spread over a year in time order, as a running service would add them.
    index.add({ id: i + 1, createdAt: now - year + Math.floor((i / stored) * year), analysis: analyses[i % analyses.length] });
  }
  const times: number[] = [];
  let found = 0;
  const probes = 500;
  for (let i = 0; i < probes; i++) {
    const a = analyses[(i * 7919) % analyses.length];
    const t0 = process.hrtime.bigint();
    if (index.lookup(a, now, 180)) found++;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((x, y) => x - y);
  return `${stored.toLocaleString('en')} stored: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (${probes} lookups, ${found} found an earlier request)`;
}

export async function benchDedup(): Promise<{ name: string; project: string; anchor: string }> {
  const vocab = defaultVocabulary();
  const out: string[] = [];
  let project = 'labels: n/a';
  let anchor = 'n/a';
  if (!existsSync(FILE)) {
    out.push(`dedup labels: SKIPPED — ${FILE} not found (set JIANFU_SHARED to the shared folder); latency below still runs`);
  } else {
    const cases = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Case);
    const ours = score(cases, (c) => compareRequests(vocab, analyzeRequest(vocab, c.a.text), analyzeRequest(vocab, c.b.text)).label);
    const sketchOnly = score(cases, (c) => {
      const s = similarity(analyzeRequest(vocab, c.a.text).sketch, analyzeRequest(vocab, c.b.text).sketch);
      return s >= 0.7 ? 'same' : s >= 0.4 ? 'overlap' : 'different';
    });
    out.push(`dedup labels (${path.relative(process.cwd(), FILE)}, ${cases.length} pairs)`);
    out.push(`  jianfu vocabulary + analysis   accuracy ${ours.accuracy}, precision of same ${ours.samePrecision}`);
    out.push(`  MinHash text similarity only   accuracy ${sketchOnly.accuracy}, precision of same ${sketchOnly.samePrecision}`);
    for (const w of ours.wrong) out.push(`    jianfu miss ${w}`);
    project = `accuracy ${ours.accuracy}, same precision ${ours.samePrecision}`;
    anchor = `MinHash only: accuracy ${sketchOnly.accuracy}, same precision ${sketchOnly.samePrecision}`;
  }
  const t0 = Date.now();
  const analyses = pools(vocab).map((t) => analyzeRequest(vocab, t));
  out.push(`dedup lookup latency (RequestIndex, window 180 days; ${analyses.length} distinct generated requests analysed in ${Date.now() - t0} ms)`);
  const lat: string[] = [];
  for (const n of [100_000, 1_000_000]) {
    const line = latency(vocab, analyses, n);
    lat.push(line);
    out.push(`  ${line}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return { name: 'dedup', project: `${project}; ${lat.map((l) => l.split(' (')[0]).join('; ')}`, anchor };
}

if (require.main === module) {
  benchDedup().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
