import type { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { Complaint } from '../../entities/complaint';
import { WorkChannel } from '../../entities/work-channel';
import type { CommandContext } from '../chat/context';
import type { Unit } from '../unit';
import { channelCommands } from './channels';
import { ComplaintDesk } from './complaints';
import { computeFigures, type Figures } from './figures';
import { createMetrics } from './metrics';
import { Monitoring1764600000000 } from './migrations/1764600000000-Monitoring';
import type { Period } from './period';
import { pushWeeklyReport, reportCommand, type ReportDeps } from './report';
import { monitoringRoutes } from './routes';
import { monitoringSettings } from './settings';
import { LinkSigner } from './sign';

/** Figures other units (or a CLI) may read: the same numbers the reports show. */
export interface MonitoringFigures {
  figures(em: EntityManager, period: Period): Promise<Figures>;
}

/**
 * Burden monitoring: weekly and monthly reports with a chart and an xlsx, the dashboard, the
 * anonymous 反映 channel, the register of work groups and apps, and /metrics. It only reads
 * what the gate (and, when present, the ledger and whistle desk) stored.
 */
export const monitoringUnit: Unit = {
  name: 'monitoring',
  entities: [Complaint, WorkChannel],
  migrations: [Monitoring1764600000000],
  setup: ({ config, calendar, services, clock, log, db }) => {
    const settings = monitoringSettings(config);
    const signer = new LinkSigner(settings.linkSecret);
    const figures = (em: EntityManager, period: Period) => computeFigures(em, period, { cal: calendar.cal, settings, services });
    services.provide<MonitoringFigures>('monitoring.figures', { figures });
    const reports: ReportDeps = { figures, cal: calendar.cal, settings, signer };
    const complaints = new ComplaintDesk(settings.complaintsPerDay);
    let registry: Registry | null = null;

    const dashboardLink = async (ctx: CommandContext) => {
      const url = `${settings.publicUrl}/dashboard?${signer.sign('/dashboard', {}, ctx.now)}`;
      await ctx.sendToMember(ctx.member, `减负监测看板（24小时内有效，请勿转发）：\n${url}`);
      if (ctx.msg.chatType === 'group') await ctx.reply('看板链接已私信发给你。');
    };

    return {
      commands: [
        { name: '周报', summary: '本周（或上周、指定周）的减负周报', roles: 'any', args: [{ name: '周', optional: true }], examples: ['/周报', '/周报 上周', '/周报 2026-11-23'], handler: (ctx, a) => reportCommand(ctx, reports, 'week', a['周'] ?? '') },
        { name: '月报', summary: '本月（或上月、指定月）的减负月报', roles: 'any', args: [{ name: '月', optional: true }], examples: ['/月报', '/月报 上月', '/月报 2026-11'], handler: (ctx, a) => reportCommand(ctx, reports, 'month', a['月'] ?? '') },
        { name: '看板', summary: '获取减负监测看板链接（私信，24小时有效）', roles: ['admin'], handler: dashboardLink },
        ...complaints.commands(),
        ...channelCommands(),
      ],
      jobs: [
        { name: 'weekly-report', run: (em, now) => pushWeeklyReport(em, now, reports) },
      ],
      routes: [monitoringRoutes({
        db, clock, log, signer, settings, figures,
        // Built on first scrape: default metrics start timers, and most test apps never scrape.
        metrics: () => (registry ??= createMetrics(db, services)),
      })],
    };
  },
};
