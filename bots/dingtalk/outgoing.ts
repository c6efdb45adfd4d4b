import type { Logger } from 'pino';
import type { Attachment, OutgoingMessage, SendResult } from '../types';
import type { DingTalkReplyContext } from './decode';
import { sessionBody } from './encode';
import type { DingTalkApi } from './openapi';

/** Do not start a webhook send in the last minute of its life. */
const SESSION_MARGIN_MS = 60_000;

/** What a user is told when their message could not be stored (robot messages are not redelivered). */
export const NOT_STORED_TEXT = '系统繁忙，消息未能记录，请稍后再发一次。';

/**
 * A sessionWebhook is only ever DingTalk's own /robot/sendBySession (docs/platforms.md); any
 * other URL in a callback body is refused, so a forged body cannot make us post elsewhere.
 */
export function isPlatformWebhook(url: string, oapiBase: string): boolean {
  try {
    const u = new URL(url);
    return u.origin === new URL(oapiBase).origin && u.pathname === '/robot/sendBySession';
  } catch {
    return false;
  }
}

/** Tells the sender their message was lost, through the webhook it came with (best effort). */
export async function tellNotStored(api: DingTalkApi, ctx: DingTalkReplyContext | undefined, now: number, log: Logger): Promise<void> {
  if (!ctx?.sessionWebhook || !isPlatformWebhook(ctx.sessionWebhook, api.endpoints.oapiBase) || (ctx.sessionWebhookExpiredTime ?? 0) <= now) return;
  const r = await api.sendBySession(ctx.sessionWebhook, sessionBody({ kind: 'text', text: NOT_STORED_TEXT }));
  if (r !== 'session_gone' && !r.ok) log.warn({ error: r.error }, '未能告知用户消息未记录');
}

/**
 * One delivery, the same for Stream and HTTP mode: the conversation's sessionWebhook while it
 * is valid (it needs no token and keeps the reply in context), otherwise the robot OpenAPI —
 * group send by conversation id, 1:1 send by staff id.
 */
export async function deliver(api: DingTalkApi, msg: OutgoingMessage, now: number, log: Logger): Promise<SendResult> {
  // Interactive cards are clickable in groups too; they go through the card API, not the webhook.
  if (msg.body.kind === 'card' && msg.body.buttons.length && api.cardTemplateId) return api.sendCard(msg.body, { chatId: msg.chatId, chatType: msg.chatType }, msg.outboxId);
  const ctx = msg.replyTo?.replyContext as DingTalkReplyContext | undefined;
  if (ctx?.sessionWebhook && !isPlatformWebhook(ctx.sessionWebhook, api.endpoints.oapiBase)) {
    log.warn({ outboxId: msg.outboxId }, '钉钉 sessionWebhook 不在钉钉域名下，已忽略，改用 OpenAPI 发送');
  } else if (ctx?.sessionWebhook && (ctx.sessionWebhookExpiredTime ?? 0) - now > SESSION_MARGIN_MS) {
    const r = await api.sendBySession(ctx.sessionWebhook, sessionBody(msg.body, msg.chatType, api.botName));
    if (r !== 'session_gone') return r;
    log.info({ outboxId: msg.outboxId }, '钉钉会话 webhook 已失效，改用 OpenAPI 发送');
  }
  return msg.chatType === 'group' ? api.sendToGroup(msg.chatId, msg.body) : api.sendToUser(msg.chatId, msg.body);
}

/** Files and pictures arrive as download codes; the same for Stream and HTTP mode. */
export async function downloadAttachment(api: DingTalkApi, a: Attachment): Promise<{ name: string; data: Buffer }> {
  return { name: a.name ?? 'file', data: await api.download(a.meta?.downloadCode ?? a.ref, a.meta?.robotCode) };
}
