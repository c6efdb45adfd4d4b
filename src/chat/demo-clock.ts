import { MoreThan } from 'typeorm';
import { OutboxMessage } from '../../entities';
import { DemoClock } from '../clock';
import { formatWhen } from '../gate/rules/time-format';
import type { CommandSink } from './registry';

/** 2026-11-28 10:00, 2026/11/28 10:00 or 2026年11月28日 10:00, in Beijing time. */
export function parseDemoTime(raw: string): Date | null {
  const m = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?\s*[T ]?\s*(\d{1,2})[:：](\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const pad = (v: string) => v.padStart(2, '0');
  const at = new Date(`${m[1]}-${pad(m[2])}-${pad(m[3])}T${pad(m[4])}:${m[5]}:00+08:00`);
  return Number.isNaN(at.getTime()) || Number(m[4]) > 23 ? null : at;
}

/**
 * /时间: the demo clock. Refused whenever a real platform is connected, because real groups
 * would then get real notices at invented times.
 */
export function registerDemoClock(r: CommandSink, clock: DemoClock, realPlatforms: () => string[], afterMove: () => void): void {
  r.register({
    name: '时间', summary: '演示时钟：查看、设置或恢复当前时间（仅沙盒）', roles: ['admin'],
    args: [{ name: '操作', optional: true, choices: ['查看', '设置', '恢复'] }, { name: '时间', optional: true, rest: true }],
    examples: ['/时间 设置 2026-11-28 10:00', '/时间 恢复'],
    handler: async (ctx, a) => {
      const op = a['操作'] ?? '查看';
      const show = () => `现在是${formatWhen(clock.now())}${clock.moved ? '（演示时钟）' : ''}。`;
      if (op === '查看') return ctx.reply(show());
      const real = realPlatforms();
      if (real.length) return ctx.reply(`已接入${real.join('、')}，不能修改时间（真实群会按假时间收到通知）。`);
      if (op === '恢复') {
        clock.reset();
        // Messages queued at the demo time would otherwise wait until real time catches up.
        await ctx.em.update(OutboxMessage, { status: 'pending', notBefore: MoreThan(clock.now()) }, { notBefore: clock.now() });
        afterMove();
        return ctx.send(ctx.here, `已恢复真实时间。${show()}`, { notBefore: clock.now() });
      }
      const at = a['时间'] ? parseDemoTime(a['时间']) : null;
      if (!at) return ctx.reply('请写时间，例如：/时间 设置 2026-11-28 10:00');
      clock.set(at);
      await ctx.audit({ action: 'clock.set', entity: 'clock', entityId: 'demo', after: { at: at.toISOString() } });
      afterMove();
      await ctx.reply(`${show()}到点的定时送达和提醒会随之进行。`);
    },
  });
}
