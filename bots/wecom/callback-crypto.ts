import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

export interface CallbackKeys {
  token: string;
  encodingAESKey: string;
  /** "" for internal intelligent robots (docs/platforms.md, "WeCom callback mode"). */
  receiveId: string;
}

export class CallbackError extends Error {
  constructor(readonly status: 400 | 401, readonly code: string, message: string) {
    super(message);
  }
}

/** 43 base64 characters that decode to a 32-byte AES key; checked at startup so a typo fails loudly. */
export function isValidAesKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(key) && Buffer.from(`${key}=`, 'base64').length === 32;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * WeCom query values are URL-encoded base64; querystring-style parsing would turn "+" into a
 * space and break both the signature and the ciphertext, so only %XX escapes are decoded.
 */
export function parseRawQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of raw.split('&')) {
    if (!pair) continue;
    const i = pair.indexOf('=');
    const k = i < 0 ? pair : pair.slice(0, i);
    const v = i < 0 ? '' : pair.slice(i + 1);
    try {
      out[decodeURIComponent(k)] = decodeURIComponent(v);
    } catch {
      throw new CallbackError(400, 'bad_query', '请求参数编码无效');
    }
  }
  return out;
}

/** Checks msg_signature over (token, timestamp, nonce, ciphertext) and returns the plaintext. */
export function openCallback(keys: CallbackKeys, q: Record<string, string>, ciphertext: string): string {
  const { msg_signature: sig, timestamp, nonce } = q;
  if (!sig || !timestamp || !nonce) throw new CallbackError(400, 'missing_params', '缺少 msg_signature、timestamp 或 nonce');
  if (!ciphertext) throw new CallbackError(400, 'missing_encrypt', '缺少密文');
  if (!sameText(getSignature(keys.token, timestamp, nonce, ciphertext), sig)) throw new CallbackError(401, 'bad_signature', '签名校验失败');
  let plain: { message: string; id: string };
  try {
    plain = decrypt(keys.encodingAESKey, ciphertext);
  } catch {
    throw new CallbackError(400, 'bad_ciphertext', '密文无法解密');
  }
  // @wecom/crypto checks neither padding nor receiver; the receiver check catches a wrong key.
  if (plain.id !== keys.receiveId) throw new CallbackError(400, 'bad_receiver', '密文接收方不匹配');
  return plain.message;
}

/**
 * An encrypted passive reply: {encrypt, msgsignature, timestamp, nonce} (no underscore), signed
 * with the callback URL's own timestamp and nonce as WeCom requires (docs/platforms.md).
 */
export function sealReply(keys: CallbackKeys, plaintext: string, timestamp: string, nonce: string): Record<string, string | number> {
  const enc = encrypt(keys.encodingAESKey, plaintext, keys.receiveId);
  return { encrypt: enc, msgsignature: getSignature(keys.token, timestamp, nonce, enc), timestamp: Number(timestamp), nonce };
}
