import type { Attachment, ChatType, IncomingMessage, QuotedMessage } from '../types';

/** What a reply needs: the per-conversation webhook while it lives, then OpenAPI by chat id. */
export interface DingTalkReplyContext {
  sessionWebhook?: string;
  /** ms since epoch, from the platform. */
  sessionWebhookExpiredTime?: number;
  senderStaffId?: string;
  conversationType: '1' | '2';
}

interface RichTextItem {
  text?: string;
  type?: string;
  downloadCode?: string;
  pictureDownloadCode?: string;
}

/** The robot callback payload (the Stream frame's `data`, or the HTTP-mode request body). */
export interface RobotPayload {
  msgId?: string;
  msgtype?: string;
  conversationId?: string;
  conversationType?: string;
  conversationTitle?: string;
  senderStaffId?: string;
  senderId?: string;
  senderNick?: string;
  isInAtList?: boolean;
  sessionWebhook?: string;
  sessionWebhookExpiredTime?: number;
  createAt?: number;
  robotCode?: string;
  text?: { content?: string; isReplyMsg?: boolean; repliedMsg?: { content?: { text?: string }; senderNick?: string; msgType?: string } };
  content?: {
    downloadCode?: string;
    pictureDownloadCode?: string;
    fileName?: string;
    recognition?: string;
    richText?: RichTextItem[];
  };
}

function attachment(kind: Attachment['kind'], code: string | undefined, robotCode: string | undefined, name?: string): Attachment | null {
  if (!code) return null;
  const meta: Record<string, string> = { downloadCode: code };
  if (robotCode) meta.robotCode = robotCode;
  return { kind, ref: code, meta, ...(name ? { name } : {}) };
}

/** A signed callback may still carry any JSON type where the protocol says string. */
const asText = (v: unknown): string => (typeof v === 'string' ? v : '');

function contentOf(p: RobotPayload): { text: string; attachments: Attachment[] } {
  const attachments: Attachment[] = [];
  const add = (a: Attachment | null) => {
    if (a) attachments.push(a);
  };
  const c = p.content ?? {};
  switch (p.msgtype) {
    case 'text':
      // DingTalk removes the bot's @name but leaves the space before the text.
      return { text: asText(p.text?.content).trim(), attachments };
    case 'richText': {
      const texts: string[] = [];
      for (const item of Array.isArray(c.richText) ? c.richText : []) {
        if (asText(item?.text)) texts.push(asText(item.text));
        else add(attachment('image', item.downloadCode ?? item.pictureDownloadCode, p.robotCode));
      }
      return { text: texts.join('').trim(), attachments };
    }
    case 'picture':
      add(attachment('image', c.downloadCode ?? c.pictureDownloadCode, p.robotCode));
      return { text: '', attachments };
    case 'file':
      add(attachment('file', c.downloadCode, p.robotCode, c.fileName));
      return { text: '', attachments };
    case 'audio':
      // The platform's transcription is what the user said.
      add(attachment('voice', c.downloadCode, p.robotCode));
      return { text: asText(c.recognition).trim(), attachments };
    case 'video':
      add(attachment('video', c.downloadCode, p.robotCode));
      return { text: '', attachments };
    default:
      return { text: '', attachments };
  }
}

function quoteOf(p: RobotPayload): QuotedMessage | undefined {
  const r = p.text?.isReplyMsg ? p.text.repliedMsg : undefined;
  const text = asText(r?.content?.text).trim();
  return text ? { text, ...(r?.senderNick ? { senderName: r.senderNick } : {}) } : undefined;
}

export interface DecodeContext {
  botId: string;
  now: number;
}

/** Robot callback → IncomingMessage; null when it lacks the ids needed to store and answer it. */
export function decodeRobotMessage(p: RobotPayload, ctx: DecodeContext): IncomingMessage | null {
  if (!p.msgId || typeof p.msgId !== 'string') return null;
  const group = p.conversationType === '2';
  const chatType: ChatType = group ? 'group' : 'direct';
  // Outside the org there is no staff id; the encrypted sender id is still stable per user.
  const senderId = asText(p.senderStaffId) || asText(p.senderId);
  // 1:1: the user is the address, so the core can reach them later without the conversation id.
  const chatId = group ? asText(p.conversationId) : senderId;
  if (!senderId || !chatId) return null;
  const { text, attachments } = contentOf(p);
  const replyContext: DingTalkReplyContext = {
    sessionWebhook: p.sessionWebhook,
    sessionWebhookExpiredTime: p.sessionWebhookExpiredTime,
    senderStaffId: p.senderStaffId,
    conversationType: group ? '2' : '1',
  };
  return {
    platform: 'dingtalk',
    botId: ctx.botId,
    messageId: p.msgId,
    chatId,
    chatType,
    chatTitle: p.conversationTitle,
    senderId,
    senderName: p.senderNick ?? '',
    text,
    mentioned: group ? p.isInAtList !== false : true,
    quote: quoteOf(p),
    attachments,
    sentAt: new Date(p.createAt ?? ctx.now).toISOString(),
    replyContext: replyContext as unknown as Record<string, unknown>,
  };
}
