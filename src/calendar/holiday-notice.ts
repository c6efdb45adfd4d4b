/**
 * Parses the pasted text of 国务院办公厅关于YYYY年部分节假日安排的通知 into the days it sets.
 *
 * The wording drifts from year to year (周四/星期四 notes, lunar dates in brackets,
 * "与周末连休", "不调休", ranges across a month or a year, 共N天, full-width digits), so the
 * parser does not rely on a fixed sentence shape: inside each numbered item it finds date
 * expressions and gives each one to the 放假 or 上班 keyword of its sentence.
 */
import { parseNumber, toHalfWidth } from './cn-text';
import { addDays, diffDays, isValidYmd, weekdayOf, ymd } from './time';

export interface HolidayItem {
  name: string;
  off: string[];
  work: string[];
  /** 共N天 as the notice states it, when it does. */
  statedDays?: number;
}

export interface HolidayNotice {
  year: number;
  off: string[];
  work: string[];
  items: HolidayItem[];
}

/** The notice was read, but what was read fails a check: importing it would make the calendar wrong. */
export class HolidayCheckError extends Error {}

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

const plausible = (y: number | undefined): y is number => y !== undefined && y >= 1990 && y <= 2200;

/**
 * The year the notice is about. A full date (2025年11月4日) is the signing date at the foot, published late in
 * the year before; only when nothing else names a year does it count, as the following year.
 */
function findYear(t: string): number | undefined {
  const patterns = [
    /关于\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:部分)?节假日/,
    /现将\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年/,
    /(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:部分)?节假日/,
    /(?<!\d)(\d{4})\s*年(?!\s*\d{1,2}\s*月)/,
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    const y = m ? parseNumber(m[1]) : undefined;
    if (plausible(y)) return y;
  }
  const signed = /(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$/.exec(t.trim());
  const y = signed ? Number(signed[1]) + 1 : undefined;
  return plausible(y) ? y : undefined;
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

interface ParsedSection {
  name: string;
  off: string[];
  /** Work days with a written year are kept as written; the others get theirs from the nearest holiday. */
  work: { date: string; explicitYear: boolean }[];
  statedDays?: number;
}

function parseSection(sec: Section, noticeYear: number, ctx: Resolver): ParsedSection {
  const off: string[] = [];
  const work: { date: string; explicitYear: boolean }[] = [];
  let statedDays: number | undefined;
  // 「调休上班日期：」 on a line of its own gives its kind to the dates listed on the lines below it.
  let heading: Keyword | undefined;
  for (const sentence of sec.body.split(/[。；;\n]/)) {
    let kws = keywordsOf(sentence);
    const dated = findDates(sentence).length > 0;
    if (kws.length && !dated) heading = kws[kws.length - 1].kind;
    else if (kws.length || !dated) heading = undefined;
    else if (heading) kws = [{ index: sentence.length, kind: heading }];
    if (!kws.length) continue;
    const total = /(?:共|放假)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*天/.exec(sentence);
    const days = total ? parseNumber(total[1]) : undefined;
    if (days !== undefined && statedDays === undefined) statedDays = days;
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
  return { name: sec.name, off: uniqSorted(off), work, ...(statedDays !== undefined ? { statedDays } : {}) };
}

/**
 * A work day written without a year takes the year that puts it nearest one of the notice's holidays, wherever
 * the line stands (inside its holiday, all listed at the end, in a table): 1月4日 listed after 国庆节 is still
 * January of the notice's year, not of the next.
 */
function placeWorkDay(date: string, offDays: string[]): string {
  const md = date.slice(4);
  const y = Number(date.slice(0, 4));
  const candidates = [y - 1, y, y + 1].map((yy) => `${yy}${md}`).filter((d) => isValidYmd(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))));
  const distance = (d: string) => Math.min(...offDays.map((o) => Math.abs(diffDays(o, d))));
  return candidates.reduce((best, d) => (distance(d) < distance(best) ? d : best), date);
}

function uniqSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

const HOLIDAY_NAME = /元旦|春节|清明|劳动|五一|端午|中秋|国庆/;

/**
 * A schedule laid out as a table (| or tab separated, or aligned with spaces) is rewritten as the usual
 * sentences, 「春节：2月15日至23日放假，共9天。2月14日、2月28日上班。」, so one parser reads every layout.
 */
function tableToSentences(t: string): string {
  const lines = t.split('\n');
  const cells = (line: string) => line.replace(/^\s*[|｜]|[|｜]\s*$/g, '').split(/\s*[|｜\t]\s*|\s{2,}/).map((c) => c.trim());
  const headerAt = lines.findIndex((l) => cells(l).length >= 3 && /放假/.test(l) && /上班|调休/.test(l));
  if (headerAt < 0) return t;
  const header = cells(lines[headerAt]);
  const col = (re: RegExp) => header.findIndex((h) => re.test(h));
  const name = col(/节日|节假日|名称|假日/);
  const work = col(/上班|补班/);
  const off = header.findIndex((h, i) => i !== work && /放假|休假/.test(h) && !/天数/.test(h));
  const days = header.findIndex((h, i) => i !== off && /天数|共计/.test(h));
  if (name < 0 || off < 0) return t;
  const out = lines.slice(0, headerAt);
  for (const line of lines.slice(headerAt + 1)) {
    const c = cells(line);
    if (c.every((x) => /^[-:：\s]*$/.test(x))) continue;
    if (!HOLIDAY_NAME.test(c[name] ?? '')) {
      out.push(line);
      continue;
    }
    const total = days >= 0 && c[days] ? `，共${c[days].replace(/^共|天$/g, '')}天` : '';
    const workDays = work >= 0 && c[work] && !/^(无|—|-|不调休)?$/.test(c[work]) ? `${c[work]}上班。` : '';
    out.push(`${c[name]}：${c[off]}放假${total}。${workDays}`);
  }
  return out.join('\n');
}

