import type { Logger } from 'pino';
import type { Attachment, OutgoingMessage, SendResult } from '../types';
import type { DingTalkReplyContext } from './decode';
import { sessionBody } from './encode';
import type { DingTalkApi } from './openapi';

/** Do not start a webhook send in the last minute of its life. */
const SESSION_MARGIN_MS = 60_000;

/**
 * One delivery, the same for Stream and HTTP mode: the conversation's sessionWebhook while it
 * is valid (it needs no token and keeps the reply in context), otherwise the robot OpenAPI —
 * group send by conversation id, 1:1 send by staff id.
 */
export async function deliver(api: DingTalkApi, msg: OutgoingMessage, now: number, log: Logger): Promise<SendResult> {
  const ctx = msg.replyTo?.replyContext as DingTalkReplyContext | undefined;
  if (ctx?.sessionWebhook && (ctx.sessionWebhookExpiredTime ?? 0) - now > SESSION_MARGIN_MS) {
    const r = await api.sendBySession(ctx.sessionWebhook, sessionBody(msg.body));
    if (r !== 'session_gone') return r;
    log.info({ outboxId: msg.outboxId }, '钉钉会话 webhook 已失效，改用 OpenAPI 发送');
  }
  return msg.chatType === 'group' ? api.sendToGroup(msg.chatId, msg.body) : api.sendToUser(msg.chatId, msg.body);
}

/** Files and pictures arrive as download codes; the same for Stream and HTTP mode. */
export async function downloadAttachment(api: DingTalkApi, a: Attachment): Promise<{ name: string; data: Buffer }> {
  return { name: a.name ?? 'file', data: await api.download(a.meta?.downloadCode ?? a.ref, a.meta?.robotCode) };
}
