import type http from 'node:http';
import os from 'node:os';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { SandboxAdapter } from '../bots/sandbox/sandbox-adapter';
import { sandboxRoutes } from '../bots/sandbox/routes';
import type { BotAdapter } from '../bots/types';
import { Member, ROLE_LABELS } from '../entities';
import { registerHelp } from './chat/help';
import { Dispatcher } from './chat/dispatcher';
import { Inbox } from './chat/inbox';
import { CommandRegistry } from './chat/registry';
import { Clock, DemoClock, SystemClock } from './clock';
import { registerDemoClock } from './chat/demo-clock';
import { AppConfig, projectPath } from './config';
import { Db, exclusively, openDatabase } from './db';
import { unitName } from './directory/lookup';
import { ensureAdmins, loadDemoIfEmpty, readDemo } from './directory/seed';
import { createLogger } from './logger';
import type { OutboxListener } from './outbox/outbox';
import { OutboxSender } from './outbox/sender';
import { createHttpApp, listen, RouteModule } from './server/http';
import { CalendarService } from './calendar/calendar-service';
import type { NoticeDesk } from './gate/notice-desk';
import { Job, Scheduler } from './jobs';
import { Election, ElectionHooks, Leases } from './lease';
import { AttachmentFetcher, Services, Unit } from './unit';
import { UNITS } from './units';

/** How often messages put off while the database was away are tried again. */
const INBOX_RETRY_MS = 5_000;

export interface AppOptions {
  config: AppConfig;
  clock?: Clock;
  logger?: Logger;
  /** Extra adapters (real platforms, or test doubles). */
  adapters?: BotAdapter[];
  /** Extra HTTP routes (platform callbacks). */
  routes?: RouteModule[];
  /** The capabilities to wire; src/units.ts by default. */
  units?: Unit[];
}

/**
 * Composition root: config → data source → services → adapters → server → scheduler.
 * Tests build the same object, with a manual clock and without listening if they like.
 */
export class App {
  readonly registry = new CommandRegistry();
  readonly adapters = new Map<string, BotAdapter>();
  readonly sandbox: SandboxAdapter | null;
  readonly inbox: Inbox;
  readonly dispatcher: Dispatcher;
  readonly sender: OutboxSender;
  readonly calendar: CalendarService;
  readonly scheduler: Scheduler;
  /** Leases shared with other instances on the same database; this instance's name is the holder. */
  readonly leases: Leases;
  server: http.Server | null = null;
  demoLoaded = false;

  readonly services = new Services();
  private readonly unitRoutes: RouteModule[] = [];
  private readonly elections: Election[] = [];
  /** Liveness time for leases: real seconds even when the domain clock is a test's manual one. */
  private readonly wall = new SystemClock();

  private constructor(
    readonly config: AppConfig,
    readonly ds: DataSource,
    readonly db: Db,
    readonly clock: Clock,
    readonly log: Logger,
    private readonly extraRoutes: RouteModule[],
    units: Unit[],
  ) {
    this.calendar = new CalendarService(config.workHours);
    registerHelp(this.registry);
    if (clock instanceof DemoClock) {
      const real = () => [...this.adapters.values()].filter((a) => a.platform !== 'sandbox').map((a) => ({ wecom: '企业微信', dingtalk: '钉钉' })[a.platform as string] ?? a.platform);
      registerDemoClock(this.registry, clock, () => [...new Set(real())], () => {
        void this.scheduler.runAll().catch((err) => this.log.error({ err }, '调整时间后的定时任务出错'));
      });
    }
    const jobs: Job[] = [];
    // Adapters are added after the units are set up, so the fetcher finds them when it is called.
    this.services.provide<AttachmentFetcher>('chat.attachments', async (msg, a) => {
      const adapter = this.adapters.get(OutboxSender.key(msg.platform, msg.botId));
      if (!adapter?.download) throw new Error('该平台不支持下载附件');
      return adapter.download(a);
    });
    const listeners: OutboxListener[] = [];
    for (const unit of units) {
      const parts = unit.setup({ config, clock, log, db, calendar: this.calendar, services: this.services });
      for (const def of parts.commands ?? []) this.registry.register(def);
      for (const [name, resolver] of Object.entries(parts.argTypes ?? {})) this.registry.addArgType(name, resolver);
      jobs.push(...(parts.jobs ?? []));
      this.unitRoutes.push(...(parts.routes ?? []));
      listeners.push(...(parts.outboxListeners ?? []));
    }
    this.dispatcher = new Dispatcher(db, this.registry, clock, { maxMessageLength: config.chat.maxMessageLength }, log);
    this.inbox = new Inbox(db, this.dispatcher, clock);
    this.sender = new OutboxSender(db, clock, this.adapters, config.outbox, log, listeners);
    this.sandbox = config.sandbox.enabled ? new SandboxAdapter(clock) : null;
    if (this.sandbox) this.addAdapter(this.sandbox);
    // After the jobs: pick up messages a dead instance stored but never processed. Three lease
    // lifetimes is long past any live instance's queue, yet soon after a take-over.
    this.scheduler = new Scheduler(db, clock, jobs, log, async () => {
      await this.inbox.recover({ olderThanMs: 3 * config.cluster.leaseTtlMs });
      await this.sender.flush();
    });
    this.leases = new Leases(db, `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`.slice(0, 128), this.wall);
  }

  /** The gate's notice desk (tests and the CLI reach it through here). */
  get desk(): NoticeDesk {
    return this.services.get<NoticeDesk>('gate.desk');
  }

