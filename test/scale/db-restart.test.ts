import { expect } from 'chai';
import { InboundMessage } from '../../entities';
import { Harness } from '../helpers/harness';
import { onMysql, testDatabaseUrl } from '../helpers/db';
import { TcpProxy } from '../helpers/tcp-proxy';
import { request } from '../security/http';

const url = testDatabaseUrl();
const why = onMysql(url) ? '' : ' (skipped: needs DATABASE_URL=mysql://…)';

const until = async (what: string, ok: () => Promise<boolean>, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

/*
 * The database server restarts under load. The real server is shared with CI and other runs, so
 * a loopback TCP proxy stands in for it: cutting the proxy resets every connection and refuses new
 * ones, as a stopped server does; restoring it is the server back on its port. The service is not
 * restarted and nothing in the test re-opens its connections: it must find its way back itself.
 */
describe(`scale: the MariaDB server restarts mid-run${why}`, function () {
  this.timeout(90_000);
  let proxy: TcpProxy | null = null;
  let h: Harness | null = null;
  const unhandled: unknown[] = [];
  const onUnhandled = (r: unknown) => unhandled.push(r);

  before(function () {
    if (!onMysql(url)) this.skip(); // the outage of a database server; SQLite is a file in the process
  });
  beforeEach(() => process.on('unhandledRejection', onUnhandled));
  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    await proxy?.restore();
    await h?.stop();
    await proxy?.close();
    h = null;
    proxy = null;
  });

  it('reconnects by itself: messages stored before are answered once, those sent while it is down get 稍后重试, nothing lost or doubled', async () => {
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    proxy = await TcpProxy.start({ host: u.hostname, port: Number(u.port || 3306) });
    h = await Harness.start({ url: TcpProxy.url(url, proxy), listen: true });
    const app = h.app;
    const sandbox = app.sandbox!;
    const count = (status: string) => app.ds.manager.count(InboundMessage, { where: { status: status as never } });
    const readyz = async () => (await request(app.port, 'GET', '/readyz')).status;
    const send = (text: string) => request(app.port, 'POST', '/sandbox/api/send', JSON.stringify({ userId: 'zhangmin', chatId: 'g-renmin', text }));

    // Stored at once; their processing is still queued or running when the server goes.
    const N = 40;
    await Promise.all(Array.from({ length: N }, (_, i) => sandbox.post({ userId: 'zhangmin', userName: '张敏', chatId: 'g-renmin', text: `/未知a${i}` })));
    await proxy.cut();

    // While it is down: the service stays up, says so, and tells a sender to try again.
    const mark = h.mark();
    const refused = await send('/未知b0');
    expect(refused.status).to.equal(503);
    expect(JSON.parse(refused.text).message).to.match(/稍后重试/);
    expect(h.botMessages('g-renmin', mark).join('\n')).to.match(/稍后重试/);
    expect(await readyz()).to.equal(503);
    await app.inbox.idle();
    expect(app.inbox.waiting()).to.be.greaterThan(0);

    await new Promise((r) => setTimeout(r, 1500));
    await proxy.restore();

    // Back: the put-off messages are replayed by the service's own timer, no call from here.
    await until('the stored messages to be processed', async () => (await count('processed').catch(() => 0)) === N, 30_000);
    await until('/readyz to recover', async () => (await readyz()) === 200, 10_000);
    // The refused message, sent again as the user was told, goes through.
    expect((await send('/未知b0')).status).to.equal(200);
    await app.settle();

    expect(await count('processed')).to.equal(N + 1);
    expect(await count('received')).to.equal(0);
    expect(await count('failed')).to.equal(0);
    const answers = h.botMessages('g-renmin').filter((t) => t.startsWith('未知命令'));
    const expected = [...Array.from({ length: N }, (_, i) => `/未知a${i}`), '/未知b0'];
    // Every message answered exactly once.
    expect(answers.map((t) => /未知命令 (\S+)。/.exec(t)?.[1]).sort()).to.deep.equal(expected.sort());
    expect(unhandled, String(unhandled[0])).to.deep.equal([]);
  });
});
