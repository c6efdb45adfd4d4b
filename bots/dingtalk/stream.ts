import type { DWClientDownStream } from 'dingtalk-stream';
import type { InboundSink } from '../types';
import { clickedCardUpdate, decodeCardCallback, type CardCallback } from './cards';
import { StreamConnection } from './connection';
import { decodeRobotMessage, type RobotPayload } from './decode';
import { DingTalkRobot, type DingTalkRobotOptions } from './robot';

export interface DingTalkStreamOptions extends DingTalkRobotOptions {
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
export class DingTalkStreamAdapter extends DingTalkRobot {
  readonly connection: StreamConnection;
  private inbound: Promise<void> = Promise.resolve();

  constructor(opts: DingTalkStreamOptions) {
    super(opts);
    // The SDK emits synchronously and does not catch: listeners must never throw or reject.
    const queue = (handle: (down: DWClientDownStream) => Promise<void>) => (down: DWClientDownStream) => {
      this.inbound = this.inbound.then(() => handle(down)).catch((err: unknown) => {
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, '处理钉钉消息失败');
      });
    };
    this.connection = new StreamConnection({ ...opts, endpoints: this.api.endpoints, log: this.log }, queue((d) => this.onRobotMessage(d)), opts.cardTemplateId ? queue((d) => this.onCardCallback(d)) : undefined);
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
    await this.store(this.sink, msg);
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
