import { postJson } from '../http-json';
import type { SendResult } from '../types';
import { WECOM_RATE_LIMIT } from './errors';

/** response_url lives one hour (docs/platforms.md); leave a margin for the send itself. */
export const RESPONSE_URL_TTL_MS = 55 * 60_000;

/** POSTs to a WeCom HTTP endpoint (response_url, group-robot webhook) and maps the answer. */
export async function postWeCom(url: string, payload: unknown, rateLimitBackoffMs: number): Promise<SendResult> {
  try {
    const { status, json } = await postJson(url, payload);
    const errcode = typeof json?.errcode === 'number' ? json.errcode : status >= 400 ? status : 0;
    if (status < 400 && errcode === 0) return { ok: true };
    const error = `企业微信错误 ${errcode}：${String(json?.errmsg ?? '')}`;
    if (errcode === WECOM_RATE_LIMIT || status === 429) return { ok: false, retryable: true, retryAfterMs: rateLimitBackoffMs, error };
    return { ok: false, retryable: status >= 500 || errcode === -1, error };
  } catch (err) {
    return { ok: false, retryable: true, error: `企业微信请求失败：${err instanceof Error ? err.message : String(err)}` };
  }
}
