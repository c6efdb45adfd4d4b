import crypto from 'node:crypto';
import fs from 'node:fs';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { addDays, localDate } from '../calendar/time';
import type { Clock } from '../clock';
import type { Db } from '../db';
import type { RouteModule } from '../server/http';
import { renderPng, reportOption } from './chart';
import { dashboardHtml, DASHBOARD_JS } from './dashboard-page';
import { exportXlsx } from './export';
import type { Figures } from './figures';
import { monthPeriod, type Period, periodFromKey, weekPeriod } from './period';
import type { MonitoringSettings } from './settings';
import { type LinkSigner, tokenMatches } from './sign';

export interface RouteDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  signer: LinkSigner;
  settings: MonitoringSettings;
  figures(em: EntityManager, period: Period): Promise<Figures>;
  metrics(): Registry;
}

const ECHARTS = require.resolve('echarts/dist/echarts.min.js');
const RANGES = ['week', 'lastWeek', 'month', 'lastMonth'] as const;
const WEEKS_SHOWN = 8;
type Range = (typeof RANGES)[number];

function periodFor(range: Range, now: Date): Period {
  const today = localDate(now);
  if (range === 'week') return weekPeriod(today);
  if (range === 'lastWeek') return weekPeriod(addDays(today, -7));
  if (range === 'lastMonth') return monthPeriod(addDays(`${today.slice(0, 8)}01`, -1));
  return monthPeriod(today);
}

const denied = () => Object.assign(new Error('链接无效或已过期，请在机器人中发送 /看板 获取新链接'), { status: 403, expose: true });

/**
 * Each request gets an id (the caller's X-Request-Id when it looks sane) that is echoed back and
 * put on every log line, so a report link that failed can be found in the logs.
 */
function traced(log: Logger, handler: (ctx: Context, log: Logger) => Promise<void>) {
  return async (ctx: Context) => {
    const given = ctx.get('x-request-id');
    const requestId = /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
    ctx.set('X-Request-Id', requestId);
    const child = log.child({ requestId, path: ctx.path });
    const started = process.hrtime.bigint();
    try {
      await handler(ctx, child);
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      // Prometheus scrapes every few seconds: keep those out of the info log.
      if (ctx.path === '/metrics') child.debug({ status: ctx.status, ms }, '监控请求');
      else child.info({ status: ctx.status, ms }, '监控请求');
    } catch (err) {
      child.warn({ status: (err as { status?: number }).status ?? 500, err: (err as Error).message }, '监控请求被拒绝');
      throw err;
    }
  };
}

/** /dashboard, its scripts, a report's chart and xlsx behind signed links, and /metrics. */
export function monitoringRoutes(deps: RouteDeps): RouteModule {
  const bearer = (ctx: Context) => /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1];

  function dashboardAuth(ctx: Context): Record<string, string> {
    const q = ctx.query as Record<string, unknown>;
    if (deps.signer.verify('/dashboard', q, deps.clock.now())) return { exp: String(q.exp), sig: String(q.sig) };
    const token = bearer(ctx) ?? (typeof q.token === 'string' ? q.token : undefined);
    if (tokenMatches(deps.settings.adminToken, token)) return bearer(ctx) ? {} : { token: token! };
    throw denied();
  }

  function periodFile(ctx: Context, path: string): Period {
    const q = ctx.query as Record<string, unknown>;
    const ok = deps.signer.verify(path, q, deps.clock.now(), ['period']) || tokenMatches(deps.settings.adminToken, bearer(ctx));
    if (!ok) throw denied();
    const period = typeof q.period === 'string' ? periodFromKey(q.period) : null;
    if (!period) throw Object.assign(new Error('period 参数无效'), { status: 400, expose: true });
    return period;
  }

  return {
    mount(router: Router): void {
      router.get('/dashboard', traced(deps.log, async (ctx) => {
        const auth = dashboardAuth(ctx);
        const range = (RANGES as readonly string[]).includes(String(ctx.query.range)) ? (ctx.query.range as Range) : 'month';
        const link = (r: Range) => `/dashboard?${new URLSearchParams({ ...auth, range: r }).toString()}`;
        const now = deps.clock.now();
        const f = await deps.figures(deps.db.manager, periodFor(range, now));
        const weeks: Figures[] = [];
        for (let back = WEEKS_SHOWN - 1; back >= 0; back--) weeks.push(await deps.figures(deps.db.manager, weekPeriod(addDays(localDate(now), -7 * back))));
        ctx.set('Content-Security-Policy', "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
        ctx.set('Referrer-Policy', 'no-referrer');
        ctx.set('Cache-Control', 'no-store');
        ctx.type = 'html';
        ctx.body = dashboardHtml(f, weeks, { week: link('week'), lastWeek: link('lastWeek'), month: link('month'), lastMonth: link('lastMonth') });
      }));
      router.get('/dashboard/echarts.min.js', (ctx) => {
        ctx.type = 'application/javascript';
        ctx.set('Cache-Control', 'public, max-age=86400');
        ctx.body = fs.createReadStream(ECHARTS);
      });
      router.get('/dashboard/app.js', (ctx) => {
        ctx.type = 'application/javascript';
        ctx.body = DASHBOARD_JS;
      });
      router.get('/monitoring/report.png', traced(deps.log, async (ctx) => {
        const period = periodFile(ctx, '/monitoring/report.png');
        const f = await deps.figures(deps.db.manager, period);
        ctx.type = 'image/png';
        ctx.set('Cache-Control', 'no-store');
        ctx.body = renderPng(reportOption(f));
      }));
      router.get('/monitoring/report.xlsx', traced(deps.log, async (ctx) => {
        const period = periodFile(ctx, '/monitoring/report.xlsx');
        const f = await deps.figures(deps.db.manager, period);
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        ctx.set('Content-Disposition', `attachment; filename="jianfu-${period.key}.xlsx"`);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await exportXlsx(f);
      }));
      router.get('/metrics', traced(deps.log, async (ctx) => {
        if (deps.settings.metricsToken && !tokenMatches(deps.settings.metricsToken, bearer(ctx))) {
          throw Object.assign(new Error('需要 Bearer 令牌'), { status: 401, expose: true });
        }
        const registry = deps.metrics();
        ctx.type = registry.contentType;
        ctx.body = await registry.metrics();
      }));
    },
  };
}
