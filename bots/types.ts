/**
 * The contract between platform adapters and the core. Adapters decode platform frames into
 * IncomingMessage and encode OutgoingMessage; nothing outside bots/ knows a platform.
 */
export type Platform = 'sandbox' | 'wecom' | 'dingtalk';
export type ChatType = 'group' | 'direct';

export interface Attachment {
  kind: 'file' | 'image' | 'voice' | 'video';
  name?: string;
  size?: number;
  /** Platform handle the adapter can turn into bytes (URL + key, download code, sandbox file id). */
  ref: string;
  /** Platform-specific extras needed to fetch it (e.g. WeCom aeskey). */
  meta?: Record<string, string>;
}

export interface QuotedMessage {
  text: string;
  senderName?: string;
}

export interface IncomingMessage {
  platform: Platform;
  /** Which configured bot received it (several bots per platform are allowed). */
  botId: string;
  messageId: string;
  chatId: string;
  chatType: ChatType;
  chatTitle?: string;
  senderId: string;
  senderName: string;
  /** Text with the bot's @mention removed. */
  text: string;
  /** Set by the inbox when text was cut for storage: the original length in characters. */
  textLength?: number;
  mentioned: boolean;
  quote?: QuotedMessage;
  attachments: Attachment[];
  sentAt: string;
  /** Opaque data the adapter needs to reply in-thread (WeCom req_id, DingTalk sessionWebhook…). */
  replyContext?: Record<string, unknown>;
  /** Card button clicks arrive as the button's text command; this marks them. */
  isCardAction?: boolean;
}

export interface CardButton {
  label: string;
  /** The text command the button stands for; typing it does the same thing. */
  command: string;
}

export type OutgoingBody =
  | { kind: 'text'; text: string }
  | { kind: 'markdown'; title?: string; text: string }
  | { kind: 'card'; title: string; body: string; buttons: CardButton[] };

export interface OutgoingMessage {
  platform: Platform;
  botId: string;
  chatId: string;
  chatType: ChatType;
  body: OutgoingBody;
  /** The stored inbound message this answers, with its reply context. */
  replyTo?: { messageId: string; replyContext?: Record<string, unknown> };
  /** Outbox row id: adapters pass it to the platform where idempotency keys exist. */
  outboxId: number;
}

export type SendResult =
  | { ok: true }
  | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/** What an adapter hands the core: record the message, then it may ack. */
export interface InboundSink {
  /** Resolves once the message is durably stored (or known to be a duplicate). */
  accept(msg: IncomingMessage): Promise<{ duplicate: boolean }>;
  /**
   * Records a one-time callback credential until it expires; false when it was already used
   * (a replay). Shared through the database, so every instance agrees.
   */
  claimOnce(credential: string, expiresAt: Date): Promise<boolean>;
}

export interface BotAdapter {
  readonly platform: Platform;
  readonly botId: string;
  start(sink: InboundSink): Promise<void>;
  stop(): Promise<void>;
  send(msg: OutgoingMessage): Promise<SendResult>;
  /** Largest body the platform accepts for this message, in UTF-8 bytes. */
  maxBytes(msg: Pick<OutgoingMessage, 'body' | 'replyTo'>): number;
  /** Sends per minute allowed into one chat; undefined means no known limit. */
  perChatPerMinute?: number;
  /** The platform allows one connection per bot: with several instances only the elected one runs it. */
  readonly exclusive?: boolean;
  /** Fetches an attachment's bytes (decrypted where the platform encrypts them). */
  download?(attachment: Attachment): Promise<{ name: string; data: Buffer }>;
}

export function bodyText(body: OutgoingBody): string {
  switch (body.kind) {
    case 'text':
    case 'markdown':
      return body.text;
    case 'card':
      return `${body.title}\n${body.body}`;
  }
}
