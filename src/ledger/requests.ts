import { contentWords, minhash, similarity } from './near-dup';
import type { Pop, Vocabulary } from './vocabulary';

/** One field a request asks for: as written, and the canonical field it means (or the tidied word when unknown). */
export interface AskedField {
  asked: string;
  canonical: string;
  known: boolean;
}

export interface RequestAnalysis {
  populations: Pop[];
  /** What about the population is asked (疫苗接种, 消防设施检查), as words; empty when just the population's data. */
  topic: string[];
  fields: AskedField[];
  mode: 'list' | 'count' | 'text';
  /** The period the data is for, as written (本月, 2026年, 第三季度), or null. */
  period: string | null;
  /** Words of the population phrase, for comparing requests whose population is not in the vocabulary. */
  subject: string[];
  sketch: Uint32Array;
}

export type Label = 'same' | 'overlap' | 'different';

export interface Comparison {
  label: Label;
  /** Fields of the later request the earlier one did not collect, as the later one wrote them. */
  missing: string[];
  /** The later request's population is wider, so some rows are unknown even for known fields. */
  moreRows: boolean;
  reason: string;
}

const PERIOD = /(本月|当月|上月|上个月|下月|本季度|上季度|第[一二三四1-4]季度|本年度|今年|去年|上半年|下半年|本周|上周|\d{4}年(?:度|第[一二三四1-4]季度|\d{1,2}月(?:份)?|上半年|下半年)?|\d{1,2}月份?(?!\d*日))/g;
const DEADLINE = /[于在]?(?:\d{1,2}月)?\d{1,2}[日号](?:\d{1,2}[:点]\d{0,2}分?)?(?:之?前|以前)|[于在]?(?:本周|下周|周|星期)[一二三四五六日天](?:之?前)|[于在]?(?:本月|\d{1,2}月|年)?(?:底|末|中旬|上旬|下旬)(?:之?前)|(?:今天|明天|今日|明日|本周内|本月内|下周内|月底前)/g;
const ASK = /^(?:请|烦请|现请|麻烦)?(?:各|本|辖区各)?(?:社区|村|居委会|村委会|网格|单位|小区)*(?:于[^,，]*?前)?(?:务必|尽快|及时|抓紧)?(?:重新|再次)?(?:上报|报送|统计|上传|更新|填报|补充|补报|提供|摸排|收集|核实|梳理|排查|汇总|登记|整理|填写|核查|报|将|把|对)*/;
const TAIL_VERB = /(?:上报|报送|上传|报来|发来|填报|提交)$/;
/** "报送至民政科": where the answer goes is not what is asked. */
const SEND_TO = /(?:报送|上报|报|发送|提交|交|发)(?:至|给|到)[\p{Script=Han}]*$/u;
const PLACE_WORDS = /辖区内?|本社区|本村|本辖区|各社区|各村|社区内|全体|所有|全部/g;
/** Words that end a request's subject without saying anything about it. */
const SUBJECT_SUFFIX = /(?:基础|基本|相关|详细|开展|摸底|摸排|登记)?(?:信息表|情况表|情况|信息|名单|清单|台账|花名册|明细|一览表|数据|表格|表|名册)$/;
const COUNT_WORDS = /(人数|户数|数量|总数|多少|个数|家数)$/;
const TOPIC_STOP = new Set(['的', '和', '及', '与', '等', '有关', '相关', '工作', '基本', '基础', '具体', '开展', '落实', '进行', '社区', '本月', '人员', '对象', '点位', '分布', '名录', '底数', '底册']);
const NOT_FIELD = /^(?:等|其他|以上|如下|附件|见附件)$/;

function nfkc(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '');
}

