import { createPlatformAdapters } from '../../bots';
import { App } from '../app';
import { SystemClock } from '../clock';
import { loadConfig } from '../config';
import { createLogger } from '../logger';

export async function main(_args: string[]): Promise<number> {
  const config = loadConfig();
  const clock = new SystemClock();
  const log = createLogger(config.logLevel);
  // Platform credentials come from the environment only, never from config files.
  const platforms = createPlatformAdapters(process.env, { clock, log });
  const app = await App.create({ config, clock, logger: log, adapters: platforms.adapters, routes: platforms.routes });
  await app.start();
  app.log.info({ port: app.port, database: config.database.url.replace(/\/\/[^@]*@/, '//***@') }, 'jianfu 已启动');
  for (const line of platforms.summary) app.log.info(`已接入 ${line}`);
  if (!platforms.adapters.length) app.log.info('未配置企业微信或钉钉机器人（见 README「接入企业微信和钉钉」），仅沙盒可用');
  if (app.sandbox) app.log.info(`沙盒聊天：http://localhost:${app.port}/sandbox`);
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
  return 0;
}