  static async create(opts: AppOptions): Promise<App> {
    const log = opts.logger ?? createLogger(opts.config.logLevel);
    const ds = await openDatabase(opts.config.database.url);
    const app = new App(opts.config, ds, new Db(ds), opts.clock ?? new DemoClock(new SystemClock()), log, opts.routes ?? [], opts.units ?? UNITS);
    for (const a of opts.adapters ?? []) app.addAdapter(a);
    await app.calendar.reload(ds.manager);
    await exclusively(ds, 'seed', () => app.seed());
    return app;
  }

  addAdapter(a: BotAdapter): void {
    this.adapters.set(OutboxSender.key(a.platform, a.botId), a);
  }

  private async seed(): Promise<void> {
    const now = this.clock.now();
    await ensureAdmins(this.db, this.config.admins, now);
    const demoFile = projectPath(this.config.demo.file);
    const demo = this.config.sandbox.enabled || this.config.demo.loadOnEmpty ? readDemo(demoFile) : null;
    if (demo && this.config.demo.loadOnEmpty) {
      this.demoLoaded = await loadDemoIfEmpty(this.db, demo, now);
      if (this.demoLoaded) this.log.info({ file: this.config.demo.file }, `数据库为空，已载入演示数据（1个街道、${demo.communities.length}个社区/村、${demo.departments.length}个部门、${demo.groups.length}个群、${demo.members.length}位成员）`);
    }
    if (this.sandbox && demo) {
      for (const g of demo.groups) this.sandbox.addChat({ chatId: g.chatId, title: g.title, chatType: 'group' });
    }
  }

  async people(): Promise<{ userId: string; name: string; role: string; unit: string }[]> {
    const members = await this.ds.manager.find(Member, { where: { platform: 'sandbox' }, order: { id: 'ASC' } });
    return Promise.all(members.map(async (m) => ({ userId: m.externalId, name: m.name, role: ROLE_LABELS[m.role], unit: await unitName(this.ds.manager, m) })));
  }

  /** Starts adapters, replays unprocessed messages, starts the sender; listens if port is given. */
  async start(opts: { listen?: boolean; schedule?: boolean } = {}): Promise<void> {
    for (const a of this.adapters.values()) {
      if (a.exclusive) await this.elect(`adapter:${OutboxSender.key(a.platform, a.botId)}`, this.adapterHooks(a));
      else await a.start(this.inbox);
    }
    const replayed = await this.inbox.recover();
    if (replayed) this.log.info({ replayed }, '重放了未处理完的消息');
    this.sender.start(this.config.outbox.pollMs);
    this.inbox.start(INBOX_RETRY_MS);
    if (opts.schedule !== false) {
      const jobs = await this.elect('jobs', { elected: async () => undefined, deposed: async () => undefined });
      this.scheduler.start(this.config.cluster.jobsCron, () => jobs.leading);
    }
    if (opts.listen !== false) {
      const routes = [...this.unitRoutes, ...this.extraRoutes, ...this.sandboxRoutes()];
      const http = createHttpApp({ log: this.log, ready: () => this.ready(), modules: routes });
      this.server = await listen(http, this.config.server.port, this.config.server.host);
    }
  }

  private async elect(name: string, hooks: ElectionHooks): Promise<Election> {
    const e = new Election(this.leases, name, this.config.cluster.leaseTtlMs, hooks, this.wall, this.log);
    this.elections.push(e);
    await e.start();
    return e;
  }

  /** An adapter that allows one connection per bot runs only while this instance holds its lease; its outbox rows wait for the holder. */
  private adapterHooks(a: BotAdapter): ElectionHooks {
    const key = OutboxSender.key(a.platform, a.botId);
    this.sender.standby.add(key);
    return {
      elected: async () => {
        await a.start(this.inbox);
        this.sender.standby.delete(key);
      },
      deposed: async () => {
        this.sender.standby.add(key);
        await a.stop();
      },
    };
  }

  /** The sandbox's page and API, to mount here or on another app's server. */
  sandboxRoutes(): RouteModule[] {
    return this.sandbox ? [sandboxRoutes(this.sandbox, () => this.people())] : [];
  }

  async ready(): Promise<{ ok: boolean; detail: string }> {
    const waiting = this.inbox.waiting();
    try {
      await this.ds.query('SELECT 1');
    } catch {
      return { ok: false, detail: `数据库不可用${waiting ? `，${waiting} 条消息待处理` : ''}` };
    }
    const pending = await this.ds.showMigrations();
    return pending ? { ok: false, detail: '有未执行的迁移' } : { ok: true, detail: waiting ? `ok，${waiting} 条消息待处理` : 'ok' };
  }

  /** Lets queued work finish: inbound processing, then due outbound sends. */
  async settle(): Promise<void> {
    await this.inbox.idle();
    // A send can cause another (a delivery's follow-up to its sender); let those go too.
    for (let pass = 0; pass < 5 && (await this.sender.flush()) > 0; pass++);
  }

  /** One pass of the scheduled jobs at the clock's current time (tests call this after advancing it). */
  async runJobs(): Promise<void> {
    await this.inbox.idle();
    await this.scheduler.runAll();
  }

  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  async stop(): Promise<void> {
    // Long-polling sandbox pages would hold server.close() open; end them first.
    await this.sandbox?.stop();
    if (this.server) {
      const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
      this.server.closeIdleConnections();
      this.server.closeAllConnections();
      await closed;
    }
    await this.scheduler.stop();
    for (const e of this.elections) await e.stop();
    await this.sender.stop();
    this.inbox.stop();
    for (const a of this.adapters.values()) await a.stop();
    await this.inbox.idle();
    await this.ds.destroy();
  }
}