/** The list of fields and where it starts: after 包括/含/：, or inside brackets. */
function splitFieldList(text: string, vocab: Vocabulary): { head: string; list: string | null } {
  const bracket = /\(([^()]*)\)/g;
  let head = text;
  let list: string | null = null;
  // Brackets after the first sentence are remarks, not the field list.
  const firstSentence = text.search(/[。;!?]/);
  for (const m of text.matchAll(bracket)) {
    if (firstSentence >= 0 && m.index > firstSentence) continue;
    const items = splitItems(m[1]);
    // Brackets that name people (外卖员、快递员) explain the population; they are not fields.
    const namesPeople = items.length > 0 && items.filter((i) => vocab.population(i)).length * 2 >= items.length;
    head = head.replace(m[0], namesPeople ? '' : ' ');
    if (!namesPeople && items.length >= 1 && list === null) list = m[1];
  }
  head = head.replace(/\s+/g, '');
  const marker = /(?::|,?(?:包括|包含|含有|含|内容为|内容包括|要素为|字段为|需填写|需包含|具体为|如下))/.exec(head);
  if (marker) {
    const after = head.slice(marker.index + marker[0].length);
    const end = after.search(/[。;!?]/);
    const own = end < 0 ? after : after.slice(0, end);
    if (splitItems(own).length) {
      list = list ? `${own}、${list}` : own;
      head = head.slice(0, marker.index);
    }
  } else if (list === null) {
    // "…名单，姓名、身份证号" without a marker: the comma part that is a list of short words.
    const parts = head.split(',');
    const idx = parts.findIndex((p, i) => i > 0 && p.includes('、') && splitItems(p).every((x) => x.length <= 10 && !x.includes('的')));
    if (idx > 0) {
      list = parts.slice(idx).join('、');
      head = parts.slice(0, idx).join(',');
    } else {
      // "将80岁以上老人的姓名、身份证号、联系电话报送至民政科": the fields run inside the sentence.
      const run = /[\p{Script=Han}A-Za-z0-9]+(?:、[\p{Script=Han}A-Za-z0-9]+)+/u.exec(head.split(/[。;!?]/)[0]);
      const of = run ? run[0].lastIndexOf('的', run[0].indexOf('、')) : -1;
      if (run && of > 0) {
        const tail = /(等|报送|上报|报至|报给|发送|发至|提交|汇总|统计|信息|情况|数据|名单)/.exec(run[0].slice(run[0].lastIndexOf('、')));
        const end = tail ? run[0].lastIndexOf('、') + tail.index : run[0].length;
        list = run[0].slice(of + 1, end);
        head = head.slice(0, run.index + of) + head.slice(run.index + end).replace(/^(等|信息|情况|数据|名单)+/, '');
      }
    }
  }
  return { head: head.replace(/[。;!?]+$/, ''), list };
}

function splitItems(list: string, vocab?: Vocabulary): string[] {
  const tidy = (s: string) => s.replace(/^(?:其|本人的?|已有的?|含|包括|包含|如)/, '').replace(/(?:等(?:信息|情况|内容)?|情况等)$/, '').replace(/[。.]+$/, '').trim();
  const out: string[] = [];
  for (const piece of list.split(/[、,;/]/).map(tidy)) {
    // 责任人及电话 is two fields, 参与人数 is one: split on a conjunction only into real words.
    const parts = piece.split(/以及|及|和|与/).map(tidy);
    const whole = vocab?.field(piece);
    out.push(...(!whole && parts.length > 1 && parts.every((p) => p.length >= 2) ? parts : [piece]));
  }
  return out.filter((s) => s && !NOT_FIELD.test(s) && s.length <= 16);
}

/** The canonical field for a written field name; see the comments for the forms tables write. */
export function resolveField(vocab: Vocabulary, asked: string, context = ''): AskedField {
  const word = nfkc(asked);
  const forms = [
    word,
    word.replace(/^已/, ''),
    word.replace(/^是否/, ''),
    word.replace(/(日期|时间|年份|年代|年月)$/, '时间'),
    word.replace(/(日期|时间|年份|年代|年月)$/, '日期'),
    word.replace(/数量$/, '数'),
    word.replace(/数$/, ''),
    word.replace(/号码$/, '号'),
    word.replace(/(名称|姓名)$/, ''),
    word.replace(/^(所在|所属)/, ''),
  ];
  for (const f of forms) {
    const def = f && vocab.field(f);
    if (def) return { asked, canonical: def.name, known: true };
  }
  // 活动名称, 案件名称, 儿童姓名: a field prefixed by the request's own subject is that field.
  for (let k = 2; k <= word.length - 2; k++) {
    const prefix = word.slice(0, k);
    if (!context.includes(prefix)) continue;
    const def = vocab.field(word.slice(k));
    if (def) return { asked, canonical: def.name, known: true };
  }
  // 房屋地址, 居所地址: where a person or thing is; a listed kind of address (户籍地址) matched above.
  if (/.地址$/.test(word)) return { asked, canonical: '住址', known: true };
  const tidy = forms[3].replace(/^已/, '');
  return { asked, canonical: /^.{2,}(姓名|名称)$/.test(tidy) ? tidy.slice(0, -2) : tidy, known: false };
}

