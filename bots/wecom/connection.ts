import { WSClient, type Logger as SdkLogger } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';

export interface WeComConnectionOptions {
  botId: string;
  secret: string;
  /** Defaults to the SDK's wss://openws.work.weixin.qq.com; tests point it at the local fake. */
  wsUrl?: string;
  heartbeatInterval?: number;
  reconnectInterval?: number;
  /** -1 (default) keeps reconnecting: a long-running service should never give up on its channel. */
  maxReconnectAttempts?: number;
  maxAuthFailureAttempts?: number;
  /** How long start() waits for the first successful auth before carrying on in the background. */
  startTimeoutMs?: number;
}

export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline' | 'kicked' | 'failed' | 'stopped';

/** Routes the SDK's console-style logger into pino; its info chatter (every reconnect) goes to debug. */
function sdkLogger(log: Logger): SdkLogger {
  const fmt = (message: string, args: unknown[]) => (args.length ? `${message} ${args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}` : message);
  return {
    debug: (m, ...a) => log.debug(fmt(m, a)),
    info: (m, ...a) => log.debug(fmt(m, a)),
    warn: (m, ...a) => log.warn(fmt(m, a)),
    error: (m, ...a) => log.error(fmt(m, a)),
  };
}

/**
 * Owns one WSClient and its lifecycle. WeCom allows one live long connection per bot: when a
 * newer one authenticates, the server kicks this one with disconnected_event. Fighting back
 * would make two instances kick each other forever, so a kicked connection stays down.
 */
export class WeComConnection {
  readonly client: WSClient;
  state: ConnectionState = 'idle';
  authCount = 0;

  constructor(private readonly opts: WeComConnectionOptions, private readonly log: Logger) {
    this.client = new WSClient({
      botId: opts.botId,
      secret: opts.secret,
      wsUrl: opts.wsUrl,
      heartbeatInterval: opts.heartbeatInterval ?? 30_000,
      reconnectInterval: opts.reconnectInterval ?? 1000,
      maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
      maxAuthFailureAttempts: opts.maxAuthFailureAttempts ?? 5,
      logger: sdkLogger(log),
    });
    this.client.on('authenticated', () => {
      this.authCount += 1;
      this.state = 'online';
      this.log.info({ botId: opts.botId, times: this.authCount }, this.authCount === 1 ? '企业微信长连接已建立' : '企业微信长连接已重新建立');
    });
    this.client.on('disconnected', (reason) => {
      if (this.state === 'stopped' || this.state === 'kicked') return;
      this.state = 'offline';
      this.log.warn({ botId: opts.botId, reason }, '企业微信长连接断开，SDK 将自动重连');
    });
    this.client.on('event.disconnected_event', () => {
      this.state = 'kicked';
      this.log.warn({ botId: opts.botId }, '同一机器人在别处建立了新的长连接，本连接被挤下线，不再重连（请确认只运行一个实例）');
    });
    this.client.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_AUTH_FAILURE_EXHAUSTED' || err.code === 'WS_RECONNECT_EXHAUSTED') {
        this.state = 'failed';
        this.log.error({ botId: opts.botId, err: err.message }, '企业微信长连接放弃重连，请检查 Bot ID、Secret 和网络');
      } else {
        this.log.warn({ botId: opts.botId, err: err.message }, '企业微信长连接出错');
      }
    });
  }

  get online(): boolean {
    return this.state === 'online' && this.client.isConnected;
  }

  /** Connects; resolves on the first auth, on give-up, or after startTimeoutMs (never rejects). */
  async start(): Promise<void> {
    this.state = 'connecting';
    const settled = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('authenticated', done);
        this.client.off('error', onError);
        resolve();
      };
      const onError = () => {
        if (this.state === 'failed') done();
      };
      const timer = setTimeout(() => {
        this.log.warn({ botId: this.opts.botId }, '企业微信长连接尚未建立，继续在后台重试');
        done();
      }, this.opts.startTimeoutMs ?? 10_000);
      this.client.on('authenticated', done);
      this.client.on('error', onError);
    });
    this.client.connect();
    await settled;
  }

  stop(): void {
    const wasStarted = this.state !== 'idle' && this.state !== 'kicked' && this.state !== 'stopped';
    this.state = 'stopped';
    // After a kick the SDK already closed the socket and marked itself stopped.
    if (wasStarted) this.client.disconnect();
  }
}
