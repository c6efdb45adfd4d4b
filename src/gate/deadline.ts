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
import { groupTokens, type Group } from './deadline/group';
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
const DEADLINE_BEFORE = /(?:(?<!已)于|至|到|截至|截止|截止(?:日期|时间)\s*(?:为|是|[:：])?|最迟|最晚|不晚于|不迟于|不超过|务必|须|需|限|期限为|时间为|时间[:：])\s*$/;

/*
 * Times of things other than what recipients are asked to do set no deadline at all, even when nothing else
 * in the notice does. Each looks only inside the sentence or clause around the time.
 */
/** What a recipient is asked to do: a request between a label and a time takes the time out of the label. */
const REQUEST = /请|须|需|务必|要求|报送|上报|提交|上交|反馈|回复|报名|完成|前/;
/** Office hours in any layout: 办公时间：8:30-17:30, 工作时间（周一至周五）：上午9:00-12:00, 窗口受理时间为…. */
const HOURS_ANY = /(?:办公|工作|营业|服务|开放|接待|值班|受理|办理|咨询|办事|窗口|上班)时间/;
/** Hours without a label: 周一至周五8:30-17:30可到窗口办理, 窗口周六上午9点至12点照常开放. */
const WEEKDAY_SPAN = /(?:周|星期|礼拜)[一二三四五六日天]\s*(?:至|到|-|—|～|~)\s*(?:周|星期|礼拜)?[一二三四五六日天]/;
const OPEN_WORDS = /开放|办公|营业|接待|受理|办理|照常|值守|开门|服务|咨询|领取/;
/** Recurring times: 每天上午8:30前, 每周五, 每月5日前 repeat; they set no single deadline. */
const RECURRING = /每(?:天|日|晚|早|周|个?星期|个?礼拜|月|个月|季度|年|个工作日|次)[^，,。；;！？\n]{0,20}$/;
/** 演练结束后一周内: a span counted from something else than the notice (收到通知后 is the notice itself). */
const AFTER_EVENT = /(?:结束|完成|举办|开展|召开|活动|演练|会议|培训|发生|出院|到岗|验收|整改)[^，,。；;！？\n]{0,4}(?:后|之后|以后)\s*$/;
/** An event's own time: 会议时间：, 培训日期为. */
const EVENT_LABEL = /(?:(?:会议?|培训|活动|开会|报到|出发|乘车|放假|休假|考试|笔试|面试|体检|讲座|开班|开学|开课|上课|集合|演练|比赛|演出|展览|义诊|仪式|督查|暗访|考核|验收|评审|评估|调研|观摩|检查组|停水|停电|施工)(?:时间|日期)|(?:值班|放假|假期|活动|培训|会议|演练)安排)\s*(?:为|是|定于|定在|改为|改在|调整为|[:：])?[^，,。；;！？\n]{0,30}$/;
/** 调度会定于, 观摩会定在, 推进会改在: a meeting named before its time. */
const MEETING_LEAD = /(?<![委协工商学金事社监])会(?:议)?\s*(?:定于|定在|拟于|将于|计划于|改为|改在|改到|调整为|调整到|推迟到|提前到|于)[^，,。；;！？\n]{0,6}$/;
/** 准时参加, 按时到场: a time the recipients attend, not one they deliver by. */
const ATTEND = /(?:准时|按时)\s*(?:参加|参会|出席|到场|到会|到达|集合|报到)/;
/** 明天上午9点到街道三楼开会, 下午2点赴区行政中心参加培训. */
const ATTEND_AFTER = /^\s*(?:在|到|赴|于)?[^，,。；;！？\n]{0,20}?(?:开会|参会|参加|出席|召开|举行|举办|集合|座谈|观摩|培训|授课|听课|报到)/;
/** 印发日期：, 发布时间：: when the notice was issued. */
const ISSUED_LABEL = /(?:印发|发布|发文|成文|签发|制发|转发|下发)(?:时间|日期)\s*[:：]?\s*$/;
/**
 * 如遇突发情况请第一时间报告, 接到预警后1小时内集结: a span or immediacy counted from a condition, a standing
 * rule rather than a deadline. The condition governs its whole sentence; 发现 only its own clause (经排查发现3处隐患，
 * 请立即整改 is a request).
 */