interface Span {
  start: number;
  end: number;
}

/** Populations named in the subject: age bands first (they carry numbers), then the vocabulary, longest word first. */
function findPopulations(vocab: Vocabulary, head: string): { pops: Pop[]; end: number } {
  const found: { pop: Pop; span: Span }[] = [];
  const free = (s: number, e: number) => !found.some((f) => s < f.span.end && f.span.start < e);
  const classWords = vocab.ageClassWords().join('|');
  const upward = new RegExp(`(\\d+)\\s*(?:周)?岁(?:及|或)?以上(?:的)?(${classWords})`, 'g');
  const range = new RegExp(`(\\d+)\\s*[-~至到—－]\\s*(\\d+)\\s*(?:周)?岁(?:的)?(${classWords})`, 'g');
  for (const m of head.matchAll(range)) {
    const cls = vocab.ageClass(m[3])!;
    found.push({ pop: vocab.popForBand({ cls, lo: Number(m[1]), hi: Number(m[2]) }), span: { start: m.index, end: m.index + m[0].length } });
  }
  for (const m of head.matchAll(upward)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    const cls = vocab.ageClass(m[2])!;
    found.push({ pop: vocab.popForBand({ cls, lo: Number(m[1]), hi: 200 }), span: { start: m.index, end: m.index + m[0].length } });
  }
  for (const w of vocab.populationWords()) {
    let from = 0;
    for (;;) {
      const i = head.indexOf(w, from);
      if (i < 0) break;
      from = i + 1;
      if (!free(i, i + w.length)) continue;
      found.push({ pop: vocab.popOf(w)!, span: { start: i, end: i + w.length } });
    }
  }
  found.sort((a, b) => a.span.start - b.span.start);
  // "独居和空巢老人": the first word borrows the second's noun.
  for (const f of [...found]) {
    const before = head.slice(0, f.span.start);
    const joined = /([\p{Script=Han}]{1,4})[和及与、]$/u.exec(before);
    if (!joined || !f.pop.base) continue;
    for (const noun of ['老年人', '老人', '儿童', '人员', '家庭', '残疾人', '妇女']) {
      const word = vocab.populations.find((p) => p.name === f.pop.base)?.name;
      if (!word?.endsWith(noun)) continue;
      for (let k = joined[1].length; k >= 1; k--) {
        const candidate = joined[1].slice(-k) + noun;
        const pop = vocab.popOf(candidate);
        const start = f.span.start - 1 - k;
        if (pop && free(start, f.span.start - 1)) {
          found.push({ pop, span: { start, end: f.span.start - 1 } });
          break;
        }
      }
    }
  }
  // "有就业意愿的残疾人": a clause ending in 的 right before a population narrows it.
  for (const f of found) {
    const before = head.slice(0, f.span.start);
    const q = /([\p{Script=Han}]{2,10})的$/u.exec(before);
    if (q && free(f.span.start - q[0].length, f.span.start) && !PLACE_WORDS.test(q[1])) {
      f.pop = { ...f.pop, label: q[0] + f.pop.label, qualifier: q[1] };
      f.span = { start: f.span.start - q[0].length, end: f.span.end };
    }
    PLACE_WORDS.lastIndex = 0;
  }
  // The first population is the subject; a later one counts only when joined to it (独居和空巢老人, 低保户、特困人员);
  // otherwise it says what about the subject is asked (自建房安全隐患排查).
  found.sort((a, b) => a.span.start - b.span.start);
  for (let i = found.length - 1; i > 0; i--) {
    const gap = head.slice(found[i - 1].span.end, found[i].span.start);
    if (!/^[和及与、,或]$/.test(gap)) found.splice(i, 1);
  }
  // Examples of a population inside it (外卖员 in "新就业群体（外卖员…）") add nothing.
  const kept = found.filter((f) => !found.some((g) => g !== f && vocab.contains(g.pop, f.pop) && !vocab.contains(f.pop, g.pop)));
  const unique = kept.filter((f, i) => kept.findIndex((g) => g.pop.label === f.pop.label) === i);
  return { pops: unique.map((f) => f.pop), end: Math.max(0, ...found.map((f) => f.span.end)) };
}

