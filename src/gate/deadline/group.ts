/**
 * Joins adjacent tokens into one time expression: [day] [period] [clock | 上班/下班],
 * e.g. 明天 + 上午 + 10点, 后天 + 下午 + 下班, 11月24日 + 15:30.
 */
import type { Token } from './types';

export interface Group {
  start: number;
  end: number;
  tokens: Token[];
}

/** Only filler may sit between the parts of one expression: 明天 上午, 今天的, 明天，下午三点. */
const JOIN_GAP = /^[\s的,，于在]*$/;

function slots(t: Token): [number, number] | undefined {
  if (t.duration || t.workdays !== undefined || t.immediate) return undefined;
  const lo = t.day ? 0 : t.period ? 1 : 2;
  const hi = t.clock || t.mark ? 2 : t.period ? 1 : 0;
  return [lo, hi];
}

export function groupTokens(tokens: Token[], text: string): Group[] {
  const groups: Group[] = [];
  let cur: (Group & { hi: number }) | undefined;
  for (const t of tokens) {
    const s = slots(t);
    if (!s) {
      cur = undefined;
      groups.push({ start: t.start, end: t.end, tokens: [t] });
      continue;
    }
    // 明天（11月25日）, 11月30日（下周一）: a bracketed day right after a day only restates it.
    const close = /^\s*[)）]/.exec(text.slice(t.end));
    if (cur && t.day && !t.clock && !t.period && cur.tokens.some((c) => c.day) && cur.hi === 0
      && /^\s*[(（]\s*$/.test(text.slice(cur.end, t.start)) && close) {
      // Kept in the group so that a restatement naming another day can be reported.
      cur.tokens.push(t);
      cur.end = t.end + close[0].length;
      continue;
    }
    if (cur && s[0] > cur.hi && JOIN_GAP.test(text.slice(cur.end, t.start))) {
      cur.tokens.push(t);
      cur.end = t.end;
      cur.hi = s[1];
      continue;
    }
    cur = { start: t.start, end: t.end, tokens: [t], hi: s[1] };
    groups.push(cur);
  }
  return groups.map(({ start, end, tokens: ts }) => ({ start, end, tokens: ts }));
}
