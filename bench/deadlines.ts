/**
 * Deadline benchmark: exact-match accuracy of extractDeadline on ../shared/bench/deadlines.jsonl,
 * next to chrono-node's Chinese parser on the same cases in the same run.
 *
 * Run alone: node --import tsx bench/deadlines.ts
 *
 * How chrono is used (its documented API, nothing tuned to the cases): chrono.zh.parse(text,
 * { instant: ref, timezone: 480 }, { forwardDate: true }); the earliest result's start is the
 * deadline; when chrono does not know the hour, the date's 17:30 is used as the conventions say.
 * chrono reads relative days (明天) in the process's local zone, so TZ is set to Asia/Shanghai
 * while it runs; otherwise its score would depend on the machine it runs on.
 */
import * as chrono from 'chrono-node';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { atMinutes, formatLocal, parseInstant, ymd } from '../src/calendar/time';
import { WorkCalendar } from '../src/calendar/work-calendar';
import { extractDeadline } from '../src/gate/deadline';
import { SHARED } from './shared';

const FILE = path.join(SHARED, 'bench/deadlines.jsonl');
/** Whole notices written for this repo and held out while the extractor was changed (see docs/judgement.md). */
const HELD_OUT_DIR = path.join(__dirname, '../test/gate/fixtures');
const HELD_OUT = /^deadlines-unseen-\d+\.jsonl$/;

interface Case {
  id: number | string;
  ref: string;
  text: string;
  deadline: string | null;
}

interface Score {
  correct: number;
  total: number;
  misses: { c: Case; got: string | null }[];
}

function loadCases(file = FILE): Case[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

function score(cases: Case[], predict: (c: Case) => string | null): Score {
  const misses: Score['misses'] = [];
  for (const c of cases) {
    let got: string | null;
    try {
      got = predict(c);
    } catch (err) {
      got = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (got !== c.deadline) misses.push({ c, got });
  }
  return { correct: cases.length - misses.length, total: cases.length, misses };
}

function project(cal: WorkCalendar) {
  return (c: Case): string | null => {
    const { deadline } = extractDeadline(c.text, parseInstant(c.ref), cal);
    return deadline ? formatLocal(deadline) : null;
  };
}

/** `zoned`: tell chrono the +08:00 offset; otherwise pass ref as a plain Date (chrono's simplest documented call). */
function chronoZh(cal: WorkCalendar, zoned = true) {
  return (c: Case): string | null => {
    const ref = parseInstant(c.ref);
    const results = zoned
      ? chrono.zh.parse(c.text, { instant: ref, timezone: 480 }, { forwardDate: true })
      : chrono.zh.parse(c.text, ref, { forwardDate: true });
    let best: Date | null = null;
    for (const r of results) {
      const s = r.start;
      const at = s.isCertain('hour')
        ? s.date()
        : atMinutes(ymd(s.get('year') ?? 0, s.get('month') ?? 1, s.get('day') ?? 1), cal.endMinutes);
      if (!Number.isNaN(at.getTime()) && (!best || at < best)) best = at;
    }
    return best ? formatLocal(best) : null;
  };
}

function withTimeZone<T>(tz: string, fn: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

const pct = (s: Score): string => `${s.correct}/${s.total} (${((100 * s.correct) / s.total).toFixed(1)}%)`;

/** The held-out notices, one line per file and one in total; misses listed so a regression shows its case. */
function heldOut(cal: WorkCalendar): { lines: string[]; total: string } {
  const files = existsSync(HELD_OUT_DIR) ? readdirSync(HELD_OUT_DIR).filter((f) => HELD_OUT.test(f)).sort() : [];
  const lines: string[] = [];
  let correct = 0;
  let total = 0;
  for (const f of files) {
    const s = score(loadCases(path.join(HELD_OUT_DIR, f)), project(cal));
    correct += s.correct;
    total += s.total;
    lines.push(`  ${`held-out ${f}`.padEnd(42)} ${pct(s)}`);
    for (const { c, got } of s.misses) lines.push(`    #${c.id} ${c.text.replace(/\n/g, '⏎').slice(0, 80)} | ref ${c.ref} | got ${got} | want ${c.deadline}`);
  }
  return { lines, total: total ? pct({ correct, total, misses: [] }) : 'none' };
}

export async function benchDeadlines(): Promise<{ name: string; project: string; anchor: string }> {
  const held = heldOut(new WorkCalendar());
  if (!existsSync(FILE)) {
    const why = `skipped: ${FILE} not found (set JIANFU_SHARED to the shared folder)`;
    process.stdout.write(`deadlines ${why}\n${held.lines.join('\n')}\n`);
    return { name: 'deadlines', project: `${why}; held-out ${held.total}`, anchor: '-' };
  }
  const cases = loadCases();
  const cal = new WorkCalendar();
  const ours = score(cases, project(cal));
  const theirs = withTimeZone('Asia/Shanghai', () => score(cases, chronoZh(cal)));
  const naive = score(cases, chronoZh(cal, false));
  const machineTz = process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;

  const out: string[] = [];
  out.push(`deadlines (${path.relative(process.cwd(), FILE)}, ${cases.length} cases, exact match)`);
  out.push(`  ${'jianfu extractDeadline'.padEnd(26)} ${pct(ours)}   held-out notices ${held.total}`);
  out.push(`  ${'chrono-node zh'.padEnd(26)} ${pct(theirs)}  (timezone +08:00, TZ=Asia/Shanghai)`);
  out.push(`  ${'chrono-node zh, plain ref'.padEnd(26)} ${pct(naive)}  (ref as a Date, no timezone, machine TZ=${machineTz}; for reference only)`);
  if (ours.misses.length) {
    out.push('  jianfu mismatches:');
    for (const { c, got } of ours.misses) out.push(`    #${c.id} ${c.text} | ref ${c.ref} | got ${got} | want ${c.deadline}`);
  }
  const chronoOnly = ours.misses.filter((m) => !theirs.misses.some((t) => t.c === m.c)).length;
  out.push(`  cases chrono gets and jianfu misses: ${chronoOnly}`);
  out.push(...held.lines);
  out.push(`deadlines: jianfu ${pct(ours)} (held-out ${held.total}) vs chrono-node zh ${pct(theirs)}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return { name: 'deadlines', project: `${pct(ours)}, held-out ${held.total}`, anchor: `chrono-node zh ${pct(theirs)}` };
}

if (require.main === module) {
  benchDeadlines().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