/** Search-mode words, so 消防安全 also yields 消防 and 安全 and compares with 消防检查. */
function topicWords(rest: string): string[] {
  if (!rest) return [];
  return [...new Set(contentWords(rest, true))].filter((w) => !TOPIC_STOP.has(w) && !COUNT_WORDS.test(w));
}

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

/**
 * A period as written, made absolute when the posting time is known: 本月 posted in November 2026
 * is 2026-11, and the same words posted in December are another period.
 */
export function resolvePeriod(period: string, at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const month = (yy: number, mm: number) => {
    const i = yy * 12 + mm - 1;
    return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  };
  const quarter = Math.ceil(m / 3);
  if (/^(本月|当月)$/.test(period)) return month(y, m);
  if (/^(上月|上个月)$/.test(period)) return month(y, m - 1);
  if (period === '下月') return month(y, m + 1);
  if (period === '本季度') return `${y}Q${quarter}`;
  if (period === '上季度') return quarter === 1 ? `${y - 1}Q4` : `${y}Q${quarter - 1}`;
  if (/^(本年度|今年)$/.test(period)) return `${y}`;
  if (period === '去年') return `${y - 1}`;
  if (/^(上半年|下半年)$/.test(period)) return `${y}${period}`;
  const q = /^第([一二三四1-4])季度$/.exec(period);
  if (q) return `${y}Q${CN_DIGIT[q[1]] ?? Number(q[1])}`;
  const mo = /^(\d{1,2})月份?$/.exec(period);
  if (mo) return month(Number(mo[1]) > m + 1 ? y - 1 : y, Number(mo[1]));
  return /^\d{4}年度?$/.test(period) ? period.slice(0, 4) : period;
}

/**
 * Reads a data request: who or what it is about, which fields, list or count, and for which period
 * (absolute when `postedAt` is given).
 */
export function analyzeRequest(vocab: Vocabulary, text: string, postedAt?: Date): RequestAnalysis {
  const full = nfkc(text);
  // 于本周五前 and 11月底前 are deadlines, not the period the data is for.
  const written = full.replace(DEADLINE, '').match(PERIOD)?.[0] ?? null;
  const period = written && (postedAt ? resolvePeriod(written, postedAt) : written.replace(/^(\d{4})年度?$/, '$1'));
  const { head: rawHead, list } = splitFieldList(full, vocab);
  let head = rawHead.replace(DEADLINE, '').replace(PERIOD, '');
  // The clause that names what is asked: "请于11月25日前，将…报送" starts with a clause of time only.
  const clauses = head.split(/[。;]/)[0].split(',').map((c) => c.replace(ASK, '').replace(PLACE_WORDS, '').replace(SEND_TO, '').replace(TAIL_VERB, ''));
  head = (clauses.find((c) => /\p{Script=Han}{2}/u.test(c.replace(/[的于前]/g, ''))) ?? '').replace(/^[,的]+|[,的]+$/g, '');
  // "外卖、快递等新就业形态劳动者": examples before 等 belong to the population that follows.
  head = head.replace(/(?:[\p{Script=Han}]{1,6}[、,])*[\p{Script=Han}]{1,6}等(?=[\p{Script=Han}])/u, '');
  let subject = head;
  for (let prev = ''; prev !== subject; ) {
    prev = subject;
    subject = subject.replace(SUBJECT_SUFFIX, '').replace(/的$/, '');
  }
  const counted = COUNT_WORDS.test(subject);
  subject = subject.replace(COUNT_WORDS, '');
  const { pops, end } = findPopulations(vocab, subject);
  // What follows the population says what about it is asked (疫苗接种情况); words before it only narrow it.
  const rest = subject.slice(end);
  const fields: AskedField[] = [];
  for (const item of list ? splitItems(list, vocab) : []) {
    const f = resolveField(vocab, item, subject);
    if (!fields.some((x) => x.canonical === f.canonical)) fields.push(f);
  }
  const mode = fields.length ? 'list' : counted ? 'count' : /名单|清单|花名册|台账/.test(full) ? 'list' : 'text';
  return {
    populations: pops,
    topic: pops.length ? topicWords(rest) : [],
    fields,
    mode,
    period,
    subject: contentWords(subject),
    sketch: minhash(contentWords(full.replace(ASK, ''))),
  };
}

