import { createPlatformAdapters } from '../../bots';
import { sandboxPlan } from '../../bots/sandbox/plan';
import { App } from '../app';
import { DemoClock, SystemClock } from '../clock';
import { AppConfig, loadConfig } from '../config';
import { createLogger } from '../logger';
import { guardProcess } from '../server/process-guard';

export async function main(_args: string[]): Promise<number> {
  const config = loadConfig();
  const clock = new SystemClock();
  const log = createLogger(config.logLevel);
  guardProcess(log);
  // Platform credentials come from the environment only, never from config files.
  const platforms = createPlatformAdapters(process.env, { clock, log });
  const plan = sandboxPlan(config, platforms.adapters.length);
  // Demo people and groups in a real deployment's database would be sandbox identities there.
  const demo = platforms.adapters.length === 0 || process.env.JIANFU_DEMO !== undefined;
  const mainConfig: AppConfig = {
    ...config,
    sandbox: { ...config.sandbox, enabled: plan.mode === 'shared' },
    demo: { ...config.demo, loadOnEmpty: config.demo.loadOnEmpty && demo },
  };
  let sandboxApp: App | null = null;
  if (plan.mode === 'isolated') {
    sandboxApp = await App.create({
      config: {
        ...config,
        database: { url: plan.database },
        sandbox: { ...config.sandbox, enabled: true },
        demo: { ...config.demo, loadOnEmpty: true },
        admins: config.admins.filter((a) => a.platform === 'sandbox'),
      },
      // Its own demo clock: moving the sandbox's time must not move the real service's.
      clock: new DemoClock(new SystemClock()),
      logger: log.child({ scope: 'sandbox' }),
    });
    await sandboxApp.start({ listen: false });
  }
  const routes = [...platforms.routes, ...(sandboxApp?.sandboxRoutes() ?? [])];
  const app = await App.create({ config: mainConfig, clock, logger: log, adapters: platforms.adapters, routes });
  await app.start();
  app.log.info({ host: config.server.host, port: app.port, database: config.database.url.replace(/\/\/[^@]*@/, '//***@') }, 'jianfu 已启动');
  for (const line of platforms.summary) app.log.info(`已接入 ${line}`);
  if (!platforms.adapters.length) app.log.info('未配置企业微信或钉钉机器人（见 README「接入企业微信和钉钉」），仅沙盒可用');
  app.log.info({ sandbox: plan.mode }, plan.log);
  if (plan.mode !== 'off' && !/^(127\.|::1$|localhost$)/.test(config.server.host)) {
    app.log.warn({ host: config.server.host }, '沙盒不验证身份，现在可从本机以外访问；仅在演示网络中这样做');
  }
  if (plan.mode !== 'off') app.log.info(`沙盒聊天：http://${config.server.host === '0.0.0.0' ? 'localhost' : config.server.host}:${app.port}/sandbox`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    process.once('SIGHUP', stop);
    // `npm start` puts a shell between npm and us; killing npm leaves that chain orphaned
    // instead of passing the signal on, so a changed parent means "stop" too.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 500).unref();
  });
  app.log.info('正在停止…');
  await app.stop();
  await sandboxApp?.stop();
  return 0;
}