const CONDITION_SENTENCE = /(?:如遇|如有|如发生|如出现|若遇|若有|若发生|一旦|遇有|遇到|每当|凡遇)/;
const CONDITION_CLAUSE = /(?:发现|(?:接到|收到)(?![^，,]{0,6}通知|本|此|该|消息|信息)[^，,后时]{1,8}(?:后|时)|接报后|发生[^，,]{0,8}(?:后|时))[^，,]*$/;
/** 第3号台风将于明天夜间登陆, 系统将于…升级: what will happen, unless it is a closing (报名将于11月30日截止). */
const FORECAST_LEAD = /(?:将于|将在|预计(?:于|在)?|预计将于)\s*$/;
const CLOSING_AFTER = /^\s*(?:截止|结束|关闭|停止|为止)/;
/** 时间：12月3日下午2:30 / 地点：街道三楼: a time under a plain label with a place beside it is an event's. */
const PLAIN_TIME_LABEL = /(?:^|[^截止报送提交完成办结])时间\s*[:：]\s*$/;
/** 上班后第一时间, 到岗后立即: immediacy that starts at the time before it. */
const PROMPT_AFTER = /^\s*(?:到岗|到单位|返岗|上班)?\s*(?:后|之后|以后)\s*(?:请|须|要)?\s*(?:第一时间|立即|立刻|马上|即刻|尽快)/;
/** Words before a clock range that make it opening hours: 工作日, 周一至周五, 每天. */
const HOURS_QUALIFIER = /(?:工作日|(?:周|星期)[一二三四五六日天]\s*(?:至|到|-|—|～|~)\s*(?:周|星期)?[一二三四五六日天]|每天|每日|全天)\s*(?:的)?\s*(?:上午|下午|早上|晚上)?\s*$/;
/** 有效期至2027年12月31日: how long a rule holds, not a limit. */
const VALIDITY_BEFORE = /(?:有效期|施行|执行|实施|适用)(?:至|到|为|截至|截止)[^，,。；;！？\n]{0,4}$/;
/** 原定11月26日前报送…延期至11月30日前: a time replaced by another. */
const SUPERSEDED_BEFORE = /原(?:定|计划|要求|通知|安排)(?:的|于|在)?\s*$/;
const SUPERSEDED_AFTER = /^[^，,。；;！？\n]{0,12}?(?:取消|作废|延期|推迟|顺延|调整为|(?<![整修更])改(?:为|至|到)|延至|延长至)/;
/** 已于11月20日前完成: a time told as done. */
const DONE_BEFORE = /已(?:经)?(?:于|在)?\s*$/;
/** A clause that asks for something: a time with no cue (前, 于, 截止 …) binds only inside one. */
const ASKING = /请|须|需|务必|要求|报送|上报|报上|提交|上交|交到|交至|反馈|回复|报名|完成|填报|录入|上传|发至|发到|告知|领取|办结/;
/** 会前报送, 培训开始前提交: a request due when the event starts. */
const BEFORE_EVENT = /(?:会前|开会前|会议(?:召开|开始)?前|培训(?:开始)?前|活动(?:开始)?前|开班前)\s*(?:[0-9一二两三四五六七八九十半]+\s*(?:个)?(?:小时|天|分钟)\s*)?(?:将|把)?[^，。；\n]{0,24}?(?:报送|提交|上报|上交|反馈|报|交|发送|完成)/;
/** 国庆期间（10月1日—7日）: a bracket that says when a period is, not a limit. */
const PERIOD_NOTE = /(?:期间|假期|长假|节日|节假日|放假)\s*[（(][^）)]*$/;
/** 定于…召开, 拟于…举办, 将于…举行. */
const EVENT_LEAD = /(?:定于|拟于|拟定于|计划于|将于|拟在|定在|准备于)[^，,。；;！？\n]{0,4}$/;
const EVENT_WORD = /召开|举行|举办|开展|开会|会议|培训|讲座|集合|出发|开幕|开班|开课|考试|演练|比赛|活动|仪式|检查|调研|督查/;
const EVENT_AFTER = /^\s*(?:在[^，,。；;！？\n]{0,20})?(?:召开|举行|举办|开会|开幕|开班|开课)/;
/** 截至11月20日已完成…, 截止到昨天共… */
const STATUS_WORDS = /^\s*[，,]?\s*(?:已|共|累计|全[区街市]|各社区已|我街道|辖区已)/;
/** 11月20日下午，街道召开了推进会; 昨夜暴雨: a time told as something that happened. */
const PAST_WORDS = /昨|前天|前晚|上周|上个?月|去年|刚才|此前/;
const PAST_AFTER = /^[^。；;！？\n]{0,30}?(?:了|已经|已于|已)/;

