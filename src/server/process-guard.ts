import type { Logger } from 'pino';

/**
 * Last line of defence: Node ends the process on an unhandled rejection, so one forgotten
 * `.catch` on a failure path (typically while the database is away) would stop every bot.
 * The paths themselves catch their errors; this only logs the ones that slip through.
 */
export function guardProcess(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, '未处理的异步错误（已记录，服务继续运行）');
  });
}
