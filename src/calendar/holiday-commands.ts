import { ChatGroup, HolidayDay, KvState, PendingAction } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { CommandSink } from '../chat/registry';
import { enqueue } from '../outbox/outbox';
import type { CalendarService } from './calendar-service';
import { bundledCovers } from './chinese-days-data';
import { toHalfWidth } from './cn-text';
import { HolidayCheckError, HolidayNotice, parseHolidayNotice } from './holiday-notice';
import { isValidYmd, localDate, weekdayOf, ymd } from './time';
import type { EntityManager } from 'typeorm';

/** 2027-01-01, 2027年1月1日, 2027/1/1 or 1月1日 (this year). */
export function parseDay(raw: string, now: Date): string | null {
  const s = toHalfWidth(raw.trim());
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})[月/.-](\d{1,2})[日号]?$/.exec(s))) [y, mo, d] = [Number(localDate(now).slice(0, 4)), Number(m[1]), Number(m[2])];
  else return null;
  return isValidYmd(y, mo, d) ? ymd(y, mo, d) : null;
}

/** 2026年2月14日（周六）: the full date, so a wrong year cannot hide in the preview. */
const full = (date: string) => `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（周${'一二三四五六日'[weekdayOf(date) - 1]}）`;

function summary(p: HolidayNotice): string {
  const items = p.items.map((i) => {
    const off = i.off.length === 1 ? `${full(i.off[0])}放假，共1天` : `${full(i.off[0])}至${full(i.off[i.off.length - 1])}放假，共${i.off.length}天`;
    return `${i.name}：${off}${i.work.length ? `；${i.work.map(full).join('、')}上班` : ''}`;
  });
  return [`${p.year}年：放假${p.off.length}天，调休上班${p.work.length}天。`, ...items].join('\n');
}

async function importNotice(ctx: CommandContext, text: string): Promise<void> {
  if (!text.trim()) {
    await ctx.reply('请在「/节假日 导入」后粘贴国务院办公厅节假日安排通知的全文。');
    return;
  }
  let parsed: HolidayNotice;
  try {
    parsed = parseHolidayNotice(text);
  } catch (err) {
    await ctx.reply(err instanceof HolidayCheckError
      ? `未导入：${err.message}。请核对通知原文后重新发送，或用 /节假日 添加、/节假日 调休 逐日设置。`
      : `无法解析：${(err as Error).message}。请粘贴通知全文。`);
    return;
  }
  await ctx.em.delete(PendingAction, { memberId: ctx.member.id, kind: 'holiday_import' });
  await ctx.em.save(ctx.em.create(PendingAction, { memberId: ctx.member.id, kind: 'holiday_import', payload: parsed, createdAt: ctx.now }));
  await ctx.reply({
    kind: 'card', title: `解析结果：${parsed.year}年节假日安排`, body: `${summary(parsed)}\n核对无误请确认导入。`,
    buttons: [{ label: '确认导入', command: '/节假日 确认' }],
  });
}

async function confirmImport(ctx: CommandContext, calendar: CalendarService): Promise<void> {
  const pending = await ctx.em.findOne(PendingAction, { where: { memberId: ctx.member.id, kind: 'holiday_import' }, order: { id: 'DESC' } });
  if (!pending) {
    await ctx.reply('没有待确认的导入。请先发送 /节假日 导入 加通知全文。');
    return;
  }
  const p = pending.payload as HolidayNotice;
  const names = new Map<string, string>();
  for (const i of p.items) for (const d of [...i.off, ...i.work]) names.set(d, i.name.slice(0, 32));
  const before = await ctx.em.count(HolidayDay, { where: { year: p.year, source: 'notice' } });
  await ctx.em.delete(HolidayDay, { year: p.year, source: 'notice' });
  for (const [kind, days] of [['off', p.off], ['work', p.work]] as const) {
    for (const date of days) {
      await ctx.em.delete(HolidayDay, { date });
      await ctx.em.save(ctx.em.create(HolidayDay, { date, year: Number(date.slice(0, 4)), kind, name: names.get(date) ?? '', source: 'notice' }));
    }
  }
  await ctx.em.delete(PendingAction, { id: pending.id });
  await ctx.audit({ action: 'holiday.import', entity: 'holiday_day', entityId: p.year, before: { days: before }, after: { off: p.off, work: p.work } });
  await calendar.reload(ctx.em);
  await ctx.reply(`已导入${p.year}年节假日安排：放假${p.off.length}天，调休上班${p.work.length}天。`);
}