/** Similarity needed for two field-less requests (简报, 总结) to be the same request. */
const TEXT_SAME = 0.7;
/** Word overlap needed to take two unknown populations for the same one. */
const SUBJECT_SAME = 0.5;

function jaccard(a: string[], b: string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  const union = A.size + B.size - inter;
  return union ? inter / union : 0;
}

/** 疫苗接种 and 新冠疫苗接种 agree (one holds the other); 生活补贴发放 and 护理补贴 share a word but do not. */
function topicsAgree(a: string[], b: string[]): boolean {
  if (!a.length || !b.length) return true;
  const within = (x: string[], y: string[]) => x.every((w) => y.includes(w));
  return within(a, b) || within(b, a) || jaccard(a, b) >= 0.5;
}

const different = (reason: string): Comparison => ({ label: 'different', missing: [], moreRows: false, reason });

/**
 * Whether the data collected for `a` (earlier) answers `b` (later): see the labels in
 * ../shared/bench/README.md. A wrong `same` tells a department data exists that does not, so
 * every doubt falls to `overlap` or `different`.
 */
export function compareRequests(vocab: Vocabulary, a: RequestAnalysis, b: RequestAnalysis): Comparison {
  if (a.period && b.period && a.period !== b.period) return different(`时段不同（${a.period} / ${b.period}）`);
  let rel: ReturnType<Vocabulary['relate']>;
  if (a.populations.length && b.populations.length) {
    rel = vocab.relate(a.populations, b.populations);
  } else {
    rel = jaccard(a.subject, b.subject) >= SUBJECT_SAME ? 'same' : 'disjoint';
  }
  if (rel === 'disjoint') return different('对象不同');
  if (!topicsAgree(a.topic, b.topic)) {
    return different(`事项不同（${a.topic.join('')} / ${b.topic.join('')}）`);
  }
  const answersRows = rel === 'same' || rel === 'narrower';
  // A count answers a count of the same people only; a list also counts part of them only when it
  // is the same population (whether a row is in the narrower one may not be in the list).
  const counted = (): Comparison => rel === 'same'
    ? { label: 'same', missing: [], moreRows: false, reason: a.mode === 'count' ? '人数相同' : '名单可得人数' }
    : { label: 'overlap', missing: [], moreRows: true, reason: '人群不同，人数需另行统计' };
  if (b.mode === 'count' && a.mode !== 'text') return counted();
  if (a.mode === 'text' || b.mode === 'text' || (!a.fields.length && !b.fields.length)) {
    if (a.mode !== b.mode) return different('一份是表格、一份是材料');
    const sim = similarity(a.sketch, b.sketch);
    if (answersRows && sim >= TEXT_SAME) return { label: 'same', missing: [], moreRows: false, reason: `内容相同（相似度 ${sim.toFixed(2)}）` };
    return different(`内容不同（相似度 ${sim.toFixed(2)}）`);
  }
  const have = new Set(a.fields.map((f) => f.canonical));
  const missing = b.fields.filter((f) => !have.has(f.canonical));
  if (missing.length === b.fields.length) return different('没有共同字段');
  if (!missing.length && answersRows) return { label: 'same', missing: [], moreRows: false, reason: '人群与字段均已采集' };
  return {
    label: 'overlap',
    missing: missing.map((f) => f.asked),
    moreRows: !answersRows,
    reason: missing.length ? `缺少字段：${missing.map((f) => f.asked).join('、')}` : '人群更广',
  };
}