const WEEKDAYS = '一二三四五六日';

/** Where each holiday can fall (months, by its own first off day): 春节 in January or February, 元旦 around 1 January. */
const PLACE: [RegExp, number[]][] = [
  [/元旦/, [12, 1]], [/春节/, [1, 2]], [/清明/, [4]], [/劳动|五一/, [4, 5]], [/端午/, [5, 6]], [/中秋/, [9, 10]], [/国庆/, [9, 10]],
];

/**
 * Every result is checked before anyone can import it; a failed check is a refusal with its reason, never a
 * silently wrong calendar.
 */
function check(n: HolidayNotice, text: string): void {
  const fmt = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  for (const d of [...n.off, ...n.work]) {
    const y = Number(d.slice(0, 4));
    const newYearsEve = y === n.year - 1 && d.slice(5, 7) === '12' && Number(d.slice(8, 10)) >= 25;
    if (y !== n.year && !newYearsEve) throw new HolidayCheckError(`${fmt(d)}不在${n.year}年内，年份可能识别错了`);
  }
  // A weekday written beside a full month-day (2月14日（周六）) must agree with that date.
  const all = [...n.off, ...n.work];
  const noted = /(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[（(][^）)]*?(?:周|星期|礼拜)([一二三四五六日天])/g;
  for (let m = noted.exec(text); m; m = noted.exec(text)) {
    const md = `-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`;
    const date = all.find((d) => d.endsWith(md));
    if (!date) continue;
    const stated = WEEKDAYS.indexOf(m[3] === '天' ? '日' : m[3]) + 1;
    if (weekdayOf(date) !== stated) throw new HolidayCheckError(`${fmt(date)}实际是周${WEEKDAYS[weekdayOf(date) - 1]}，通知写的是周${m[3]}`);
  }
  for (const d of n.work) {
    if (weekdayOf(d) < 6) throw new HolidayCheckError(`调休上班日${fmt(d)}是周${WEEKDAYS[weekdayOf(d) - 1]}，不是周末`);
  }
  for (const item of n.items) {
    const place = PLACE.find(([re]) => re.test(item.name))?.[1];
    if (place && item.off.length && !place.includes(Number(item.off[0].slice(5, 7)))) {
      throw new HolidayCheckError(`${item.name}识别为${fmt(item.off[0])}开始，不在${place.map((m) => `${m}月`).join('或')}`);
    }
    for (let i = 1; i < item.off.length; i++) {
      if (diffDays(item.off[i - 1], item.off[i]) !== 1) throw new HolidayCheckError(`${item.name}的放假日期不连续（${fmt(item.off[i - 1])}与${fmt(item.off[i])}之间）`);
    }
    if (item.statedDays !== undefined && item.off.length && item.statedDays !== item.off.length) {
      throw new HolidayCheckError(`${item.name}写明共${item.statedDays}天，识别出${item.off.length}天`);
    }
  }
}

export function parseHolidayNotice(text: string): HolidayNotice {
  const t = tableToSentences(toHalfWidth(String(text ?? '')));
  const year = findYear(t);
  if (year === undefined) throw new Error('未找到年份');
  const ctx: Resolver = { year };
  const sections: ParsedSection[] = [];
  for (const sec of splitItems(stripNotes(t))) {
    ctx.year = year;
    ctx.month = undefined;
    const parsed = parseSection(sec, year, ctx);
    if (parsed.off.length || parsed.work.length) sections.push(parsed);
  }
  const off = uniqSorted(sections.flatMap((s) => s.off));
  if (!off.length) throw new Error('未识别到放假安排');
  const holidays = sections.filter((s) => s.off.length);
  const items: HolidayItem[] = holidays.map((s) => ({ name: s.name, off: s.off, work: [], ...(s.statedDays !== undefined ? { statedDays: s.statedDays } : {}) }));
  // Each work day belongs to the nearest holiday, whichever line or table row it was written in.
  for (const w of sections.flatMap((s) => s.work)) {
    const date = w.explicitYear ? w.date : placeWorkDay(w.date, off);
    if (off.includes(date)) continue;
    const dist = (i: HolidayItem) => Math.min(...i.off.map((o) => Math.abs(diffDays(o, date))));
    const owner = items.reduce((best, i) => (dist(i) < dist(best) ? i : best), items[0]);
    if (!owner.work.includes(date)) owner.work = uniqSorted([...owner.work, date]);
  }
  const work = uniqSorted(items.flatMap((i) => i.work));
  // The notice speaks of working days but none were read: a layout we do not know, not a year without them.
  if (!work.length && /(?:调休)?上班|补班/.test(stripNotes(t).replace(/不调休/g, ''))) {
    throw new HolidayCheckError('通知提到调休上班，但没有识别出上班日期');
  }
  const result = { year, off, work, items };
  check(result, t);
  return result;
}
