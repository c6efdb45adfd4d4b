import { expect } from 'chai';
import { DingTalkStreamAdapter } from '../../bots/dingtalk/stream';
import { InboundMessage, Lease } from '../../entities';
import { openDatabase } from '../../src/db';
import { DingTalkFake } from '../fakes/dingtalk-fake';
import { WeComFake } from '../fakes/wecom-fake';
import { Instance, killHard, startInstance, stopChild } from '../helpers/cluster/cluster';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';
import { Harness } from '../helpers/harness';
import { eventually, handled, testLog } from '../platforms/helpers';

const url = testDatabaseUrl();
const why = onMysql(url) ? '' : ' (skipped: needs DATABASE_URL=mysql://…; several instances share a server database, SQLite is one process)';

describe(`scale: platform connections with several instances${why}`, function () {
  this.timeout(60_000);

  before(function () {
    if (!onMysql(url)) this.skip();
  });

  it('processes a DingTalk message once when the platform redelivers it (ack lost) to another instance', async () => {
    const CID = 'dingscale';
    const ADMIN = 'staff-admin';
    const fake = await DingTalkFake.start({ apps: { [CID]: 'sec' }, people: { [ADMIN]: '王主任' } });
    const adapter = () => new DingTalkStreamAdapter({
      id: 'dt1', clientId: CID, clientSecret: 'sec', endpoints: { apiBase: fake.base, oapiBase: fake.base },
      pingIntervalMs: 100, reconnectBaseMs: 50, startTimeoutMs: 5000, log: testLog,
    });
    const config = { admins: [{ platform: 'dingtalk', userId: ADMIN, name: '王主任' }] };
    const first = await Harness.start({ url, adapters: [adapter()], config });
    const second = await Harness.start({ url, adapters: [adapter()], config, keepData: true });
    try {
      expect(fake.liveConnections(CID)).to.equal(2);
      const pushed = Array.from({ length: 10 }, () => fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' }));
      for (const p of pushed) await handled(second, 'dingtalk', p.msgId);
      expect(fake.shownIn(ADMIN)).to.have.length(10);
      // The instance that took them goes away; the platform, missing acks, pushes all ten again to the other.
      await second.stop();
      await eventually(() => fake.liveConnections(CID) === 1, 'second instance disconnected');
      for (const p of pushed) fake.redeliver(p.messageId);
      await eventually(() => pushed.every((p) => fake.deliveries(p.messageId) === 2), 'redelivered');
      await eventually(() => pushed.every((p) => fake.acks.has(p.messageId)), 'redeliveries acked');
      await first.app.settle();
      const rows = await first.app.ds.manager.find(InboundMessage, { where: { platform: 'dingtalk' } });
      expect(rows.map((r) => [r.status, r.attempts])).to.deep.equal(Array(10).fill(['processed', 1]));
      expect(fake.shownIn(ADMIN)).to.have.length(10);
    } finally {
      await first.stop();
      await second.stop().catch(() => undefined);
      await fake.close();
    }
  });

  it('holds the WeCom long connection on one elected instance and hands it over within seconds of a kill -9', async () => {
    const BOT = 'aibot-scale';
    const ADMIN = 'u-admin';
    await resetDatabase(url);
    const fake = await WeComFake.start({ bots: { [BOT]: 'sec' } });
    const env = { DATABASE_URL: url, LOAD_LEASE_MS: '2000', WECOM_BOT_ID: BOT, WECOM_BOT_SECRET: 'sec', WECOM_WS_URL: fake.wsUrl };
    const nodes: Instance[] = [];
    const ds = await (async () => {
      nodes.push(await startInstance(env), await startInstance(env));
      return openDatabase(url, { migrate: false });
    })();
    try {
      await eventually(() => fake.isOnline(BOT), 'one instance connected', 10_000);
      // Several lease lifetimes: the standby never connects, so nobody is kicked.
      await new Promise((r) => setTimeout(r, 5_000));
      expect(fake.authCount(BOT)).to.equal(1);
      const holder = (await ds.manager.findOneByOrFail(Lease, { name: `adapter:wecom:${BOT}` })).holder;
      const victim = nodes.find((n) => n.holder === holder)!;
      const t0 = Date.now();
      await killHard(victim.child);
      await eventually(() => fake.authCount(BOT) === 2 && fake.isOnline(BOT), 'the other instance took over', 15_000, 50);
      const takeoverMs = Date.now() - t0;
      expect(takeoverMs).to.be.below(10_000);
      const { msgid } = fake.pushText({ userid: ADMIN, content: '/我是谁' });
      await eventually(() => fake.shownIn(ADMIN).length === 1, 'answered by the new holder', 10_000);
      expect(fake.shownIn(ADMIN)[0]).to.contain('管理员');
      expect(await ds.manager.countBy(InboundMessage, { messageId: msgid })).to.equal(1);
    } finally {
      await ds.destroy();
      await Promise.all(nodes.map((n) => stopChild(n.child)));
      await fake.close();
    }
  });
});
