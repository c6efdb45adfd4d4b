import { expect } from 'chai';
import { WeComHttpCallbackAdapter } from '../../bots/wecom/http-callback';
import { InboundMessage, OutboxMessage } from '../../entities';
import { openPassiveReply, sealedCallback, verificationQuery, WeComFake } from '../fakes/wecom-fake';
import { Harness } from '../helpers/harness';
import { enqueueOut, flushUntilSent, handled, payloadOf, processed, testLog } from './helpers';

/** The signature test vector of WeCom's crypto scheme (doc 101033, docs/platforms.md). */
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
  /** Set to pin the adapter's clock (the doc's test vector is from 2023). */
  let pinnedNow: number | null = null;

  beforeEach(async () => {
    pinnedNow = null;
    fake = await WeComFake.start();
    adapter = new WeComHttpCallbackAdapter({ id: 'cb1', token: KEYS.token, encodingAESKey: KEYS.aesKey, webhooks: { [GROUP]: 'hook-key-1' }, webhookBase: fake.httpBase, log: testLog, now: () => pinnedNow ?? Date.now() });
    h = await Harness.start({ adapters: [adapter], routes: [adapter.routes()], listen: true, config: { admins: [{ platform: 'wecom', userId: ADMIN, name: '王主任' }] } });
    url = `http://127.0.0.1:${h.app.port}/wecom/callback/cb1`;
  });

  afterEach(async () => {
    await h.stop();
    await fake.close();
  });

  const post = (message: unknown, opts: { badSignature?: boolean; timestampSec?: number } = {}) => {
    const { query, body } = sealedCallback(KEYS, message, opts);
    return fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  };

  /** Posts and opens the passive reply, checking it reuses the request's nonce and timestamp. */
  const postForReply = async (message: unknown) => {
    const sealed = sealedCallback(KEYS, message);
    const res = await fetch(`${url}?${sealed.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sealed.body) });
    expect(res.status).to.equal(200);
    return openPassiveReply(KEYS, sealed, (await res.json()) as Parameters<typeof openPassiveReply>[2]);
  };

  it('answers URL verification with the decrypted echostr only (doc test vector)', async () => {
    pinnedNow = 1700000000_000;
    const res = await fetch(`${url}?${VECTOR.query}`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('1234567890');
    pinnedNow = null;
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

  it('turns a click in the documented shape into the command, updates only the clicker\'s card, answers via response_url', async () => {
    const click = fake.eventBody({ botId: 'cb1', eventtype: 'template_card_event', chatid: GROUP, userid: ADMIN, eventKey: '0:/我是谁', taskId: 'jf_9_abc', withResponseUrl: true });
    const update = await postForReply(click);
    expect(update).to.deep.include({ response_type: 'update_template_card', userids: [ADMIN] });
    expect(update.template_card.task_id).to.equal('jf_9_abc');
    const row = await handled(h, 'wecom', `card:${click.msgid}`);
    expect(payloadOf(row)).to.include({ text: '/我是谁', isCardAction: true, chatId: GROUP });
    expect(fake.posts.map((p) => [p.kind, p.errcode])).to.deep.equal([['response_url', 0]]);
    expect(fake.shownIn(GROUP)).to.deep.equal(['王主任（u-admin）：管理员\n本群：未绑定']);
  });

  it('still reads a click in the flat shape (fallback); without a response_url the answer goes to the webhook', async () => {
    const click = fake.eventBody({ botId: 'cb1', eventtype: 'template_card_event', chatid: GROUP, userid: ADMIN, eventKey: '0:/我是谁', taskId: 'jf_9_def', flat: true });
    await postForReply(click);
    await handled(h, 'wecom', `card:${click.msgid}`);
    expect(fake.posts.at(-1)!.kind).to.equal('webhook');
  });

  it('refuses callbacks whose timestamp is more than a few minutes off, before reading the body', async () => {
    const body = fake.messageBody({ userid: ADMIN }, { msgtype: 'text', text: { content: '/我是谁' } });
    const old = await post(body, { timestampSec: Math.floor(Date.now() / 1000) - 7 * 24 * 3600 });
    expect(old.status).to.equal(401);
    expect(((await old.json()) as { error: string }).error).to.equal('stale_timestamp');
    const ahead = await post(body, { timestampSec: Math.floor(Date.now() / 1000) + 600 });
    expect(ahead.status).to.equal(401);
    const staleGet = await fetch(`${url}?${VECTOR.query}`);
    expect(staleGet.status).to.equal(401);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('refuses a body over the callback limit with 413 and stores nothing', async () => {
    const { query } = sealedCallback(KEYS, {});
    const res = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: 'A'.repeat(2_000_000) }) });
    expect(res.status).to.equal(413);
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('answers enter_chat with an encrypted passive welcome, signed with the request\'s nonce and timestamp', async () => {
    const reply = await postForReply({ msgid: 'evt1', create_time: 1, aibotid: 'cb1', chattype: 'single', from: { userid: 'u-new' }, msgtype: 'event', event: { eventtype: 'enter_chat' } });
    expect(reply.msgtype).to.equal('text');
    expect(reply.text.content).to.contain('/帮助');
  });

  it('stores file and image callbacks; downloads decrypt with the callback EncodingAESKey', async () => {
    const data = Buffer.from('关于报送台账的通知'.repeat(40));
    const file = fake.messageBody({ userid: ADMIN }, { msgtype: 'file', file: { url: fake.hostWithCallbackKey(data, KEYS.aesKey, '台账.xlsx') } });
    const image = fake.messageBody({ userid: ADMIN }, { msgtype: 'image', image: { url: fake.hostWithCallbackKey(Buffer.from('PNGDATA'), KEYS.aesKey, 'a.png') } });
    expect((await post(file)).status).to.equal(200);
    expect((await post(image)).status).to.equal(200);
    const f = payloadOf(await processed(h, 'wecom', file.msgid));
    expect(f.attachments[0].kind).to.equal('file');
    const got = await adapter.download(f.attachments[0]);
    expect(got.name).to.equal('台账.xlsx');
    expect(got.data.equals(data)).to.equal(true);
    const i = payloadOf(await processed(h, 'wecom', image.msgid));
    expect((await adapter.download(i.attachments[0])).data.toString()).to.equal('PNGDATA');
  });

  it('answers a message with a button card through its response_url', async () => {
    const body = fake.messageBody({ userid: ADMIN, withResponseUrl: true }, { msgtype: 'text', text: { content: '/甲' } });
    await post(body);
    const row = await processed(h, 'wecom', body.msgid);
    await h.app.db.work((em) => em.delete(OutboxMessage, { inReplyTo: row.id }));
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'cb1', chatId: ADMIN, chatType: 'direct' }, { kind: 'card', title: '选择', body: '请选择', buttons: [{ label: '我是谁', command: '/我是谁' }] }, { inReplyTo: row.id });
    await flushUntilSent(h, [id]);
    const sent = fake.posts.at(-1)!;
    expect(sent).to.include({ kind: 'response_url', errcode: 0 });
    expect(sent.body.msgtype).to.equal('template_card');
    expect(sent.body.template_card.button_list[0]).to.include({ text: '我是谁', key: '0:/我是谁' });
  });
});
