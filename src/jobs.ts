import cron, { ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { Db } from './db';
import type { EntityManager } from 'typeorm';

export interface Job {
  name: string;
  /** Runs in its own transaction; returns how many things it did (for the log). */
  run(em: EntityManager, now: Date): Promise<number>;
}

/**
 * Periodic work (queued deliveries, reminders, calendar warnings). node-cron only ticks;
 * every job reads "now" from the injected clock, so tests drive the same code by hand.
 */
export class Scheduler {
  private task: ScheduledTask | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: Job[],
    private readonly log: Logger,
    private readonly after: () => Promise<unknown>,
  ) {}

  /** Ticks on the cron expression; with several instances only the one for which leading() is true runs. */
  start(expression = '* * * * *', leading: () => boolean = () => true): void {
    this.task = cron.schedule(expression, () => {
      if (!leading()) return;
      void this.runAll().catch((err) => this.log.error({ err }, '定时任务出错'));
    });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass of every job, never two passes at once. */
  runAll(): Promise<void> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.clock.now();
    for (const job of this.jobs) {
      try {
        const n = await this.db.work((em) => job.run(em, now));
        if (n) this.log.info({ job: job.name, n }, '定时任务完成');
      } catch (err) {
        this.log.error({ err, job: job.name }, '定时任务失败');
      }
    }
    try {
      await this.after();
    } catch (err) {
      this.log.error({ err }, '定时任务后续处理出错');
    }
  }
}
