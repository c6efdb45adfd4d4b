import type { DWClientDownStream } from 'dingtalk-stream';
import type { Logger } from 'pino';
import type { Attachment, BotAdapter, InboundSink, OutgoingMessage, SendResult } from '../types';
import { clickedCardUpdate, decodeCardCallback, type CardCallback } from './cards';
import { StreamConnection } from './connection';
import { decodeRobotMessage, type DingTalkReplyContext, type RobotPayload } from './decode';
import { textBudget } from './encode';
import { DingTalkApi, DEFAULT_ENDPOINTS, type DingTalkEndpoints } from './openapi';
import { deliver, downloadAttachment, tellNotStored } from './outgoing';

export interface DingTalkStreamOptions {
  /** The configured bot id (IncomingMessage.botId); defaults to the client id. */
  id?: string;
  clientId: string;
  clientSecret: string;
  /** For internal apps the robot code is the client id. */
  robotCode?: string;
  endpoints?: Partial<DingTalkEndpoints>;
  log: Logger;
  now?: () => number;
  rateLimitBackoffMs?: number;
  /** The robot's display name in DingTalk (group cards say "@name /命令"). */
  botName?: string;
  /** Interactive card template id: cards get real buttons, clicked in groups without an @ (cards.ts). */
  cardTemplateId?: string;
  silenceMs?: number;
  pingIntervalMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  startTimeoutMs?: number;
}

/**
 * DingTalk enterprise robot in Stream mode. Robot callbacks are stored through the sink in
 * arrival order and acked only once stored; replies and pushes go over HTTP (the Stream socket
 * cannot carry IM messages).
 */
export class DingTalkStreamAdapter implements BotAdapter {
  readonly platform = 'dingtalk' as const;
  readonly botId: string;
  /** DingTalk allows a robot 20 messages a minute per conversation. */
  readonly perChatPerMinute = 20;
  readonly api: DingTalkApi;
  readonly connection: StreamConnection;
  private sink: InboundSink | null = null;
  private inbound: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(opts: DingTalkStreamOptions) {
    this.botId = opts.id ?? opts.clientId;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ platform: 'dingtalk', bot: this.botId });
    const endpoints = { ...DEFAULT_ENDPOINTS, ...opts.endpoints };
    this.api = new DingTalkApi({ ...opts, robotCode: opts.robotCode ?? opts.clientId, endpoints, log: this.log, now: this.now });
    // The SDK emits synchronously and does not catch: listeners must never throw or reject.
    const queue = (handle: (down: DWClientDownStream) => Promise<void>) => (down: DWClientDownStream) => {
      this.inbound = this.inbound.then(() => handle(down)).catch((err: unknown) => {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, '处理钉钉消息失败');
      });
    };
    this.connection = new StreamConnection({ ...opts, endpoints, log: this.log }, queue((d) => this.onRobotMessage(d)), opts.cardTemplateId ? queue((d) => this.onCardCallback(d)) : undefined);
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    await this.connection.start();
  }

  async stop(): Promise<void> {
    await this.connection.stop();
    await this.inbound;
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

  private async onRobotMessage(down: DWClientDownStream): Promise<void> {
    const messageId = down.headers?.messageId;
    let payload: RobotPayload | null = null;
    try {
      payload = JSON.parse(down.data) as RobotPayload;
    } catch {
      payload = null;
    }
    const msg = payload && decodeRobotMessage(payload, { botId: this.botId, now: this.now() });
    if (!msg) {
      // Nothing we could ever store: ack so the platform does not keep re-pushing it.
      this.log.warn({ messageId }, '收到无法识别的钉钉机器人消息，已忽略');
      if (messageId) this.connection.ack(messageId);
      return;
    }
    if (!this.sink) return;
    try {
      await this.sink.accept(msg);
    } catch (err) {
      // Robot callbacks are fire-and-forget (docs/platforms.md): no redelivery will come, so
      // the sender is told now through the webhook the message brought.
      this.log.error({ err: err instanceof Error ? err.message : String(err), messageId: msg.messageId }, '钉钉消息未能保存');
      await tellNotStored(this.api, msg.replyContext as DingTalkReplyContext | undefined, this.now(), this.log);
    }
    if (messageId) this.connection.ack(messageId);
  }

  private async onCardCallback(down: DWClientDownStream): Promise<void> {
    const messageId = down.headers?.messageId ?? '';
    let data: CardCallback | null = null;
    try {
      data = JSON.parse(down.data) as CardCallback;
    } catch {
      data = null;
    }
    const msg = data && decodeCardCallback(data, { botId: this.botId, deliveryId: messageId, now: this.now(), sentTo: this.api.cardTarget(data.outTrackId ?? '') });
    if (msg && this.sink) {
      try {
        await this.sink.accept(msg);
      } catch (err) {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, '钉钉卡片点击未能保存');
      }
    } else if (!msg) {
      this.log.warn({ messageId }, '收到无法识别的钉钉卡片回调，已忽略');
    }
    // The clicker's copy shows the choice; the command's answer arrives as a message.
    if (messageId) this.connection.ack(messageId, msg ? clickedCardUpdate(msg.text) : {});
  }
}
