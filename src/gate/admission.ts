import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import { cut, cutForSearch } from '../text/segment';

export interface AdmissionItem {
  id: string;
  name: string;
  kind: 'statutory' | 'assisting';
  basis: string;
  keywords: string[];
  departments?: string[];
}

export interface AdmissionList {
  items: AdmissionItem[];
  excluded: { name: string; keywords: string[] }[];
  /** Canonical word → other ways notices write it. Optional so hand-built lists (tests, demos) stay short. */
  synonyms?: Record<string, string[]>;
}

export interface Suggestion {
  item: AdmissionItem;
  /** In [0,1]; see SUGGEST_THRESHOLD for what the numbers mean. */
  score: number;
  /** The item's own words (keywords, name words, departments) found in the text. */
  matched: string[];
}

/**
 * Scores are 1 - e^(-evidence). One distinctive keyword (evidence 1) gives 0.63; a keyword shared by four
 * items (1/√4 = 0.5) or a lone word of the item's name (0.6) gives at most 0.45. So 0.5 means "at least one
 * specific keyword, or several weaker cues agreeing" — anything less is too thin to say the work is on the list.
 */
export const SUGGEST_THRESHOLD = 0.5;

const KEYWORD_WEIGHT = 1;
const NAME_WEIGHT = 0.6;
const DEPARTMENT_WEIGHT = 0.3;

/** Words in item names that say nothing about which duty it is; matching them alone would suggest everything. */
const NAME_STOPWORDS = new Set([
  '协助', '服务', '工作', '宣传', '管理', '排查', '信息', '社区', '居民', '建设', '事项', '对象', '申请', '指导',
  '报告', '组织', '采集', '活动', '公共', '相关', '制定', '执行', '要求', '隐患', '劝导', '应急', '人员', '委会',
]);

const nonEmpty = z.string().trim().min(1, '不能为空');
const itemSchema = z.object({
  id: nonEmpty.regex(/^[A-Za-z0-9_-]+$/, '编号只能用字母、数字'),
  name: nonEmpty,
  basis: nonEmpty,
  keywords: z.array(nonEmpty).min(1, '至少要有一个关键词'),
  departments: z.array(nonEmpty).optional(),
});
const excludedSchema = z.object({ name: nonEmpty, keywords: z.array(nonEmpty).min(1, '至少要有一个关键词') });
const fileSchema = z.object({
  statutory: z.array(z.unknown()).default([]),
  assisting: z.array(z.unknown()).default([]),
  excluded: z.array(z.unknown()).default([]),
  synonyms: z.record(z.string(), z.array(nonEmpty)).optional(),
});

export class AdmissionListError extends Error {}

function describeIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}：` : '';
  return `${where}${issue.message}`;
}

function entryLabel(raw: unknown, index: number): string {
  const r = (raw ?? {}) as { id?: unknown; name?: unknown };
  const parts = [r.id, r.name].filter((v) => typeof v === 'string' && v.trim()).join(' ');
  return parts ? `第 ${index + 1} 项（${parts}）` : `第 ${index + 1} 项`;
}

export function loadAdmissionList(file: string): AdmissionList {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AdmissionListError(`准入清单 ${file} 无法读取：${(e as Error).message}`);
  }
  const top = fileSchema.safeParse(parsed ?? {});
  if (!top.success) throw new AdmissionListError(`准入清单 ${file} 格式不对：${describeIssue(top.error)}`);

  const items: AdmissionItem[] = [];
  const seenIds = new Map<string, string>();
  const seenNames = new Set<string>();
  for (const [kind, section, title] of [
    ['statutory', top.data.statutory, '依法履职事项'],
    ['assisting', top.data.assisting, '协助事项'],
  ] as const) {
    section.forEach((raw, i) => {
      const r = itemSchema.safeParse(raw);
      if (!r.success) throw new AdmissionListError(`准入清单${title}${entryLabel(raw, i)}有误：${describeIssue(r.error)}`);
      const key = r.data.id.toUpperCase();
      if (seenIds.has(key)) throw new AdmissionListError(`准入清单${title}${entryLabel(raw, i)}有误：编号 ${r.data.id} 与「${seenIds.get(key)}」重复`);
      if (seenNames.has(r.data.name)) throw new AdmissionListError(`准入清单${title}${entryLabel(raw, i)}有误：名称与其他事项重复`);
      seenIds.set(key, r.data.name);
      seenNames.add(r.data.name);
      items.push({ ...r.data, kind });
    });
  }
  if (!items.length) throw new AdmissionListError(`准入清单 ${file} 没有任何事项`);

  const excluded = top.data.excluded.map((raw, i) => {
    const r = excludedSchema.safeParse(raw);
    if (!r.success) throw new AdmissionListError(`准入清单排除事项${entryLabel(raw, i)}有误：${describeIssue(r.error)}`);
    return r.data;
  });
  return { items, excluded, ...(top.data.synonyms ? { synonyms: top.data.synonyms } : {}) };
}

/* ---------- text handling ---------- */

/** Full-width letters/digits from Chinese IMEs become ASCII, so 'ＡＰＰ' and 'app' match 'APP'. */
function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const WORDLIKE = /[\p{Script=Han}A-Za-z0-9]/u;

interface TextTerms {
  terms: Set<string>;
  text: string;
}

/**
 * Words of the text as jieba sees them, plus joins of up to four neighbouring words, because a keyword such
 * as 垃圾分类 or 桶前值守 is cut into pieces. Matching on word boundaries (not raw substrings) keeps 调解
 * from matching 协调解决.
 */
function termsOf(raw: string): TextTerms {
  const text = normalize(raw);
  const tokens = cut(text, true);
  const terms = new Set<string>(cutForSearch(text, true).filter((t) => WORDLIKE.test(t)));
  for (let i = 0; i < tokens.length; i++) {
    if (!WORDLIKE.test(tokens[i])) continue;
    terms.add(tokens[i]);
    let joined = tokens[i];
    for (let n = 1; n < 4 && i + n < tokens.length && WORDLIKE.test(tokens[i + n]); n++) {
      joined += tokens[i + n];
      terms.add(joined);
    }
  }
  return { terms, text };
}

/**
 * Long words (4+ characters) are specific enough to match anywhere, which rescues them when jieba cuts across
 * them; shorter ones need word boundaries, or 居住证 would match 居住证明.
 */
function has(t: TextTerms, word: string): boolean {
  return t.terms.has(word) || (word.length >= 4 && t.text.includes(word));
}

interface Term {
  /** The word as written in the list, shown back to people. */
  label: string;
  canonical: string;
  variants: string[];
  weight: number;
}

interface Index {
  /** Items by normalised id (normId), the first of equals kept as a scan would find it. */
  byId: Map<string, AdmissionItem>;
  variantsOf: (word: string) => { canonical: string; variants: string[] };
  items: { item: AdmissionItem; terms: Term[] }[];
  df: Map<string, number>;
}

const indexes = new WeakMap<AdmissionList, Index>();

function buildIndex(list: AdmissionList): Index {
  const groups = new Map<string, string[]>();
  const canonicalOf = new Map<string, string>();
  for (const [canon, variants] of Object.entries(list.synonyms ?? {})) {
    const c = normalize(canon);
    const all = [c, ...variants.map(normalize)];
    groups.set(c, [...new Set([...(groups.get(c) ?? []), ...all])]);
    for (const v of all) canonicalOf.set(v, c);
  }
  const variantsOf = (word: string) => {
    const w = normalize(word);
    const canonical = canonicalOf.get(w) ?? w;
    return { canonical, variants: groups.get(canonical) ?? [w] };
  };

  const items = list.items.map((item) => {
    const byCanonical = new Map<string, Term>();
    const add = (label: string, weight: number) => {
      const { canonical, variants } = variantsOf(label);
      const prev = byCanonical.get(canonical);
      if (!prev || prev.weight < weight) byCanonical.set(canonical, { label, canonical, variants, weight });
    };
    for (const w of cut(normalize(item.name), false)) {
      if (w.length >= 2 && WORDLIKE.test(w) && !NAME_STOPWORDS.has(w)) add(w, NAME_WEIGHT);
    }
    for (const d of item.departments ?? []) add(d, DEPARTMENT_WEIGHT);
    for (const k of item.keywords) add(k, KEYWORD_WEIGHT);
    return { item, terms: [...byCanonical.values()] };
  });

  const df = new Map<string, number>();
  for (const { terms } of items) for (const t of terms) df.set(t.canonical, (df.get(t.canonical) ?? 0) + 1);
  const byId = new Map<string, AdmissionItem>();
  for (const item of list.items) if (!byId.has(normId(item.id))) byId.set(normId(item.id), item);
  return { byId, variantsOf, items, df };
}

function indexOf(list: AdmissionList): Index {
  let idx = indexes.get(list);
  if (!idx) {
    idx = buildIndex(list);
    indexes.set(list, idx);
  }
  return idx;
}

/* ---------- public lookups ---------- */

export function suggestItems(list: AdmissionList, text: string, k = 3): Suggestion[] {
  const idx = indexOf(list);
  const t = termsOf(text);
  const scored: (Suggestion & { evidence: number })[] = [];
  for (const { item, terms } of idx.items) {
    let evidence = 0;
    const matched: string[] = [];
    for (const term of terms) {
      if (!term.variants.some((v) => has(t, v))) continue;
      // A word many items share (排查, 民政科) says little about which one is meant.
      evidence += term.weight / Math.sqrt(idx.df.get(term.canonical) ?? 1);
      matched.push(term.label);
    }
    if (evidence > 0) scored.push({ item, score: 1 - Math.exp(-evidence), matched, evidence });
  }
  scored.sort((a, b) => b.evidence - a.evidence || b.matched.length - a.matched.length);
  return scored.slice(0, Math.max(0, k)).map(({ item, score, matched }) => ({ item, score: Math.round(score * 1000) / 1000, matched }));
}

export function looksExcluded(list: AdmissionList, text: string): { name: string; matched: string[] } | null {
  const idx = indexOf(list);
  // Department names such as 城管执法中队 would otherwise read as 执法.
  let cleaned = normalize(text);
  for (const d of new Set(list.items.flatMap((i) => i.departments ?? []))) cleaned = cleaned.split(normalize(d)).join('，');
  const t = termsOf(cleaned);
  let best: { name: string; matched: string[] } | null = null;
  for (const entry of list.excluded) {
    const matched = entry.keywords.filter((kw) => idx.variantsOf(kw).variants.some((v) => has(t, v)));
    if (matched.length && (!best || matched.length > best.matched.length)) best = { name: entry.name, matched };
  }
  return best;
}

/** Words people put around a reference: 「依据：L03 人民调解」, 「准入事项 人民调解」. */
const REF_NOISE = /依据|准入清单|准入事项|准入|清单|事项|编号|属于|按照|根据/g;
const PUNCT = /[\s:：,，。、;；「」『』《》()（）[\]【】"“”'‘’]+/g;
const ID_TOKEN = /[A-Za-z]+\d+/g;

/** L3, l03 and L03 are one id. */
function normId(s: string): string {
  return s.toUpperCase().replace(/^([A-Z]+)0*(\d+)$/, '$1$2');
}

/** The single longest candidate, or nothing when two equally good ones compete. */
function longestUnique(items: AdmissionItem[]): AdmissionItem | undefined {
  const sorted = [...items].sort((a, b) => b.name.length - a.name.length);
  if (!sorted.length || (sorted.length > 1 && sorted[1].name.length === sorted[0].name.length)) return undefined;
  return sorted[0];
}

export function findItem(list: AdmissionList, ref: string): AdmissionItem | undefined {
  const r = ref.normalize('NFKC').trim();
  if (!r) return undefined;
  // An id anywhere in the reference wins: people write 「L3」, 「l03」, 「依据:L03 人民调解」.
  const ids = indexOf(list).byId;
  for (const tok of r.match(ID_TOKEN) ?? []) {
    const byId = ids.get(normId(tok));
    if (byId) return byId;
  }
  const exact = list.items.find((i) => i.name === r);
  if (exact) return exact;
  const bare = r.replace(ID_TOKEN, '').replace(PUNCT, '');
  const core = bare.replace(REF_NOISE, '');
  if (!core) return undefined;
  const byCore = list.items.find((i) => i.name === core || i.name === bare);
  if (byCore) return byCore;
  // Extra words around a full name: 「按人民调解事项办理」.
  const named = longestUnique(list.items.filter((i) => bare.includes(i.name)));
  if (named) return named;
  // Part of a name, only when it points at one item: 「调解」 but not 「宣传」.
  const partial = list.items.filter((i) => i.name.includes(core));
  return partial.length === 1 ? partial[0] : undefined;
}

/* ---------- does a cited item fit the notice ---------- */

export interface Relevance {
  /** In [0,1], on the same scale as suggestion scores. */
  score: number;
  /** Short Chinese sentence for the sender and the admin card. */
  reason: string;
}

/**
 * Below this the cited item does not fit: no keyword of the item in the notice, only a department name or a
 * lone generic word. One name word (0.45) or one keyword (0.63) passes.
 */
export const RELEVANCE_THRESHOLD = 0.3;

/**
 * Work that is outside the list whatever is cited: selling, fee collection, 招商引资, certificates the
 * community cannot verify. Each needs the act and its object in one clause, and no warning frame around it:
 * 「提醒居民警惕上门推销」 is anti-fraud work, not selling.
 */
const OUTSIDE: { name: string; re: RegExp }[] = [
  { name: '推销、销售商品或服务', re: /(推销|销售|代销|团购|认购|订购|征订|订阅|购买|推广)[^，。；！？\n]{0,12}(产品|商品|报警器|保险|理财|信用卡|大米|农产品|报刊|党报|杂志|会员|套餐|卡|器|任务|份|袋|箱|张|单)/u },
  { name: '推销、销售商品或服务', re: /(办理|办)[^，。；！？\n]{0,6}(信用卡|会员卡|储蓄卡)[^，。；！？\n]{0,12}(任务|不少于|至少|\d+张)/u },
  { name: '代收各类费用', re: /(收取|收缴|代收|催缴|收齐|垫付)[^，。；！？\n]{0,10}(费|款|金)|(费|款)[^，。；！？\n]{0,6}(收缴率|收缴任务|由社区(先行)?垫付|由社区自理|社区自理)/u },
  { name: '募捐摊派', re: /(募捐|捐款|捐赠)[^，。；！？\n]{0,10}(任务|不少于|至少|每人|每户|\d+元)/u },
  { name: '招商引资与税收任务', re: /招商引资|引进(企业|项目)[^，。；！？\n]{0,10}(任务|不少于|至少)|税收任务|协税护税/u },
  { name: '出具无法核实的证明', re: /(出具|开具|开)[^，。；！？\n]{0,14}证明|证明[^。；！？\n]{0,20}(出具|开具)/u },
];
const OUTSIDE_NEGATION = /不得|不再|无需|不需|不要|严禁|禁止|警惕|谨防|防范|冒充|诈骗|不法|提醒|举报|取消|拒绝/u;

function clauseBefore(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('，', index), text.lastIndexOf('。', index), text.lastIndexOf('；', index), text.lastIndexOf('\n', index));
  return text.slice(start + 1, index);
}

/** Why the notice's work is outside the list whatever it cites, or null. */
export function outsideList(text: string): string | null {
  const t = text.normalize('NFKC').replace(/,/g, '，').replace(/;/g, '；');
  for (const o of OUTSIDE) {
    const m = o.re.exec(t);
    if (!m) continue;
    const sentence = t.slice(0, m.index + m[0].length).split(/[。；！？\n]/).pop() ?? '';
    if (OUTSIDE_NEGATION.test(clauseBefore(t, m.index) + m[0]) || /警惕|谨防|冒充|诈骗|不法/.test(sentence)) continue;
    return `「${m[0]}」属于${o.name}，不在社区准入清单内，引用任何事项都不能下达`;
  }
  return null;
}

/** Parts of keywords too common to say which duty is meant. */
const GENERIC_PARTS = new Set([
  '家庭', '人员', '信息', '工作', '服务', '社区', '居民', '管理', '情况', '活动', '宣传', '安全', '检查', '登记', '补贴', '人口',
  '组织', '会议', '公共', '事务', '大会', '名单', '核查', '入户', '设施', '好人', '防范', '统计', '调查', '政策', '申请', '对象',
]);
const SOFT_WEIGHT = 0.8;

/**
 * The longest word of a term (two characters at least, half the term at least) written in the text: 居民代表 of
 * 居民代表会议 in 居民代表大会, 租房 of 出租房屋 in 群租房. Notices rarely use the list's exact words; whole
 * words of the term keep 年人 (of 老年人) from matching 2026年人口.
 */
function partOf(term: string, text: string): string | null {
  return partsOf(term).find((w) => text.includes(w)) ?? null;
}

/** A term's telling parts, longest first; terms come from the admission list, so each is cut once. */
const parts = new Map<string, string[]>();
function partsOf(term: string): string[] {
  let known = parts.get(term);
  if (!known) {
    known = cutForSearch(term, true)
      .filter((w) => w.length >= Math.max(2, Math.ceil(term.length / 2)) && w.length < term.length && !GENERIC_PARTS.has(w))
      .sort((a, b) => b.length - a.length);
    parts.set(term, known);
  }
  return known;
}

/** How well the cited item fits the notice, and why, in words a sender understands. */
export function basisRelevance(list: AdmissionList, item: AdmissionItem, text: string): Relevance {
  const outside = outsideList(text);
  if (outside) return { score: 0, reason: `${outside}。` };
  const idx = indexOf(list);
  const entry = idx.items.find((e) => e.item.id === item.id);
  if (!entry) return { score: 0, reason: `「${item.name}」不在准入清单内。` };
  const t = termsOf(text);
  let evidence = 0;
  const matched: string[] = [];
  for (const term of entry.terms) {
    const df = Math.sqrt(idx.df.get(term.canonical) ?? 1);
    if (term.variants.some((v) => has(t, v))) {
      evidence += term.weight / df;
      matched.push(term.label);
      continue;
    }
    // A short term inside a longer word (助餐 in 助餐点), or a long part of a longer term, counts for less.
    if (term.weight < KEYWORD_WEIGHT) continue;
    const soft = term.variants.map((v) => (v.length <= 3 && t.text.includes(v) ? v : partOf(v, t.text))).find((x) => x);
    if (!soft) continue;
    evidence += (SOFT_WEIGHT * term.weight * soft.length) / (term.label.length * df);
    matched.push(soft);
  }
  const score = Math.round((1 - Math.exp(-evidence)) * 1000) / 1000;
  if (score >= RELEVANCE_THRESHOLD) return { score, reason: `通知与「${item.name}」相符（${[...new Set(matched)].join('、')}）。` };
  const better = suggestItems(list, text, 1).find((s) => s.score >= SUGGEST_THRESHOLD && s.item.id !== item.id);
  const hint = better ? `内容更接近「${better.item.id} ${better.item.name}」（${better.matched.join('、')}）` : '内容中看不到该事项的相关说法';
  return { score, reason: `所引依据「${item.id} ${item.name}」与通知内容不符：${hint}。` };
}
