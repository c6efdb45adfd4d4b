import crypto from 'node:crypto';

/**
 * Field encryption for the ledger: AES-256-GCM with a random 96-bit nonce per value, and an HMAC
 * (SHA-256) of identity values so rows can be matched without storing 身份证号 in the clear.
 *
 * Keys come from JIANFU_DATA_KEY (32 bytes as 64 hex digits or base64). During rotation the old
 * key goes into JIANFU_DATA_KEY_PREVIOUS (comma-separated, newest first): values are read with
 * whichever key wrote them (the key id is stored with each value) and the ledger's rekey job
 * rewrites rows under the current key. Without a key, development and tests derive a fixed,
 * publicly known key and log a warning; NODE_ENV=production refuses to start.
 */
export class DataCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly keyId: string;
  private readonly current: Buffer;

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const k of [current, ...previous]) {
      if (k.length !== 32) throw new Error('数据密钥应为 32 字节（64 位十六进制或 base64）');
      this.keys.set(keyIdOf(k), k);
    }
    this.current = current;
    this.keyId = keyIdOf(current);
  }

  encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.current, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1:${this.keyId}:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  decrypt(stored: string): string {
    const [v, kid, iv, tag, body] = stored.split(':');
    const key = this.keys.get(kid);
    if (v !== 'v1' || !key || !iv || !tag || body === undefined) throw new Error('无法解密：密钥不符或数据损坏');
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
  }

  /** Keyed hash of an identity value under the current key; stable for one key, useless without it. */
  identity(value: string): string {
    return crypto.createHmac('sha256', hkdf(this.current, 'jianfu-ledger-identity')).update(value).digest('hex');
  }
}

function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function hkdf(key: Buffer, info: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
}

function parseKey(raw: string): Buffer {
  const s = raw.trim();
  return /^[0-9a-fA-F]{64}$/.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
}

export class MissingKeyError extends Error {}

/** The development key: derived from a public phrase, so data under it is protected from nobody. */
const DEV_KEY = hkdf(Buffer.from('jianfu development key - not secret'), 'jianfu-dev');

export function cipherFromEnv(env: Record<string, string | undefined>, warn: (msg: string) => void): DataCipher {
  const raw = env.JIANFU_DATA_KEY;
  const previous = (env.JIANFU_DATA_KEY_PREVIOUS ?? '').split(',').filter((s) => s.trim()).map(parseKey);
  if (raw) return new DataCipher(parseKey(raw), previous);
  if (env.NODE_ENV === 'production') {
    throw new MissingKeyError('生产环境必须设置 JIANFU_DATA_KEY（32 字节密钥，64 位十六进制），台账敏感字段用它加密');
  }
  warn('未设置 JIANFU_DATA_KEY：台账暂用公开的开发密钥加密，录入真实数据前请设置');
  return new DataCipher(DEV_KEY, previous);
}

/** 110101199003071234 → 1101**********1234; 13812345678 → 138****5678; short values keep one character. */
export function mask(value: string): string {
  const v = value.trim();
  if (v.length >= 15) return v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
  if (v.length >= 7) return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
  if (v.length >= 2) return v[0] + '*'.repeat(v.length - 1);
  return '*';
}
