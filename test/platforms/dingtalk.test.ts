import { expect } from 'chai';
import { In } from 'typeorm';
import { DingTalkStreamAdapter } from '../../bots/dingtalk/stream';
import { NOT_STORED_TEXT } from '../../bots/dingtalk/outgoing';
import { InboundMessage, OutboxMessage } from '../../entities';
import { DingTalkFake, SEND_TOO_FAST } from '../fakes/dingtalk-fake';
import { Harness } from '../helpers/harness';
import { enqueueOut, eventually, flushUntilSent, handled, payloadOf, processed, repliesTo, testLog } from './helpers';

const CID = 'dingclient01';
const SECRET = 'dingtalk-secret';
const ADMIN = 'staff-admin';
const GROUP = 'cidGROUP01==';

describe('DingTalk Stream mode: real SDK against the local fake', () => {
  let fake: DingTalkFake;
  let adapter: DingTalkStreamAdapter;
  let h: Harness;

  beforeEach(async () => {
    fake = await DingTalkFake.start({ apps: { [CID]: SECRET }, people: { [ADMIN]: '王主任' } });
    adapter = new DingTalkStreamAdapter({
      id: 'dt1', clientId: CID, clientSecret: SECRET, endpoints: { apiBase: fake.base, oapiBase: fake.base },
      silenceMs: 600, pingIntervalMs: 100, reconnectBaseMs: 50, startTimeoutMs: 5000, log: testLog,
    });
    h = await Harness.start({ adapters: [adapter], listen: true, config: { admins: [{ platform: 'dingtalk', userId: ADMIN, name: '王主任' }] } });
  });

  afterEach(async () => {
    // Teardown order the SDK needs (docs/platforms.md): disconnect the client while connected, then close the fake.
    await h.stop();
    await eventually(() => fake.liveConnections(CID) === 0, 'socket closed by the client');
    await fake.close();
  });

  it('subscribes to robot callbacks through the configurable gateway and connects once', async () => {
    expect(fake.connectCount(CID)).to.equal(1);
    expect(JSON.stringify(fake.gatewayCalls[0].subscriptions)).to.contain('/v1.0/im/bot/messages/get');
  });

  it('binds a group from an @message, acks the callback after storing it, replies via sessionWebhook', async () => {
    const { messageId, msgId } = fake.pushRobotMessage({ conversationType: '2', conversationId: GROUP, senderStaffId: ADMIN, senderNick: '王主任', text: '/绑定 社区 人民社区' });
    const row = await handled(h, 'dingtalk', msgId);
    expect(payloadOf(row)).to.include({ text: '/绑定 社区 人民社区', chatId: GROUP, chatType: 'group', botId: 'dt1', senderName: '王主任' });
    await eventually(() => fake.acks.has(messageId), 'callback ack');
    expect(JSON.parse(fake.acks.get(messageId).data)).to.deep.equal({ response: null });
    expect(fake.sent.map((s) => [s.via, s.chat, s.text])).to.deep.equal([['session', GROUP, '已将本群绑定为「人民社区」（社区群）。']]);
  });

  it('answers a 1:1 message; the chat id is the sender staff id', async () => {
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（staff-admin）：管理员\n单聊']);
  });

  it('sends a group card without dtmd buttons (a group click would carry no @) and spells out "@减负助手 /命令"', async () => {
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, {
      kind: 'card', title: '请确认身份', body: '点按钮或直接发送命令', buttons: [{ label: '我是谁', command: '/我是谁' }, { label: '帮助', command: '/帮助' }],
    });
    await flushUntilSent(h, [id]);
    const card = fake.sent[0];
    expect(card).to.include({ via: 'group', kind: 'sampleMarkdown', chat: GROUP });
    expect(card.buttons).to.deep.equal([]);
    expect(card.param.text).to.contain('- 我是谁：发送「@减负助手 /我是谁」');
    // Doing what the card says: DingTalk removes the @name, the bot gets the command.
    const { msgId } = fake.pushRobotMessage({ conversationType: '2', conversationId: GROUP, senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    expect(fake.shownIn(GROUP).at(-1)).to.equal('王主任（staff-admin）：管理员\n本群：未绑定');
  });

  it('the fake refuses a group "click" on a dtmd link: it reaches the bot only in 1:1 chats', async () => {
    const groupCard = { seq: 0, via: 'group' as const, clientId: CID, chat: GROUP, kind: 'sampleActionCard', param: {}, text: '', buttons: [{ title: '我是谁', url: 'dtmd://dingtalkclient/sendMessage?content=%2F%E6%88%91%E6%98%AF%E8%B0%81' }], conversationType: '2' as const };
    expect(fake.click(groupCard, 0, ADMIN)).to.deep.equal({ delivered: false });
    expect(await h.app.ds.manager.count(InboundMessage)).to.equal(0);
  });

  it('sends a 1:1 card with dtmd buttons; a click sends the command back as a message', async () => {
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: ADMIN, chatType: 'direct' }, {
      kind: 'card', title: '请确认身份', body: '点按钮或直接发送命令', buttons: [{ label: '我是谁', command: '/我是谁' }, { label: '帮助', command: '/帮助' }],
    });
    await flushUntilSent(h, [id]);
    const card = fake.sent[0];
    expect(card).to.include({ via: 'oto', kind: 'sampleActionCard2', chat: ADMIN });
    expect(card.param.text).to.contain('也可直接发送：/我是谁、/帮助');
    expect(card.buttons[0]).to.deep.equal({ title: '我是谁', url: `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent('/我是谁')}` });
    const click = fake.click(card, 0, ADMIN);
    if (!click.delivered) throw new Error('a 1:1 click must reach the bot');
    await handled(h, 'dingtalk', click.msgId);
    expect(fake.shownIn(ADMIN).at(-1)).to.equal('王主任（staff-admin）：管理员\n单聊');
  });

  it('replies with an actionCard through the sessionWebhook when the card answers a message', async () => {
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/甲' });
    const row = await processed(h, 'dingtalk', msgId);
    await h.app.db.work((em) => em.delete(OutboxMessage, { inReplyTo: row.id }));
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: ADMIN, chatType: 'direct' }, { kind: 'card', title: '选择', body: '请选择', buttons: [{ label: '帮助', command: '/帮助' }] }, { inReplyTo: row.id });
    await flushUntilSent(h, [id]);
    expect(fake.sent[0]).to.include({ via: 'session', kind: 'actionCard', chat: ADMIN });
    expect(fake.sent[0].buttons).to.deep.equal([{ title: '帮助', url: 'dtmd://dingtalkclient/sendMessage?content=%2F%E5%B8%AE%E5%8A%A9' }]);
  });

  it('downloads a submitted file through messageFiles/download; decodes audio and pictures', async () => {
    const data = Buffer.from('%PDF-1.7 通知原文'.repeat(100));
    const downloadCode = fake.addFile(data, '通知.pdf');
    const file = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, msgtype: 'file', content: { downloadCode, fileName: '通知.pdf' } });
    const audio = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, msgtype: 'audio', content: { recognition: '我是谁', downloadCode: fake.addFile(Buffer.from('amr')) } });
    const picture = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, msgtype: 'picture', content: { downloadCode: fake.addFile(Buffer.from('PNG'), 'p.png') } });
    const msg = payloadOf(await processed(h, 'dingtalk', file.msgId));
    expect(msg.attachments).to.have.length(1);
    expect(msg.attachments[0]).to.include({ kind: 'file', name: '通知.pdf' });
    const got = await adapter.download(msg.attachments[0]);
    expect(got.name).to.equal('通知.pdf');
    expect(got.data.equals(data)).to.equal(true);
    expect(payloadOf(await processed(h, 'dingtalk', audio.msgId)).text).to.equal('我是谁');
    const pic = payloadOf(await processed(h, 'dingtalk', picture.msgId));
    expect((await adapter.download(pic.attachments[0])).data.toString()).to.equal('PNG');
  });

  it('pushes proactive messages through the OpenAPI: group send and 1:1 batchSend with msgParam as a JSON string', async () => {
    const g = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'markdown', title: '提醒', text: '**本周**有3条通知待回执' });
    const u = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: 'staff-zhang', chatType: 'direct' }, { kind: 'text', text: '请查收通知' });
    await flushUntilSent(h, [g, u]);
    // Different chats are served side by side, so only the set is fixed, not the order.
    expect(fake.sent.map((s) => [s.via, s.chat, s.kind, s.text])).to.have.deep.members([
      ['group', GROUP, 'sampleMarkdown', '**本周**有3条通知待回执'],
      ['oto', 'staff-zhang', 'sampleText', '请查收通知'],
    ]);
    expect(fake.sent[0].param.title).to.equal('提醒');
    expect(fake.tokenRequests).to.have.length(1);
  });

  it('splits long text so every request stays under the 20 000-byte body limit (session and OpenAPI)', async () => {
    const long = Array.from({ length: 750 }, (_, i) => `${i + 1}. 请各社区于本周五前报送"减负"台账`).join('\n');
    expect(Buffer.byteLength(long)).to.be.greaterThan(2 * 18_000);
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/甲' });
    const row = await processed(h, 'dingtalk', msgId);
    await h.app.db.work((em) => em.delete(OutboxMessage, { inReplyTo: row.id }));
    const reply = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: ADMIN, chatType: 'direct' }, { kind: 'text', text: long }, { inReplyTo: row.id });
    const push = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'markdown', title: '台账', text: long });
    await flushUntilSent(h, [reply, push]);
    const session = fake.sent.filter((s) => s.via === 'session');
    const group = fake.sent.filter((s) => s.via === 'group');
    expect(session.length).to.be.greaterThan(1);
    expect(group.length).to.be.greaterThan(1);
    expect(session.map((s) => s.text).join('\n')).to.contain('750. 请各社区');
    expect(group.at(-1)!.text).to.contain('750. 请各社区');
  });

  it('refreshes the access token when DingTalk reports InvalidAuthentication', async () => {
    const a = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'text', text: '一' });
    await flushUntilSent(h, [a]);
    fake.revokeTokens();
    const b = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'text', text: '二' });
    await flushUntilSent(h, [b]);
    expect(fake.tokenRequests).to.have.length(2);
    expect(fake.shownIn(GROUP)).to.deep.equal(['一', '二']);
  });

  it('falls back to the OpenAPI when the sessionWebhook is gone (expired, or 300001)', async () => {
    const expired = fake.pushRobotMessage({ conversationType: '2', conversationId: GROUP, senderStaffId: ADMIN, text: '/甲', sessionTtlMs: -1000 });
    await handled(h, 'dingtalk', expired.msgId);
    const gone = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/乙' });
    const row = await processed(h, 'dingtalk', gone.msgId);
    fake.expireSessions();
    await flushUntilSent(h, await repliesTo(h, row.id));
    expect(fake.sent.map((s) => [s.via, s.chat])).to.deep.equal([['group', GROUP], ['oto', ADMIN]]);
  });

  it('reconnects after dropped sockets and still processes a message sent afterwards', async () => {
    fake.dropSockets();
    await eventually(() => fake.connectCount(CID) === 2 && fake.liveConnections(CID) === 1, 'reconnect');
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    expect(fake.shownIn(ADMIN)).to.have.length(1);
  });

  it('moves to a fresh connection as soon as the server announces a disconnect', async () => {
    fake.disconnect('connection is expired', 60_000);
    await eventually(() => fake.connectCount(CID) === 2 && fake.liveConnections(CID) === 1, 'new connection before the old one is closed by the server');
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    expect(fake.shownIn(ADMIN)).to.have.length(1);
  });

  it('answers SYSTEM pings by echoing them', async () => {
    fake.ping();
    await eventually(() => fake.systemResponses.length === 1, 'ping echo');
    expect(fake.systemResponses[0]).to.include({ code: 200, message: 'OK' });
  });

  it('notices a silent socket with its watchdog and reconnects', async () => {
    fake.silenceSockets();
    await eventually(() => fake.connectCount(CID) === 2, 'watchdog reconnect');
    const { msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    expect(fake.shownIn(ADMIN)).to.have.length(1);
  });

  it('handles the same callback delivered twice only once, and acks both', async () => {
    const first = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    fake.redeliver(first.messageId);
    const after = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/甲' });
    await handled(h, 'dingtalk', first.msgId);
    await handled(h, 'dingtalk', after.msgId);
    expect(fake.deliveries(first.messageId)).to.equal(2);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（staff-admin）：管理员\n单聊', '未知命令 /甲。发送 /帮助 查看可用命令。']);
  });

  it('is not redelivered when it acks in time (redelivery knob on)', async () => {
    fake.faults.redeliverAfterMs = 300;
    const { messageId, msgId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
    await handled(h, 'dingtalk', msgId);
    await eventually(() => fake.acks.has(messageId), 'ack');
    expect(fake.deliveries(messageId)).to.equal(1);
  });

  it('backs off on 130101 and delivers every reply exactly once, in order', async () => {
    fake.failSession(3, SEND_TOO_FAST);
    const words = ['甲', '乙', '丙', '丁'];
    const pushed = words.map((w) => fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: `/${w}` }));
    const ids: number[] = [];
    for (const p of pushed) ids.push(...(await repliesTo(h, (await processed(h, 'dingtalk', p.msgId)).id)));
    await flushUntilSent(h, ids);
    expect(fake.shownIn(ADMIN)).to.deep.equal(words.map((w) => `未知命令 /${w}。发送 /帮助 查看可用命令。`));
    const rows = await h.app.ds.manager.find(OutboxMessage, { where: { id: In(ids) } });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 0)).to.equal(true);
  });

  it('retries OpenAPI 403 (QPS limit) and 5xx without losing the message', async () => {
    fake.failApi(2, 403);
    fake.failApi(1, 503, { code: 'ServiceUnavailable', message: '服务繁忙' });
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'text', text: '重要通知' });
    await flushUntilSent(h, [id]);
    expect(fake.shownIn(GROUP)).to.deep.equal(['重要通知']);
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    // Rate limits cost no attempt; the 503 costs one.
    expect(row.attempts).to.equal(1);
  });

  it('retries HTTP 400 throttling codes (send.too.fast) after a wait, without spending attempts', async () => {
    fake.failApi(2, 400, { code: 'send.too.fast', message: '发送太快' });
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, { kind: 'text', text: '限流后的通知' });
    await h.app.settle();
    const waiting = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(waiting.status).to.equal('pending');
    expect(waiting.notBefore.getTime()).to.be.greaterThan(h.clock.now().getTime());
    expect(waiting.lastError).to.contain('send.too.fast');
    await flushUntilSent(h, [id]);
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row).to.include({ status: 'sent', attempts: 0 });
    expect(fake.shownIn(GROUP)).to.deep.equal(['限流后的通知']);
  });
});

