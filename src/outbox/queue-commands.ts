import { In } from 'typeorm';
import { bodyText, OutgoingBody } from '../../bots/types';
import { ChatGroup, OutboxMessage } from '../../entities';
import type { CommandContext } from '../chat/context';
import { maskPersonalData } from '../privacy/pii';

const LIST_MAX = 20;

async function targetName(ctx: CommandContext, row: OutboxMessage): Promise<string> {
  const g = await ctx.em.findOne(ChatGroup, { where: { platform: row.platform, botId: row.botId, chatId: row.chatId } });
  return g?.title || `${row.platform} ${row.chatType === 'direct' ? '单聊' : '群'} ${row.chatId}`;
}

/** Parked messages, oldest first, with why they stopped; text masked, since the list is shown in a group. */
export async function listParked(ctx: CommandContext): Promise<void> {
  const rows = await ctx.em.find(OutboxMessage, { where: { status: 'parked' }, order: { id: 'ASC' }, take: LIST_MAX + 1 });
  if (!rows.length) {
    await ctx.reply('发送队列里没有暂停的消息。');
    return;
  }
  const lines = await Promise.all(rows.slice(0, LIST_MAX).map(async (r) => {
    const preview = maskPersonalData(bodyText(r.body as OutgoingBody)).replace(/\s+/g, ' ').slice(0, 30);
    return `第${r.id}条 → ${await targetName(ctx, r)}（重试${r.attempts}次）：${r.lastError.slice(0, 40)}\n  ${preview}`;
  }));
  const more = rows.length > LIST_MAX ? `\n……还有更多，先处理以上${LIST_MAX}条。` : '';
  await ctx.reply(`暂停发送的消息：\n${lines.join('\n')}${more}\n平台恢复后发送 /发送队列 重试 全部，或 /发送队列 重试 编号。`);
}

/** Puts parked messages back in the queue with a fresh retry budget, from where they stopped. */
export async function requeue(ctx: CommandContext, which: string | undefined): Promise<void> {
  if (!which) {
    await ctx.reply('请写明重试哪条：/发送队列 重试 编号（多条用逗号分隔），或 /发送队列 重试 全部。');
    return;
  }
  let rows: OutboxMessage[];
  if (which === '全部') {
    rows = await ctx.em.find(OutboxMessage, { where: { status: 'parked' } });
  } else {
    const ids = which.split(/[,，、\s]+/).filter(Boolean).map(Number);
    if (!ids.length || ids.some((n) => !Number.isInteger(n) || n <= 0)) {
      await ctx.reply(`「${which}」不是消息编号。发送 /发送队列 查看 可看编号。`);
      return;
    }
    rows = await ctx.em.find(OutboxMessage, { where: { id: In(ids), status: 'parked' } });
    const missing = ids.filter((n) => !rows.some((r) => r.id === n));
    if (missing.length) {
      await ctx.reply(`没有暂停的第${missing.join('、')}条消息。发送 /发送队列 查看 可看编号。`);
      return;
    }
  }
  if (!rows.length) {
    await ctx.reply('发送队列里没有暂停的消息。');
    return;
  }
  const ids = rows.map((r) => r.id);
  await ctx.em.update(OutboxMessage, { id: In(ids) }, { status: 'pending', attempts: 0, notBefore: ctx.now, lastError: '', sentAt: null });
  await ctx.audit({ action: 'outbox.requeue', entity: 'outbox_message', entityId: ids.join(',').slice(0, 64), after: { ids } });
  await ctx.reply(`已重新排队${rows.length}条消息（第${ids.slice(0, 10).join('、')}${ids.length > 10 ? '等' : ''}条），马上开始发送。`);
}
