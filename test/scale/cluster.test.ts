import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { InboundMessage, Lease, NoticeDelivery, OutboxMessage } from '../../entities';
import { openDatabase } from '../../src/db';
import { Instance, killHard, reliefBasis, startInstance, stopChild } from '../helpers/cluster/cluster';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';
import { notice, PlatformRecorder, postAny, quiet, whoAmI } from './helpers';

const basis = reliefBasis();
/** Chats one sender pass serves at once: the most sends a kill -9 can catch between "accepted" and "marked". */
const SENDS_IN_FLIGHT = 8;

/**
 * Several instances (child processes) on one MariaDB, killed with SIGKILL under load. Loopback
 * only; each test is bounded to well under a minute.
 */
const why = onMysql(testDatabaseUrl()) ? '' : ' (skipped: needs DATABASE_URL=mysql://…; several instances share a server database, SQLite is one process)';

describe(`scale: several instances on one MariaDB${why}`, function () {
  this.timeout(90_000);
  const url = testDatabaseUrl();
  let nodes: Instance[] = [];
  let platform: PlatformRecorder;
  let ds: DataSource | null = null;

  before(function () {
    if (!onMysql(url)) this.skip(); // several instances need a shared server database; SQLite is one process only
  });

  beforeEach(async () => {
    await resetDatabase(url);
    platform = await PlatformRecorder.start(3);
  });

  afterEach(async () => {
    await ds?.destroy();
    ds = null;
    await Promise.all(nodes.map((n) => stopChild(n.child)));
    nodes = [];
    await platform.close();
  });

  // One timeline for all instances (NTP in real life): outbox claims written by one are read by the others.
  const sameClock = String(Date.now());
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: url, LOAD_PLATFORM_URL: platform.url, LOAD_POLL_MS: '50', LOAD_CLAIM_MS: '3000', LOAD_LEASE_MS: '2000', LOAD_ANCHOR_AT: sameClock, ...extra,
  });
  const alive = () => nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);

  it('three instances started at once on an empty database migrate and load the demo once', async () => {
    nodes = await Promise.all([startInstance(env()), startInstance(env()), startInstance(env())]);
    ds = await openDatabase(url, { migrate: false });
    expect(await ds.showMigrations()).to.equal(false);
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM community`);
    expect(Number(n)).to.equal(3);
    for (const [i, node] of nodes.entries()) expect(await postAny(() => [node.port], whoAmI('start', i))).to.equal(true);
    await quiet(ds, 10_000);
    expect(await ds.manager.countBy(InboundMessage, { status: 'processed' })).to.equal(3);
  });

  it('kill -9 of one instance under load: the others take over jobs, stranded messages and the outbox; nothing lost, nothing sent twice but a send the platform took in the last round trip', async () => {
    for (let k = 0; k < 3; k++) nodes.push(await startInstance(env()));
    ds = await openDatabase(url, { migrate: false });
    const jobsHolder = (await ds.manager.findOneByOrFail(Lease, { name: 'jobs' })).holder;
    const victim = nodes.find((n) => n.holder === jobsHolder)!;
    const msgs = Array.from({ length: 240 }, (_, i) => (i % 4 === 3 ? notice('kill', i, basis) : whoAmI('kill', i)));
    const pending: Promise<boolean>[] = [];
    for (let i = 0; i < msgs.length; i++) {
      if (i === 100) await killHard(victim.child);
      pending.push(postAny(() => alive().map((n) => n.port), msgs[i]));
      await new Promise((r) => setTimeout(r, 8));
    }
    expect((await Promise.all(pending)).every(Boolean)).to.equal(true);
    await quiet(ds, 45_000);

    const inbound = await ds.manager.find(InboundMessage);
    expect(inbound.map((r) => r.messageId).sort()).to.deep.equal(msgs.map((m) => m.messageId).sort());
    expect(inbound.filter((r) => r.status !== 'processed')).to.deep.equal([]);
    const outbox = await ds.manager.find(OutboxMessage);
    expect(outbox.filter((o) => o.status !== 'sent').map((o) => o.id)).to.deep.equal([]);
    // Every message answered; every outbox row reached the platform.
    const answered = new Set(outbox.map((o) => o.inReplyTo));
    expect(inbound.filter((r) => !answered.has(r.id)).map((r) => r.messageId)).to.deep.equal([]);
    const counts = platform.counts();
    expect(outbox.filter((o) => !counts.has(o.id)).map((o) => o.id)).to.deep.equal([]);
    const twice = [...counts].filter(([, c]) => c.n > 1);
    expect(twice.every(([, c]) => c.first === `pid${victim.child.pid}` && c.n === 2), JSON.stringify(twice)).to.equal(true);
    expect(twice.length).to.be.at.most(SENDS_IN_FLIGHT);
    const newHolder = (await ds.manager.findOneByOrFail(Lease, { name: 'jobs' })).holder;
    expect(newHolder).to.not.equal(jobsHolder);
    expect(nodes.map((n) => n.holder)).to.include(newHolder);
  });

  it('keeps a chat\'s per-minute send limit across instances, counted in the database', async () => {
    const limited = env({ LOAD_PER_CHAT_PER_MIN: '5' });
    nodes.push(await startInstance(limited), await startInstance(limited));
    ds = await openDatabase(url, { migrate: false });
    // Twelve messages in one chat, taken alternately by the two instances: twelve replies into that chat.
    const msgs = Array.from({ length: 12 }, (_, i) => ({ ...whoAmI('limit', i), userId: 'u-busy', userName: '忙碌', chatId: 'u-busy' }));
    await Promise.all(msgs.map((m, i) => postAny(() => [nodes[i % 2].port], m)));
    const until = Date.now() + 20_000;
    while ((await ds.manager.countBy(InboundMessage, { status: 'processed' })) < 12 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    // Several sender passes on both instances, well inside the minute.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(platform.accepted.filter((a) => a.chatId === 'u-busy')).to.have.length(5);
    const waiting = await ds.manager.find(OutboxMessage, { where: { chatId: 'u-busy', status: 'pending' } });
    expect(waiting).to.have.length(7);
  });

  it('delivers a deferred notice once when its time passed while every instance was down', async () => {
    // 08 s before work starts on a Monday: the gate holds the notice until 08:30 (quiet time).
    const timeline = { LOAD_ANCHOR: '2026-11-23T08:29:52+08:00', LOAD_ANCHOR_AT: String(Date.now()) };
    nodes.push(await startInstance(env(timeline)));
    ds = await openDatabase(url, { migrate: false });
    expect(await postAny(() => [nodes[0].port], notice('deferred', 1, basis))).to.equal(true);
    await quiet(ds, 10_000);
    const deliveries = await ds.manager.find(NoticeDelivery);
    expect(deliveries).to.have.length(3);
    expect(deliveries.every((d) => d.status === 'pending')).to.equal(true);
    await killHard(nodes[0].child);
    // Everyone is down while 08:30 passes.
    const dueAt = Number(timeline.LOAD_ANCHOR_AT) + 8_000;
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 3_000));
    nodes.push(await startInstance(env(timeline)), await startInstance(env(timeline)));
    const until = Date.now() + 30_000;
    while ((await ds.manager.countBy(NoticeDelivery, { status: 'sent' })) < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    await quiet(ds, 10_000);
    const sent = await ds.manager.find(NoticeDelivery);
    expect(sent.map((d) => d.status)).to.deep.equal(['sent', 'sent', 'sent']);
    const groupRows = (await ds.manager.find(OutboxMessage)).filter((o) => o.dedupeKey.startsWith('deliver:') || o.dedupeKey.startsWith('digest:'));
    expect(groupRows.map((o) => o.chatId).sort()).to.deep.equal(['g-donghu', 'g-heping', 'g-renmin']);
    const counts = platform.counts();
    expect(groupRows.map((o) => counts.get(o.id)?.n)).to.deep.equal([1, 1, 1]);
  });
});

/** Outbound faults need only one instance, so these run on SQLite as well. */
describe('scale: platform storms', function () {
  this.timeout(90_000);
  const url = testDatabaseUrl();
  let node: Instance | null = null;
  let platform: PlatformRecorder;
  let ds: DataSource | null = null;

  beforeEach(async () => {
    await resetDatabase(url);
    platform = await PlatformRecorder.start();
  });

  afterEach(async () => {
    await ds?.destroy();
    ds = null;
    if (node) await stopChild(node.child);
    node = null;
    await platform.close();
  });

  it('loses nothing and repeats nothing through 5xx and rate-limit storms', async () => {
    platform.storm = { status503: 0.3, status429: 0.3 };
    node = await startInstance({ DATABASE_URL: url, LOAD_PLATFORM_URL: platform.url, LOAD_POLL_MS: '50' });
    ds = await openDatabase(url, { migrate: false });
    const msgs = Array.from({ length: 60 }, (_, i) => (i % 3 === 2 ? notice('storm', i, basis) : whoAmI('storm', i)));
    for (const m of msgs) expect(await postAny(() => [node!.port], m)).to.equal(true);
    await quiet(ds, 60_000);
    expect(platform.refused).to.be.greaterThan(20);
    const outbox = await ds.manager.find(OutboxMessage);
    expect(outbox.filter((o) => o.status !== 'sent')).to.deep.equal([]);
    const counts = platform.counts();
    expect(outbox.map((o) => counts.get(o.id)?.n ?? 0).filter((n) => n !== 1)).to.deep.equal([]);
    expect(outbox.length).to.be.greaterThan(msgs.length);
  });
});
