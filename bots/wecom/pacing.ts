import { remember } from '../memory';
import type { SendResult } from '../types';

/**
 * WeCom counts replies and pushes per conversation: at most 30 a minute and 1,000 an hour
 * (docs/platforms.md, "WeCom limits"). The outbox already paces by the minute; the hour window
 * needs memory of its own, kept here so a burst of notices waits instead of being refused.
 */
export const WECOM_CHAT_LIMITS = [
  { windowMs: 60_000, max: 30 },
  { windowMs: 3_600_000, max: 1000 },
] as const;

export class ChatPacer {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly limits: readonly { windowMs: number; max: number }[] = WECOM_CHAT_LIMITS) {}

  /** Milliseconds until this chat may be sent to again; 0 means now. */
  waitMs(chat: string, now: number): number {
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    const recent = (this.sent.get(chat) ?? []).filter((t) => now - t < longest);
    let wait = 0;
    for (const { windowMs, max } of this.limits) {
      const inWindow = recent.filter((t) => now - t < windowMs);
      if (inWindow.length >= max) wait = Math.max(wait, windowMs - (now - inWindow[inWindow.length - max]));
    }
    return wait;
  }

  record(chat: string, now: number): void {
    const list = this.sent.get(chat) ?? [];
    list.push(now);
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    while (list.length && now - list[0] >= longest) list.shift();
    remember(this.sent, chat, list);
  }

  /** Sends now if the chat's limits allow, recording it; otherwise says when to try again. */
  async send(chat: string, now: number, deliver: () => Promise<SendResult>): Promise<SendResult> {
    const wait = this.waitMs(chat, now);
    if (wait > 0) return { ok: false, retryable: true, retryAfterMs: wait, error: '企业微信单个会话每分钟最多30条、每小时最多1000条，稍后发送' };
    const r = await deliver();
    if (r.ok) this.record(chat, now);
    return r;
  }
}