async function show(ctx: CommandContext, raw: string): Promise<void> {
  const year = Number(toHalfWidth(raw || localDate(ctx.now).slice(0, 4)).replace(/年$/, ''));
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    await ctx.reply('请写年份，例如：/节假日 查看 2027');
    return;
  }
  const days = await ctx.em.find(HolidayDay, { where: { year }, order: { date: 'ASC' } });
  const source = days.some((d) => d.source === 'notice') ? '已导入国务院通知' : bundledCovers(year) ? '内置数据（chinese-days）' : '尚未导入，暂按周一至周五及法定节日推算';
  const lines = days.map((d) => `${d.date} ${d.kind === 'off' ? '放假' : '上班'}${d.name ? ' ' + d.name : ''}${d.source === 'manual' ? '（手工）' : ''}`);
  await ctx.reply([`${year}年日历：${source}。`, ...(lines.length ? [`数据库中的日期（${lines.length}天）：`, ...lines] : [])].join('\n'));
}

async function setDay(ctx: CommandContext, calendar: CalendarService, kind: 'off' | 'work' | 'delete', raw: string): Promise<void> {
  const [dateRaw = '', ...nameParts] = raw.trim().split(/\s+/);
  const date = parseDay(dateRaw, ctx.now);
  if (!date) {
    await ctx.reply(`看不懂日期「${dateRaw}」，请写成 2027-01-01 或 2027年1月1日。`);
    return;
  }
  const existing = await ctx.em.findOne(HolidayDay, { where: { date } });
  const before = existing ? { ...existing } : null;
  if (kind === 'delete') {
    if (!existing) {
      await ctx.reply(`${date} 没有单独设置。`);
      return;
    }
    await ctx.em.delete(HolidayDay, { id: existing.id });
  } else {
    const row = existing ?? ctx.em.create(HolidayDay, { date, year: Number(date.slice(0, 4)) });
    Object.assign(row, { kind, name: nameParts.join(' ').slice(0, 32) || (kind === 'work' ? '调休上班' : '放假'), source: 'manual' });
    await ctx.em.save(row);
  }
  await ctx.audit({ action: `holiday.${kind}`, entity: 'holiday_day', entityId: date, before, after: kind === 'delete' ? null : { date, kind } });
  await calendar.reload(ctx.em);
  await ctx.reply(kind === 'delete' ? `已删除 ${date} 的设置。` : `已设置 ${date} 为${kind === 'off' ? '放假' : '调休上班'}。`);
}

export function registerHolidayCommands(r: CommandSink, calendar: CalendarService): void {
  r.register({
    name: '节假日', summary: '维护工作日历：导入国务院通知、查看、添加、调休、删除', roles: ['admin'],
    args: [{ name: '操作', choices: ['导入', '确认', '查看', '添加', '调休', '删除'] }, { name: '内容', optional: true, rest: true }],
    examples: ['/节假日 导入 国务院办公厅关于2027年部分节假日安排的通知……', '/节假日 查看 2027', '/节假日 添加 2027-01-01 元旦', '/节假日 调休 2027-02-06', '/节假日 删除 2027-01-01'],
    handler: async (ctx, a) => {
      const rest = a['内容'] ?? '';
      switch (a['操作']) {
        case '导入': return importNotice(ctx, rest);
        case '确认': return confirmImport(ctx, calendar);
        case '查看': return show(ctx, rest);
        case '添加': return setDay(ctx, calendar, 'off', rest);
        case '调休': return setDay(ctx, calendar, 'work', rest);
        default: return setDay(ctx, calendar, 'delete', rest);
      }
    },
  });
}

/** Weekly from 1 November: tell the admin group if next year's schedule is not loaded. */
export async function warnMissingSchedule(em: EntityManager, now: Date, calendar: CalendarService): Promise<number> {
  const today = localDate(now);
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  if (month < 11 || calendar.cal.hasScheduleFor(year + 1)) return 0;
  // One warning per 7-day period counted from 1 November.
  const week = Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${year}-11-01T00:00:00Z`)) / (7 * 86_400_000));
  const key = `holiday-warning:${year + 1}:${week}`;
  if (await em.findOne(KvState, { where: { key } })) return 0;
  await em.save(em.create(KvState, { key, value: now.toISOString() }));
  const admins = await em.find(ChatGroup, { where: { kind: 'admin' } });
  for (const g of admins) {
    await enqueue(em, { platform: g.platform, botId: g.botId, chatId: g.chatId, chatType: 'group' },
      { kind: 'text', text: `${year + 1}年节假日安排尚未导入，日历暂按周一至周五及法定节日推算。国务院通知发布后，请发送 /节假日 导入 并粘贴全文。` },
      { dedupeKey: `${key}:${g.id}`, notBefore: now, now });
  }
  return admins.length;
}
