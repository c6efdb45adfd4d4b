/**
 * Splits `/通知 全部社区 正文… 截止:… 依据:… 紧急:类别 理由` into its parts. Fields may sit on
 * their own lines or at the end; full-width colons are accepted.
 */
export interface ParsedNotice {
  targets: string[];
  all: boolean;
  text: string;
  deadline?: string;
  basis?: string;
  emergency?: { category: string; reason: string };
}

const FIELD = /(截止时间|截止|依据|紧急)\s*[:：]/g;
const ALL = new Set(['全部社区', '全部', '所有社区', '各社区', '全体社区', '全部村社', '全部社区村']);

export function parseNoticeArgs(raw: string): ParsedNotice | { error: string } {
  const trimmed = raw.trim();
  if (!trimmed) return { error: '请写明发送对象和通知内容，例如：/通知 全部社区 请于11月25日前报送… 依据:L05' };
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed)!;
  const targetToken = m[1];
  let rest = m[2];
  const targets = targetToken.split(/[、,，;；]/).map((t) => t.trim()).filter(Boolean);
  const all = targets.some((t) => ALL.has(t));
  const fields: Record<string, string> = {};
  const marks = [...rest.matchAll(FIELD)];
  if (marks.length) {
    const first = marks[0].index!;
    for (let i = 0; i < marks.length; i++) {
      const start = marks[i].index! + marks[i][0].length;
      const end = i + 1 < marks.length ? marks[i + 1].index! : rest.length;
      const key = marks[i][1] === '截止时间' ? '截止' : marks[i][1];
      if (fields[key] !== undefined) return { error: `「${key}」写了两次，请只保留一个。` };
      fields[key] = rest.slice(start, end).trim();
    }
    rest = rest.slice(0, first);
  }
  const text = rest.trim();
  if (!text) return { error: '通知内容为空，请在发送对象后写明内容。' };
  const out: ParsedNotice = { targets: all ? [] : targets, all, text };
  if (fields['截止'] !== undefined) {
    if (!fields['截止']) return { error: '「截止:」后没有时间。' };
    out.deadline = fields['截止'];
  }
  if (fields['依据'] !== undefined) {
    if (!fields['依据']) return { error: '「依据:」后没有内容。' };
    out.basis = fields['依据'];
  }
  if (fields['紧急'] !== undefined) {
    const [category = '', ...why] = fields['紧急'].split(/\s+/);
    if (!category) return { error: '「紧急:」后请写类别和理由，例如：紧急:防汛 今晚有暴雨。' };
    out.emergency = { category, reason: why.join(' ') };
  }
  return out;
}
