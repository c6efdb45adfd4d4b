/**
 * Report cost: computing a week's figures from N stored notices, drawing the chart PNG and
 * writing the xlsx, beside the anchor of the cheapest query over the same rows (COUNT … GROUP
 * BY status), measured in the same run on the same SQLite file.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { addDays, parseLocal } from '../src/calendar/time';
import { renderPng, reportOption } from '../src/monitoring/chart';
import { exportXlsx } from '../src/monitoring/export';
import { weekPeriod } from '../src/monitoring/period';
import type { MonitoringFigures } from '../src/monitoring/unit';
import { Harness } from '../test/helpers/harness';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function best<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let out = { ms: Infinity, value: undefined as T };
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const value = await fn();
    out = { ms: Math.min(out.ms, ms(t0)), value };
  }
  return out;
}

export async function benchReport(): Promise<{ name: string; project: string; anchor: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-bench-'));
  const monday = '2026-11-23';
  const h = await Harness.start({ url: `sqlite:${path.join(dir, 'bench.db')}`, now: `${monday}T08:00:00+08:00`, config: { rules: { frequency: { enabled: false } } } });
  try {
    const n = 600;
    const users = [['lixia', 'g-minzheng'], ['zhaogang', 'g-yingji']];
    for (let i = 0; i < n; i++) {
      // Spread over the week's days and hours, so some are held, some queued out of hours.
      h.clock.set(parseLocal(addDays(monday, i % 6), `${String(7 + (i % 15)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`));
      const [user, chat] = users[i % 2];
      await h.send(user, chat, `/通知 全部社区 请于12月4日前报送第${i}批困难群众名单（姓名、住址、联系电话） 依据:X01`);
    }
    const em = h.app.ds.manager;
    const monitoring = h.app.services.get<MonitoringFigures>('monitoring.figures');
    const period = weekPeriod(monday);
    const figures = await best(3, () => monitoring.figures(em, period));
    const chart = await best(3, async () => renderPng(reportOption(figures.value)));
    const xlsx = await best(3, () => exportXlsx(figures.value));
    const anchor = await best(3, () => em.query('SELECT status, COUNT(*) AS n FROM notice GROUP BY status'));
    const line = `week of ${figures.value.received} notices: figures ${figures.ms.toFixed(0)} ms, chart PNG ${chart.ms.toFixed(0)} ms (${(chart.value.length / 1024).toFixed(0)} KB), `
      + `xlsx ${xlsx.ms.toFixed(0)} ms | anchor COUNT GROUP BY: ${anchor.ms.toFixed(1)} ms`;
    process.stdout.write(`== report (SQLite, best of 3)\n${line}\n`);
    return { name: 'report', project: `figures ${figures.ms.toFixed(0)} ms + chart ${chart.ms.toFixed(0)} ms + xlsx ${xlsx.ms.toFixed(0)} ms for ${figures.value.received} notices`, anchor: `COUNT GROUP BY ${anchor.ms.toFixed(1)} ms` };
  } finally {
    await h.stop();
  }
}
