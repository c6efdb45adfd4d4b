import http from 'node:http';
import type { DataSource } from 'typeorm';
import { Message, post } from '../helpers/cluster/cluster';

/**
 * The platform's side of outbound sends for the fault tests: records every send it accepted
 * (by outbox row and by which instance), and can fail a share of them like a platform in a storm.
 */
export class PlatformRecorder {
  readonly accepted: { outboxId: number; chatId: string; by: string }[] = [];
  refused = 0;
  storm = { status503: 0, status429: 0 };
  private constructor(private readonly server: http.Server, readonly url: string) {}

  static async start(delayMs = 0): Promise<PlatformRecorder> {
    let self: PlatformRecorder | null = null;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const r = self!;
        const roll = Math.random();
        const status = roll < r.storm.status503 ? 503 : roll < r.storm.status503 + r.storm.status429 ? 429 : 200;
        setTimeout(() => {
          if (status === 200) r.accepted.push(JSON.parse(body));
          else r.refused++;
          res.writeHead(status).end();
        }, delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    self = new PlatformRecorder(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/send`);
    return self;
  }

  /** Accepted sends per outbox row. */
  counts(): Map<number, { n: number; first: string }> {
    const m = new Map<number, { n: number; first: string }>();
    for (const a of this.accepted) {
      const c = m.get(a.outboxId);
      if (c) c.n++;
      else m.set(a.outboxId, { n: 1, first: a.by });
    }
    return m;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Like a platform: a message refused by (or lost with) one instance is delivered to another. */
export async function postAny(ports: () => number[], m: Message): Promise<boolean> {
  for (let round = 0; round < 5; round++) {
    for (const port of ports()) if (await post(port, m, 1)) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** Waits until no inbound message waits for processing and no outbox row waits for sending. */
export async function quiet(ds: DataSource, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  for (;;) {
    const [{ n }] = await ds.query(`SELECT (SELECT COUNT(*) FROM inbound_message WHERE status = 'received') + (SELECT COUNT(*) FROM outbox_message WHERE status = 'pending') AS n`);
    if (Number(n) === 0) return;
    if (Date.now() > until) throw new Error(`still ${n} messages waiting after ${maxMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const whoAmI = (tag: string, i: number): Message => ({
  messageId: `${tag}-${i}`, userId: `u${i % 50}`, userName: `居民${i % 50}`, chatId: `u${i % 50}`, chatType: 'direct', text: '/我是谁',
});

export const notice = (tag: string, i: number, basis: string): Message => ({
  messageId: `${tag}-${i}`, userId: 'lixia', userName: '李霞', chatId: 'lixia', chatType: 'direct',
  text: `/通知 全部社区 请于11月27日前报送第${i}批困难群众名单 依据:${basis}`,
});
