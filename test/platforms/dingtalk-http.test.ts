import { expect } from 'chai';
import { callbackSign, DingTalkHttpAdapter } from '../../bots/dingtalk/http-callback';
import { InboundMessage } from '../../entities';
import { DingTalkFake, postSignedCallback } from '../fakes/dingtalk-fake';
import { Harness } from '../helpers/harness';
import { handled, payloadOf, testLog } from './helpers';

const CID = 'dinghttp01';
const SECRET = 'dingtalk-http-secret';
const ADMIN = 'staff-admin';

describe('DingTalk HTTP robot callback mode', () => {
  let fake: DingTalkFake;
  let h: Harness;
  let url: string;

  beforeEach(async () => {
    fake = await DingTalkFake.start({ apps: { [CID]: SECRET }, people: { [ADMIN]: '王主任' } });
    const adapter = new DingTalkHttpAdapter({ id: 'dth', clientId: CID, clientSecret: SECRET, endpoints: { apiBase: fake.base, oapiBase: fake.base }, log: testLog });
    h = await Harness.start({ adapters: [adapter], routes: [adapter.routes()], listen: true, config: { admins: [{ platform: 'dingtalk', userId: ADMIN, name: '王主任' }] } });
    url = `http://127.0.0.1:${h.app.port}/dingtalk/callback/dth`;
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
});
