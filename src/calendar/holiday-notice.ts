/**
 * Parses the pasted text of 国务院办公厅关于YYYY年部分节假日安排的通知 into the days it sets.
 *
 * The wording drifts from year to year (周四/星期四 notes, lunar dates in brackets,
 * "与周末连休", "不调休", ranges across a month or a year, 共N天, full-width digits), so the
 * parser does not rely on a fixed sentence shape: inside each numbered item it finds date
 * expressions and gives each one to the 放假 or 上班 keyword of its sentence.
 */
import { parseNumber, toHalfWidth } from './cn-text';
import { addDays, diffDays, isValidYmd, ymd } from './time';

export interface HolidayItem {
  name: string;
  off: string[];
  work: string[];
}

export interface HolidayNotice {
  year: number;
  off: string[];
  work: string[];
  items: HolidayItem[];
}

/** A holiday block longer than this is a misreading, not a schedule. */
const MAX_BLOCK_DAYS = 20;

const N = '(\\d{1,4}|[〇零一二三四五六七八九十]{1,4})';
const DATE_SRC = `(?:${N}\\s*年\\s*)?(?:${N}\\s*月\\s*)?${N}\\s*[日号]`;
const RANGE_RE = new RegExp(`${DATE_SRC}(?:\\s*(?:至|到|～|~|—|–|-)+\\s*${DATE_SRC})?`, 'g');

interface PartialDate {
  year?: number;
  month?: number;
  day: number;
}

interface Found {
  index: number;
  from: PartialDate;
  to?: PartialDate;
}

function num(s: string | undefined): number | undefined {
  return s === undefined ? undefined : parseNumber(s);
}

function findYear(t: string): number | undefined {
  const patterns = [
    /关于\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:部分)?节假日/,
    /现将\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年/,
    /(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:部分)?节假日/,
    /(?<!\d)(\d{4})\s*年/,
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    const y = m ? parseNumber(m[1]) : undefined;
    if (y !== undefined && y >= 1990 && y <= 2200) return y;
  }
  return undefined;
}

/** Bracketed notes (农历除夕、周二) and bare weekday notes carry no schedule information. */
function stripNotes(t: string): string {
  let s = t;
  for (let i = 0; i < 3; i++) s = s.replace(/[（(【[][^（）()【】[\]]*[）)】\]]/g, '');
  return s.replace(/(?:周|星期|礼拜)[一二三四五六日天]/g, '');
}

interface Section {
  name: string;
  body: string;
}

function splitItems(t: string): Section[] {
  // 一、元旦： / 1.元旦： / （一）元旦 (its bracket is gone with the notes) / 元旦：
  const heading = /(?:^|[\n。；;])\s*(?:(?:[一二三四五六七八九十]+|\d{1,2})\s*[、.．]\s*)?([^：:\n。，,]{0,12}(?:元旦|春节|清明|劳动|五一|端午|中秋|国庆)[^：:\n。，,]{0,12}?|(?<=[、.．]\s*)[^：:\n。，,]{1,24}?)\s*[：:]/g;
  const marks: { name: string; start: number; bodyStart: number }[] = [];
  for (let m = heading.exec(t); m; m = heading.exec(t)) {
    marks.push({ name: m[1].trim(), start: m.index, bodyStart: m.index + m[0].length });
  }
  if (!marks.length) return [{ name: '', body: t }];
  return marks.map((mk, i) => ({ name: mk.name, body: t.slice(mk.bodyStart, marks[i + 1]?.start ?? t.length) }));
}

function findDates(sentence: string): Found[] {
  const out: Found[] = [];
  RANGE_RE.lastIndex = 0;
  for (let m = RANGE_RE.exec(sentence); m; m = RANGE_RE.exec(sentence)) {
    const from: PartialDate = { year: num(m[1]), month: num(m[2]), day: num(m[3]) ?? NaN };
    const to: PartialDate | undefined = m[6] !== undefined
      ? { year: num(m[4]), month: num(m[5]), day: num(m[6]) ?? NaN }
      : undefined;
    out.push({ index: m.index, from, to });
  }
  return out;
}

interface Resolver {
  year: number;
  month?: number;
}

