import { App } from '../app';
import { loadConfig } from '../config';

export async function main(_args: string[]): Promise<number> {
  const config = loadConfig();
  const app = await App.create({ config });
  await app.start();
  app.log.info({ port: app.port, database: config.database.url.replace(/\/\/[^@]*@/, '//***@') }, 'jianfu 已启动');
  if (app.sandbox) app.log.info(`沙盒聊天：http://localhost:${app.port}/sandbox`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  app.log.info('正在停止…');
  await app.stop();
  return 0;
}
