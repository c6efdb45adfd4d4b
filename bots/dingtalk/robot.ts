import type { Logger } from 'pino';
import type { Attachment, BotAdapter, IncomingMessage, InboundSink, OutgoingMessage, SendResult } from '../types';
import type { DingTalkReplyContext } from './decode';
import { textBudget } from './encode';
import { DEFAULT_ENDPOINTS, DingTalkApi, type DingTalkEndpoints } from './openapi';
import { deliver, downloadAttachment, tellNotStored } from './outgoing';

export interface DingTalkRobotOptions {
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
}

/**
 * What Stream and HTTP mode share: the robot's identity, its OpenAPI client, and the way out
 * (sessionWebhook, then OpenAPI). The modes differ only in how messages come in.
 */
export abstract class DingTalkRobot implements BotAdapter {
  readonly platform = 'dingtalk' as const;
  readonly botId: string;
  /** DingTalk allows a robot 20 messages a minute per conversation. */
  readonly perChatPerMinute = 20;
  readonly api: DingTalkApi;
  protected sink: InboundSink | null = null;
  protected readonly now: () => number;
  protected readonly log: Logger;

  constructor(opts: DingTalkRobotOptions, logFields: Record<string, string> = {}) {
    this.botId = opts.id ?? opts.clientId;
    this.now = opts.now ?? Date.now;
    this.log = opts.log.child({ platform: 'dingtalk', bot: this.botId, ...logFields });
    this.api = new DingTalkApi({ ...opts, robotCode: opts.robotCode ?? opts.clientId, endpoints: { ...DEFAULT_ENDPOINTS, ...opts.endpoints }, log: this.log, now: this.now });
  }

  abstract start(sink: InboundSink): Promise<void>;
  abstract stop(): Promise<void>;

  maxBytes(msg: Pick<OutgoingMessage, 'body'>): number {
    return textBudget(msg.body);
  }

  send(msg: OutgoingMessage): Promise<SendResult> {
    return deliver(this.api, msg, this.now(), this.log);
  }

  download(a: Attachment): Promise<{ name: string; data: Buffer }> {
    return downloadAttachment(this.api, a);
  }

  /**
   * Stores a robot message. Robot callbacks are fire-and-forget (docs/platforms.md): no
   * redelivery will come, so when storing fails the sender is told now, through the webhook
   * the message brought.
   */
  protected async store(sink: InboundSink, msg: IncomingMessage): Promise<void> {
    try {
      await sink.accept(msg);
    } catch (err) {
      this.log.error({ err: err instanceof Error ? err.message : String(err), messageId: msg.messageId }, '钉钉消息未能保存');
      await tellNotStored(this.api, msg.replyContext as DingTalkReplyContext | undefined, this.now(), this.log);
    }
  }
}