describe('DingTalk Stream mode: a message that cannot be stored', () => {
  it('tells the sender through the sessionWebhook and acks (robot messages are not redelivered)', async () => {
    const fake = await DingTalkFake.start({ apps: { [CID]: SECRET } });
    const adapter = new DingTalkStreamAdapter({ id: 'dt1', clientId: CID, clientSecret: SECRET, endpoints: { apiBase: fake.base, oapiBase: fake.base }, silenceMs: 2000, reconnectBaseMs: 50, log: testLog });
    await adapter.start({ accept: async () => Promise.reject(new Error('database is down')), claimOnce: async () => true });
    try {
      const { messageId } = fake.pushRobotMessage({ conversationType: '1', senderStaffId: ADMIN, text: '/我是谁' });
      await eventually(() => fake.acks.has(messageId), 'ack after telling the user');
      expect(fake.sent.map((x) => [x.via, x.chat, x.text])).to.deep.equal([['session', ADMIN, NOT_STORED_TEXT]]);
    } finally {
      await adapter.stop();
      await fake.close();
    }
  });
});

describe('DingTalk interactive cards: a click in a group reaches the command through the SDK card topic', () => {
  let fake: DingTalkFake;
  let h: Harness;

  beforeEach(async () => {
    fake = await DingTalkFake.start({ apps: { [CID]: SECRET }, people: { [ADMIN]: '王主任' } });
    fake.addCardTemplate('tpl-jianfu.schema');
    const adapter = new DingTalkStreamAdapter({
      id: 'dt1', clientId: CID, clientSecret: SECRET, endpoints: { apiBase: fake.base, oapiBase: fake.base }, cardTemplateId: 'tpl-jianfu.schema',
      silenceMs: 2000, pingIntervalMs: 200, reconnectBaseMs: 50, log: testLog,
    });
    h = await Harness.start({ adapters: [adapter], listen: true, config: { admins: [{ platform: 'dingtalk', userId: ADMIN, name: '王主任' }] } });
  });

  afterEach(async () => {
    await h.stop();
    await eventually(() => fake.liveConnections(CID) === 0, 'socket closed by the client');
    await fake.close();
  });

  it('subscribes to the card topic, delivers the card into the group, and runs the clicked command', async () => {
    expect(JSON.stringify(fake.gatewayCalls[0].subscriptions)).to.contain('/v1.0/card/instances/callback');
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: GROUP, chatType: 'group' }, {
      kind: 'card', title: '请确认身份', body: '点按钮即可', buttons: [{ label: '我是谁', command: '/我是谁' }, { label: '帮助', command: '/帮助' }],
    });
    await flushUntilSent(h, [id]);
    const card = fake.sent[0];
    expect(card).to.include({ via: 'card', chat: GROUP, conversationType: '2' });
    expect(card.buttons.map((b) => b.title)).to.deep.equal(['我是谁', '帮助']);
    const { messageId } = fake.clickCard(card.param.outTrackId, 0, ADMIN);
    const row = await handled(h, 'dingtalk', `card:${messageId}`);
    expect(payloadOf(row)).to.include({ text: '/我是谁', chatId: GROUP, chatType: 'group', senderId: ADMIN, isCardAction: true });
    await flushUntilSent(h, await repliesTo(h, row.id));
    expect(fake.shownIn(GROUP).at(-1)).to.equal('王主任（staff-admin）：管理员\n本群：未绑定');
    // The answer to the click updates only the clicker's copy of the card.
    expect(JSON.parse(fake.acks.get(messageId).data).response).to.deep.equal({ cardUpdateOptions: { updatePrivateDataByKey: true }, userPrivateData: { cardParamMap: { done: '已选择：/我是谁' } } });
  });

  it('delivers a 1:1 interactive card into the robot chat, and its click answers there', async () => {
    const id = await enqueueOut(h, { platform: 'dingtalk', botId: 'dt1', chatId: ADMIN, chatType: 'direct' }, { kind: 'card', title: '选择', body: '请选择', buttons: [{ label: '帮助', command: '/帮助' }] });
    await flushUntilSent(h, [id]);
    const card = fake.sent[0];
    expect(card).to.include({ via: 'card', chat: ADMIN, conversationType: '1' });
    const { messageId } = fake.clickCard(card.param.outTrackId, 0, ADMIN);
    const row = await handled(h, 'dingtalk', `card:${messageId}`);
    expect(payloadOf(row)).to.include({ text: '/帮助', chatId: ADMIN, chatType: 'direct' });
  });
});
