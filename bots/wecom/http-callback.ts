import type Router from '@koa/router';
import { decryptFile, type TemplateCard } from '@wecom/aibot-node-sdk';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Attachment, BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../types';
import { CallbackError, type CallbackKeys, openCallback, parseRawQuery, sealReply } from './callback-crypto';
import { remember } from '../memory';
import { cardClickOf, decodeCardClick, decodeMessage, type WeComBody, type WeComReplyContext } from './decode';
import { commandFromKey, DEFAULT_WELCOME, doneCard, LONG_CONNECTION_MAX_BYTES, markdownOf, newTaskId, templateCard, WEBHOOK_MARKDOWN_MAX_BYTES } from './encode';
import { ChatPacer } from './pacing';
import { postWeCom, RESPONSE_URL_TTL_MS } from './response-url';
import { BodyTooLarge, readLimited } from '../http-body';

export interface WeComCallbackOptions {
  /** The configured bot id (IncomingMessage.botId) and the last segment of the default path. */
  id: string;
  token: string;
  encodingAESKey: string;
  receiveId?: string;
  /** Defaults to /wecom/callback/<id>. */
  path?: string;
  /**
   * Proactive channel: group-robot webhooks by chat id (full URL or just the key). Callback
   * mode has no other way to speak first, so chats without one can only be answered.
   */
  webhooks?: Record<string, string>;
  webhookBase?: string;
  log: Logger;
  now?: () => number;
  rateLimitBackoffMs?: number;
  welcomeText?: string;
  /** Callbacks whose timestamp is further than this from now are refused (replays, docs/platforms.md). */
  maxSkewMs?: number;
}

const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
/**
 * WeCom intelligent robot in HTTP callback mode. WeCom POSTs encrypted JSON; we verify, decrypt,
 * store and answer at once (WeCom retries anything slower than 5 s). Replies leave later through
 * the message's one-shot response_url, or a configured group webhook.
 */
