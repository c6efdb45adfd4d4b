import { postJson, type JsonResponse } from '../http-json';
import type { Logger } from 'pino';
import type { OutgoingBody, SendResult } from '../types';
import { randomBytes } from 'node:crypto';
import { remember } from '../memory';
import { type CardTarget, createAndDeliverBody } from './cards';
import { DEFAULT_BOT_NAME, DINGTALK_BODY_LIMIT, openApiMessage } from './encode';

export interface DingTalkEndpoints {
  /** New-style OpenAPI host (robot sends, tokens, file download, Stream gateway). */
  apiBase: string;
  /** Old-style host (legacy /gettoken used by the Stream SDK). */
  oapiBase: string;
}

export const DEFAULT_ENDPOINTS: DingTalkEndpoints = { apiBase: 'https://api.dingtalk.com', oapiBase: 'https://oapi.dingtalk.com' };

export interface DingTalkApiOptions {
  clientId: string;
  clientSecret: string;
  robotCode: string;
  endpoints?: Partial<DingTalkEndpoints>;
  log: Logger;
  now?: () => number;
  /** Wait after "too fast" answers (130101, HTTP 403/429) before trying again. */
  rateLimitBackoffMs?: number;
  timeoutMs?: number;
  /** The robot's display name, for "@name /命令" lines on group cards. */
  botName?: string;
  /** Interactive card template (cards.ts); without it cards are sent as text the user types. */
  cardTemplateId?: string;
}

type Failure = Extract<SendResult, { ok: false }>;

/** Session webhook codes (docs/platforms.md, "DingTalk replies"). */
const SESSION_GONE = 300001;
const SEND_TOO_FAST = 130101;
/** Error codes that mean "slow down", whatever the HTTP status. */
const THROTTLED = /too\.?fast|throttl|qpslimit|flowcontrol|130101/i;
/** Refresh tokens this long before DingTalk says they expire. */
const TOKEN_MARGIN_MS = 5 * 60_000;

type Reply = JsonResponse;

/**
 * The bot's own HTTP client for DingTalk: access token (cached, refreshed before expiry and on
 * InvalidAuthentication), session-webhook replies, OpenAPI group and 1:1 sends, file downloads.
 * Every outcome maps to a SendResult the outbox understands.
 */
export class DingTalkApi {
  readonly endpoints: DingTalkEndpoints;
  private token: { value: string; expiresAt: number } | null = null;
  private refreshing: Promise<string> | null = null;
  /** Where each interactive card went, by outTrackId, so a click lands in the right chat. */
  private readonly cardTargets = new Map<string, CardTarget>();
  private readonly now: () => number;

  constructor(private readonly opts: DingTalkApiOptions) {
    this.endpoints = { ...DEFAULT_ENDPOINTS, ...opts.endpoints };
    this.now = opts.now ?? Date.now;
  }

  get robotCode(): string {
    return this.opts.robotCode;
  }

  get cardTemplateId(): string | undefined {
    return this.opts.cardTemplateId;
  }

  cardTarget(outTrackId: string): CardTarget | undefined {
    return this.cardTargets.get(outTrackId);
  }

  /** Creates and delivers an interactive card into a group or a 1:1 robot chat. */
  sendCard(body: Extract<OutgoingBody, { kind: 'card' }>, target: CardTarget, outboxId: number): Promise<SendResult> {
    const outTrackId = `jf_${outboxId}_${randomBytes(6).toString('hex')}`;
    const request = createAndDeliverBody(body, target, { templateId: this.opts.cardTemplateId ?? '', robotCode: this.opts.robotCode, outTrackId });
    const big = this.oversize(request);
    if (big) return Promise.resolve(big);
    return this.guarded(async () => {
      const r = await this.call('/v1.0/card/instances/createAndDeliver', request);
      if (r.status !== 200) return this.httpFailure(r);
      const results = ((r.json?.result as { deliverResults?: { success?: boolean; errorMsg?: string }[] } | undefined)?.deliverResults) ?? [];
      const failed = results.find((x) => !x.success);
      if (failed) return { ok: false, retryable: false, error: `钉钉卡片投放失败：${failed.errorMsg ?? ''}` };
      remember(this.cardTargets, outTrackId, target);
      return { ok: true };
    });
  }

  get botName(): string {
    return this.opts.botName ?? DEFAULT_BOT_NAME;
  }

  /**
   * Wait before the next try after a "too fast". Fixed, not growing: the outbox keeps a chat's
   * rows in order only while they wait alike (a later row must not overtake an earlier one).
   */
  private get backoff(): number {
    return this.opts.rateLimitBackoffMs ?? 60_000;
  }



