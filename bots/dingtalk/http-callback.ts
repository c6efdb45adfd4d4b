import { createHmac, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { InboundSink } from '../types';
import { BodyTooLarge, readLimited } from '../http-body';
import { decodeRobotMessage, type RobotPayload } from './decode';
import { DingTalkRobot, type DingTalkRobotOptions } from './robot';

export interface DingTalkHttpOptions extends DingTalkRobotOptions {
  /** Defaults to /dingtalk/callback/<id>. */
  path?: string;
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
 * headers. The sign covers only the timestamp, so a (timestamp, sign) pair is accepted once
 * within its validity window, recorded in the database (docs/platforms.md); all of this is
 * checked before the body is read. Replies go out like Stream mode's (sessionWebhook, then OpenAPI).
 */
export class DingTalkHttpAdapter extends DingTalkRobot {
  readonly path: string;

  constructor(private readonly opts: DingTalkHttpOptions) {
    super(opts, { mode: 'http' });
    this.path = opts.path ?? `/dingtalk/callback/${encodeURIComponent(this.botId)}`;
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
  }

  routes(): { mount(router: Router): void; rawBodyPaths: string[] } {
    return { mount: (router: Router) => router.post(this.path, (ctx) => this.receive(ctx)), rawBodyPaths: [this.path] };
  }

  private refuse(ctx: Context, status: number, error: string, message: string): void {
    ctx.status = status;
    ctx.body = { error, message };
  }

  private async receive(ctx: Context): Promise<void> {
    const timestamp = ctx.get('timestamp');
    const sign = ctx.get('sign');
    const ts = Number(timestamp);
    const window = this.opts.maxSkewMs ?? 3_600_000;
    if (!timestamp || !sign || !Number.isFinite(ts)) return this.refuse(ctx, 401, 'missing_signature', '缺少 timestamp 或 sign');
    if (Math.abs(this.now() - ts) > window) {
      this.log.warn({ ip: ctx.ip, timestamp }, '钉钉回调时间戳过期');
      return this.refuse(ctx, 401, 'stale_timestamp', '时间戳与当前时间相差超过1小时');
    }
    if (!sameText(callbackSign(timestamp, this.opts.clientSecret), sign)) {
      this.log.warn({ ip: ctx.ip }, '钉钉回调签名校验失败');
      return this.refuse(ctx, 401, 'bad_signature', '签名校验失败');
    }
    if (!this.sink) return this.refuse(ctx, 503, 'not_ready', '服务尚未就绪');
    // After the sign check, so forged requests cannot fill the table; kept until the timestamp
    // itself would be refused as stale.
    if (!(await this.sink.claimOnce(`dingtalk:${this.botId}:${timestamp}:${sign}`, new Date(ts + window)))) {
      this.log.warn({ ip: ctx.ip, timestamp }, '钉钉回调签名被重复使用，已拒绝');
      return this.refuse(ctx, 401, 'replayed', '签名已使用过');
    }
    let raw: Buffer;
    try {
      raw = await readLimited(ctx.req);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      ctx.set('Connection', 'close');
      return this.refuse(ctx, 413, 'too_large', '请求体过大');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = null;
    }
    const payload = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as RobotPayload) : null;
    const msg = payload && decodeRobotMessage(payload, { botId: this.botId, now: this.now() });
    if (!msg) return this.refuse(ctx, 400, 'bad_body', '无法识别的消息内容');
    await this.store(this.sink, msg);
    // Empty 200: the answer comes later through the outbox, not in this response.
    ctx.status = 200;
    ctx.type = 'application/json';
    ctx.body = '';
  }
}
