import { expect } from 'chai';
import { WeComHttpCallbackAdapter } from '../../bots/wecom/http-callback';
import { InboundMessage, OutboxMessage } from '../../entities';
import { openPassiveReply, sealedCallback, verificationQuery, WeComFake } from '../fakes/wecom-fake';
import { Harness } from '../helpers/harness';
import { enqueueOut, flushUntilSent, handled, payloadOf, testLog } from './helpers';

/** The protocol doc's test vector (A5.4). */
const VECTOR = {
  token: 'TESTTOKEN', aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  query: 'msg_signature=933b10d4c8d34f4f310edbcd2a90383a6f9e494f&timestamp=1700000000&nonce=nonce123&echostr=Q3stYC6hdFzMh9T8HCvyDIaFYHtqMJFFidYBvPiPMQg%3D',
};
const KEYS = { token: VECTOR.token, aesKey: VECTOR.aesKey };
const ADMIN = 'u-admin';
const GROUP = 'wrCB01';

describe('WeCom HTTP callback mode', () => {
  let fake: WeComFake;
  let adapter: WeComHttpCallbackAdapter;
  let h: Harness;
  let url: string;

  beforeEach(async () => {
    fake = await WeComFake.start();
    adapter = new WeComHttpCallbackAdapter({ id: 'cb1', token: KEYS.token, encodingAESKey: KEYS.aesKey, webhooks: { [GROUP]: 'hook-key-1' }, webhookBase: fake.httpBase, log: testLog });
    h = await Harness.start({ adapters: [adapter], routes: [adapter.routes()], listen: true, config: { admins: [{ platform: 'wecom', userId: ADMIN, name: '王主任' }] } });
    url = `http://127.0.0.1:${h.app.port}/wecom/callback/cb1`;
  });

  afterEach(async () => {
    await h.stop();
    await fake.close();
  });

  const post = (message: unknown, opts: { badSignature?: boolean } = {}) => {
    const { query, body } = sealedCallback(KEYS, message, opts);
    return fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };

  it('answers URL verification with the decrypted echostr only (doc test vector)', async () => {
    const res = await fetch(`${url}?${VECTOR.query}`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('1234567890');
    const again = await fetch(`${url}?${verificationQuery(KEYS, 'echo+/=中文')}`);
    expect(await again.text()).to.equal('echo+/=中文');
  });

  it('refuses a bad msg_signature with 401 on GET and POST, and malformed bodies with 400', async () => {
    const get = await fetch(`${url}?${verificationQuery(KEYS, 'x', { badSignature: true })}`);
    expect(get.status).to.equal(401);
    expect(await get.json()).to.deep.equal({ error: 'bad_signature', message: '签名校验失败' });
    const bad = await post(fake.messageBody({ userid: ADMIN }, { msgtype: 'text', text: { content: '/我是谁' } }), { badSignature: true });
    expect(bad.status).to.equal(401);
    const { query } = sealedCallback(KEYS, {});
    const notJson = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not json' });
    expect(notJson.status).to.equal(400);
    const noEncrypt = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(noEncrypt.status).to.equal(400);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('stores a message, answers at once with an empty body, and replies once through response_url', async () => {
    const body = fake.messageBody({ userid: ADMIN, withResponseUrl: true }, { msgtype: 'text', text: { content: '/我是谁' } });
    const res = await post(body);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('');
    // WeCom retries slow callbacks; the retry is recognised by msgid.
    expect((await post(body)).status).to.equal(200);
    const row = await handled(h, 'wecom', body.msgid);
    expect(payloadOf(row)).to.include({ chatId: ADMIN, chatType: 'direct', botId: 'cb1' });
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(1);
    expect(fake.posts).to.have.length(1);
    expect(fake.posts[0]).to.include({ kind: 'response_url', errcode: 0 });
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（u-admin）：管理员\n单聊']);
  });

  it('binds a group from an @message; later pushes to that group go through its webhook', async () => {
    const body = fake.messageBody({ chatid: GROUP, userid: ADMIN, withResponseUrl: true }, { msgtype: 'text', text: { content: '@减负助手 /绑定 社区 人民社区' } });
    await post(body);
    await handled(h, 'wecom', body.msgid);
    expect(fake.shownIn(GROUP)).to.deep.equal(['已将本群绑定为「人民社区」（社区群）。']);
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'cb1', chatId: GROUP, chatType: 'group' }, { kind: 'card', title: '回执', body: '请确认', buttons: [{ label: '已读', command: '/我是谁' }] });
    await flushUntilSent(h, [id]);
    const hook = fake.posts.at(-1)!;
    expect(hook).to.include({ kind: 'webhook', target: 'hook-key-1', errcode: 0 });
    expect(hook.body.markdown.content).to.contain('已读：发送 /我是谁');
  });

  it('cannot push to a chat without a webhook and says so instead of retrying forever', async () => {
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'cb1', chatId: 'u-someone', chatType: 'direct' }, { kind: 'text', text: '提醒' });
    await h.app.settle();
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row.status).to.equal('parked');
    expect(row.lastError).to.contain('WECOM_WEBHOOKS');
  });

  it('turns a card click into the button command and answers with an encrypted card update', async () => {
    const res = await post({
      msgid: 'click1', create_time: 1, aibotid: 'cb1', chatid: GROUP, chattype: 'group', from: { userid: ADMIN }, msgtype: 'event',
      event: { eventtype: 'template_card_event', event_key: '0:/我是谁', task_id: 'jf_9_abc' },
    });
    const update = openPassiveReply(KEYS, (await res.json()) as Parameters<typeof openPassiveReply>[1]);
    expect(update.response_type).to.equal('update_template_card');
    expect(update.template_card.task_id).to.equal('jf_9_abc');
    const row = await handled(h, 'wecom', 'card:click1');
    expect(payloadOf(row)).to.include({ text: '/我是谁', isCardAction: true, chatId: GROUP });
    expect(fake.posts.at(-1)!.kind).to.equal('webhook');
  });

  it('answers enter_chat with an encrypted passive welcome', async () => {
    const res = await post({ msgid: 'evt1', create_time: 1, aibotid: 'cb1', chattype: 'single', from: { userid: 'u-new' }, msgtype: 'event', event: { eventtype: 'enter_chat' } });
    expect(res.status).to.equal(200);
    const reply = openPassiveReply(KEYS, (await res.json()) as Parameters<typeof openPassiveReply>[1]);
    expect(reply.msgtype).to.equal('text');
    expect(reply.text.content).to.contain('/帮助');
  });
});
