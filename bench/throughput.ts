/**
 * Gate throughput: notices judged per second through the whole chat path (sandbox message →
 * inbox → command → gate → stored decision → outbox), beside the anchor of the cheapest
 * command on the same path (/我是谁), so the figure reads as "cost of the gate on top of the
 * message path", measured in the same run on the same SQLite file.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Harness } from '../test/helpers/harness';

async function rate(h: Harness, n: number, text: (i: number) => string, user: string, chat: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await h.send(user, chat, text(i));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return n / s;
}

export async function benchThroughput(): Promise<{ name: string; project: string; anchor: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-bench-'));
  const h = await Harness.start({ url: `sqlite:${path.join(dir, 'bench.db')}`, config: { rules: { frequency: { enabled: false, value: 5 } } } });
  try {
    const basis = h.app.desk.env.admission.items[0].id;
    const n = 200;
    const anchor = await rate(h, n, () => '/我是谁', 'lixia', 'g-minzheng');
    const gate = await rate(h, n, (i) => `/通知 全部社区 请于11月27日前报送第${i}批困难群众名单 依据:${basis}`, 'lixia', 'g-minzheng');
    const line = `gate: ${gate.toFixed(0)} notices/s (3 deliveries each) | anchor /我是谁: ${anchor.toFixed(0)} msgs/s`;
    process.stdout.write(`== throughput (SQLite, ${n} messages each)\n${line}\n`);
    return { name: 'throughput', project: `${gate.toFixed(0)} notices/s`, anchor: `/我是谁 ${anchor.toFixed(0)} msgs/s` };
  } finally {
    await h.stop();
  }
}
