import { DWClient, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import type { DingTalkEndpoints } from './openapi';

export interface ClientHooks {
  /** Any frame or pong: the socket is alive. */
  onActivity(): void;
  /** SYSTEM "disconnect": the server will close this socket soon. */
  onServerDisconnect(reason: string): void;
  onBadFrame(err: unknown): void;
}

/**
 * The SDK reads its gateway and token URLs from module constants; this subclass (docs/platforms.md,
 * "DingTalk Stream connection") makes both configurable and keeps the SDK's own socket, ack and frame code.
 * It uses fetch, so it cannot fall into the SDK's axios dual-package trap.
 */
export class ConfigurableDWClient extends DWClient {
  constructor(
    opts: { clientId: string; clientSecret: string },
    private readonly endpoints: DingTalkEndpoints,
    private readonly hooks: ClientHooks,
  ) {
    // autoReconnect:false — reconnects are ours (connection.ts); the SDK's loop storms and
    // survives disconnect() (docs/platforms.md). The flag is honoured but missing from its type.
    super({ ...opts, keepAlive: false, debug: false, autoReconnect: false } as ConstructorParameters<typeof DWClient>[0]);
  }

  /** The SDK's live socket (private in its typings). */
  get ws(): WebSocket | undefined {
    return (this as unknown as { socket?: WebSocket }).socket;
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(`${this.endpoints.apiBase}/v1.0/gateway/connections/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: this.config.ua ?? '', subscriptions: this.config.subscriptions }),
      signal: AbortSignal.timeout(10_000),
    });
    const data = (await res.json().catch(() => null)) as { endpoint?: string; ticket?: string; message?: string } | null;
    if (!res.ok || !data?.endpoint || !data.ticket) {
      throw new Error(`钉钉 Stream 网关拒绝连接（HTTP ${res.status}${data?.message ? `，${data.message}` : ''}）`);
    }
    (this as unknown as { dw_url: string }).dw_url = `${data.endpoint}?ticket=${encodeURIComponent(data.ticket)}`;
    (this.config as unknown as { endpoint: unknown }).endpoint = data;
    return this;
  }

  override async getAccessToken(): Promise<string> {
    const q = new URLSearchParams({ appkey: this.config.clientId, appsecret: this.config.clientSecret });
    const res = await fetch(`${this.endpoints.oapiBase}/gettoken?${q}`, { signal: AbortSignal.timeout(10_000) });
    const data = (await res.json().catch(() => null)) as { access_token?: string } | null;
    if (!res.ok || !data?.access_token) throw new Error('getAccessToken: get access_token failed');
    this.config.access_token = data.access_token;
    return data.access_token;
  }

  override onDownStream(data: string): void {
    this.hooks.onActivity();
    // The SDK parses without try/catch; a bad frame would otherwise throw inside the ws handler.
    try {
      super.onDownStream(data);
    } catch (err) {
      this.hooks.onBadFrame(err);
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic === 'disconnect') {
      let reason = '';
      try {
        reason = String((JSON.parse(downstream.data) as { reason?: string }).reason ?? '');
      } catch {
        reason = '';
      }
      this.hooks.onServerDisconnect(reason);
    }
  }

  override heartbeat(): void {
    super.heartbeat();
    this.hooks.onActivity();
  }
}