function sentenceBefore(s: string, start: number): string {
  const cut = Math.max(...['。', '；', ';', '！', '？', '\n'].map((c) => s.lastIndexOf(c, start - 1)));
  return s.slice(cut + 1, start);
}

function sentenceAfter(s: string, end: number): string {
  const m = /[。；;！？\n]/.exec(s.slice(end));
  return s.slice(end, m ? end + m.index : s.length);
}

/** A date alone on its line (the signing date under the issuer) dates the notice. */
function aloneOnLine(s: string, start: number, end: number): boolean {
  const lineStart = s.lastIndexOf('\n', start - 1) + 1;
  const nl = s.indexOf('\n', end);
  const lineEnd = nl < 0 ? s.length : nl;
  return /^\s*$/.test(s.slice(lineStart, start)) && /^\s*$/.test(s.slice(end, lineEnd)) && lineStart > 0;
}

const YEAR_MS = 300 * 86_400_000;

function clauseBefore(s: string, start: number): string {
  const cut = Math.max(...['，', ',', '。', '；', ';', '！', '？', '\n'].map((c) => s.lastIndexOf(c, start - 1)));
  return s.slice(cut + 1, start);
}

function clauseAfter(s: string, end: number): string {
  const m = /[，,。；;！？\n]/.exec(s.slice(end));
  return s.slice(end, m ? end + m.index : s.length);
}

/** A span or immediacy counted from a condition (如遇…, 接到预警后…), not from the notice. */
function conditional(s: string, g: Group): boolean {
  return CONDITION_SENTENCE.test(sentenceBefore(s, g.start)) || CONDITION_CLAUSE.test(clauseBefore(s, g.start));
}

/** The clause around a time asks for something (请各社区明天上午9点到街道领取物资). */
function asking(s: string, g: Group): boolean {
  const before = clauseBefore(s, g.start);
  const after = clauseAfter(s, g.end);
  const words = /[\p{L}\d]/u;
  if (!words.test(before + after)) {
    // A time alone in its clause: 11月30日上午9点，街道将召开总结会 leads its sentence; 下月底 alone is the deadline clause.
    // 本周四上午10点，区领导来社区调研，请做好准备: the next clause says what happens then.
    const sb = sentenceBefore(s, g.start);
    const sa = sentenceAfter(s, g.end);
    return !words.test(sb + sa) || ASKING.test(clauseAfter(s, g.end + (/^\s*[，,]/.exec(s.slice(g.end))?.[0].length ?? 0)));
  }
  return ASKING.test(before + s.slice(g.start, g.end) + after);
}

function lineOf(s: string, start: number, end: number): string {
  const nl = s.indexOf('\n', end);
  return s.slice(s.lastIndexOf('\n', start - 1) + 1, nl < 0 ? s.length : nl);
}

/**
 * Hours in any layout: a range of clock times (上午 8:30—12:00 under a heading, | 社保 | 8:30-17:00 | in a table)
 * or a span of weekdays followed by clock times (周一至周五：9:00-17:00), on a line that asks for nothing.
 */
function isHoursRange(s: string, g: Group, start: Group | undefined): boolean {
  if (!start) return false;
  const clocks0 = (x: Group) => x.tokens.every((t) => !t.day) && x.tokens.some((t) => t.clock);
  // 于工作日8:30-17:00到社区服务站办理: a clock range after working days or 每天 is opening hours, whoever is asked.
  if (clocks0(start) && clocks0(g) && HOURS_QUALIFIER.test(s.slice(Math.max(0, start.start - 12), start.start))) return true;
  const line = lineOf(s, start.start, g.end);
  if (/请|须|需|务必|报送|上报|提交|反馈|完成|前/.test(line)) return false;
  const clocks = (x: Group) => x.tokens.some((t) => t.clock) && !x.tokens.some((t) => t.day && t.day.k !== 'wd');
  // The heading above (办公时间 / 服务窗口：) or a table cell says what the range is; 晚上7点至9点 alone may be a limit.
  const above = s.slice(0, s.lastIndexOf('\n', start.start - 1) + 1).split('\n').slice(-4).join('\n');
  const labelled = HOURS_ANY.test(line) || /[|｜\t]/.test(line) || /时间|窗口|开放|办公|营业|接待|受理|值班/.test(above);
  if (clocks(start) && clocks(g) && labelled) return true;
  const weekdays = (x: Group) => x.tokens.length === 1 && x.tokens[0].day?.k === 'wd';
  return weekdays(start) && weekdays(g) && /^\s*[：:，,]?\s*(?:上午|下午|早上|晚上)?\s*\d{1,2}\s*[:：点]/.test(s.slice(g.end));
}

