import type { TemplateCard, WsFrame } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';
import type { Attachment, BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../types';
import { WeComConnection, type WeComConnectionOptions } from './connection';
import { remember } from '../memory';
import { cardClickOf, decodeCardClick, decodeMessage, type WeComBody, type WeComReplyContext } from './decode';
import { commandFromKey, DEFAULT_WELCOME, doneCard, LONG_CONNECTION_MAX_BYTES, markdownOf, newTaskId, streamId, templateCard } from './encode';
import { isAckFrame, isConnectionError, toSendResult, WECOM_RATE_LIMIT } from './errors';
import { ChatPacer } from './pacing';
import { postWeCom, RESPONSE_URL_TTL_MS } from './response-url';

/** Said with a refused push: the usual cause is a chat nobody has spoken to the bot in yet. */
export const PUSH_REFUSED_HINT = '企业微信拒绝主动推送：若该群还没有人@过机器人，请在群里@减负助手 发一条消息后重试';

export interface WeComLongConnectionOptions extends WeComConnectionOptions {
  /** The configured bot id (IncomingMessage.botId); defaults to the WeCom Bot ID. */
  id?: string;
  log: Logger;
  /** Wall clock for platform time windows (defaults to Date.now). */
  now?: () => number;
  /** How long to wait after a 45009 "api freq out of limit" before trying again. */
  rateLimitBackoffMs?: number;
  /** A stream must finish within 6 minutes of the user's message; stay safely inside it. */
  replyWindowMs?: number;
  welcomeText?: string;
}

/**
 * WeCom intelligent robot over the long connection. Inbound frames become IncomingMessages
 * (stored through the sink in arrival order); replies go back on the message's req_id as one
 * finished stream or a button card, and everything else is pushed with aibot_send_msg.
 */
export class WeComLongConnectionAdapter implements BotAdapter {
  readonly platform = 'wecom' as const;
  /** WeCom keeps one long connection per bot and kicks the older one. */
  readonly exclusive = true;
  readonly botId: string;
  readonly connection: WeComConnection;
  private sink: InboundSink | null = null;
  private inbound: Promise<void> = Promise.resolve();
  /** req_ids already answered: WeCom takes one reply per message, later parts are pushed. */
  private readonly answered = new Map<string, true>();
  /** Cards we sent, by task_id, so a click can redraw the same card with the button marked. */
  private readonly cards = new Map<string, TemplateCard>();
  private readonly usedResponseUrls = new Map<string, true>();
  private readonly pacer = new ChatPacer();
  /** The outbox paces by the minute; the hour window is the adapter's (pacing.ts). */
  readonly perChatPerMinute = 30;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly opts: WeComLongConnectionOptions) {
    this.botId = opts.id ?? opts.botId;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ platform: 'wecom', bot: this.botId });
    this.connection = new WeComConnection(opts, this.log);
    const client = this.connection.client;
    // Listeners never return a rejected promise: an unhandled rejection would end the process.
    client.on('message', (frame) => this.enqueue(() => this.onMessage(frame as WsFrame<WeComBody>)));
    client.on('event.template_card_event', (frame) => this.enqueue(() => this.onCardClick(frame as WsFrame<WeComBody>)));
    client.on('event.enter_chat', (frame) => {
      client.replyWelcome(frame, { msgtype: 'text', text: { content: this.opts.welcomeText ?? DEFAULT_WELCOME } })
        .catch((err: unknown) => this.log.warn({ err: errorText(err) }, '欢迎语发送失败'));
    });
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    await this.connection.start();
  }

  async stop(): Promise<void> {
    this.connection.stop();
    await this.inbound;
    this.sink = null;
  }

  maxBytes(): number {
    return LONG_CONNECTION_MAX_BYTES;
  }

  async download(a: Attachment): Promise<{ name: string; data: Buffer }> {
    const { buffer, filename } = await this.connection.client.downloadFile(a.meta?.url ?? a.ref, a.meta?.aeskey);
    return { name: filename ?? a.name ?? 'file', data: buffer };
  }

  /** One at a time, so the inbox stores messages in the order WeCom pushed them. */
  private enqueue(task: () => Promise<void>): void {
    this.inbound = this.inbound.then(task).catch((err: unknown) => this.log.error({ err: errorText(err) }, '处理企业微信消息失败'));
  }

  private async onMessage(frame: WsFrame<WeComBody>): Promise<void> {
    const body = frame.body;
    if (!body || !this.sink) return;
    const msg = decodeMessage(body, { botId: this.botId, reqId: frame.headers.req_id, now: this.now() });
    if (!msg) {
      this.log.debug({ msgtype: body.msgtype }, '忽略无法识别的企业微信消息');
      return;
    }
    try {
      await this.sink.accept(msg);
    } catch (err) {
      // Not stored, and WeCom does not redeliver: tell the user rather than stay silent.
      this.log.error({ err: errorText(err), messageId: msg.messageId }, '企业微信消息未能保存');
      await this.connection.client.replyStream(frame, `jf_err_${Date.now().toString(36)}`, '系统繁忙，消息未能记录，请稍后再发一次。', true).catch(() => undefined);
    }
  }

  private async onCardClick(frame: WsFrame<WeComBody>): Promise<void> {
    const body = frame.body;
    if (!body || !this.sink) return;
    const { key, taskId } = cardClickOf(body);
    if (!key) {
      this.log.warn({ msgid: body.msgid }, '卡片点击事件缺少 event_key，已忽略');
      return;
    }
    // The update must reach WeCom within 5 s of the click, so it does not wait for the inbox;
    // userids limits it to the clicker, so a group card does not change for everyone.
    if (taskId) {
      this.connection.client.updateTemplateCard(frame, doneCard(this.cards.get(taskId), taskId, key), body.from?.userid ? [body.from.userid] : undefined)
        .catch((err: unknown) => this.log.warn({ err: errorText(err), taskId }, '更新卡片失败'));
    }
    const msg = decodeCardClick(body, commandFromKey(key), { botId: this.botId, reqId: frame.headers.req_id, now: this.now() });
    if (msg) await this.sink.accept(msg);
  }

  send(msg: OutgoingMessage): Promise<SendResult> {
    return this.pacer.send(msg.chatId, this.now(), () => this.deliver(msg));
  }

  private async deliver(msg: OutgoingMessage): Promise<SendResult> {
    const ctx = msg.replyTo?.replyContext as WeComReplyContext | undefined;
    if (ctx?.via === 'message' && ctx.reqId && !this.answered.has(ctx.reqId) && this.now() - ctx.receivedAt < (this.opts.replyWindowMs ?? 5.5 * 60_000)) {
      const replied = await this.reply(ctx.reqId, msg);
      if (replied) return replied;
    }
    if (ctx?.via === 'card_event' && ctx.responseUrl && !this.usedResponseUrls.has(ctx.responseUrl) && this.now() - ctx.receivedAt < RESPONSE_URL_TTL_MS) {
      const answered = await this.answerClick(ctx.responseUrl, msg);
      if (answered) return answered;
    }
    return this.push(msg);
  }

  /** A click that carried a response_url is answered through it once; null means "push instead". */
  private async answerClick(url: string, msg: OutgoingMessage): Promise<SendResult | null> {
    remember(this.usedResponseUrls, url, true);
    const card = msg.body.kind === 'card' ? templateCard(msg.body, newTaskId(msg.outboxId)) : null;
    const payload = card ? { msgtype: 'template_card', template_card: card } : { msgtype: 'markdown', markdown: { content: markdownOf(msg.body) } };
    const r = await postWeCom(url, payload, this.backoff());
    if (r.ok && card) remember(this.cards, card.task_id!, card);
    if (r.ok || r.retryable) {
      if (!r.ok) this.usedResponseUrls.delete(url);
      return r;
    }
    this.log.info({ error: r.error }, 'response_url 不可用，改为主动发送');
    return null;
  }

  /** Answers on the message's req_id; null means "cannot reply, push instead". */
  private async reply(reqId: string, msg: OutgoingMessage): Promise<SendResult | null> {
    const client = this.connection.client;
    const frame = { headers: { req_id: reqId } };
    try {
      if (msg.body.kind === 'card') {
        const card = templateCard(msg.body, newTaskId(msg.outboxId));
        await client.replyTemplateCard(frame, card);
        remember(this.cards, card.task_id!, card);
      } else {
        const content = markdownOf(msg.body);
        await client.replyStream(frame, streamId(msg.outboxId, content), content, true);
      }
      remember(this.answered, reqId, true);
      return { ok: true };
    } catch (err) {
      // Rate limits and dropped sockets are worth retrying on the same req_id later.
      if ((isAckFrame(err) && err.errcode === WECOM_RATE_LIMIT) || isConnectionError(err)) return toSendResult(err, this.backoff());
      this.log.info({ err: errorText(err), reqId }, '无法回复原消息，改为主动发送');
      remember(this.answered, reqId, true);
      return null;
    }
  }

  private async push(msg: OutgoingMessage): Promise<SendResult> {
    const client = this.connection.client;
    try {
      if (msg.body.kind === 'card') {
        const card = templateCard(msg.body, newTaskId(msg.outboxId));
        await client.sendMessage(msg.chatId, { msgtype: 'template_card', template_card: card });
        remember(this.cards, card.task_id!, card);
      } else {
        await client.sendMessage(msg.chatId, { msgtype: 'markdown', markdown: { content: markdownOf(msg.body) } });
      }
      return { ok: true };
    } catch (err) {
      const r = toSendResult(err, this.backoff());
      // Refused for good: the parked row's notice to the admin group carries the likely fix.
      return r.retryable ? r : { ...r, error: `${PUSH_REFUSED_HINT}（${r.error}）` };
    }
  }

  private backoff(): number {
    return this.opts.rateLimitBackoffMs ?? 60_000;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (isAckFrame(err)) return `errcode ${err.errcode} ${err.errmsg ?? ''}`.trim();
  return String(err);
}
