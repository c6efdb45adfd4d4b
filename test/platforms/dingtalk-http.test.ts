import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { callbackSign, DingTalkHttpAdapter } from '../../bots/dingtalk/http-callback';
import { InboundMessage } from '../../entities';
import { DingTalkFake, postSignedCallback } from '../fakes/dingtalk-fake';
import { Harness } from '../helpers/harness';
import { enqueueOut, flushUntilSent, handled, payloadOf, processed, repliesTo, testLog } from './helpers';

const CID = 'dinghttp01';
const SECRET = 'dingtalk-http-secret';
const ADMIN = 'staff-admin';

describe('DingTalk HTTP robot callback mode', () => {
  let fake: DingTalkFake;
  let h: Harness;
  let url: string;
  let adapter: DingTalkHttpAdapter;

  /** With a url: the same database again (a second instance, or a restart). */
  const startApp = async (sameDbAs?: string) => {
    adapter = new DingTalkHttpAdapter({ id: 'dth', clientId: CID, clientSecret: SECRET, endpoints: { apiBase: fake.base, oapiBase: fake.base }, log: testLog });
    h = await Harness.start({ adapters: [adapter], routes: [adapter.routes()], listen: true, ...(sameDbAs ? { url: sameDbAs, keepData: true } : {}), config: { admins: [{ platform: 'dingtalk', userId: ADMIN, name: '王主任' }] } });
    url = `http://127.0.0.1:${h.app.port}/dingtalk/callback/dth`;
  };

  beforeEach(async () => {
    fake = await DingTalkFake.start({ apps: { [CID]: SECRET }, people: { [ADMIN]: '王主任' } });
    await startApp();
  });

  afterEach(async () => {
    await h.stop();
    await fake.close();
  });

  it('signs like the documented test vector', () => {
    expect(callbackSign('1700000000000', 'testAppSecret')).to.equal('6eme9OZpsZ0xT14aKlxRPyaQRga1PwA6MpSWONOX6mQ=');
  });

  it('accepts a signed callback, answers 200 at once, and replies through the sessionWebhook', async () => {
    const payload = fake.robotPayload({ conversationType: '2', conversationId: 'cidHTTP==', senderStaffId: ADMIN, text: '/绑定 社区 人民社区' });
    const res = await postSignedCallback(url, payload, { secret: SECRET });
    expect(res.status).to.equal(200);
    const row = await handled(h, 'dingtalk', payload.msgId);
    expect(payloadOf(row)).to.include({ chatId: 'cidHTTP==', chatType: 'group', botId: 'dth' });
    expect(fake.sent.map((s) => [s.via, s.text])).to.deep.equal([['session', '已将本群绑定为「人民社区」（社区群）。']]);
    // A repeated POST of the same msgId is stored once.
    expect((await postSignedCallback(url, payload, { secret: SECRET })).status).to.equal(200);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(1);
  });

  it('refuses a bad sign, a stale timestamp and missing headers with 401; a bad body with 400', async () => {
    const payload = fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    const badSign = await postSignedCallback(url, payload, { secret: SECRET, sign: callbackSign(String(Date.now()), 'wrong-secret') });
    expect(badSign.status).to.equal(401);
    expect(await badSign.json()).to.deep.equal({ error: 'bad_signature', message: '签名校验失败' });
    const stale = await postSignedCallback(url, payload, { secret: SECRET, timestamp: Date.now() - 2 * 3_600_000 });
    expect(stale.status).to.equal(401);
    expect(((await stale.json()) as { error: string }).error).to.equal('stale_timestamp');
    const bare = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(bare.status).to.equal(401);
    const junk = await postSignedCallback(url, { hello: 'world' }, { secret: SECRET });
    expect(junk.status).to.equal(400);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('accepts a (timestamp, sign) pair once: a replay is refused, also by the next instance on the same database', async () => {
    const timestamp = Date.now();
    const first = fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    expect((await postSignedCallback(url, first, { secret: SECRET, timestamp })).status).to.equal(200);
    const forged = fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, text: '/绑定 管理组' });
    const replay = await postSignedCallback(url, forged, { secret: SECRET, timestamp });
    expect(replay.status).to.equal(401);
    expect(((await replay.json()) as { error: string }).error).to.equal('replayed');
    const dbUrl = h.url;
    await h.stop();
    await startApp(dbUrl);
    expect((await postSignedCallback(url, forged, { secret: SECRET, timestamp })).status).to.equal(401);
    expect((await postSignedCallback(url, forged, { secret: SECRET, timestamp: timestamp + 1 })).status).to.equal(200);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(2);
  });

  it('never posts to a sessionWebhook outside DingTalk\'s host; the reply goes through the OpenAPI', async () => {
    const hits: string[] = [];
    const elsewhere = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.end('{"errcode":0}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    try {
      const payload = fake.robotPayload({ conversationType: '2', conversationId: 'cidHTTP==', senderStaffId: ADMIN, text: '/我是谁' });
      payload.sessionWebhook = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/robot/sendBySession?session=x`;
      expect((await postSignedCallback(url, payload, { secret: SECRET })).status).to.equal(200);
      const row = await handled(h, 'dingtalk', payload.msgId);
      await flushUntilSent(h, await repliesTo(h, row.id));
      expect(hits).to.deep.equal([]);
      expect(fake.sent.map((s) => s.via)).to.deep.equal(['group']);
    } finally {
      elsewhere.close();
    }
  });

  it('refuses a body over the callback limit with 413, after the signature check', async () => {
    const payload = { ...fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' }), padding: 'x'.repeat(1_000_000) };
    expect((await postSignedCallback(url, payload, { secret: SECRET })).status).to.equal(413);
    const unsigned = await postSignedCallback(url, payload, { secret: SECRET, sign: 'forged' });
    expect(unsigned.status).to.equal(401);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('stores file and picture callbacks and downloads them through the OpenAPI', async () => {
    const data = Buffer.from('%PDF 通知'.repeat(20));
    const file = fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, msgtype: 'file', content: { downloadCode: fake.addFile(data, '通知.pdf'), fileName: '通知.pdf' } });
    const picture = fake.robotPayload({ conversationType: '1', senderStaffId: ADMIN, msgtype: 'picture', content: { downloadCode: fake.addFile(Buffer.from('PNG'), 'p.png') } });
    expect((await postSignedCallback(url, file, { secret: SECRET })).status).to.equal(200);
    expect((await postSignedCallback(url, picture, { secret: SECRET, timestamp: Date.now() + 1 })).status).to.equal(200);
    const f = payloadOf(await processed(h, 'dingtalk', file.msgId));
    expect((await adapter.download(f.attachments[0])).data.equals(data)).to.equal(true);
    const p = payloadOf(await processed(h, 'dingtalk', picture.msgId));
    expect(p.attachments[0].kind).to.equal('image');
    expect((await adapter.download(p.attachments[0])).data.toString()).to.equal('PNG');
  });

  it('sends a group card as text that says "@减负助手 /命令" (no interactive cards over HTTP mode)', async () => {
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dth', chatId: 'cidHTTP==', chatType: 'group' }, { kind: 'card', title: '回执', body: '请确认', buttons: [{ label: '已读', command: '/我是谁' }] });
    await flushUntilSent(h, [id]);
    expect(fake.sent[0]).to.include({ via: 'group', kind: 'sampleMarkdown' });
    expect(fake.sent[0].param.text).to.contain('- 已读：发送「@减负助手 /我是谁」');
  });
});
