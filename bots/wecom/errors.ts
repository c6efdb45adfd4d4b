import type { SendResult } from '../types';

/** WeCom's generic "api freq out of limit". */
export const WECOM_RATE_LIMIT = 45009;
/** Codes that mean "try again later" without being the message's fault (system busy). */
const TRANSIENT = new Set([-1, 45009, 45033]);

export interface AckFrame {
  errcode: number;
  errmsg?: string;
}

export function isAckFrame(err: unknown): err is AckFrame {
  return typeof err === 'object' && err !== null && typeof (err as AckFrame).errcode === 'number';
}

/** Connection-level failures: the frame may never have reached WeCom, so sending again is right. */
export function isConnectionError(err: unknown): boolean {
  const m = err instanceof Error ? err.message : '';
  return /ack timeout|not connected|cancelled|closed|ECONNRESET|socket/i.test(m);
}

/**
 * Maps a rejected SDK call to a SendResult. The SDK rejects with the raw ack frame on a non-zero
 * errcode and with an Error on timeouts and closed sockets.
 */
export function toSendResult(err: unknown, rateLimitBackoffMs: number): Extract<SendResult, { ok: false }> {
  if (isAckFrame(err)) {
    const error = `企业微信错误 ${err.errcode}：${err.errmsg ?? ''}`.trim();
    if (err.errcode === WECOM_RATE_LIMIT) return { ok: false, retryable: true, retryAfterMs: rateLimitBackoffMs, error };
    return { ok: false, retryable: TRANSIENT.has(err.errcode), error };
  }
  const message = err instanceof Error ? err.message : String(err);
  // Unknown local errors are retried too; the sender parks the row after its attempt limit.
  return { ok: false, retryable: true, error: `企业微信发送失败：${message}` };
}
