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
/** 工作时间8:30-17:30, 办公时间: opening hours, not a limit. */
const HOURS_LABEL = /(?:办公|工作|营业|服务|开放|接待|值班|上班)时间\s*(?:为|是|[:：])?\s*$/;
const RANGE_SEP = /^\s*(?:至|到|~|～|—|–|-|－|ー)+\s*/;
/** 11月20日的数据: a date used as an attribute describes something, it asks for nothing. */
const ATTRIBUTE_AFTER = /^\s*的/;
/**
 * Words around an expression that make it something to be done by (11月25日前, 于明天报送,
 * 截至周五). When a notice has such expressions, other dates in it (根据11月20日会议精神)
 * are background and do not bind.
 */
const DEADLINE_AFTER = /^\s*(?:前|之前|以前|截止|为止|止|以内|之内|内|期间|下班|结束前|报|交|上报|上交|报送|提交|反馈|回复|完成|办结|到位|到岗|报到|上传|录入|发送|发至|发到|送达)/;
const STATUS_BEFORE = /(?:截至|截止到|截止)\s*$/;
const STATUS_AFTER = /^\s*[，,]/;
const DEADLINE_BEFORE = /(?:(?<!已)于|至|到|截至|截止|最迟|最晚|不晚于|务必|须|需|限|期限为|时间为|时间[:：])\s*$/;

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

  const matches: (DeadlineMatch & { explicit: boolean })[] = [];
  let immediate = false;
  let pending: { i: number; ev: Evaluated } | undefined;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const ev = pending?.i === i ? pending.ev : evaluate(i);
    pending = undefined;
    if (!ev) continue;
    const after = s.slice(g.end);
    const timed = ev.kind !== 'duration' && ev.kind !== 'immediate';
    if (timed && HOURS_LABEL.test(s.slice(0, g.start))) {
      // Skip the whole range of opening hours, not just its start.
      if (RANGE_SEP.test(after)) i++;
      continue;
    }
    const sep = RANGE_SEP.exec(after);
    if (timed && sep && groups[i + 1]?.start === g.end + sep[0].length) {
      // The start of a range (11月20日至30日, 9:00-17:00): its end is the deadline and may borrow its date.
      const end = evaluate(i + 1, { date: ev.hasDay ? ev.date : undefined, period: ev.period });
      if (end) {
        pending = { i: i + 1, ev: end };
        continue;
      }
    }
    const before = s.slice(0, g.start);
    if (timed && (STARTS_AFTER.test(after) || STARTS_BEFORE.test(before) || ATTRIBUTE_AFTER.test(after))) continue;
    if (ev.kind === 'immediate') immediate = true;
    // 截至11月20日，已完成…: a status as of a date, not a limit.
    const status = STATUS_BEFORE.test(before) && STATUS_AFTER.test(after);
    const explicit = !timed || g.tokens[0].workdays !== undefined
      || (!status && (DEADLINE_AFTER.test(after) || DEADLINE_BEFORE.test(before)));
    matches.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind, explicit });
  }
  const binding = matches.some((m) => m.explicit) ? matches.filter((m) => m.explicit) : matches;
  const deadline = binding.reduce<Date | null>((min, m) => (!min || m.at < min ? m.at : min), null);
  return { deadline, matches: binding.map(({ explicit: _explicit, ...m }) => m), immediate };
}
