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
import { evaluateGroup, type EvalContext } from './deadline/evaluate';
import { groupTokens } from './deadline/group';
import { normalize } from './deadline/normalize';
import { scan } from './deadline/scan';
import type { DeadlineMatch, DeadlineResult } from './deadline/types';

export type { DeadlineMatch, DeadlineResult, MatchKind } from './deadline/types';

/** After an expression: it starts something (11月25日起, 下午3点后) rather than ends it. */
const STARTS_AFTER = /^\s*(?:起(?![草来床步诉])|开始|以后|之后|后(?![天续期面台勤方]))/;
const STARTS_BEFORE = /(?:从|自)\s*$/;
const RANGE_SEP = /^\s*(?:至|到|~|～|—|–|-|－)+\s*/;

export function extractDeadline(text: string, ref: Date, cal: WorkCalendar): DeadlineResult {
  const empty: DeadlineResult = { deadline: null, matches: [], immediate: false };
  if (typeof text !== 'string' || !text || !(ref instanceof Date) || Number.isNaN(ref.getTime())) return empty;
  const s = normalize(text);
  const groups = groupTokens(scan(s), s);
  const ctx: EvalContext = { ref, refDate: localDate(ref), cal };

  const matches: DeadlineMatch[] = [];
  let immediate = false;
  let base: string | undefined;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    let ev;
    try {
      ev = evaluateGroup(g, s, ctx, base);
    } catch {
      // A calendar with no working days in years, or a date out of range: not a deadline.
      ev = undefined;
    }
    base = undefined;
    if (!ev || Number.isNaN(ev.at.getTime())) continue;
    const after = s.slice(g.end);
    const sep = RANGE_SEP.exec(after);
    const next = groups[i + 1];
    if (sep && next && next.start === g.end + sep[0].length && ev.kind !== 'duration' && ev.kind !== 'immediate') {
      // The start of a range; its end is the deadline and may borrow its date.
      if (ev.hasDay) base = ev.date;
      continue;
    }
    if (ev.kind !== 'immediate' && ev.kind !== 'duration'
      && (STARTS_AFTER.test(after) || STARTS_BEFORE.test(s.slice(0, g.start)))) continue;
    if (ev.kind === 'immediate') immediate = true;
    matches.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind });
  }
  const deadline = matches.reduce<Date | null>((min, m) => (!min || m.at < min ? m.at : min), null);
  return { deadline, matches, immediate };
}
