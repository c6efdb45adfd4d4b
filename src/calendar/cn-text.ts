/**
 * Text helpers shared by the holiday-notice parser and the deadline extractor.
 */

/**
 * Full-width ASCII (０-９, ：, ．, ／, －, Ａ…) to half-width, and the ideographic space to a
 * space. Every character maps to exactly one character, so match indexes in the normalised
 * text are valid in the original.
 */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) =>
    c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** Characters that may appear in a Chinese numeral below 10,000. */
export const CN_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千廿卅';

/**
 * Parses an Arabic or Chinese numeral below 10,000 ('12', '十二', '二十五', '两', '廿三',
 * '二〇二六'). Returns undefined for anything else rather than guessing.
 */
export function parseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (!s || ![...s].every((c) => CN_NUMERAL_CHARS.includes(c))) return undefined;
  // Digit-by-digit form used for years: 二〇二六.
  if (s.length > 1 && [...s].every((c) => c in DIGITS)) {
    return Number([...s].map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let digit: number | undefined;
  let lastUnit = Infinity;
  for (const c of s) {
    if (c === '零' || c === '〇') {
      if (digit !== undefined) return undefined;
    } else if (c in DIGITS) {
      if (digit !== undefined) return undefined;
      digit = DIGITS[c];
    } else if (c === '廿' || c === '卅') {
      if (digit !== undefined || total) return undefined;
      total = c === '廿' ? 20 : 30;
      lastUnit = 10;
    } else {
      const unit = c === '十' ? 10 : c === '百' ? 100 : 1000;
      if (unit >= lastUnit || (digit === undefined && unit !== 10)) return undefined;
      total += (digit ?? 1) * unit;
      lastUnit = unit;
      digit = undefined;
    }
  }
  return total + (digit ?? 0);
}
