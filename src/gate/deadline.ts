/**
 * Deadline extraction from Chinese work notices.
 *
 * The text is normalised (full-width and traditional forms, one character for one, so
 * indexes stay valid), scanned for time words, the words are joined into expressions
 * (明天 + 上午 + 10点), and each expression is pinned to an instant relative to `ref`.
 * Range starts (即日起, 11月20日至…) and starts of validity (11月25日起) are not deadlines;
 * of the rest the earliest binds, past ones included (the caller decides about those).
 */
import { localDate } from '../calendar/time';
import type { WorkCalendar } from '../calendar/work-calendar';
import { evaluateGroup, type EvalContext, type Evaluated, type RangeStart } from './deadline/evaluate';
import { groupTokens } from './deadline/group';
import { normalize } from './deadline/normalize';
import { scan } from './deadline/scan';
import type { DeadlineMatch, DeadlineResult } from './deadline/types';

export type { DeadlineMatch, DeadlineResult, MatchKind } from './deadline/types';

/** After an expression: it starts something (11月25日起, 下午3点后) rather than ends it. */
const STARTS_AFTER = /^\s*(?:起(?![草来床步诉])|开始|以后|之后|后(?![天续期面台勤方]))/;
const STARTS_BEFORE = /(?:从|自)\s*$/;
const RANGE_SEP = /^\s*(?:至|到|~|～|—|–|-|－|ー)+\s*/;

export function extractDeadline(text: string, ref: Date, cal: WorkCalendar): DeadlineResult {
  const empty: DeadlineResult = { deadline: null, matches: [], immediate: false };
  if (typeof text !== 'string' || !text || !(ref instanceof Date) || Number.isNaN(ref.getTime())) return empty;
  const s = normalize(text);
  const groups = groupTokens(scan(s), s);
  const ctx: EvalContext = { ref, refDate: localDate(ref), cal };

  const evaluate = (i: number, range?: RangeStart): Evaluated | undefined => {
    try {
      const ev = evaluateGroup(groups[i], s, ctx, range);
      return ev && !Number.isNaN(ev.at.getTime()) ? ev : undefined;
    } catch {
      // A calendar with no working days in years, or a date out of range: not a deadline.
      return undefined;
    }
  };

  const matches: DeadlineMatch[] = [];
  let immediate = false;
  let pending: { i: number; ev: Evaluated } | undefined;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const ev = pending?.i === i ? pending.ev : evaluate(i);
    pending = undefined;
    if (!ev) continue;
    const after = s.slice(g.end);
    const timed = ev.kind !== 'duration' && ev.kind !== 'immediate';
    const sep = RANGE_SEP.exec(after);
    if (timed && sep && groups[i + 1]?.start === g.end + sep[0].length) {
      // The start of a range (11月20日至30日, 9:00-17:00): its end is the deadline and may borrow its date.
      const end = evaluate(i + 1, { date: ev.hasDay ? ev.date : undefined });
      if (end) {
        pending = { i: i + 1, ev: end };
        continue;
      }
    }
    if (timed && (STARTS_AFTER.test(after) || STARTS_BEFORE.test(s.slice(0, g.start)))) continue;
    if (ev.kind === 'immediate') immediate = true;
    matches.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind });
  }
  const deadline = matches.reduce<Date | null>((min, m) => (!min || m.at < min ? m.at : min), null);
  return { deadline, matches, immediate };
}