/** Fills in year and month from the running context; explicit parts update the context. */
function resolve(p: PartialDate, ctx: Resolver): string | undefined {
  if (p.year !== undefined) ctx.year = p.year;
  if (p.month !== undefined) ctx.month = p.month;
  if (ctx.month === undefined || !isValidYmd(ctx.year, ctx.month, p.day)) return undefined;
  return ymd(ctx.year, ctx.month, p.day);
}

function expandRange(f: Found, ctx: Resolver, noticeYear: number): string[] {
  const to = f.to;
  if (!to) {
    const d = resolve(f.from, ctx);
    return d ? [d] : [];
  }
  // 12月31日至1月2日 in the notice for year Y starts in Y-1, unless a year is written out.
  const crosses = f.from.month !== undefined && to.month !== undefined && to.month < f.from.month;
  if (crosses && f.from.year === undefined && to.year === undefined && ctx.year === noticeYear) ctx.year -= 1;
  const a = resolve(f.from, ctx);
  if (crosses && to.year === undefined) ctx.year += 1;
  const b = resolve(to, ctx);
  if (!a || !b) return [];
  const span = diffDays(a, b);
  if (span < 0 || span > MAX_BLOCK_DAYS) return [];
  return Array.from({ length: span + 1 }, (_, i) => addDays(a, i));
}

type Keyword = 'off' | 'work';

function keywordsOf(sentence: string): { index: number; kind: Keyword }[] {
  const out: { index: number; kind: Keyword }[] = [];
  const re = /放假|休假|(?:调休)?上班|补班/g;
  for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
    out.push({ index: m.index, kind: m[0] === '放假' || m[0] === '休假' ? 'off' : 'work' });
  }
  return out;
}

/** A work day written without a year belongs to the year that puts it nearest its holiday. */
function nearestYear(date: string, anchor: string | undefined): string {
  if (!anchor) return date;
  const y = Number(date.slice(0, 4));
  const md = date.slice(4);
  const candidates = [y - 1, y, y + 1]
    .map((yy) => `${yy}${md}`)
    .filter((d) => isValidYmd(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))));
  return candidates.reduce((best, d) => (Math.abs(diffDays(anchor, d)) < Math.abs(diffDays(anchor, best)) ? d : best), date);
}

function parseSection(sec: Section, noticeYear: number, ctx: Resolver): HolidayItem {
  const off: string[] = [];
  const work: { date: string; explicitYear: boolean }[] = [];
  for (const sentence of sec.body.split(/[。；;\n]/)) {
    const kws = keywordsOf(sentence);
    if (!kws.length) continue;
    const total = /(?:共|放假)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*天/.exec(sentence);
    const days = total ? parseNumber(total[1]) : undefined;
    for (const f of findDates(sentence)) {
      const after = kws.find((k) => k.index > f.index);
      const kind = (after ?? kws[kws.length - 1]).kind;
      const explicitYear = f.from.year !== undefined;
      let dates = expandRange(f, ctx, noticeYear);
      if (kind === 'off') {
        // 「10月1日起放假7天」: a single start day with a stated length.
        if (dates.length === 1 && !f.to && days && days > 1 && days <= MAX_BLOCK_DAYS) {
          dates = Array.from({ length: days }, (_, i) => addDays(dates[0], i));
        }
        off.push(...dates);
      } else {
        work.push(...dates.map((date) => ({ date, explicitYear })));
      }
    }
  }
  const anchor = [...off].sort()[0];
  return {
    name: sec.name,
    off: uniqSorted(off),
    work: uniqSorted(work.map((w) => (w.explicitYear ? w.date : nearestYear(w.date, anchor)))),
  };
}

function uniqSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

export function parseHolidayNotice(text: string): HolidayNotice {
  const t = toHalfWidth(String(text ?? ''));
  const year = findYear(t);
  if (year === undefined) throw new Error('未找到年份');
  const ctx: Resolver = { year };
  const items: HolidayItem[] = [];
  for (const sec of splitItems(stripNotes(t))) {
    ctx.year = year;
    ctx.month = undefined;
    const item = parseSection(sec, year, ctx);
    if (item.off.length || item.work.length) items.push(item);
  }
  const off = uniqSorted(items.flatMap((i) => i.off));
  const work = uniqSorted(items.flatMap((i) => i.work)).filter((d) => !off.includes(d));
  if (!off.length) throw new Error('未识别到放假安排');
  return { year, off, work, items };
}
