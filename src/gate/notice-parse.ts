/**
 * Splits `/通知 对象 正文 截止:… 依据:… 紧急:类别 理由` into its parts. Fields may stand first,
 * in the middle or last, inline or on their own lines, with either colon; the content is what
 * remains. The most urgent notices are typed fastest, so order must not matter.
 */
export interface ParsedNotice {
  targets: string[];
  all: boolean;
  text: string;
  deadline?: string;
  basis?: string;
  emergency?: { category: string; reason: string };
}

export type ParseFailure = { error: string };

type FieldKey = '截止' | '依据' | '紧急';

const FIELD = /(截止时间|截止|依据|紧急)\s*[:：]/g;
const ALL = new Set(['全部社区', '全部', '所有社区', '各社区', '全体社区', '全部村社', '全部社区村']);
/** Words that mean "now" as a deadline; 即时 is not in the extractor's lexicon as a deadline. */
export const IMMEDIATE_WORDS = /^(立即|马上|即时|立刻|即刻|现在|尽快)$/;
const TIME_TOKEN = /^\d{1,2}([:：]\d{2}|[点时](\d{1,2}分?|半)?)(前|之前)?$/;

interface Piece {
  key?: FieldKey;
  text: string;
}

/** How many whitespace-separated tokens an inline field takes before the content resumes. */
function inlineTokens(key: FieldKey, words: string[]): number {
  if (key === '紧急') return Math.min(words.length, 2);
  if (key === '截止' && words.length > 1 && TIME_TOKEN.test(words[1])) return 2;
  return Math.min(words.length, 1);
}

/** Cuts the body into content and field pieces, line by line. */
function pieces(body: string): Piece[] {
  const out: Piece[] = [];
  for (const line of body.split(/\r?\n/)) {
    const marks = [...line.matchAll(FIELD)];
    if (!marks.length) {
      out.push({ text: line });
      continue;
    }
    out.push({ text: line.slice(0, marks[0].index) });
    for (let i = 0; i < marks.length; i++) {
      const key = (marks[i][1] === '截止时间' ? '截止' : marks[i][1]) as FieldKey;
      const start = marks[i].index! + marks[i][0].length;
      const end = i + 1 < marks.length ? marks[i + 1].index! : line.length;
      const segment = line.slice(start, end).trim();
      const ownLine = i === 0 && !line.slice(0, marks[0].index).trim();
      const lastOnLine = i === marks.length - 1;
      const contentBefore = out.some((p) => !p.key && p.text.trim());
      // A field on its own line, or closing a notice whose content came first, takes the rest.
      if ((ownLine && marks.length === 1) || (lastOnLine && contentBefore)) {
        out.push({ key, text: segment });
        continue;
      }
      const words = segment.split(/\s+/).filter(Boolean);
      const n = inlineTokens(key, words);
      out.push({ key, text: words.slice(0, n).join(' ') });
      out.push({ text: words.slice(n).join(' ') });
    }
  }
  return out;
}

/** What was understood, quoted back when something is missing, so nothing typed is lost. */
function understood(targets: string[], all: boolean, fields: Partial<Record<FieldKey, string>>): string {
  const parts = [`对象：${all ? '全部社区' : targets.join('、') || '（无）'}`];
  if (fields['紧急'] !== undefined) parts.push(`紧急：${fields['紧急'] || '（空）'}`);
  if (fields['截止'] !== undefined) parts.push(`截止：${fields['截止'] || '（空）'}`);
  if (fields['依据'] !== undefined) parts.push(`依据：${fields['依据'] || '（空）'}`);
  return `已识别 ${parts.join('；')}。`;
}

export function parseNoticeArgs(raw: string): ParsedNotice | ParseFailure {
  const trimmed = raw.trim();
  if (!trimmed) return { error: '请写明发送对象和通知内容，例如：/通知 全部社区 请于11月25日前报送… 依据:L05' };
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
  const targets = m[1].split(/[、,，;；]/).map((t) => t.trim()).filter(Boolean);
  const all = targets.some((t) => ALL.has(t));
  const fields: Partial<Record<FieldKey, string>> = {};
  const content: string[] = [];
  for (const p of pieces(m[2])) {
    if (!p.key) {
      if (p.text.trim()) content.push(p.text.trim());
      continue;
    }
    if (fields[p.key] !== undefined) return { error: `「${p.key}」写了两次，请只保留一个。${understood(targets, all, fields)}` };
    fields[p.key] = p.text;
  }
  const missing = (what: string) => ({ error: `${understood(targets, all, fields)}缺少：${what}。请补全后重发。` });
  let text = content.join('\n');
  let emergency: ParsedNotice['emergency'];
  if (fields['紧急'] !== undefined) {
    const [category = '', ...why] = fields['紧急'].split(/\s+/).filter(Boolean);
    if (!category) return missing('紧急类别和理由（例如 紧急:防汛 今晚有暴雨）');
    emergency = { category, reason: why.join(' ') };
    // 「紧急:防汛 暴雨预警 请立即转移…」 with nothing else: the reason is one phrase, the rest is the notice.
    if (!text && why.length > 1) {
      emergency.reason = why[0];
      text = why.slice(1).join(' ');
    }
  }
  if (!text) return missing('通知内容');
  const out: ParsedNotice = { targets: all ? [] : targets, all, text };
  if (emergency) out.emergency = emergency;
  if (fields['截止'] !== undefined) {
    if (!fields['截止']) return missing('「截止:」后的时间');
    out.deadline = fields['截止'];
  }
  if (fields['依据'] !== undefined) {
    if (!fields['依据']) return missing('「依据:」后的准入事项');
    out.basis = fields['依据'];
  }
  return out;
}
