import http from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';

export interface RouteModule {
  mount(router: Router): void;
  /** Paths whose bodies the module reads itself: small limit, after its own signature checks. */
  rawBodyPaths?: string[];
}

export interface ServerDeps {
  log: Logger;
  ready: () => Promise<{ ok: boolean; detail: string }>;
  modules: RouteModule[];
}

/** Koa app: JSON errors, request logging, health probes, and the routes adapters contribute. */
export function createHttpApp(deps: ServerDeps): Koa {
  const app = new Koa();
  const router = new Router();

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not_found', message: '接口不存在' };
      }
    } catch (err) {
      const e = err as { status?: number; expose?: boolean; message?: string };
      const status = e.status && e.status >= 400 && e.status < 600 ? e.status : 500;
      ctx.status = status;
      ctx.body = { error: status >= 500 ? 'internal_error' : 'bad_request', message: status >= 500 ? '服务器内部错误' : e.message ?? '请求无效' };
      if (status >= 500) deps.log.error({ err }, 'request failed');
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.debug({ method: ctx.method, url: ctx.url, status: ctx.status, ms: Math.round(ms) }, 'http');
    }
  });
  const rawBody = new Set(deps.modules.flatMap((m) => m.rawBodyPaths ?? []));
  app.use(async (ctx, next) => {
    if (rawBody.has(ctx.path)) ctx.disableBodyParser = true;
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json', 'text'], jsonLimit: '20mb', textLimit: '1mb', encoding: 'utf-8' }));

  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const r = await deps.ready().catch((err: Error) => ({ ok: false, detail: err.message }));
    ctx.status = r.ok ? 200 : 503;
    ctx.body = { status: r.ok ? 'ready' : 'not_ready', detail: r.detail };
  });
  for (const m of deps.modules) m.mount(router);
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

export async function listen(app: Koa, port: number, host = '0.0.0.0'): Promise<http.Server> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
