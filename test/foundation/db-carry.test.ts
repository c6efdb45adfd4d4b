import { expect } from 'chai';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLog, Department, NoticeDelivery, OutboxMessage } from '../../entities';
import { insertRow, isDuplicateKey, openDatabase } from '../../src/db';
import { insertLater, updateLater } from '../../src/db-statements';
import { enqueue, enqueueLater, enqueueRecorded } from '../../src/outbox/outbox';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';

/**
 * Statements nobody reads the result of wait for the transaction's next statement on MariaDB
 * (src/db-carry.ts). What must hold: they run before anything read after them, in order; they
 * commit or roll back with the rest; every other statement gets its own result back; and a
 * failure among them can never be swallowed by a caller expecting its own statement to fail.
 */
describe(`foundation: statements carried to the next round trip (${onMysql(testDatabaseUrl()) ? 'MariaDB' : 'SQLite'})`, () => {
  const url = testDatabaseUrl();
  const mysql = onMysql(url);
  let ds: DataSource;
  const t0 = new Date('2026-11-23T01:15:00Z');
  const note = (action: string) => ({ at: t0, actorId: null, actorName: '系统', action, entity: 'test', entityId: '', before: null, after: null, note: '' });

  before(async () => {
    await resetDatabase(url);
    ds = await openDatabase(url);
  });
  after(async () => {
    await ds.destroy();
  });

  /** What went to the database during fn, one entry per round trip. */
  async function logged(fn: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const logger = ds.logger;
    ds.logger = Object.assign(Object.create(logger) as typeof logger, { logQuery: (sql: string) => sent.push(sql) });
    try {
      await fn();
    } finally {
      ds.logger = logger;
    }
    return sent;
  }
  const heads = (sql: string) => sql.split(';\n').map((q) => q.split(/\s+/).slice(0, 2).join(' '));

  it('sends START TRANSACTION and waiting INSERTs with the next statement, which still gets its own result', async () => {
    let seen: AuditLog[] = [];
    let id = 0;
    let affected: number | undefined;
    const sent = await logged(() => ds.transaction(async (em) => {
      await insertLater(em, AuditLog, [note('carry.a'), note('carry.b')]);
      await insertLater(em, AuditLog, [note('carry.c')]);
      // A read after them sees them, in order.
      seen = await em.find(AuditLog, { where: { entity: 'test' }, order: { id: 'ASC' } });
      await insertLater(em, AuditLog, [note('carry.d')]);
      id = await insertRow(em, Department, { name: '携带科', createdAt: t0 });
      await insertLater(em, AuditLog, [note('carry.e')]);
      affected = (await em.update(Department, { id }, { name: '携带科（改）' })).affected;
    }));
    expect(seen.map((a) => a.action)).to.deep.equal(['carry.a', 'carry.b', 'carry.c']);
    const dept = await ds.manager.findOneOrFail(Department, { where: { name: '携带科（改）' } });
    expect(id).to.equal(dept.id);
    expect(affected).to.equal(1);
    const all = await ds.manager.find(AuditLog, { where: { entity: 'test' }, order: { id: 'ASC' } });
    expect(all.map((a) => a.action)).to.deep.equal(['carry.a', 'carry.b', 'carry.c', 'carry.d', 'carry.e']);
    if (mysql) {
      expect(sent.map(heads)).to.deep.equal([
        ['START TRANSACTION', 'INSERT INTO', 'INSERT INTO', 'SELECT `id`'],
        ['INSERT INTO', 'INSERT INTO'],
        ['INSERT INTO', 'UPDATE `department`'],
        ['COMMIT'],
      ]);
    } else {
      // SQLite has no round trips to save: each statement runs when it is written.
      expect(sent).to.have.length(9);
    }
  });

  it('sends what waits with the COMMIT, and never sends it when the transaction rolls back', async () => {
    const sent = await logged(() => ds.transaction(async (em) => {
      await insertLater(em, AuditLog, [note('carry.commit')]);
    }));
    if (mysql) expect(sent.map(heads)).to.deep.equal([['START TRANSACTION', 'INSERT INTO', 'COMMIT']]);
    expect(await ds.manager.count(AuditLog, { where: { action: 'carry.commit' } })).to.equal(1);
    const failure = new Error('handler failed');
    const caught = await ds.transaction(async (em) => {
      await insertLater(em, AuditLog, [note('carry.rolled-back')]);
      throw failure;
    }).catch((err: unknown) => err);
    expect(caught).to.equal(failure);
    expect(await ds.manager.count(AuditLog, { where: { action: 'carry.rolled-back' } })).to.equal(0);
    // The connection goes back to the pool clean: the next transaction carries nothing of it.
    await ds.transaction(async (em) => {
      expect(await em.count(AuditLog, { where: { action: 'carry.rolled-back' } })).to.equal(0);
    });
  });

  it('fails the COMMIT when a query that carried statements failed, even if its caller expected that failure', async () => {
    await insertRow(ds.manager, Department, { name: '已有科', createdAt: t0 });
    const caught = await ds.transaction(async (em) => {
      await insertLater(em, AuditLog, [note('carry.lost?')]);
      // Waits, and will fail: the name is taken.
      await insertLater(em, Department, [{ name: '已有科', createdAt: t0 }]);
      // A caller that treats a duplicate as "already there" and goes on: the error it sees is the
      // waiting INSERT's, and its own row was never written.
      await insertRow(em, Department, { name: '另一科', createdAt: t0 }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }).catch((err: unknown) => err);
    if (mysql) {
      // Which statement of the query failed is unknown, so nothing of the transaction is kept.
      expect(isDuplicateKey(caught)).to.equal(true);
      expect(await ds.manager.count(AuditLog, { where: { action: 'carry.lost?' } })).to.equal(0);
      expect(await ds.manager.count(Department, { where: { name: '另一科' } })).to.equal(0);
    } else {
      // At once on SQLite: the failing INSERT fails where it is written.
      expect(isDuplicateKey(caught)).to.equal(true);
    }
  });

  it('leaves out a row whose key is taken when asked to (enqueueLater), and still fails on any other error', async () => {
    const to = { platform: 'sandbox' as const, botId: 'b', chatId: 'c', chatType: 'group' as const };
    const opts = (key: string) => ({ dedupeKey: key, notBefore: t0, now: t0 });
    await enqueue(ds.manager, to, { kind: 'text', text: '先到' }, opts('carry:k1'));
    const sent = await logged(() => ds.transaction(async (em) => {
      await enqueueLater(em, to, { kind: 'text', text: '重复' }, opts('carry:k1'));
      await enqueueLater(em, to, { kind: 'text', text: '新的' }, opts('carry:k2'));
      await enqueueLater(em, to, { kind: 'text', text: '又重复' }, opts('carry:k2'));
      await insertLater(em, AuditLog, [note('carry.keyed')]);
    }));
    if (mysql) expect(sent).to.have.length(1);
    const rows = await ds.manager.find(OutboxMessage, { where: { chatId: 'c' }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.dedupeKey, (r.body as { text: string }).text])).to.deep.equal([['carry:k1', '先到'], ['carry:k2', '新的']]);
    expect(await ds.manager.count(AuditLog, { where: { action: 'carry.keyed' } })).to.equal(1);
    // Not a duplicate: a value the column cannot hold (NULL in a NOT NULL column) fails the transaction as before.
    const caught = await ds.transaction(async (em) => {
      await enqueueLater(em, { ...to, chatId: null as never }, { kind: 'text', text: '无处可发' }, opts('carry:k3'));
      await insertLater(em, AuditLog, [note('carry.after-bad')]);
    }).catch((err: unknown) => err);
    expect(caught).to.be.instanceOf(Error);
    expect(await ds.manager.count(OutboxMessage, { where: { dedupeKey: 'carry:k3' } })).to.equal(0);
    expect(await ds.manager.count(AuditLog, { where: { action: 'carry.after-bad' } })).to.equal(0);
  });

  it('carries an UPDATE nobody reads the outcome of (updateLater), in order with the rest', async () => {
    const id = await insertRow(ds.manager, Department, { name: '待改科', createdAt: t0 });
    let seen = '';
    const sent = await logged(() => ds.transaction(async (em) => {
      await updateLater(em, Department, { id }, { name: '改过科' });
      await insertLater(em, AuditLog, [note('carry.update')]);
      await updateLater(em, Department, id, { name: '又改过科' });
      seen = (await em.findOneOrFail(Department, { where: { id } })).name;
    }));
    expect(seen).to.equal('又改过科');
    if (mysql) expect(sent.map(heads)).to.deep.equal([['START TRANSACTION', 'UPDATE `department`', 'INSERT INTO', 'UPDATE `department`', 'SELECT `id`'], ['COMMIT']]);
    expect((await ds.manager.findOneOrFail(Department, { where: { id } })).name).to.equal('又改过科');
  });

  it('writes cards and the rows that record them together (enqueueRecorded): each row gets its card\'s id, a taken key keeps its card', async () => {
    const to = { platform: 'sandbox', botId: 'sandbox', chatId: 'rec', chatType: 'group' as const };
    const opts = (key: string) => ({ dedupeKey: key, notBefore: t0, now: t0 });
    const first = await enqueue(ds.manager, to, { kind: 'text', text: '先到' }, opts('rec:k1'));
    const row = (groupId: number) => ({ noticeId: 9001, groupId, communityId: groupId, status: 'queued', deliverAt: t0, sentAt: null, lastReminder: '' });
    const sent = await logged(() => ds.transaction(async (em) => {
      await enqueueRecorded(em, [
        { to, body: { kind: 'text', text: '后到' }, opts: opts('rec:k1') },
        { to, body: { kind: 'text', text: '新卡' }, opts: opts('rec:k2') },
      ], NoticeDelivery, [row(1), row(2)], 'outboxId');
    }));
    // One round trip on MariaDB: the cards, the rows and the COMMIT.
    if (mysql) expect(sent.map(heads)).to.deep.equal([['START TRANSACTION', 'INSERT INTO', 'INSERT INTO', 'COMMIT']]);
    const cards = await ds.manager.find(OutboxMessage, { where: { chatId: 'rec' }, order: { id: 'ASC' } });
    expect(cards.map((c) => [c.dedupeKey, (c.body as { text: string }).text])).to.deep.equal([['rec:k1', '先到'], ['rec:k2', '新卡']]);
    const rows = await ds.manager.find(NoticeDelivery, { where: { noticeId: 9001 }, order: { groupId: 'ASC' } });
    expect(rows.map((r) => [r.groupId, r.outboxId])).to.deep.equal([[1, first!.id], [2, cards[1].id]]);
    // A failure among them fails the transaction: no card without its row.
    const caught = await ds.transaction(async (em) => {
      await enqueueRecorded(em, [{ to, body: { kind: 'text', text: '坏行' }, opts: opts('rec:k3') }], NoticeDelivery, [{ ...row(3), status: null as never }], 'outboxId');
    }).catch((err: unknown) => err);
    expect(caught).to.be.instanceOf(Error);
    expect(await ds.manager.count(OutboxMessage, { where: { dedupeKey: 'rec:k3' } })).to.equal(0);
  });

  it('runs at once outside a transaction', async () => {
    const em: EntityManager = ds.manager;
    const sent = await logged(() => insertLater(em, AuditLog, [note('carry.autocommit')]));
    expect(sent).to.have.length(1);
    expect(await ds.manager.count(AuditLog, { where: { action: 'carry.autocommit' } })).to.equal(1);
    const id = await insertRow(em, Department, { name: '自动科', createdAt: t0 });
    expect(await logged(() => updateLater(em, Department, { id }, { name: '自动改科' }))).to.have.length(1);
    expect((await em.findOneOrFail(Department, { where: { id } })).name).to.equal('自动改科');
  });
});
