import { TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import { ConfigurableDWClient } from './client';
import type { DingTalkEndpoints } from './openapi';

export interface StreamConnectionOptions {
  clientId: string;
  clientSecret: string;
  endpoints: DingTalkEndpoints;
  /** Reconnect when nothing (no frame, no pong) arrived for this long. */
  silenceMs?: number;
  /** How often we ping the server ourselves, so a healthy idle socket is never "silent". */
  pingIntervalMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** How long start() waits for the first connection before carrying on in the background. */
  startTimeoutMs?: number;
  log: Logger;
}

/**
 * Keeps one DingTalk Stream socket alive. SDK 2.1.5's own reconnect is unreliable (it storms on
 * failed upgrades and survives disconnect()), so it is switched off and this supervisor
 * reconnects with capped exponential backoff, on close, on the server's "disconnect" notice,
 * and when a watchdog finds the socket silent for too long (half-open TCP sends nothing at all).
 */
export class StreamConnection {
  readonly client: ConfigurableDWClient;
  connectCount = 0;
  private socket: WebSocket | null = null;
  private lastActivity = 0;
  private lastPing = 0;
  private attempts = 0;
  private connecting: Promise<boolean> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly opts: StreamConnectionOptions, onRobotMessage: (down: DWClientDownStream) => void, onCardCallback?: (down: DWClientDownStream) => void) {
    this.log = opts.log;
    this.client = new ConfigurableDWClient({ clientId: opts.clientId, clientSecret: opts.clientSecret }, opts.endpoints, {
      onActivity: () => {
        this.lastActivity = Date.now();
      },
      onServerDisconnect: (reason) => {
        this.log.info({ reason }, '钉钉通知连接即将关闭，立即换新连接');
        this.recycle();
      },
      onBadFrame: (err) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, '收到无法解析的钉钉帧，已忽略'),
    });
    // Must be registered before connect(): it adds the CALLBACK subscription to the gateway call.
    this.client.registerCallbackListener(TOPIC_ROBOT, onRobotMessage);
    if (onCardCallback) this.client.registerCallbackListener(TOPIC_CARD, onCardCallback);
  }

  get silenceMs(): number {
    return this.opts.silenceMs ?? 60_000;
  }

  get online(): boolean {
    return this.socket?.readyState === 1;
  }

  async start(): Promise<void> {
    this.stopped = false;
    const tick = Math.max(20, Math.min(this.opts.pingIntervalMs ?? 20_000, this.silenceMs / 3));
    this.watchdog = setInterval(() => this.check(), tick);
    const first = this.connect();
    const timeout = new Promise<false>((resolve) => {
      const t = setTimeout(() => resolve(false), this.opts.startTimeoutMs ?? 10_000);
      void first.finally(() => clearTimeout(t));
    });
    if (!(await Promise.race([first, timeout]))) this.log.warn('钉钉 Stream 连接尚未建立，继续在后台重试');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watchdog = this.retryTimer = null;
    await this.connecting;
    const s = this.socket;
    this.socket = null;
    if (!s || s.readyState === 3) return;
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    this.client.disconnect();
    // A server that never answers the close handshake must not hold up shutdown.
    const t = setTimeout(() => s.terminate(), 1000);
    await closed;
    clearTimeout(t);
  }

  /** Acks a callback on the live socket (the server matches by messageId). */
  ack(messageId: string, result: unknown = null): boolean {
    if (!this.online) return false;
    try {
      this.client.socketCallBackResponse(messageId, result);
      return true;
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), messageId }, '钉钉回执发送失败');
      return false;
    }
  }

  /** One connection attempt at a time; resolves true when a socket is open. */
  private connect(): Promise<boolean> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<boolean> {
    if (this.stopped) return false;
    try {
      await this.client.getEndpoint();
      await this.client._connect();
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err), attempt: this.attempts + 1 }, '钉钉 Stream 连接失败，稍后重试');
      this.scheduleRetry();
      return false;
    }
    const s = this.client.ws!;
    if (this.stopped) {
      s.terminate();
      return false;
    }
    this.socket = s;
    this.attempts = 0;
    this.connectCount += 1;
    this.lastActivity = this.lastPing = Date.now();
    s.once('close', () => {
      // A socket we already replaced (recycle) closing is expected, not a reason to reconnect.
      if (this.socket !== s || this.stopped) return;
      this.socket = null;
      this.log.warn('钉钉 Stream 连接断开，正在重连');
      this.scheduleRetry(0);
    });
    this.log.info({ times: this.connectCount }, this.connectCount === 1 ? '钉钉 Stream 连接已建立' : '钉钉 Stream 连接已重新建立');
    return true;
  }

  private scheduleRetry(delayMs?: number): void {
    if (this.stopped || this.retryTimer) return;
    const base = this.opts.reconnectBaseMs ?? 1000;
    const delay = delayMs ?? Math.min(base * 2 ** this.attempts, this.opts.reconnectMaxMs ?? 60_000) + Math.floor(Math.random() * base);
    this.attempts += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }

  /** Drops the current socket and opens a fresh one. */
  private recycle(): void {
    const s = this.socket;
    this.socket = null;
    s?.terminate();
    if (!this.stopped) void this.connect();
  }

  private check(): void {
    if (this.stopped) return;
    const now = Date.now();
    const s = this.socket;
    if (!s) {
      // Covers every path that left us with no socket and no retry pending.
      if (!this.connecting && !this.retryTimer) this.scheduleRetry();
      return;
    }
    if (now - this.lastActivity > this.silenceMs) {
      this.log.warn({ silentMs: now - this.lastActivity }, '钉钉 Stream 连接长时间无响应，主动重连');
      this.recycle();
      return;
    }
    if (now - this.lastPing >= (this.opts.pingIntervalMs ?? 20_000)) {
      this.lastPing = now;
      try {
        s.ping();
      } catch {
        // The close handler deals with a socket that died between checks.
      }
    }
  }
}
