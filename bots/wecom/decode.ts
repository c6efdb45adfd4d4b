import type { Attachment, ChatType, IncomingMessage, QuotedMessage } from '../types';

/** What the adapter keeps with an inbound message so the outbox can answer it in-thread. */
export interface WeComReplyContext {
  /** Server req_id of the push; every reply to it must echo it. */
  reqId: string;
  /** 'message' can be answered with a stream; a card click cannot (only updated). */
  via: 'message' | 'card_event';
  /** When the adapter received it (ms), for the 6-minute stream window and the 1 h response_url. */
  receivedAt: number;
  /** HTTP-callback mode: the one-shot reply URL. */
  responseUrl?: string;
}

interface MediaRef {
  url?: string;
  aeskey?: string;
}

interface MixedItem {
  msgtype?: string;
  text?: { content?: string };
  image?: MediaRef;
}

/** The `body` of an aibot_msg_callback / aibot_event_callback frame (also the decrypted HTTP callback). */
export interface WeComBody {
  msgid?: string;
  aibotid?: string;
  chatid?: string;
  chattype?: 'single' | 'group';
  from?: { userid?: string; corpid?: string };
  create_time?: number;
  response_url?: string;
  msgtype?: string;
  text?: { content?: string };
  image?: MediaRef;
  file?: MediaRef & { filename?: string };
  video?: MediaRef;
  voice?: { content?: string };
  mixed?: { msg_item?: MixedItem[] };
  quote?: Omit<WeComBody, 'quote'>;
  event?: {
    eventtype?: string;
    /** Where WeCom puts a click (docs/platforms.md, "WeCom card clicks"). */
    template_card_event?: CardClickFields;
    /** Flat shape of the SDK's TypeScript type; read only as a fallback. */
    event_key?: string;
    task_id?: string;
  };
}

interface CardClickFields {
  card_type?: string;
  event_key?: string;
  task_id?: string;
}

/** The pressed button's key and the card's task_id, from the documented nested shape first. */
export function cardClickOf(body: WeComBody): { key: string; taskId: string; cardType: string } {
  const nested = body.event?.template_card_event;
  return {
    key: nested?.event_key ?? body.event?.event_key ?? '',
    taskId: nested?.task_id ?? body.event?.task_id ?? '',
    cardType: nested?.card_type ?? '',
  };
}

export interface DecodeContext {
  /** The configured bot id (IncomingMessage.botId). */
  botId: string;
  reqId: string;
  now: number;
}

/**
 * Group messages carry the bot's name as literal "@名字" text. The official WeCom plugin
 * drops every "@word"; doing the same keeps "/绑定 社区 人民社区" parseable.
 */
export function stripMentions(text: string): string {
  return text.replace(/@\S+/g, '').trim();
}

function mediaAttachment(kind: Attachment['kind'], m: MediaRef | undefined, name?: string): Attachment | null {
  if (!m?.url) return null;
  const meta: Record<string, string> = { url: m.url };
  if (m.aeskey) meta.aeskey = m.aeskey;
  return { kind, ref: m.url, meta, ...(name ? { name } : {}) };
}

function contentOf(body: Omit<WeComBody, 'quote'>, group: boolean): { text: string; attachments: Attachment[] } {
  const clean = (t: string | undefined) => (group ? stripMentions(t ?? '') : (t ?? '').trim());
  const attachments: Attachment[] = [];
  const add = (a: Attachment | null) => {
    if (a) attachments.push(a);
  };
  switch (body.msgtype) {
    case 'text':
      return { text: clean(body.text?.content), attachments };
    case 'voice':
      // WeCom has already transcribed it; the text is what the user meant.
      return { text: clean(body.voice?.content), attachments };
    case 'mixed': {
      const texts: string[] = [];
      for (const item of body.mixed?.msg_item ?? []) {
        if (item.msgtype === 'text') texts.push(clean(item.text?.content));
        else if (item.msgtype === 'image') add(mediaAttachment('image', item.image));
      }
      return { text: texts.filter(Boolean).join('\n'), attachments };
    }
    case 'image':
      add(mediaAttachment('image', body.image));
      return { text: '', attachments };
    case 'file':
      add(mediaAttachment('file', body.file, body.file?.filename));
      return { text: '', attachments };
    case 'video':
      add(mediaAttachment('video', body.video));
      return { text: '', attachments };
    default:
      return { text: '', attachments };
  }
}

const QUOTE_PLACEHOLDER: Record<string, string> = { image: '[图片]', file: '[文件]', voice: '[语音]', video: '[视频]' };

function quoteOf(q: WeComBody['quote']): QuotedMessage | undefined {
  if (!q?.msgtype) return undefined;
  const { text, attachments } = contentOf(q, false);
  const shown = text || (attachments.length ? QUOTE_PLACEHOLDER[attachments[0].kind] : QUOTE_PLACEHOLDER[q.msgtype] ?? '');
  return shown ? { text: shown } : undefined;
}

function where(body: WeComBody): { chatType: ChatType; chatId: string; senderId: string } {
  const senderId = body.from?.userid ?? '';
  const group = body.chattype === 'group';
  // 1:1 chats have no chatid; the user id is the address for proactive sends.
  return { chatType: group ? 'group' : 'direct', chatId: group ? (body.chatid ?? '') : senderId, senderId };
}

/** Turns a message callback into the core's IncomingMessage; null when it carries nothing usable. */
export function decodeMessage(body: WeComBody, ctx: DecodeContext): IncomingMessage | null {
  if (!body.msgid || !body.msgtype) return null;
  const w = where(body);
  if (!w.senderId || !w.chatId) return null;
  const { text, attachments } = contentOf(body, w.chatType === 'group');
  const replyContext: WeComReplyContext = { reqId: ctx.reqId, via: 'message', receivedAt: ctx.now };
  if (body.response_url) replyContext.responseUrl = body.response_url;
  return {
    platform: 'wecom',
    botId: ctx.botId,
    messageId: body.msgid,
    ...w,
    // Frames carry no display name; '' keeps the name an admin registered.
    senderName: '',
    text,
    // Groups only deliver messages that @ the bot; 1:1 messages are all addressed to it.
    mentioned: true,
    quote: quoteOf(body.quote),
    attachments,
    sentAt: new Date(body.create_time ? body.create_time * 1000 : ctx.now).toISOString(),
    replyContext: replyContext as unknown as Record<string, unknown>,
  };
}

/** A template-card button press becomes the button's text command, marked as a card action. */
export function decodeCardClick(body: WeComBody, command: string, ctx: DecodeContext): IncomingMessage | null {
  if (!body.msgid) return null;
  const w = where(body);
  if (!w.senderId || !w.chatId || !command) return null;
  const replyContext: WeComReplyContext = { reqId: ctx.reqId, via: 'card_event', receivedAt: ctx.now };
  // A click's response_url is its only way to answer in place (docs/platforms.md).
  if (body.response_url) replyContext.responseUrl = body.response_url;
  return {
    platform: 'wecom',
    botId: ctx.botId,
    // Distinct from message ids so a click can never collide with a typed message.
    messageId: `card:${body.msgid}`,
    ...w,
    senderName: '',
    text: command,
    mentioned: true,
    attachments: [],
    sentAt: new Date(body.create_time ? body.create_time * 1000 : ctx.now).toISOString(),
    replyContext: replyContext as unknown as Record<string, unknown>,
    isCardAction: true,
  };
}
