import http from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';

export interface RouteModule {
  mount(router: Router): void;
  /** Largest request body per path prefix, in bytes; other paths get DEFAULT_BODY_LIMIT. */
  bodyLimits?: Record<string, number>;
  /** Paths whose bodies the module reads itself: small limit, after its own signature checks. */
  rawBodyPaths?: string[];
}

/** Platform callbacks and small JSON calls fit easily; a bigger body is refused before it is read. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

function limitFor(path: string, limits: [string, number][]): number {
  // Longest matching prefix wins, so a module can open one route without opening its siblings.
  for (const [prefix, bytes] of limits) if (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return bytes;
  return DEFAULT_BODY_LIMIT;
}

/** Refuses oversized bodies from their declared length, then parses within the same limit. */
function boundedBody(modules: RouteModule[]): Koa.Middleware {
  const raw = new Set(modules.flatMap((m) => m.rawBodyPaths ?? []));
  const limits = modules.flatMap((m) => Object.entries(m.bodyLimits ?? {})).sort((a, b) => b[0].length - a[0].length);
  const parsers = new Map<number, Koa.Middleware>();
  return async (ctx, next) => {
    if (raw.has(ctx.path)) return next();
    const limit = limitFor(ctx.path, limits);
    const declared = ctx.get('content-length');
    if (declared && Number(declared) > limit) ctx.throw(413, `请求体过大（上限 ${Math.floor(limit / 1024)} KB）`);
    // Without a length the size is unknown until read; every client we serve sends one.
    if (!declared && ctx.get('transfer-encoding')) ctx.throw(411, '请求需要 Content-Length');
    let parse = parsers.get(limit);
    if (!parse) {
      parse = bodyParser({ enableTypes: ['json', 'text'], jsonLimit: limit, textLimit: limit, encoding: 'utf-8' }) as Koa.Middleware;
      parsers.set(limit, parse);
    }
    try {
      await parse(ctx, async () => undefined);
    } catch (err) {
      const e = err as { type?: string; status?: number };
      if (e.type === 'entity.too.large' || e.status === 413) ctx.throw(413, `请求体过大（上限 ${Math.floor(limit / 1024)} KB）`);
      ctx.throw(400, '请求体不是有效的 JSON 或文本');
    }
    await next();
  };
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
      const shown = status < 500 || e.expose === true;
      ctx.status = status;
      ctx.body = { error: status === 503 ? 'unavailable' : status >= 500 ? 'internal_error' : 'bad_request', message: shown ? e.message ?? '请求无效' : '服务器内部错误' };
      if (status >= 500 && !shown) deps.log.error({ err }, '请求处理出错');
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.log.debug({ method: ctx.method, url: ctx.url, status: ctx.status, ms: Math.round(ms) }, 'HTTP 请求');
    }
  });
  app.use(boundedBody(deps.modules));

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

export async function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
