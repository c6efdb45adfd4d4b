import { expect } from 'chai';
import { In } from 'typeorm';
import { PUSH_REFUSED_HINT, WeComLongConnectionAdapter } from '../../bots/wecom/long-connection';
import { OutboxMessage } from '../../entities';
import { FAKE_ERR, WeComFake } from '../fakes/wecom-fake';
import { Harness } from '../helpers/harness';
import { enqueueOut, eventually, flushUntilSent, handled, payloadOf, processed, repliesTo, testLog } from './helpers';

const BOT = 'aibot-street1';
const SECRET = 'wecom-secret';
const ADMIN = 'u-admin';
const GROUP = 'wrGROUP01';

function newAdapter(fake: WeComFake, now?: () => number): WeComLongConnectionAdapter {
  return new WeComLongConnectionAdapter({
    id: 'street1', botId: BOT, secret: SECRET, wsUrl: fake.wsUrl,
    heartbeatInterval: 300, reconnectInterval: 50, startTimeoutMs: 5000, log: testLog, now,
  });
}

describe('WeCom long connection: real SDK against the local fake', () => {
  let fake: WeComFake;
  let adapter: WeComLongConnectionAdapter;
  let h: Harness;

  beforeEach(async () => {
    fake = await WeComFake.start({ bots: { [BOT]: SECRET } });
    // Adapter pacing follows the harness clock once it exists, as production follows the wall clock.
    adapter = newAdapter(fake, () => (h ? h.clock.now().getTime() : Date.now()));
    h = await Harness.start({ adapters: [adapter], listen: true, config: { admins: [{ platform: 'wecom', userId: ADMIN, name: '王主任' }] } });
  });

  afterEach(async () => {
    await h.stop();
    await fake.close();
  });

  it('authenticates on start and stays connected while heartbeats are acked', async () => {
    expect(adapter.connection.state).to.equal('online');
    // Three missed acks would end the connection; five acked pings prove it survives them.
    await eventually(() => fake.pings >= 5, 'five heartbeats');
    expect(fake.authCount(BOT)).to.equal(1);
    expect(adapter.connection.online).to.equal(true);
  });

  it('treats unanswered heartbeats as a dead connection and reconnects', async () => {
    fake.faults.ignorePings = true;
    await eventually(() => fake.authCount(BOT) === 2, 'reconnect after missed heartbeat acks');
    fake.faults.ignorePings = false;
    const { msgid } = fake.pushText({ userid: ADMIN, content: '/我是谁' });
    await handled(h, 'wecom', msgid);
    expect(fake.shownIn(ADMIN)).to.have.length(1);
  });

  it('binds a group from an @message and answers on the same req_id with one finished stream', async () => {
    const { reqId, msgid } = fake.pushText({ chatid: GROUP, userid: ADMIN, content: '@减负助手 /绑定 社区 人民社区' });
    const row = await handled(h, 'wecom', msgid);
    expect(payloadOf(row)).to.include({ text: '/绑定 社区 人民社区', chatId: GROUP, chatType: 'group', botId: 'street1', senderId: ADMIN });
    expect(fake.shownIn(GROUP)).to.deep.equal(['已将本群绑定为「人民社区」（社区群）。']);
    const [frame] = fake.delivered('aibot_respond_msg');
    expect(frame.reqId).to.equal(reqId);
    expect(frame.body.stream.finish).to.equal(true);
  });

  it('answers a 1:1 message to the user (chatId = userid)', async () => {
    const { msgid } = fake.pushText({ userid: ADMIN, content: '/我是谁' });
    await handled(h, 'wecom', msgid);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（u-admin）：管理员\n单聊']);
  });

  it('decodes voice as its transcript, mixed as joined text plus image attachments, and quotes', async () => {
    const voice = fake.pushVoice({ userid: ADMIN, content: '/我是谁' });
    const mixed = fake.pushMixed({ chatid: GROUP, userid: ADMIN, items: [{ text: '@减负助手 请看' }, { image: Buffer.from('PNGDATA') }, { text: '这张图' }] });
    const quoted = fake.pushText({ userid: ADMIN, content: '/帮助', quote: { msgtype: 'text', text: { content: '原来那条通知' } } });
    expect(payloadOf(await processed(h, 'wecom', voice.msgid)).text).to.equal('/我是谁');
    const m = payloadOf(await processed(h, 'wecom', mixed.msgid));
    expect(m.text).to.equal('请看\n这张图');
    expect(m.attachments).to.have.length(1);
    expect(m.attachments[0].kind).to.equal('image');
    expect((await adapter.download(m.attachments[0])).data.toString()).to.equal('PNGDATA');
    expect(payloadOf(await processed(h, 'wecom', quoted.msgid)).quote).to.deep.equal({ text: '原来那条通知' });
  });

  it('stores a submitted file and an image and downloads them decrypted with the per-message aeskey', async () => {
    const data = Buffer.from('关于开展基层减负专项检查的通知\n附件内容'.repeat(50));
    const { msgid } = fake.pushFile({ userid: ADMIN, data, filename: '通知.docx' });
    const msg = payloadOf(await processed(h, 'wecom', msgid));
    expect(msg.attachments).to.have.length(1);
    expect(msg.attachments[0].meta?.aeskey).to.be.a('string');
    const file = await adapter.download(msg.attachments[0]);
    expect(file.name).to.equal('通知.docx');
    expect(file.data.equals(data)).to.equal(true);
    const image = fake.pushImage({ userid: ADMIN, data: Buffer.from('PNG-IMAGE') });
    const img = payloadOf(await processed(h, 'wecom', image.msgid));
    expect(img.attachments.map((a) => a.kind)).to.deep.equal(['image']);
    expect((await adapter.download(img.attachments[0])).data.toString()).to.equal('PNG-IMAGE');
  });

  it('pushes an outbox row without a reply target through aibot_send_msg as markdown', async () => {
    fake.openChat(BOT, 'wrGROUP02');
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrGROUP02', chatType: 'group' }, { kind: 'text', text: '本周有3条通知待回执' });
    await flushUntilSent(h, [id]);
    const [push] = fake.delivered('aibot_send_msg');
    expect(push.body).to.deep.equal({ chatid: 'wrGROUP02', msgtype: 'markdown', markdown: { content: '本周有3条通知待回执' } });
  });

  it('sends a card with button_interaction keys carrying commands; a click updates the card and runs the command', async () => {
    fake.openChat(BOT, GROUP);
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: GROUP, chatType: 'group' }, {
      kind: 'card', title: '请确认身份', body: '点按钮或直接发送命令', buttons: [{ label: '我是谁', command: '/我是谁' }, { label: '帮助', command: '/帮助' }],
    });
    await flushUntilSent(h, [id]);
    const card = fake.delivered('aibot_send_msg')[0].body.template_card;
    expect(card.card_type).to.equal('button_interaction');
    expect(card.sub_title_text).to.contain('也可直接发送：/我是谁、/帮助');
    expect(card.button_list.map((b: { text: string }) => b.text)).to.deep.equal(['我是谁', '帮助']);

    // The documented shape: event.template_card_event.{card_type, event_key, task_id}.
    const click = fake.pushEvent({ eventtype: 'template_card_event', chatid: GROUP, userid: ADMIN, eventKey: card.button_list[0].key, taskId: card.task_id });
    expect(fake.pushes.get(click.reqId)!.body.event.template_card_event).to.include({ card_type: 'button_interaction', task_id: card.task_id });
    const update = await eventually(() => fake.delivered('aibot_respond_update_msg')[0], 'card update frame');
    expect(update.reqId).to.equal(click.reqId);
    expect(update.body.template_card.button_list[0].text).to.equal('✓ 我是谁');
    expect(update.body.userids).to.deep.equal([ADMIN]);

    const row = await handled(h, 'wecom', `card:${click.msgid}`);
    expect(payloadOf(row)).to.include({ text: '/我是谁', isCardAction: true, chatId: GROUP });
    await flushUntilSent(h, await repliesTo(h, row.id));
    expect(fake.shownIn(GROUP).at(-1)).to.equal('王主任（u-admin）：管理员\n本群：未绑定');
  });

  it('still reads a click in the flat shape of the SDK type (fallback)', async () => {
    const click = fake.pushEvent({ eventtype: 'template_card_event', chatid: GROUP, userid: ADMIN, eventKey: '0:/我是谁', taskId: 'jf_1_flat', flat: true });
    const row = await processed(h, 'wecom', `card:${click.msgid}`);
    expect(payloadOf(row)).to.include({ text: '/我是谁', isCardAction: true });
  });

  it('answers a click through its response_url when the click carries one', async () => {
    const click = fake.pushEvent({ eventtype: 'template_card_event', chatid: GROUP, userid: ADMIN, eventKey: '0:/我是谁', taskId: 'jf_2_url', withResponseUrl: true });
    const row = await handled(h, 'wecom', `card:${click.msgid}`);
    await flushUntilSent(h, await repliesTo(h, row.id));
    expect(fake.posts.map((p) => [p.kind, p.errcode, p.chat])).to.deep.equal([['response_url', 0, GROUP]]);
    expect(fake.delivered('aibot_send_msg')).to.have.length(0);
  });

  it('refuses to push into a chat nobody has messaged the bot in; the admin group is told how to fix it', async () => {
    const bind = fake.pushText({ chatid: 'wrADMIN', userid: ADMIN, content: '@减负助手 /绑定 管理组' });
    await handled(h, 'wecom', bind.msgid);
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrNEVER', chatType: 'group' }, { kind: 'text', text: '通知' });
    await h.app.settle();
    await h.app.settle();
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row.status).to.equal('parked');
    expect(fake.frames.find((f) => f.body?.chatid === 'wrNEVER')!.errcode).to.equal(FAKE_ERR.chatNotAllowed);
    expect(fake.shownIn('wrADMIN').at(-1)).to.contain(PUSH_REFUSED_HINT.slice(0, 20));
  });

  it('paces pushes at 30 a minute per chat, so WeCom never has to refuse one', async () => {
    fake.now = () => h.clock.now().getTime();
    fake.openChat(BOT, 'wrBUSY');
    const ids: number[] = [];
    for (let i = 1; i <= 31; i++) ids.push(await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrBUSY', chatType: 'group' }, { kind: 'text', text: `第${i}条` }));
    await h.app.settle();
    expect(fake.shownIn('wrBUSY')).to.have.length(30);
    await flushUntilSent(h, ids, 10_000);
    expect(fake.shownIn('wrBUSY')).to.have.length(31);
    expect(fake.frames.filter((f) => f.errcode === FAKE_ERR.quota)).to.have.length(0);
  });

  it('the fake refuses a 31st push within a minute, as WeCom does', async () => {
    fake.openChat(BOT, 'wrRAW');
    const results = [];
    for (let i = 0; i < 31; i++) results.push(await adapter.connection.client.sendMessage('wrRAW', { msgtype: 'markdown', markdown: { content: `${i}` } }).then(() => 0, (e: { errcode: number }) => e.errcode));
    expect(results.slice(0, 30).every((c) => c === 0)).to.equal(true);
    expect(results[30]).to.equal(FAKE_ERR.quota);
  });

  it('answers an inbound message with a template card on its req_id (reply, not push)', async () => {
    const { reqId, msgid } = fake.pushText({ userid: ADMIN, content: '/帮助' });
    const row = await handled(h, 'wecom', msgid);
    const before = fake.delivered().length;
    // A second answer to the same message: WeCom takes one reply per req_id, so this one is pushed.
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: ADMIN, chatType: 'direct' }, { kind: 'card', title: '选择', body: '请选择', buttons: [{ label: '我是谁', command: '/我是谁' }] }, { inReplyTo: row.id });
    await flushUntilSent(h, [id]);
    const frames = fake.delivered().slice(before);
    expect(frames).to.have.length(1);
    expect(frames[0].cmd).to.equal('aibot_send_msg');
    expect(fake.delivered('aibot_respond_msg')[0].reqId).to.equal(reqId);

    // A fresh message whose first answer is a card goes back on its own req_id.
    const second = fake.pushText({ userid: ADMIN, content: '/甲' });
    const row2 = await processed(h, 'wecom', second.msgid);
    await h.app.db.work((em) => em.delete(OutboxMessage, { inReplyTo: row2.id }));
    const id2 = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: ADMIN, chatType: 'direct' }, { kind: 'card', title: '选择', body: '请选择', buttons: [{ label: '帮助', command: '/帮助' }] }, { inReplyTo: row2.id });
    await flushUntilSent(h, [id2]);
    const cardReply = fake.delivered('aibot_respond_msg').find((f) => f.reqId === second.reqId)!;
    expect(cardReply.body.msgtype).to.equal('template_card');
  });

  it('splits a long answer by bytes within the 20480-byte limit (reply first, then pushes)', async () => {
    const { msgid } = fake.pushText({ userid: ADMIN, content: '/帮助' });
    const row = await processed(h, 'wecom', msgid);
    await h.app.db.work((em) => em.delete(OutboxMessage, { inReplyTo: row.id }));
    const long = Array.from({ length: 900 }, (_, i) => `${i + 1}. 社区需填报的表格名称较长的一行`).join('\n');
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: ADMIN, chatType: 'direct' }, { kind: 'markdown', text: long }, { inReplyTo: row.id });
    await flushUntilSent(h, [id]);
    const frames = fake.frames.filter((f) => f.cmd !== 'aibot_respond_update_msg');
    expect(frames.length).to.be.greaterThan(1);
    expect(frames.every((f) => f.errcode === 0)).to.equal(true);
    expect(frames[0].cmd).to.equal('aibot_respond_msg');
    expect(frames.slice(1).every((f) => f.cmd === 'aibot_send_msg')).to.equal(true);
    expect(fake.shownIn(ADMIN).join('\n')).to.contain('900. 社区需填报的表格名称较长的一行');
  });

  it('welcomes a user entering the 1:1 chat within the 5 s window', async () => {
    const { reqId } = fake.pushEvent({ eventtype: 'enter_chat', userid: 'u-new' });
    const welcome = await eventually(() => fake.delivered('aibot_respond_welcome_msg')[0], 'welcome frame');
    expect(welcome.reqId).to.equal(reqId);
    expect(welcome.body.text.content).to.contain('/帮助');
  });

  it('reconnects after a dropped socket and still processes a message sent afterwards', async () => {
    fake.dropConnection(BOT);
    await eventually(() => fake.authCount(BOT) === 2 && fake.isOnline(BOT), 'second authentication');
    const { msgid } = fake.pushText({ userid: ADMIN, content: '/我是谁' });
    await handled(h, 'wecom', msgid);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（u-admin）：管理员\n单聊']);
  });

  it('handles the same msgid delivered twice only once', async () => {
    const first = fake.pushText({ userid: ADMIN, content: '/我是谁' });
    fake.redeliver(first.msgid);
    // Inbound frames are stored in order, so once this one is done the duplicate was seen.
    const after = fake.pushText({ userid: ADMIN, content: '/甲' });
    await handled(h, 'wecom', first.msgid);
    await handled(h, 'wecom', after.msgid);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（u-admin）：管理员\n单聊', '未知命令 /甲。发送 /帮助 查看可用命令。']);
  });

  it('backs off on 45009 and delivers every reply exactly once, in order', async () => {
    fake.failNext(3, 45009, 'api freq out of limit', ['aibot_respond_msg']);
    const words = ['甲', '乙', '丙', '丁'];
    const pushed = words.map((w) => fake.pushText({ userid: ADMIN, content: `/${w}` }));
    const ids: number[] = [];
    for (const p of pushed) ids.push(...(await repliesTo(h, (await processed(h, 'wecom', p.msgid)).id)));
    await flushUntilSent(h, ids);
    expect(fake.frames.filter((f) => f.errcode === 45009)).to.have.length(3);
    expect(fake.shownIn(ADMIN)).to.deep.equal(words.map((w) => `未知命令 /${w}。发送 /帮助 查看可用命令。`));
    const rows = await h.app.ds.manager.find(OutboxMessage, { where: { id: In(ids) } });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 0)).to.equal(true);
  });

  it('keeps acks in order when WeCom is slow to answer', async () => {
    fake.faults.ackDelayMs = 150;
    fake.openChat(BOT, 'wrSLOW');
    const a = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrSLOW', chatType: 'group' }, { kind: 'text', text: '第一条' });
    const b = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrSLOW', chatType: 'group' }, { kind: 'text', text: '第二条' });
    await flushUntilSent(h, [a, b]);
    expect(fake.shownIn('wrSLOW')).to.deep.equal(['第一条', '第二条']);
  });

  it('retries a push whose ack never came (SDK times out after 5 s): delivered at least once, nothing lost', async function () {
    this.timeout(15_000);
    fake.faults.dropAcks = 1;
    fake.openChat(BOT, 'wrDROP');
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrDROP', chatType: 'group' }, { kind: 'text', text: '请回执' });
    await flushUntilSent(h, [id]);
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row).to.include({ status: 'sent', attempts: 1 });
    const frames = fake.frames.filter((f) => f.cmd === 'aibot_send_msg');
    // The first frame reached WeCom but its ack was lost: the honest outcome is a second copy.
    expect(frames.map((f) => f.acked)).to.deep.equal([false, true]);
  });

  it('pushes the answer instead when WeCom refuses the reply (invalid req_id)', async () => {
    fake.failNext(1, FAKE_ERR.badReqId, 'invalid req_id', ['aibot_respond_msg']);
    const { msgid } = fake.pushText({ userid: ADMIN, content: '/我是谁' });
    await handled(h, 'wecom', msgid);
    expect(fake.frames.map((f) => [f.cmd, f.errcode])).to.deep.equal([['aibot_respond_msg', FAKE_ERR.badReqId], ['aibot_send_msg', 0]]);
    expect(fake.shownIn(ADMIN)).to.deep.equal(['王主任（u-admin）：管理员\n单聊']);
  });

  it('maps other errcodes to a non-retryable failure and parks the row', async () => {
    fake.failNext(1, 40058, 'invalid Request Parameter', ['aibot_send_msg']);
    fake.openChat(BOT, 'wrGROUP03');
    const id = await enqueueOut(h, { platform: 'wecom', botId: 'street1', chatId: 'wrGROUP03', chatType: 'group' }, { kind: 'text', text: '通知' });
    await h.app.settle();
    const row = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { id });
    expect(row.status).to.equal('parked');
    expect(row.lastError).to.contain('40058');
  });

  it('gives up the connection when a newer one for the same bot kicks it, without fighting back', async () => {
    const rival = newAdapter(fake);
    await rival.start({ accept: async () => ({ duplicate: false }), claimOnce: async () => true });
    try {
      await eventually(() => adapter.connection.state === 'kicked', 'old connection kicked');
      expect(rival.connection.state).to.equal('online');
      expect(adapter.connection.client.isConnected).to.equal(false);
      // Sends through the kicked adapter fail retryably instead of reconnecting.
      const r = await adapter.send({ platform: 'wecom', botId: 'street1', chatId: ADMIN, chatType: 'direct', body: { kind: 'text', text: 'x' }, outboxId: 1 });
      expect(r).to.include({ ok: false, retryable: true });
      expect(fake.authCount(BOT)).to.equal(2);
    } finally {
      await rival.stop();
    }
  });

  it('rejects a wrong secret without crashing and reports the connection as failed', async () => {
    const bad = new WeComLongConnectionAdapter({ id: 'bad', botId: BOT, secret: 'wrong', wsUrl: fake.wsUrl, heartbeatInterval: 300, reconnectInterval: 20, maxAuthFailureAttempts: 1, startTimeoutMs: 5000, log: testLog });
    await bad.start({ accept: async () => ({ duplicate: false }), claimOnce: async () => true });
    expect(bad.connection.state).to.equal('failed');
    expect(fake.auths.filter((a) => !a.ok).length).to.be.greaterThan(0);
    await bad.stop();
  });
});
