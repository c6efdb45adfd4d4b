/**
 * Finds the time words of a notice. Rules run in order and a later rule cannot take
 * characters an earlier one claimed, so the longer or more specific forms come first
 * (下一个工作日 before 一个工作日, 3日内 before 3日, 第一时间 before 一时, 12.30 as a date
 * before 17.30 as a time).
 */
import type { Rule } from './lexicon';
import { DAY_RULES } from './rules-days';
import { IMMEDIATE_RULES, TIME_RULES } from './rules-times';
import type { Token } from './types';

const RULES: Rule[] = [...IMMEDIATE_RULES, ...DAY_RULES, ...TIME_RULES];

export function scan(text: string): Token[] {
  const claimed = new Uint8Array(text.length);
  const tokens: Token[] = [];
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(text); m; m = rule.re.exec(text)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const found = rule.make(m, text);
      if (!found) continue;
      const { length, ...token } = found;
      const start = m.index;
      const end = start + (length ?? m[0].length);
      if (claimed.subarray(start, end).some((c) => c)) continue;
      claimed.fill(1, start, end);
      tokens.push({ ...token, start, end });
    }
  }
  return tokens.sort((a, b) => a.start - b.start);
}
