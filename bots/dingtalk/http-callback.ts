import { createHmac, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Attachment, BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../types';
import { decodeRobotMessage, type RobotPayload } from './decode';
import { textBudget } from './encode';
import { DEFAULT_ENDPOINTS, DingTalkApi, type DingTalkEndpoints } from './openapi';
import { deliver, downloadAttachment } from './outgoing';

export interface DingTalkHttpOptions {
  id?: string;
  clientId: string;
  clientSecret: string;
  robotCode?: string;
  /** Defaults to /dingtalk/callback/<id>. */
  path?: string;
  endpoints?: Partial<DingTalkEndpoints>;
  log: Logger;
  now?: () => number;
  rateLimitBackoffMs?: number;
  /** DingTalk's rule: refuse callbacks whose timestamp is more than an hour off. */
  maxSkewMs?: number;
}

/** sign = base64(HMAC-SHA256(key = appSecret, timestamp + "\n" + appSecret)). */
export function callbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * DingTalk enterprise robot in HTTP mode: DingTalk POSTs each message with `timestamp` and `sign`
 * headers. We check both, store the message and answer at once; replies go out like Stream
 * mode's (sessionWebhook, then OpenAPI).
 */
export class DingTalkHttpAdapter implements BotAdapter {
  readonly platform = 'dingtalk' as const;
  readonly botId: string;
  readonly perChatPerMinute = 20;
  readonly path: string;
  readonly api: DingTalkApi;
  private sink: InboundSink | null = null;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly opts: DingTalkHttpOptions) {
    this.botId = opts.id ?? opts.clientId;
    this.path = opts.path ?? `/dingtalk/callback/${encodeURIComponent(this.botId)}`;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ platform: 'dingtalk', bot: this.botId, mode: 'http' });
    this.api = new DingTalkApi({ ...opts, robotCode: opts.robotCode ?? opts.clientId, endpoints: { ...DEFAULT_ENDPOINTS, ...opts.endpoints }, log: this.log, now: this.now });
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  maxBytes(msg: Pick<OutgoingMessage, 'body'>): number {
    return textBudget(msg.body);
  }

  send(msg: OutgoingMessage): Promise<SendResult> {
    return deliver(this.api, msg, this.now(), this.log);
  }

  download(a: Attachment): Promise<{ name: string; data: Buffer }> {
    return downloadAttachment(this.api, a);
  }

  routes(): { mount(router: Router): void } {
    return { mount: (router: Router) => router.post(this.path, (ctx) => this.receive(ctx)) };
  }

  private refuse(ctx: Context, status: number, error: string, message: string): void {
    ctx.status = status;
    ctx.body = { error, message };
  }

  private async receive(ctx: Context): Promise<void> {
    const timestamp = ctx.get('timestamp');
    const sign = ctx.get('sign');
    const ts = Number(timestamp);
    if (!timestamp || !sign || !Number.isFinite(ts)) return this.refuse(ctx, 401, 'missing_signature', '缺少 timestamp 或 sign');
    if (Math.abs(this.now() - ts) > (this.opts.maxSkewMs ?? 3_600_000)) {
      this.log.warn({ ip: ctx.ip, timestamp }, '钉钉回调时间戳过期');
      return this.refuse(ctx, 401, 'stale_timestamp', '时间戳与当前时间相差超过1小时');
    }
    if (!sameText(callbackSign(timestamp, this.opts.clientSecret), sign)) {
      this.log.warn({ ip: ctx.ip }, '钉钉回调签名校验失败');
      return this.refuse(ctx, 401, 'bad_signature', '签名校验失败');
    }
    const body = (ctx.request as { body?: unknown }).body;
    const payload = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RobotPayload) : null;
    const msg = payload && decodeRobotMessage(payload, { botId: this.botId, now: this.now() });
    if (!msg) return this.refuse(ctx, 400, 'bad_body', '无法识别的消息内容');
    if (!this.sink) return this.refuse(ctx, 503, 'not_ready', '服务尚未就绪');
    try {
      await this.sink.accept(msg);
    } catch (err) {
      this.log.error({ err }, '钉钉回调消息未能保存');
      return this.refuse(ctx, 500, 'internal_error', '服务器内部错误');
    }
    // Empty 200: the answer comes later through the outbox, not in this response.
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.body = '';
  }
}