export class WeComHttpCallbackAdapter implements BotAdapter {
  readonly platform = 'wecom' as const;
  readonly botId: string;
  /** Group-robot webhooks take 20 messages a minute each. */
  readonly perChatPerMinute = 20;
  readonly path: string;
  private sink: InboundSink | null = null;
  private readonly keys: CallbackKeys;
  private readonly usedResponseUrls = new Map<string, true>();
  private readonly cards = new Map<string, TemplateCard>();
  private readonly pacer = new ChatPacer();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly opts: WeComCallbackOptions) {
    this.botId = opts.id;
    this.path = opts.path ?? `/wecom/callback/${encodeURIComponent(opts.id)}`;
    this.keys = { token: opts.token, encodingAESKey: opts.encodingAESKey, receiveId: opts.receiveId ?? '' };
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ platform: 'wecom', bot: this.botId, mode: 'http' });
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  routes(): { mount(router: Router): void; rawBodyPaths: string[] } {
    return {
      mount: (router: Router) => {
        router.get(this.path, (ctx) => this.guard(ctx, () => this.verifyUrl(ctx)));
        router.post(this.path, (ctx) => this.guard(ctx, () => this.receive(ctx)));
      },
      rawBodyPaths: [this.path],
    };
  }

  /** Any failure becomes a JSON error with the right status; nothing escapes to crash a request. */
  private async guard(ctx: Context, handler: () => Promise<void> | void): Promise<void> {
    try {
      await handler();
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        ctx.set('Connection', 'close');
        ctx.status = 413;
        ctx.body = { error: 'too_large', message: '请求体过大' };
        return;
      }
      if (err instanceof CallbackError) {
        if (err.status === 401) this.log.warn({ ip: ctx.ip, code: err.code }, '企业微信回调校验失败');
        ctx.status = err.status;
        ctx.body = { error: err.code, message: err.message };
        return;
      }
      this.log.error({ err }, '企业微信回调处理失败');
      ctx.status = 500;
      ctx.body = { error: 'internal_error', message: '服务器内部错误' };
    }
  }

  /** URL verification: answer the decrypted echostr, plaintext only. */
  private verifyUrl(ctx: Context): void {
    const q = this.freshQuery(ctx);
    const plain = openCallback(this.keys, q, q.echostr ?? '');
    ctx.type = 'text/plain';
    ctx.body = plain;
  }

  /** The query, refused before any body is read when its timestamp is outside the window. */
  private freshQuery(ctx: Context): Record<string, string> {
    const q = parseRawQuery(ctx.querystring);
    const ts = Number(q.timestamp) * 1000;
    if (!q.timestamp || !Number.isFinite(ts)) throw new CallbackError(400, 'missing_params', '缺少 msg_signature、timestamp 或 nonce');
    if (Math.abs(this.now() - ts) > (this.opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) throw new CallbackError(401, 'stale_timestamp', '时间戳与当前时间相差过大');
    return q;
  }

  private async receive(ctx: Context): Promise<void> {
    const q = this.freshQuery(ctx);
    const body = parseBody(await readLimited(ctx.req));
    const ciphertext = typeof body?.encrypt === 'string' ? body.encrypt : '';
    const plain = openCallback(this.keys, q, ciphertext);
    let msg: WeComBody;
    try {
      msg = JSON.parse(plain) as WeComBody;
    } catch {
      throw new CallbackError(400, 'bad_payload', '解密后的内容不是 JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new CallbackError(400, 'bad_payload', '解密后的内容不是 JSON 对象');
    const passive = await this.handle(msg, q.nonce ?? '');
    ctx.status = 200;
    if (passive) {
      // WeCom checks the passive reply against the callback URL's own nonce and timestamp.
      ctx.body = sealReply(this.keys, JSON.stringify(passive), q.timestamp, q.nonce);
    } else {
      ctx.type = 'text/plain';
      ctx.body = '';
    }
  }

  /** Stores what needs storing; returns a passive reply when one is due right now. */
  private async handle(body: WeComBody, nonce: string): Promise<Record<string, unknown> | null> {
    if (!this.sink) throw new Error('adapter not started');
    const ctx = { botId: this.botId, reqId: `http:${body.msgid ?? nonce}`, now: this.now() };
    if (body.msgtype === 'event') {
      const type = body.event?.eventtype;
      if (type === 'enter_chat') return { msgtype: 'text', text: { content: this.opts.welcomeText ?? DEFAULT_WELCOME } };
      const click = type === 'template_card_event' ? cardClickOf(body) : null;
      if (click?.key) {
        const msg = decodeCardClick(body, commandFromKey(click.key), ctx);
        if (msg) await this.sink.accept(msg);
        if (!click.taskId) return null;
        // userids: only the clicker's copy changes, not everyone's in the group.
        const userids = body.from?.userid ? [body.from.userid] : undefined;
        return { response_type: 'update_template_card', ...(userids ? { userids } : {}), template_card: doneCard(this.cards.get(click.taskId), click.taskId, click.key) };
      }
      return null;
    }
    // Stream refresh polls: we never open a stream in callback mode, so there is nothing to say.
    if (body.msgtype === 'stream') return null;
    const msg = decodeMessage(body, ctx);
    if (msg) await this.sink.accept(msg);
    return null;
  }

  /**
   * Media URLs in callbacks hold AES-256-CBC data; without a per-message aeskey the callback's
   * EncodingAESKey is the key (docs/platforms.md, "WeCom media").
   */
  async download(a: Attachment): Promise<{ name: string; data: Buffer }> {
    const res = await fetch(a.meta?.url ?? a.ref, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`下载企业微信文件失败（HTTP ${res.status}）`);
    const data = decryptFile(Buffer.from(await res.arrayBuffer()), a.meta?.aeskey ?? `${this.opts.encodingAESKey}=`);
    const disposition = /filename\*=UTF-8''([^;]+)/i.exec(res.headers.get('content-disposition') ?? '');
    return { name: a.name ?? (disposition ? decodeURIComponent(disposition[1]) : 'file'), data };
  }

  maxBytes(msg: Pick<OutgoingMessage, 'body' | 'replyTo'>): number {
    // Only a reply through an unused response_url may be long. When webhooks exist, a second part
    // (or a used URL) falls back to one, so everything must fit its 4096-byte markdown limit.
    const ctx = msg.replyTo?.replyContext as WeComReplyContext | undefined;
    const hasWebhooks = Object.keys(this.opts.webhooks ?? {}).length > 0;
    return this.canReply(ctx) && !hasWebhooks ? LONG_CONNECTION_MAX_BYTES : WEBHOOK_MARKDOWN_MAX_BYTES;
  }

  private canReply(ctx: WeComReplyContext | undefined): ctx is WeComReplyContext & { responseUrl: string } {
    return !!ctx?.responseUrl && !this.usedResponseUrls.has(ctx.responseUrl) && this.now() - ctx.receivedAt < RESPONSE_URL_TTL_MS;
  }

  send(msg: OutgoingMessage): Promise<SendResult> {
    return this.pacer.send(msg.chatId, this.now(), () => this.deliver(msg));
  }

  private async deliver(msg: OutgoingMessage): Promise<SendResult> {
    const ctx = msg.replyTo?.replyContext as WeComReplyContext | undefined;
    if (this.canReply(ctx)) {
      // One-shot: claim it before the await so a second row for the same message cannot reuse it.
      remember(this.usedResponseUrls, ctx.responseUrl, true);
      let payload: Record<string, unknown>;
      let card: TemplateCard | null = null;
      if (msg.body.kind === 'card') {
        card = templateCard(msg.body, newTaskId(msg.outboxId));
        payload = { msgtype: 'template_card', template_card: card };
      } else {
        payload = { msgtype: 'markdown', markdown: { content: markdownOf(msg.body) } };
      }
      const r = await this.post(ctx.responseUrl, payload);
      if (r.ok) {
        if (card) remember(this.cards, card.task_id!, card);
        return r;
      }
      if (r.retryable) {
        this.usedResponseUrls.delete(ctx.responseUrl);
        return r;
      }
      this.log.info({ error: r.error }, 'response_url 不可用，改走群机器人');
    }
    const hook = this.opts.webhooks?.[msg.chatId];
    if (!hook) return { ok: false, retryable: false, error: '企业微信回调模式下该会话没有主动发送渠道（可在 WECOM_WEBHOOKS 配置群机器人）' };
    const url = /^https?:\/\//.test(hook) ? hook : `${this.opts.webhookBase ?? 'https://qyapi.weixin.qq.com'}/cgi-bin/webhook/send?key=${encodeURIComponent(hook)}`;
    // Group-robot webhooks have no button cards; the markdown lists each button's command.
    return this.post(url, { msgtype: 'markdown', markdown: { content: markdownOf(msg.body) } });
  }

  private post(url: string, payload: unknown): Promise<SendResult> {
    return postWeCom(url, payload, this.opts.rateLimitBackoffMs ?? 60_000);
  }
}

function parseBody(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new CallbackError(400, 'bad_body', '请求体不是 JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CallbackError(400, 'bad_body', '请求体应为 {"encrypt": "..."}');
  return parsed as Record<string, unknown>;
}