  async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt - TOKEN_MARGIN_MS) return this.token.value;
    // Concurrent sends share one refresh instead of stampeding the token endpoint.
    this.refreshing ??= this.fetchToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  invalidateToken(): void {
    this.token = null;
  }

  private async fetchToken(): Promise<string> {
    const r = await this.request(`${this.endpoints.apiBase}/v1.0/oauth2/accessToken`, { appKey: this.opts.clientId, appSecret: this.opts.clientSecret });
    const value = typeof r.json?.accessToken === 'string' ? r.json.accessToken : '';
    if (r.status !== 200 || !value) throw new Error(`获取钉钉 access_token 失败（HTTP ${r.status}${r.json?.message ? `，${String(r.json.message)}` : ''}）`);
    const expireIn = Number(r.json?.expireIn ?? 7200);
    this.token = { value, expiresAt: this.now() + expireIn * 1000 };
    return value;
  }

  private request(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    return postJson(url, body, this.opts.timeoutMs ?? 10_000, headers);
  }

  /** The outbox sizes parts to fit; this catches the rare part that still would not. */
  private oversize(body: unknown): Failure | null {
    const size = Buffer.byteLength(JSON.stringify(body));
    return size > DINGTALK_BODY_LIMIT ? { ok: false, retryable: false, error: `消息编码后 ${size} 字节，超过钉钉 ${DINGTALK_BODY_LIMIT} 字节上限` } : null;
  }

  /** POST with the token header; one retry with a fresh token when DingTalk rejects the old one. */
  private async call(path: string, body: unknown): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const r = await this.request(`${this.endpoints.apiBase}${path}`, body, { 'x-acs-dingtalk-access-token': token });
      if ((r.status === 400 || r.status === 401) && r.json?.code === 'InvalidAuthentication' && attempt === 0) {
        this.opts.log.info('钉钉 access_token 失效，重新获取');
        this.invalidateToken();
        continue;
      }
      return r;
    }
  }

  private httpFailure(r: Reply): Failure {
    const code = String(r.json?.code ?? r.json?.errcode ?? r.status);
    const error = `钉钉错误 HTTP ${r.status} ${code}：${String(r.json?.message ?? r.json?.errmsg ?? '')}`.trim();
    // 403 is how the OpenAPI reports an exhausted QPS quota; 429 is the generic "too many";
    // throttling also comes back as HTTP 400 with a code like send.too.fast (docs/platforms.md).
    if (r.status === 403 || r.status === 429 || THROTTLED.test(code)) return { ok: false, retryable: true, retryAfterMs: this.backoff, error };
    if (r.status >= 500) return { ok: false, retryable: true, error };
    if (code === 'InvalidAuthentication') return { ok: false, retryable: true, error };
    return { ok: false, retryable: false, error };
  }

  private async guarded(work: () => Promise<SendResult>): Promise<SendResult> {
    try {
      return await work();
    } catch (err) {
      return { ok: false, retryable: true, error: `钉钉请求失败：${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Reply through the conversation's sessionWebhook; 'session_gone' asks the caller to use OpenAPI. */
  async sendBySession(url: string, body: Record<string, unknown>): Promise<SendResult | 'session_gone'> {
    const big = this.oversize(body);
    if (big) return big;
    try {
      const r = await this.request(url, body);
      if (r.status !== 200) return this.httpFailure(r);
      const errcode = Number(r.json?.errcode ?? 0);
      if (errcode === 0) return { ok: true };
      if (errcode === SESSION_GONE) return 'session_gone';
      const error = `钉钉错误 ${errcode}：${String(r.json?.errmsg ?? '')}`;
      if (errcode === SEND_TOO_FAST) return { ok: false, retryable: true, retryAfterMs: this.backoff, error };
      return { ok: false, retryable: errcode === -1, error };
    } catch (err) {
      return { ok: false, retryable: true, error: `钉钉请求失败：${err instanceof Error ? err.message : String(err)}` };
    }
  }

  sendToGroup(openConversationId: string, body: OutgoingBody): Promise<SendResult> {
    const request = { ...openApiMessage(body, 'group', this.botName), openConversationId, robotCode: this.opts.robotCode };
    const big = this.oversize(request);
    if (big) return Promise.resolve(big);
    return this.guarded(async () => {
      const r = await this.call('/v1.0/robot/groupMessages/send', request);
      return r.status === 200 ? { ok: true } : this.httpFailure(r);
    });
  }

  sendToUser(userId: string, body: OutgoingBody): Promise<SendResult> {
    const request = { ...openApiMessage(body, 'direct', this.botName), robotCode: this.opts.robotCode, userIds: [userId] };
    const big = this.oversize(request);
    if (big) return Promise.resolve(big);
    return this.guarded(async () => {
      const r = await this.call('/v1.0/robot/oToMessages/batchSend', request);
      if (r.status !== 200) return this.httpFailure(r);
      const list = (k: string) => (Array.isArray(r.json?.[k]) ? (r.json![k] as string[]) : []);
      if (list('flowControlledStaffIdList').includes(userId)) return { ok: false, retryable: true, retryAfterMs: this.backoff, error: '钉钉单聊消息被限流' };
      if (list('invalidStaffIdList').includes(userId)) return { ok: false, retryable: false, error: `钉钉用户 ${userId} 无效或不在机器人可见范围` };
      return { ok: true };
    });
  }

  /** downloadCode → short-lived downloadUrl → bytes. */
  async download(downloadCode: string, robotCode = this.opts.robotCode): Promise<Buffer> {
    const r = await this.call('/v1.0/robot/messageFiles/download', { downloadCode, robotCode });
    const url = typeof r.json?.downloadUrl === 'string' ? r.json.downloadUrl : '';
    if (r.status !== 200 || !url) throw new Error(`获取钉钉文件下载地址失败（HTTP ${r.status}）`);
    const res = await fetch(url, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000) });
    if (!res.ok) throw new Error(`下载钉钉文件失败（HTTP ${res.status}）`);
    return Buffer.from(await res.arrayBuffer());
  }
}
