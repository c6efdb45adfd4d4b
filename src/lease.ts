import type { Logger } from 'pino';
import { Lease } from '../entities';
import type { Clock } from './clock';
import { Db, isDuplicateKey } from './db';

/**
 * Named leases in the database, so instances sharing it agree who runs a one-at-a-time duty.
 * Time here is the wall clock of liveness, not domain time: it is injected separately so tests
 * with a manual domain clock still see leases expire in real seconds.
 */
export class Leases {
  constructor(private readonly db: Db, readonly holder: string, private readonly wall: Clock) {}

  /** Takes the lease if free or expired, renews it if ours; true when we hold it for ttlMs from now. */
  acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = this.wall.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    return this.db.work(async (em) => {
      await em.createQueryBuilder().update(Lease).set({ holder: this.holder, expiresAt })
        .where('name = :name', { name })
        .andWhere('(holder = :holder OR expiresAt < :now)', { holder: this.holder, now })
        .execute();
      const row = await em.findOne(Lease, { where: { name } });
      if (row) return row.holder === this.holder;
      try {
        await em.insert(Lease, { name, holder: this.holder, expiresAt });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    });
  }

  /** Gives the lease up (on a clean stop) so another instance takes over at once. */
  async release(name: string): Promise<void> {
    await this.db.write((em) => em.delete(Lease, { name, holder: this.holder }));
  }
}

export interface ElectionHooks {
  elected(): Promise<void>;
  deposed(): Promise<void>;
}

/**
 * Keeps trying to hold one lease, renewing it every third of its lifetime; runs hooks when this
 * instance becomes or stops being the holder. If the database cannot be reached the holder steps
 * down before its lease runs out, so two instances never both believe they hold it.
 */
export class Election {
  private timer: NodeJS.Timeout | null = null;
  private tail: Promise<void> = Promise.resolve();
  private heldUntil = 0;
  private held = false;

  constructor(
    private readonly leases: Leases,
    readonly name: string,
    private readonly ttlMs: number,
    private readonly hooks: ElectionHooks,
    private readonly wall: Clock,
    private readonly log: Logger,
  ) {}

  get leading(): boolean {
    return this.held;
  }

  /** Starts campaigning; resolves after the first attempt (elected or not). */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.step(), Math.max(500, Math.floor(this.ttlMs / 3)));
    await this.step();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.tail;
    if (!this.held) return;
    this.held = false;
    await this.hooks.deposed().catch((err) => this.log.error({ err, lease: this.name }, '交出租约时出错'));
    await this.leases.release(this.name).catch(() => undefined);
  }

  private step(): Promise<void> {
    // Steps never overlap: a slow database must not let two renewals race.
    this.tail = this.tail.then(() => this.campaign());
    return this.tail;
  }

  private async campaign(): Promise<void> {
    const started = this.wall.now().getTime();
    let ok: boolean;
    try {
      ok = await this.leases.acquire(this.name, this.ttlMs);
    } catch (err) {
      this.log.warn({ err, lease: this.name }, '续租失败');
      // Keep leading only while the lease we last wrote is surely still ours.
      ok = this.held && this.wall.now().getTime() < this.heldUntil - this.ttlMs / 3;
    }
    if (ok) this.heldUntil = started + this.ttlMs;
    try {
      if (ok && !this.held) {
        this.held = true;
        this.log.info({ lease: this.name, holder: this.leases.holder }, '本实例接管');
        await this.hooks.elected();
      } else if (!ok && this.held) {
        this.held = false;
        this.log.warn({ lease: this.name }, '本实例不再持有租约，交由其他实例');
        await this.hooks.deposed();
      }
    } catch (err) {
      this.log.error({ err, lease: this.name }, '租约切换处理出错');
    }
  }
}
