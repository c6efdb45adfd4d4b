import crypto from 'node:crypto';

const DAY_MS = 86_400_000;

const mac = (secret: string, text: string) => crypto.createHmac('sha256', secret).update(text).digest('base64url');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Links that open the dashboard or a report's files without a login: path + params + expiry, HMAC-signed. */
export class LinkSigner {
  constructor(private readonly secret: string) {}

  private canonical(path: string, params: Record<string, string>): string {
    const keys = Object.keys(params).filter((k) => k !== 'sig').sort();
    return `${path}?${keys.map((k) => `${k}=${params[k]}`).join('&')}`;
  }

  /** Query string (without '?') valid until now + ttl. */
  sign(path: string, params: Record<string, string>, now: Date, ttlMs = DAY_MS): string {
    const all = { ...params, exp: String(Math.floor((now.getTime() + ttlMs) / 1000)) };
    const q = new URLSearchParams(all);
    q.set('sig', mac(this.secret, this.canonical(path, all)));
    return q.toString();
  }

  /** `signed` names the parameters the signature covers besides exp; others (a page's own switches) may vary. */
  verify(path: string, query: Record<string, unknown>, now: Date, signed: string[] = []): boolean {
    const params: Record<string, string> = {};
    for (const k of [...signed, 'exp', 'sig']) if (typeof query[k] === 'string') params[k] = query[k] as string;
    const exp = Number(params.exp);
    if (!params.sig || !Number.isFinite(exp) || exp * 1000 < now.getTime()) return false;
    return sameText(params.sig, mac(this.secret, this.canonical(path, params)));
  }
}

/** Constant-time comparison of a presented token with the configured one; an empty configured token never matches. */
export function tokenMatches(configured: string, presented: string | undefined): boolean {
  return !!configured && !!presented && sameText(configured, presented);
}
