import { expect } from 'chai';
import { Between, DataSource, EntityManager, Equal, In, IsNull, LessThan, Like, MoreThan, MoreThanOrEqual, Not, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { Department, Member, Notice, OutboxMessage, RuleSetting } from '../../entities';
import { openDatabase, insertRow, insertRows, insertRowsWithIds } from '../../src/db';
import { departmentName } from '../../src/directory/lookup';
import { StatementManager } from '../../src/db-statements';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';

/**
 * The statement manager must read and write exactly what TypeORM would: every shape below is
 * run through TypeORM's own EntityManager and through the StatementManager on the same rows,
 * and the results compared field by field, class included.
 */
describe(`foundation: statements written from entity metadata agree with TypeORM's (${onMysql(testDatabaseUrl()) ? 'MariaDB' : 'SQLite'})`, () => {
  const url = testDatabaseUrl();
  let ds: DataSource;
  let orm: EntityManager;
  let fast: StatementManager;
  const t0 = new Date('2026-11-23T01:15:00.123Z');
  const at = (min: number) => new Date(t0.getTime() + min * 60_000);
  /** The columns keep whole seconds (MariaDB drops the rest, SQLite keeps it). */
  const whole = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

  before(async () => {
    await resetDatabase(url);
    ds = await openDatabase(url);
    orm = new EntityManager(ds);
    fast = new StatementManager(ds);
    const fixture = rows(at);
    // Half the rows written by TypeORM, half by the statement path, so both writers are compared too.
    for (const [i, m] of fixture.members().entries()) {
      if (i % 2) await orm.insert(Member, m);
      else await insertRow(fast, Member, m);
    }
    const outbox = fixture.outbox();
    await orm.insert(OutboxMessage, outbox.slice(0, 4));
    await insertRows(fast, OutboxMessage, outbox.slice(4));
    const notices = fixture.notices();
    await orm.insert(Notice, notices[0]);
    const ids = await insertRowsWithIds(fast, Notice, notices.slice(1));
    expect(ids).to.have.length(notices.length - 1);
    expect(new Set(ids).size).to.equal(ids.length);
    await orm.insert(RuleSetting, [{ ruleId: 'a', enabled: true, value: { n: 1 } }, { ruleId: 'b', enabled: false, value: null as never }]);
    await insertRow(fast, RuleSetting, { ruleId: 'c', enabled: null, value: ['x'] });
  });

  after(async () => {
    await ds.destroy();
  });

  /** Runs a find through both managers; also proves the statement path answered it itself. */
  async function both<T extends ObjectLiteral>(target: EntityTarget<T>, options: object, kind: 'find' | 'findOne' = 'find', own = true) {
    const expected = await (orm[kind] as (t: EntityTarget<T>, o: object) => Promise<unknown>).call(orm, target, options);
    const proto = EntityManager.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const base = proto[kind];
    let handedOver = 0;
    proto[kind] = function (this: EntityManager, ...args: unknown[]) {
      handedOver++;
      return base.apply(this, args);
    };
    try {
      const actual = await (fast[kind] as (t: EntityTarget<T>, o: object) => Promise<unknown>).call(fast, target, options);
      expect(actual).to.deep.equal(expected);
      for (const [a, e] of (Array.isArray(actual) ? actual.map((x, i) => [x, (expected as unknown[])[i]]) : [[actual, expected]])) {
        if (e) expect(Object.getPrototypeOf(a)).to.equal(Object.getPrototypeOf(e));
      }
      expect(handedOver, own ? 'answered by the statement path' : 'handed to TypeORM').to.equal(own ? 0 : 1);
      return actual;
    } finally {
      proto[kind] = base;
    }
  }

  it('finds the same rows with equality, IN, comparisons, NOT, IS NULL, BETWEEN and LIKE', async () => {
    expect(await both(Member, {})).to.have.length(6);
    await both(Member, { where: { platform: 'wecom', role: 'dept_staff' } });
    expect(await both(Member, { where: { externalId: In(['u1', 'u3', 'nobody']) } })).to.have.length(2);
    expect(await both(Member, { where: { externalId: In([]) } })).to.deep.equal([]);
    await both(Member, { where: { departmentId: IsNull() } });
    await both(Member, { where: { departmentId: Not(IsNull()) } });
    await both(Member, { where: { role: Not('guest') } });
    await both(Member, { where: { id: MoreThan(2) }, order: { id: 'DESC' } });
    await both(Member, { where: { createdAt: MoreThanOrEqual(at(2)) } });
    await both(Member, { where: { createdAt: LessThan(at(3)), name: Like('张%') } });
    await both(Member, { where: { createdAt: Between(at(1), at(4)) }, order: { name: 'asc', id: 'DESC' } });
    await both(Member, { where: { name: Equal('李四') } });
  });

  it('writes rows as TypeORM writes them', async () => {
    const members = await orm.find(Member, { order: { id: 'ASC' } });
    expect(members.map((m) => m.externalId)).to.deep.equal(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
    // Rows written by either path lose (or keep) the same part of a timestamp.
    expect(new Set(members.map((m, i) => m.createdAt.getTime() - at(i).getTime())).size).to.equal(1);
    expect(members.map((m) => [m.departmentId, m.communityId])).to.deep.equal([[null, null], [7, null], [null, null], [7, null], [null, 2], [7, null]]);
    const notices = await orm.find(Notice, { order: { id: 'ASC' } });
    expect(notices.map((n) => [n.approved, n.targets, n.deadline === null])).to.deep.equal([
      [false, { all: true, communityIds: [1, 0] }, false], [true, { all: false, communityIds: [1, 1] }, false],
      [false, { all: false, communityIds: [1, 2] }, true], [false, { all: false, communityIds: [1, 3] }, false]]);
    expect((await orm.find(RuleSetting, { order: { id: 'ASC' } })).map((r) => [r.enabled, r.value])).to.deep.equal([[true, { n: 1 }], [false, null], [null, ['x']]]);
  });

  it('reads dates, booleans, JSON columns, NULLs and column lists identically', async () => {
    const rows = await both(OutboxMessage, { where: { status: 'pending', notBefore: MoreThan(at(-10)) }, order: { id: 'ASC' } }) as OutboxMessage[];
    expect(rows[0].notBefore).to.be.instanceOf(Date);
    expect(rows.some((r) => r.sentAt === null)).to.equal(true);
    expect(rows.some((r) => typeof r.body === 'object')).to.equal(true);
    await both(OutboxMessage, { select: { id: true, sentAt: true, partsSent: true }, where: { chatId: 'g1', status: 'sent', sentAt: MoreThan(at(-1)) } });
    // The key is read even when the column list leaves it out.
    await both(OutboxMessage, { select: { chatId: true }, where: { chatId: 'g1' } });
    await both(Notice, { select: { id: true, targets: true }, where: { departmentId: 7, status: In(['sent', 'scheduled']), createdAt: MoreThanOrEqual(at(0)) } });
    await both(Notice, { where: { approved: true } });
    await both(Notice, { where: { approved: false }, order: { id: 'DESC' }, take: 2 });
    await both(RuleSetting, { order: { id: 'ASC' } });
    await both(RuleSetting, { where: { enabled: true } });
  });

  it('finds one row (the first by the order given) or null', async () => {
    await both(Member, { where: { externalId: 'u2' } }, 'findOne');
    await both(Member, { where: { externalId: 'nobody' } }, 'findOne');
    await both(OutboxMessage, { where: { chatId: 'g1' }, order: { id: 'DESC' } }, 'findOne');
  });

  it('finds by a list of where objects (OR) and counts as TypeORM does', async () => {
    await both(Member, { where: [{ platform: 'wecom', externalId: In(['u1', 'u2', 'u5']) }, { platform: 'dingtalk', externalId: In(['u4', 'u5']) }] });
    await both(Member, { where: [{ externalId: 'u1' }, { departmentId: 7, role: 'guest' }] });
    for (const where of [undefined, { role: 'guest' }, { externalId: In([]) }, [{ externalId: 'u1' }, { externalId: 'u6' }]]) {
      expect(await fast.count(Member, { where } as never)).to.equal(await orm.count(Member, { where } as never));
    }
    expect(await fast.count(Member, { where: { role: 'guest' } })).to.equal(2);
  });

  it('hands shapes it does not answer to TypeORM: empty OR lists, offsets, null values, transformed columns', async () => {
    await both(Member, { where: [] }, 'find', false);
    await both(Member, { where: { externalId: 'u1' }, skip: 1, take: 1 }, 'find', false);
    await both(OutboxMessage, { where: { body: { kind: 'text', text: 'x' } } }, 'find', false);
    const err = await fast.find(Member, { where: { departmentId: null as never } }).then(() => null, (e: Error) => e);
    const ormErr = await orm.find(Member, { where: { departmentId: null as never } }).then(() => null, (e: Error) => e);
    expect(err?.constructor).to.equal(ormErr?.constructor);
  });

  it('updates by id, by id list and by where, reporting the same affected count, inside and outside a transaction', async () => {
    const ids = (await orm.find(OutboxMessage, { order: { id: 'ASC' } })).map((r) => r.id);
    for (const [i, criteria] of ([ids[0], [ids[1], ids[2]], { chatId: 'g2', status: 'pending' }] as const).entries()) {
      const a = await orm.update(OutboxMessage, criteria as never, { attempts: 10 + i, lastError: `orm${i}`, notBefore: at(30 + i) });
      const before = await orm.find(OutboxMessage, { order: { id: 'ASC' } });
      const b = await fast.update(OutboxMessage, criteria as never, { attempts: 20 + i, lastError: `fast${i}`, notBefore: whole(at(40 + i)) });
      expect(b.affected).to.equal(a.affected);
      const after = await orm.find(OutboxMessage, { order: { id: 'ASC' } });
      const changed = after.filter((r, k) => JSON.stringify(r) !== JSON.stringify(before[k]));
      expect(changed.map((r) => [r.attempts, r.lastError, r.notBefore.getTime()])).to.deep.equal(changed.map(() => [20 + i, `fast${i}`, whole(at(40 + i)).getTime()]));
      expect(changed).to.have.length(a.affected!);
    }
    // JSON and boolean values are written as TypeORM writes them.
    await ds.transaction(async (em) => {
      expect(em).to.be.instanceOf(StatementManager);
      await em.update(RuleSetting, { ruleId: 'b' }, { enabled: true, value: { limit: 3 } });
    });
    expect(await orm.findOne(RuleSetting, { where: { ruleId: 'b' } })).to.include({ enabled: true }).and.have.deep.property('value', { limit: 3 });
    const none = await fast.update(Member, { externalId: 'nobody' }, { name: 'x' });
    expect(none.affected).to.equal(0);
  });
  it('reads a department name once per transaction, and afresh in the next one and outside', async () => {
    const id = await insertRow(fast, Department, { name: '民政科', createdAt: t0 });
    const counted = async (em: EntityManager, fn: () => Promise<unknown>) => {
      const runner = em.queryRunner!;
      const query = runner.query.bind(runner);
      let n = 0;
      runner.query = ((...args: Parameters<typeof query>) => {
        n++;
        return query(...args);
      }) as typeof runner.query;
      try {
        await fn();
      } finally {
        runner.query = query;
      }
      return n;
    };
    await ds.transaction(async (em) => {
      expect(await counted(em, async () => {
        expect(await departmentName(em, id)).to.equal('民政科');
        expect(await departmentName(em, id)).to.equal('民政科');
        expect(await departmentName(em, id + 100)).to.equal(null);
        expect(await departmentName(em, id + 100)).to.equal(null);
      })).to.equal(2);
    });
    await fast.update(Department, id, { name: '民政办' });
    await ds.transaction(async (em) => expect(await departmentName(em, id)).to.equal('民政办'));
    await fast.update(Department, id, { name: '民政科' });
    expect(await departmentName(fast, id)).to.equal('民政科');
  });
});

/** Rows with every kind of column: text, integers, NULLs, dates with milliseconds, booleans, JSON. */
function rows(at: (min: number) => Date) {
  const names = ['张三', '李四', '张敏', '王五', '陈静', '刘洋'];
  return {
    members: () => names.map((name, i) => ({
      platform: i < 3 ? 'wecom' : 'dingtalk', externalId: `u${i + 1}`, botId: 'b', name,
      role: (['dept_staff', 'guest', 'community_worker'] as const)[i % 3], departmentId: i % 2 ? 7 : null, communityId: i === 4 ? 2 : null, createdAt: at(i),
    })),
    outbox: () => Array.from({ length: 8 }, (_, i) => ({
      platform: 'sandbox', botId: 'sandbox', chatId: `g${i % 3}`, chatType: 'group', body: { kind: 'text', text: `第${i}条` },
      inReplyTo: i % 2 ? i : null, dedupeKey: `k${i}`, status: i % 4 === 3 ? 'sent' as const : 'pending' as const, attempts: i % 2, partsSent: 0,
      notBefore: at(i - 5), createdAt: at(-6), sentAt: i % 4 === 3 ? at(i) : null, claimedBy: '',
    })),
    notices: () => Array.from({ length: 4 }, (_, i) => ({
      departmentId: i % 2 ? 7 : 8, senderId: 1, platform: 'sandbox', botId: 'sandbox', sourceChatId: 's1', sourceChatType: 'direct',
      text: `通知${i}`, targets: { all: i === 0, communityIds: [1, i] }, deadline: i === 2 ? null : at(60 + i), approved: i === 1,
      status: i === 3 ? 'scheduled' as const : 'sent' as const, createdAt: at(i),
    })),
  };
}
