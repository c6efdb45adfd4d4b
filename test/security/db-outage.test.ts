import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { InboundMessage } from '../../entities';
import { Harness } from '../helpers/harness';
import { onMysql } from '../helpers/db';
import { isConnectionError } from '../../src/db-dialect';
import { request } from './http';

/*
 * The database goes away with messages waiting in the inbox: nothing may end the process, the
 * waiting messages are handled once it is back, /readyz tells, and a sender hears "稍后重试".
 */
describe('security: the database goes away', function () {
  this.timeout(120_000);
  let h: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown) => unhandled.push(r);

  beforeEach(async () => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    h = await Harness.start({ listen: true });
  });
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    if (!h.app.ds.isInitialized) await h.app.ds.initialize();
    await h.stop();
  });

  const readyz = async () => {
    const r = await request(h.app.port, 'GET', '/readyz');
    return { status: r.status, body: JSON.parse(r.text) as { status: string; detail: string } };
  };
  const count = (status: string) => h.app.ds.manager.count(InboundMessage, { where: { status: status as never } });

  it('stopped under load with messages waiting: no exit, no loss, processed once it is back', async () => {
    const sandbox = h.app.sandbox!;
    const N = 40;
    // Stored at once; their processing queues behind the stores, so the outage catches them waiting.
    const posts = Array.from({ length: N }, (_, i) => sandbox.post({ userId: 'zhangmin', userName: '张敏', chatId: 'g-renmin', text: `/未知${i}` }));
    await Promise.all(posts);
    await h.app.ds.destroy();
    await h.app.inbox.idle();
    // The sender and jobs keep ticking against the missing database.
    await h.app.sender.flush().catch(() => undefined);
    await h.app.runJobs();

    const down = await readyz();
    expect(down.status).to.equal(503);
    expect(down.body.detail).to.match(/数据库不可用/);
    expect(h.app.inbox.waiting()).to.be.greaterThan(0);

    // A new message while it is down: not stored, and the user is told to retry.
    const mark = h.mark();
    const refused = await request(h.app.port, 'POST', '/sandbox/api/send', JSON.stringify({ userId: 'zhangmin', chatId: 'g-renmin', text: '/帮助' }));
    expect(refused.status).to.equal(503);
    expect(JSON.parse(refused.text).message).to.match(/稍后重试/);
    expect(h.botMessages('g-renmin', mark).join('\n')).to.match(/稍后重试/);

    await h.app.ds.initialize();
    expect(await h.app.inbox.retryDeferred()).to.be.greaterThan(0);
    await h.app.settle();
    expect(await count('processed')).to.equal(N);
    expect(await count('received')).to.equal(0);
    expect(await count('failed')).to.equal(0);
    expect((await readyz()).status).to.equal(200);
    // Every waiting message got its answer, once.
    const answers = h.botMessages('g-renmin').filter((t) => t.startsWith('未知命令'));
    expect(answers).to.have.length(N);
    expect(unhandled, String(unhandled[0])).to.deep.equal([]);
  });

  it('on MariaDB, reads a killed connection as the database being away, not as a bad message', async function () {
    if (!onMysql(h.url)) this.skip();
    // Killed while a statement runs, the connection is lost; a statement the kill itself answers
    // gets MariaDB's error 1927, which mysql2 has no code name for.
    for (const how of ['during a statement', 'answering the statement']) {
      const runner = h.app.ds.createQueryRunner();
      try {
        const [{ id }] = await runner.query('SELECT CONNECTION_ID() AS id');
        let err: unknown;
        if (how === 'during a statement') {
          const sleeping = runner.query('SELECT SLEEP(10)').then(() => null, (e: unknown) => e);
          await new Promise((r) => setTimeout(r, 200));
          await h.app.ds.query(`KILL ${Number(id)}`);
          err = await sleeping;
        } else {
          err = await runner.query(`KILL ${Number(id)}`).then(() => null, (e: unknown) => e);
        }
        expect(err, how).to.not.equal(null);
        expect(isConnectionError(err), `${how}: ${String(err)}`).to.equal(true);
      } finally {
        await runner.release().catch(() => undefined);
      }
    }
  });

  it('on MariaDB, survives its connections being killed mid-stream', async function () {
    if (!onMysql(h.url)) this.skip();
    const u = new URL(h.url.replace(/^mariadb:/, 'mysql:'));
    const dbName = u.pathname.slice(1);
    const admin = new DataSource({ type: 'mysql', host: u.hostname, port: Number(u.port || 3306), username: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: dbName });
    await admin.initialize();
    try {
      const sandbox = h.app.sandbox!;
      const N = 30;
      const posts = Array.from({ length: N }, (_, i) => sandbox.post({ userId: 'zhangmin', userName: '张敏', chatId: 'g-renmin', text: `/未知k${i}` }));
      await Promise.all(posts);
      // Only our own database's connections, never another's.
      const rows: { id: number }[] = await admin.query('SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()', [dbName]);
      for (const r of rows) await admin.query(`KILL ${Number(r.id)}`).catch(() => undefined);
      await h.app.inbox.idle();
      // As the inbox's retry timer would: a replay may itself draw a pooled connection that was
      // killed and be put off again, so it goes on while anything is put off (a few rounds at most).
      for (let i = 0; i < 5 && h.app.inbox.waiting() > 0; i++) {
        await h.app.inbox.retryDeferred();
        await h.app.inbox.idle();
      }
      await h.app.settle();
      expect(await count('processed')).to.equal(N);
      expect(h.botMessages('g-renmin').filter((t) => t.startsWith('未知命令'))).to.have.length(N);
      expect(unhandled, String(unhandled[0])).to.deep.equal([]);
    } finally {
      await admin.destroy();
    }
  });
});