/** 昨天, 上周五: a day named as gone. */
function namedAsGone(g: Group): boolean {
  const named = g.tokens.find((t) => t.day)?.day;
  return (named?.k === 'rel' && named.days < 0) || (named?.k === 'wd' && (named.week ?? 0) < 0);
}

/** Why a time is not what recipients are asked to do by, or null when it may be. */
function notAskedFor(s: string, g: Group, cued: boolean, at: Date, ref: Date): string | null {
  const { start, end } = g;
  if (!cued && aloneOnLine(s, start, end)) return 'signed';
  // 11月21日晚，某小区发生… posted on the 23rd: a month-day just gone is told, not asked for (its next
  // occurrence would be a year away).
  const dayOnly = g.tokens.find((t) => t.day)?.day;
  // 11月1日至20日，全街道共处置…: a month-day just gone, in a clause that asks for nothing, is told too.
  if ((dayOnly?.k === 'md' || dayOnly?.k === 'dom') && at.getTime() - ref.getTime() > YEAR_MS && (!cued || !ASKING.test(clauseBefore(s, start) + clauseAfter(s, end)))) return 'past';
  if (VALIDITY_BEFORE.test(clauseBefore(s, start))) return 'period';
  if (SUPERSEDED_BEFORE.test(clauseBefore(s, start)) || SUPERSEDED_AFTER.test(s.slice(end))) return 'superseded';
  const sb = sentenceBefore(s, start);
  const sa = sentenceAfter(s, end);
  const hours = HOURS_ANY.exec(sb);
  // Hours are clock times and weekdays; 办理时间：11月20日至30日 is a window whose end is a deadline.
  const dated = g.tokens.some((t) => t.day && t.day.k !== 'wd');
  if (hours && !dated && !REQUEST.test(sb.slice(hours.index + hours[0].length))) return 'hours';
  const clockOnly = !dated && g.tokens.some((t) => t.clock);
  if (clockOnly && !DEADLINE_AFTER.test(sa) && (WEEKDAY_SPAN.test(sb) || (OPEN_WORDS.test(sa) && !REQUEST.test(sb)))) return 'hours';
  if (RECURRING.test(sb) || /每\s*$/.test(sb) || s.startsWith('每', start) || /^\s*(?:的)?每(?:天|日|晚|周)/.test(sa)) return 'recurring';
  if (ISSUED_LABEL.test(sb)) return 'signed';
  // 请于12月3日下午2:30准时参加会议: 于 alone does not make an attended time a limit; 前 or a delivery verb does.
  const strong = DEADLINE_AFTER.test(s.slice(end)) || /(?:前|之前|以前|内|之内|以内)$/.test(s.slice(start, end));
  // 值班安排于本周五前报送: the label names what is delivered, the time is its limit.
  if ((EVENT_LABEL.test(sb) && !strong) || EVENT_AFTER.test(sa) || MEETING_LEAD.test(sb)) return 'event';
  if (!strong && (ATTEND.test(sb + sa) || ATTEND_AFTER.test(sa))) return 'event';
  if (!strong && PLAIN_TIME_LABEL.test(sb) && /地\s*点\s*[:：]/.test(s.slice(end, end + 80))) return 'event';
  if (!strong && FORECAST_LEAD.test(sb) && !CLOSING_AFTER.test(sa) && !ASKING.test(clauseAfter(s, end))) return 'event';
  if (DONE_BEFORE.test(sb)) return 'past';
  if (PERIOD_NOTE.test(sb)) return 'period';
  if (EVENT_LEAD.test(sb) && EVENT_WORD.test(sa) && !/报送|上报|提交|上交|反馈|报名/.test(sa)) return 'event';
  if (STATUS_BEFORE.test(sb) && STATUS_WORDS.test(sa)) return 'status';
  if (!cued && (PAST_WORDS.test(s.slice(start, end)) || PAST_AFTER.test(sa))) return 'past';
  return null;
}

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

  const matches: (DeadlineMatch & { explicit: boolean; conflict?: Evaluated['conflict']; gone?: boolean })[] = [];
  const events: typeof matches = [];
  let immediate = false;
  let pending: { i: number; ev: Evaluated; start: Group } | undefined;
  let skipUntil = -1;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    const ev = pending?.i === i ? pending.ev : evaluate(i);
    const rangeStart = pending?.i === i ? pending.start : undefined;
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
        pending = { i: i + 1, ev: end, start: g };
        continue;
      }
    }
    const before = s.slice(0, g.start);
    // 下周一上班后第一时间报送: due when that time comes, not now.
    const promptAfter = timed && PROMPT_AFTER.exec(after);
    if (promptAfter) {
      matches.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind, explicit: true, conflict: ev.conflict });
      skipUntil = g.end + promptAfter[0].length;
      continue;
    }
    if (timed && (STARTS_AFTER.test(after) || STARTS_BEFORE.test(before) || ATTRIBUTE_AFTER.test(after))) continue;
    // 截至11月20日，已完成…: a status as of a date, not a limit.
    const status = STATUS_BEFORE.test(before) && STATUS_AFTER.test(after);
    // 国庆假期前, 月底前: the limit word is part of the expression itself.
    const cued = !status && (DEADLINE_AFTER.test(after) || DEADLINE_BEFORE.test(before) || /(?:前|之前|以前|内|之内|以内)$/.test(s.slice(g.start, g.end)));
    const why = timed ? notAskedFor(s, g, cued, ev.at, ref) : null;
    if (why === 'event') events.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind, explicit: true });
    if (why || (timed && isHoursRange(s, g, rangeStart))) continue;
    const relative = ev.kind === 'duration' || ev.kind === 'immediate' || g.tokens[0].workdays !== undefined;
    if (relative && ev.kind !== 'immediate' && AFTER_EVENT.test(before)) continue;
    if (relative && conditional(s, g)) continue;
    if (ev.kind === 'immediate' && g.start < skipUntil) continue;
    if (ev.kind === 'immediate') immediate = true;
    const explicit = !timed || g.tokens[0].workdays !== undefined || cued;
    // A time with no cue binds only where its clause asks for something: 周五下午街道停电 or 周六：9:00—12:00 set none.
    if (!explicit && ev.kind !== 'period' && ev.kind !== 'workdays' && !asking(s, g)) continue;
    matches.push({ text: text.slice(g.start, g.end), index: g.start, at: ev.at, kind: ev.kind, explicit, conflict: ev.conflict, gone: timed && namedAsGone(g) });
  }
  // 请于会前报送: what is asked is due when the event starts.
  if (BEFORE_EVENT.test(s)) matches.push(...events);
  const asked = matches.some((m) => m.explicit) ? matches.filter((m) => m.explicit) : matches;
  // 昨天下午3点前未报送的社区，请今天上午11点前补报: a limit named as gone yields to one still ahead; alone
  // (昨天前报送名单) it is kept, so that the sender is told it has passed.
  const binding = asked.some((m) => !m.gone) ? asked.filter((m) => !m.gone) : asked;
  const out = binding.map(({ explicit: _explicit, conflict: _conflict, gone: _gone, ...m }) => m);
  // A day that disagrees with its weekday is reported with both readings, never guessed.
  const torn = binding.find((m) => m.conflict);
  if (torn?.conflict) {
    const readings: [Date, Date] = torn.at <= torn.conflict.at ? [torn.at, torn.conflict.at] : [torn.conflict.at, torn.at];
    return { deadline: null, matches: out, immediate, ambiguity: { readings, reason: torn.conflict.reason } };
  }
  const deadline = binding.reduce<Date | null>((min, m) => (!min || m.at < min ? m.at : min), null);
  return { deadline, matches: out, immediate };
}
