import type { IncomingMessage } from 'node:http';

/** Platform callbacks are a few KB; anything far larger is not from the platform. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;

export class BodyTooLarge extends Error {}

/**
 * Reads a request body up to `limit` bytes. Callback routes read their own bodies (the global
 * parser skips them, src/server/http.ts rawBodyPaths) so a forged request costs at most this;
 * the excess is drained unbuffered so the 413 answer still reaches the client.
 */
export function readLimited(req: IncomingMessage, limit = CALLBACK_BODY_LIMIT): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => (over ? reject(new BodyTooLarge(`body > ${limit}`)) : resolve(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}
