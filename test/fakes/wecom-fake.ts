/**
 * A local stand-in for WeCom's intelligent-robot servers, built from docs/platforms.md: the long-connection
 * WebSocket (auth, heartbeats, one live connection per bot, pushes, ordered acks with stream
 * state and limits), encrypted file downloads, the one-shot response_url and group-robot webhooks
 * used by callback mode, and helpers to build encrypted HTTP callbacks. Listens on 127.0.0.1:0.
 * It refuses what WeCom refuses: pushes into chats nobody has messaged the bot in, more than 30
 * sends a minute or 1,000 an hour per chat, late welcomes and card updates, refreshes of finished
 * streams, reused response_urls, and passive replies with another nonce or timestamp.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decrypt as wxDecrypt, encrypt as wxEncrypt, getSignature } from '@wecom/crypto';
import { WebSocket, WebSocketServer } from 'ws';

export const REPLY_CMDS = ['aibot_respond_msg', 'aibot_respond_welcome_msg', 'aibot_respond_update_msg', 'aibot_send_msg'] as const;
export type ReplyCmd = (typeof REPLY_CMDS)[number];

/**
 * Error codes the fake answers with. 846605 ("invalid req_id") and 846608 ("stream message update
 * expired") are what third-party WeCom plugins handle in the wild; the others are unknown and
 * only need to be non-zero (docs/platforms.md).
 */
export const FAKE_ERR = {
  badAuth: 40058, tooLong: 40058, badReqId: 846605, streamFinished: 40099, windowClosed: 846608, notAuthed: 40097, responseUrlUsed: 40096, badBody: 40095,
  /** 45009 is WeCom's documented "api freq out of limit". */
  quota: 45009,
  /** The code for a push into a chat nobody has messaged the bot in is not documented; this one is the fake's. */
  chatNotAllowed: 40094,
} as const;

/** Per-conversation limits on replies plus pushes (docs/platforms.md, WeCom limits). */
export const CHAT_LIMITS = [{ windowMs: 60_000, max: 30 }, { windowMs: 3_600_000, max: 1000 }] as const;

export interface RecordedFrame {
  seq: number;
  botId: string;
  cmd: string;
  reqId: string;
  body: any;
  /** What the fake answered (0 = accepted). */
  errcode: number;
  errmsg: string;
  /** False when the ack was deliberately dropped. */
  acked: boolean;
  at: number;
}

export interface PushRecord {
  reqId: string;
  botId: string;
  kind: 'message' | 'event';
  eventtype?: string;
  body: any;
  at: number;
  /** Where a reply to this push lands: group chatid, or the user id in a 1:1 chat. */
  chat: string;
}

export interface HttpPost {
  kind: 'response_url' | 'webhook';
  target: string;
  body: any;
  errcode: number;
  chat?: string;
}

interface Conn {
  ws: WebSocket;
  botId: string | null;
  ackChain: Promise<void>;
}

interface Failure {
  errcode: number;
  errmsg: string;
  cmds?: string[];
}

export interface PushCommon {
  botId?: string;
  chattype?: 'single' | 'group';
  chatid?: string;
  userid: string;
  msgid?: string;
  /** Add a response_url served by this fake (callback mode and long connection alike). */
  withResponseUrl?: boolean;
  quote?: any;
}

/** AES-256-CBC, IV = key[0..16), PKCS#7 to 32-byte blocks: how WeCom encrypts media. */
export function encryptFile(data: Buffer, aeskey: string): Buffer {
  const key = Buffer.from(aeskey, 'base64');
  const pad = 32 - (data.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()]);
}

const bytes = (s: unknown) => Buffer.byteLength(typeof s === 'string' ? s : '', 'utf8');

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Text a user would see for a reply/push body, for assertions. */
export function shownText(body: any): string {
  if (!body) return '';
  if (body.msgtype === 'stream' || body.msgtype === 'stream_with_template_card') return body.stream?.content ?? '';
  if (body.msgtype === 'markdown') return body.markdown?.content ?? '';
  if (body.msgtype === 'text') return body.text?.content ?? '';
  const card = body.template_card;
  if (card) return [card.main_title?.title, card.sub_title_text, (card.button_list ?? []).map((b: any) => `[${b.text}]`).join(' ')].filter(Boolean).join('\n');
  return '';
}

export class WeComFake {
  port = 0;
  readonly frames: RecordedFrame[] = [];
  readonly pushes = new Map<string, PushRecord>();
  readonly streams = new Map<string, { content: string; finished: boolean; reqId: string }>();
  readonly auths: { botId: string; ok: boolean; at: number }[] = [];
  readonly posts: HttpPost[] = [];
  /** Heartbeats received (acked or not). */
  pings = 0;
  /** Fault knobs. */
  readonly faults = { dropAcks: 0, ackDelayMs: 0, ignorePings: false, duplicatePushes: false };
  /** Welcome and card-update replies must come within this window of the event. */
  eventWindowMs = 5000;
  /** Streams must finish within 6 minutes of the user's message. */
  streamWindowMs = 6 * 60_000;
  /** The fake's clock for quotas and windows; tests may move it. */
  now: () => number = Date.now;
  /** Conversations (per bot) in which a user has messaged the bot: the only ones open to pushes. */
  private readonly openChats = new Map<string, Set<string>>();
  /** Accepted replies and pushes per `${bot}:${chat}`, for the per-conversation quota. */
  private readonly chatSends = new Map<string, number[]>();
  private readonly bots = new Map<string, string>();
  private readonly conns = new Set<Conn>();
  private readonly live = new Map<string, Conn>();
  private readonly files = new Map<string, { data: Buffer; filename: string }>();
  private readonly responseCodes = new Map<string, { used: boolean; at: number; chat: string }>();
  private readonly failures: Failure[] = [];
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private seq = 0;
  private pushSeq = 0;

  private constructor(bots: Record<string, string>) {
    for (const [id, secret] of Object.entries(bots)) this.bots.set(id, secret);
    this.server = http.createServer((req, res) => {
      this.http(req, res).catch(() => {
        res.statusCode = 500;
        res.end('{"errcode":-1,"errmsg":"fake error"}');
      });
    });
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.accept(ws));
  }

  static async start(opts: { bots?: Record<string, string> } = {}): Promise<WeComFake> {
    const fake = new WeComFake(opts.bots ?? {});
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addBot(botId: string, secret: string): void {
    this.bots.set(botId, secret);
  }

  /** Successful authentications of a bot so far (a reconnect adds one). */
  authCount(botId: string): number {
    return this.auths.filter((a) => a.botId === botId && a.ok).length;
  }

  isOnline(botId: string): boolean {
    return this.live.get(botId)?.ws.readyState === WebSocket.OPEN;
  }

  /** The next n reply/send frames (optionally only these cmds or HTTP kinds) are answered with errcode. */
  failNext(n: number, errcode: number, errmsg = 'api freq out of limit', cmds?: string[]): void {
    for (let i = 0; i < n; i++) this.failures.push({ errcode, errmsg, cmds });
  }

  /** Network drop: the socket dies without a close frame. */
  dropConnection(botId: string): void {
    this.live.get(botId)?.ws.terminate();
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- records -------------------------------------------------------------------------------

  /** Frames WeCom accepted (errcode 0), optionally of one cmd. */
  delivered(cmd?: string): RecordedFrame[] {
    return this.frames.filter((f) => f.errcode === 0 && (!cmd || f.cmd === cmd));
  }

  /** What a user in this chat (group chatid, or their user id in 1:1) has been shown, in order. */
  shownIn(chat: string): string[] {
    const out: { seq: number; text: string }[] = [];
    for (const f of this.delivered()) {
      if (f.cmd === 'aibot_respond_update_msg') continue;
      const where = f.cmd === 'aibot_send_msg' ? f.body?.chatid : this.pushes.get(f.reqId)?.chat;
      if (where === chat) out.push({ seq: f.seq, text: shownText(f.body) });
    }
    this.posts.forEach((p, i) => {
      if (p.errcode === 0 && p.chat === chat) out.push({ seq: 1e9 + i, text: shownText(p.body) });
    });
    return out.sort((a, b) => a.seq - b.seq).map((x) => x.text);
  }

  // ---- pushes --------------------------------------------------------------------------------

  private botFor(botId?: string): string {
    if (botId) return botId;
    if (this.bots.size === 1) return [...this.bots.keys()][0];
    throw new Error('WeComFake: say which botId');
  }

  private nextReqId(): string {
    // Never "ping…"/"aibot_subscribe…": the SDK routes acks by those prefixes first.
    return `srv_${++this.pushSeq}_${randomBytes(4).toString('hex')}`;
  }

  newResponseUrl(chat: string): string {
    const code = randomBytes(12).toString('hex');
    this.responseCodes.set(code, { used: false, at: this.now(), chat });
    return `${this.httpBase}/cgi-bin/aibot/response?response_code=${code}`;
  }

  /** Builds a message body (as both the WS push and the HTTP callback carry it). */
  messageBody(o: PushCommon, fields: Record<string, unknown>): any {
    const chattype = o.chattype ?? (o.chatid ? 'group' : 'single');
    const chat = chattype === 'group' ? o.chatid! : o.userid;
    const body: any = {
      msgid: o.msgid ?? `msg_${++this.pushSeq}_${randomBytes(6).toString('hex')}`,
      aibotid: o.botId ?? [...this.bots.keys()][0] ?? 'AIBOT',
      ...(chattype === 'group' ? { chatid: o.chatid } : {}),
      chattype,
      from: { userid: o.userid },
      create_time: Math.floor(Date.now() / 1000),
      ...fields,
    };
    if (o.withResponseUrl) body.response_url = this.newResponseUrl(chat);
    if (o.quote) body.quote = o.quote;
    return body;
  }

  private send(botId: string, cmd: string, body: any, kind: 'message' | 'event', reqId = this.nextReqId()): { reqId: string; msgid: string } {
    const conn = this.live.get(botId);
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) throw new Error(`WeComFake: bot ${botId} has no live connection`);
    const chat = body.chattype === 'group' ? body.chatid : body.from?.userid;
    if (kind === 'message') this.openChat(botId, chat);
    this.pushes.set(reqId, { reqId, botId, kind, eventtype: body.event?.eventtype, body, at: this.now(), chat });
    conn.ws.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
    return { reqId, msgid: body.msgid };
  }

  pushBody(body: any, botId?: string): { reqId: string; msgid: string } {
    const bot = this.botFor(botId);
    const r = this.send(bot, 'aibot_msg_callback', body, 'message');
    if (this.faults.duplicatePushes) this.send(bot, 'aibot_msg_callback', body, 'message');
    return r;
  }

  pushText(o: PushCommon & { content: string }): { reqId: string; msgid: string } {
    return this.pushBody(this.messageBody(o, { msgtype: 'text', text: { content: o.content } }), o.botId);
  }

  pushVoice(o: PushCommon & { content: string }): { reqId: string; msgid: string } {
    return this.pushBody(this.messageBody(o, { msgtype: 'voice', voice: { content: o.content } }), o.botId);
  }

  /** Hosts data encrypted with a fresh per-message key, as WeCom does; returns {url, aeskey}. */
  hostFile(data: Buffer, filename = 'file.bin'): { url: string; aeskey: string } {
    const aeskey = randomBytes(32).toString('base64');
    return { url: this.hostEncrypted(data, aeskey, filename), aeskey };
  }

  /** Callback mode: media encrypted with the callback's EncodingAESKey; returns the bare URL. */
  hostWithCallbackKey(data: Buffer, encodingAESKey: string, filename = 'file.bin'): string {
    return this.hostEncrypted(data, `${encodingAESKey}=`, filename);
  }

  private hostEncrypted(data: Buffer, key: string, filename: string): string {
    const id = randomBytes(8).toString('hex');
    this.files.set(id, { data: encryptFile(data, key), filename });
    return `${this.httpBase}/files/${id}`;
  }

  pushFile(o: PushCommon & { data: Buffer; filename: string }): { reqId: string; msgid: string } {
    return this.pushBody(this.messageBody(o, { msgtype: 'file', file: this.hostFile(o.data, o.filename) }), o.botId);
  }

  pushImage(o: PushCommon & { data: Buffer }): { reqId: string; msgid: string } {
    return this.pushBody(this.messageBody(o, { msgtype: 'image', image: this.hostFile(o.data, 'image.png') }), o.botId);
  }

  pushMixed(o: PushCommon & { items: ({ text: string } | { image: Buffer })[] }): { reqId: string; msgid: string } {
    const msg_item = o.items.map((it) => ('text' in it ? { msgtype: 'text', text: { content: it.text } } : { msgtype: 'image', image: this.hostFile(it.image, 'image.png') }));
    return this.pushBody(this.messageBody(o, { msgtype: 'mixed', mixed: { msg_item } }), o.botId);
  }

  /** A conversation where a user has messaged the bot (what the real platform learns from traffic). */
  openChat(botId: string, chat: string): void {
    const set = this.openChats.get(botId) ?? new Set<string>();
    set.add(chat);
    this.openChats.set(botId, set);
  }

  /**
   * An event body as the callback-mode event doc shows it (docs/platforms.md): a card click
   * nests {card_type, event_key, task_id} under event.template_card_event. `flat` builds the
   * SDK type's flat shape instead, only to test the adapter's fallback.
   */
  eventBody(o: { botId?: string; eventtype: string; userid: string; chatid?: string; chattype?: 'single' | 'group'; eventKey?: string; taskId?: string; msgid?: string; flat?: boolean; withResponseUrl?: boolean }): any {
    const bot = this.botFor(o.botId);
    const chattype = o.chattype ?? (o.chatid ? 'group' : 'single');
    const event: Record<string, unknown> = { eventtype: o.eventtype };
    if (o.eventtype === 'template_card_event') {
      const click = { card_type: 'button_interaction', event_key: o.eventKey, task_id: o.taskId };
      if (o.flat) Object.assign(event, { event_key: o.eventKey, task_id: o.taskId });
      else event.template_card_event = click;
    }
    const body: any = {
      msgid: o.msgid ?? `evt_${++this.pushSeq}_${randomBytes(6).toString('hex')}`, create_time: Math.floor(this.now() / 1000), aibotid: bot,
      ...(chattype === 'group' ? { chatid: o.chatid } : {}), chattype, from: { userid: o.userid }, msgtype: 'event', event,
    };
    if (o.withResponseUrl) body.response_url = this.newResponseUrl(chattype === 'group' ? o.chatid! : o.userid);
    return body;
  }

  pushEvent(o: Parameters<WeComFake['eventBody']>[0]): { reqId: string; msgid: string } {
    return this.send(this.botFor(o.botId), 'aibot_event_callback', this.eventBody(o), 'event');
  }

  /** Pushes a message again with a new req_id and the same msgid (a redelivery). */
  redeliver(msgid: string): { reqId: string; msgid: string } {
    const p = [...this.pushes.values()].reverse().find((x) => x.body?.msgid === msgid);
    if (!p) throw new Error(`WeComFake: no push with msgid ${msgid}`);
    return this.send(p.botId, p.kind === 'event' ? 'aibot_event_callback' : 'aibot_msg_callback', p.body, p.kind);
  }

  // ---- WebSocket side ------------------------------------------------------------------------

  private accept(ws: WebSocket): void {
    const conn: Conn = { ws, botId: null, ackChain: Promise.resolve() };
    this.conns.add(conn);
    ws.on('message', (raw) => this.onFrame(conn, raw.toString()));
    ws.on('close', () => {
      this.conns.delete(conn);
      if (conn.botId && this.live.get(conn.botId) === conn) this.live.delete(conn.botId);
    });
    ws.on('error', () => undefined);
  }

  private reply(conn: Conn, reqId: string, errcode: number, errmsg: string, body?: unknown): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg, ...(body ? { body } : {}) }));
  }

  private onFrame(conn: Conn, raw: string): void {
    let f: any;
    try {
      f = JSON.parse(raw);
    } catch {
      return;
    }
    const reqId: string = f?.headers?.req_id ?? '';
    switch (f?.cmd) {
      case 'aibot_subscribe':
        return this.onSubscribe(conn, reqId, f.body ?? {});
      case 'ping':
        this.pings += 1;
        if (!this.faults.ignorePings && conn.botId) this.reply(conn, reqId, 0, 'ok');
        return;
      case 'aibot_upload_media_init':
        return this.reply(conn, reqId, 0, 'ok', { upload_id: randomBytes(6).toString('hex') });
      case 'aibot_upload_media_chunk':
        return this.reply(conn, reqId, 0, 'ok');
      case 'aibot_upload_media_finish':
        return this.reply(conn, reqId, 0, 'ok', { type: 'file', media_id: `media_${randomBytes(6).toString('hex')}`, created_at: String(Date.now()) });
      default:
        if ((REPLY_CMDS as readonly string[]).includes(f?.cmd)) return this.onReplyFrame(conn, f.cmd, reqId, f.body);
        this.reply(conn, reqId, FAKE_ERR.badBody, `unknown cmd ${String(f?.cmd)}`);
    }
  }

  private onSubscribe(conn: Conn, reqId: string, body: { bot_id?: string; secret?: string }): void {
    const botId = body.bot_id ?? '';
    const ok = !!botId && this.bots.get(botId) === body.secret;
    this.auths.push({ botId, ok, at: Date.now() });
    if (!ok) {
      this.reply(conn, reqId, FAKE_ERR.badAuth, 'invalid bot_id or secret');
      conn.ws.close();
      return;
    }
    const previous = this.live.get(botId);
    conn.botId = botId;
    this.live.set(botId, conn);
    this.reply(conn, reqId, 0, 'ok');
    if (previous && previous !== conn) {
      // One live connection per bot: the newest wins, the old one is told and closed.
      const event = { msgid: `evt_kick_${randomBytes(4).toString('hex')}`, create_time: Math.floor(Date.now() / 1000), aibotid: botId, from: { userid: '' }, msgtype: 'event', event: { eventtype: 'disconnected_event' } };
      if (previous.ws.readyState === WebSocket.OPEN) previous.ws.send(JSON.stringify({ cmd: 'aibot_event_callback', headers: { req_id: this.nextReqId() }, body: event }));
      previous.botId = null;
      setTimeout(() => previous.ws.close(), 20);
    }
  }

  private takeFailure(cmd: string): Failure | null {
    const i = this.failures.findIndex((x) => !x.cmds || x.cmds.includes(cmd));
    return i < 0 ? null : this.failures.splice(i, 1)[0];
  }

  /** Decides the errcode for a reply/send frame and updates stream state when accepted. */
  private judge(conn: Conn, cmd: string, reqId: string, body: any): { errcode: number; errmsg: string } {
    if (!conn.botId) return { errcode: FAKE_ERR.notAuthed, errmsg: 'not subscribed' };
    const injected = this.takeFailure(cmd);
    if (injected) return injected;
    const now = this.now();
    const push = this.pushes.get(reqId);
    const tooLong = (s: unknown) => bytes(s) > 20480;
    if (cmd === 'aibot_send_msg') {
      if (!body?.chatid) return { errcode: FAKE_ERR.badBody, errmsg: 'chatid required' };
      if (!this.openChats.get(conn.botId)?.has(body.chatid)) return { errcode: FAKE_ERR.chatNotAllowed, errmsg: 'no user has messaged the bot in this chat' };
      const quota = this.overQuota(`${conn.botId}:${body.chatid}`);
      if (quota) return quota;
      if (body.msgtype === 'markdown' && tooLong(body.markdown?.content)) return { errcode: FAKE_ERR.tooLong, errmsg: 'markdown.content exceed max length 20480' };
      if (body.msgtype === 'template_card') return this.checkCard(body.template_card);
      return body.msgtype === 'markdown' ? { errcode: 0, errmsg: 'ok' } : { errcode: FAKE_ERR.badBody, errmsg: `unsupported msgtype ${body.msgtype}` };
    }
    if (cmd === 'aibot_respond_welcome_msg' || cmd === 'aibot_respond_update_msg') {
      const want = cmd === 'aibot_respond_welcome_msg' ? 'enter_chat' : 'template_card_event';
      if (!push || push.eventtype !== want) return { errcode: FAKE_ERR.badReqId, errmsg: `req_id is not a ${want} event` };
      if (now - push.at > this.eventWindowMs) return { errcode: FAKE_ERR.windowClosed, errmsg: 'reply window (5s) closed' };
      if (this.frames.some((f) => f.reqId === reqId && f.cmd === cmd && f.errcode === 0)) return { errcode: FAKE_ERR.badReqId, errmsg: 'already replied' };
      if (cmd === 'aibot_respond_update_msg') {
        if (body?.response_type !== 'update_template_card') return { errcode: FAKE_ERR.badBody, errmsg: 'response_type must be update_template_card' };
        const click = push.body?.event?.template_card_event ?? push.body?.event;
        if (body.template_card?.task_id !== click?.task_id) return { errcode: FAKE_ERR.badBody, errmsg: 'task_id mismatch' };
        if (body.userids !== undefined && (!Array.isArray(body.userids) || body.userids.some((u: unknown) => typeof u !== 'string'))) return { errcode: FAKE_ERR.badBody, errmsg: 'userids must be a list of userid' };
        return this.checkCard(body.template_card);
      }
      return body?.msgtype === 'text' || body?.msgtype === 'template_card' ? { errcode: 0, errmsg: 'ok' } : { errcode: FAKE_ERR.badBody, errmsg: 'bad welcome body' };
    }
    // aibot_respond_msg
    if (!push || (push.kind === 'event' && push.eventtype !== 'enter_chat')) return { errcode: FAKE_ERR.badReqId, errmsg: 'unknown req_id' };
    if (now - push.at > this.streamWindowMs) return { errcode: FAKE_ERR.windowClosed, errmsg: 'reply window (6min) closed' };
    // A reply counts once against the conversation's quota, however many stream refreshes it takes.
    const firstFrame = !this.frames.some((f) => f.reqId === reqId && f.cmd === cmd && f.errcode === 0);
    if (firstFrame) {
      const quota = this.overQuota(`${conn.botId}:${push.chat}`);
      if (quota) return quota;
    }
    if (body?.msgtype === 'stream') {
      const s = body.stream ?? {};
      if (!s.id) return { errcode: FAKE_ERR.badBody, errmsg: 'stream.id required' };
      if (tooLong(s.content)) return { errcode: FAKE_ERR.tooLong, errmsg: 'stream.content exceed max length 20480' };
      const state = this.streams.get(s.id);
      if (state?.finished) return { errcode: FAKE_ERR.streamFinished, errmsg: 'stream already finished' };
      this.streams.set(s.id, { content: s.content ?? state?.content ?? '', finished: !!s.finish, reqId });
      return { errcode: 0, errmsg: 'ok' };
    }
    if (body?.msgtype === 'template_card') {
      if (this.frames.some((f) => f.reqId === reqId && f.body?.msgtype === 'template_card' && f.errcode === 0)) return { errcode: FAKE_ERR.badReqId, errmsg: 'card already replied' };
      return this.checkCard(body.template_card);
    }
    return { errcode: FAKE_ERR.badBody, errmsg: `unsupported msgtype ${String(body?.msgtype)}` };
  }

  /** Checks the per-conversation quota and counts the send when it is within it. */
  private overQuota(key: string): { errcode: number; errmsg: string } | null {
    const now = this.now();
    const list = (this.chatSends.get(key) ?? []).filter((t) => now - t < 3_600_000);
    for (const { windowMs, max } of CHAT_LIMITS) {
      if (list.filter((t) => now - t < windowMs).length >= max) {
        this.chatSends.set(key, list);
        return { errcode: FAKE_ERR.quota, errmsg: `api freq out of limit (${max} per ${windowMs / 60_000} min per chat)` };
      }
    }
    list.push(now);
    this.chatSends.set(key, list);
    return null;
  }

  private checkCard(card: any): { errcode: number; errmsg: string } {
    if (!card?.card_type) return { errcode: FAKE_ERR.badBody, errmsg: 'template_card.card_type required' };
    if (card.card_type === 'button_interaction') {
      const keys = (card.button_list ?? []).map((b: any) => b.key);
      if (!card.task_id || !/^[A-Za-z0-9_\-@]{1,128}$/.test(card.task_id)) return { errcode: FAKE_ERR.badBody, errmsg: 'bad task_id' };
      if (!keys.length || keys.length > 6 || new Set(keys).size !== keys.length || keys.some((k: unknown) => typeof k !== 'string' || bytes(k) > 1024)) {
        return { errcode: FAKE_ERR.badBody, errmsg: 'bad button_list' };
      }
    }
    return { errcode: 0, errmsg: 'ok' };
  }

  private onReplyFrame(conn: Conn, cmd: string, reqId: string, body: any): void {
    const verdict = this.judge(conn, cmd, reqId, body);
    const drop = this.faults.dropAcks > 0;
    if (drop) this.faults.dropAcks -= 1;
    this.frames.push({ seq: ++this.seq, botId: conn.botId ?? '', cmd, reqId, body, ...verdict, acked: !drop, at: Date.now() });
    if (drop) return;
    // Acks go out one by one in arrival order, even when slowed down.
    const delay = this.faults.ackDelayMs;
    conn.ackChain = conn.ackChain
      .then(() => (delay ? new Promise<void>((r) => setTimeout(r, delay)) : undefined))
      .then(() => this.reply(conn, reqId, verdict.errcode, verdict.errmsg));
  }

  // ---- HTTP side -----------------------------------------------------------------------------

  private async http(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.httpBase);
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const file = url.pathname.match(/^\/files\/([0-9a-f]+)$/);
    if (req.method === 'GET' && file) {
      const f = this.files.get(file[1]);
      if (!f) return json(404, { errcode: 404, errmsg: 'not found' });
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      res.setHeader('content-type', 'application/octet-stream');
      res.end(f.data);
      return;
    }
    if (req.method !== 'POST') return json(404, { errcode: 404, errmsg: 'not found' });
    let body: any;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return json(200, { errcode: FAKE_ERR.badBody, errmsg: 'invalid json' });
    }
    const record = (kind: HttpPost['kind'], target: string, errcode: number, errmsg: string, chat?: string) => {
      this.posts.push({ kind, target, body, errcode, chat });
      json(200, { errcode, errmsg });
    };
    if (url.pathname === '/cgi-bin/aibot/response') {
      const code = url.searchParams.get('response_code') ?? '';
      const entry = this.responseCodes.get(code);
      const injected = this.takeFailure('response_url');
      if (injected) return record('response_url', code, injected.errcode, injected.errmsg, entry?.chat);
      if (!entry || entry.used || this.now() - entry.at > 3_600_000) return record('response_url', code, FAKE_ERR.responseUrlUsed, 'response_code invalid, used or expired', entry?.chat);
      const content = body?.markdown?.content;
      if (body?.msgtype === 'markdown' && bytes(content) > 20480) return record('response_url', code, FAKE_ERR.tooLong, 'markdown.content exceed max length 20480', entry.chat);
      // Replies through response_url count against the conversation's quota like any other.
      const quota = this.overQuota(`response_url:${entry.chat}`);
      if (quota) return record('response_url', code, quota.errcode, quota.errmsg, entry.chat);
      entry.used = true;
      return record('response_url', code, 0, 'ok', entry.chat);
    }
    if (url.pathname === '/cgi-bin/webhook/send') {
      const key = url.searchParams.get('key') ?? '';
      const chat = `webhook:${key}`;
      const injected = this.takeFailure('webhook');
      if (injected) return record('webhook', key, injected.errcode, injected.errmsg, chat);
      if (body?.msgtype === 'markdown' && bytes(body.markdown?.content) > 4096) return record('webhook', key, 40058, 'markdown.content exceed max length 4096. invalid Request Parameter', chat);
      if (body?.msgtype === 'text' && bytes(body.text?.content) > 2048) return record('webhook', key, 40058, 'text.content exceed max length 2048', chat);
      return record('webhook', key, 0, 'ok', chat);
    }
    json(404, { errcode: 404, errmsg: 'not found' });
  }
}

// ---- callback-mode helpers (what WeCom sends to a bot's HTTP callback URL) -----------------------

export interface CallbackKeys {
  token: string;
  aesKey: string;
}

/** Query string as WeCom builds it (docs/platforms.md, "WeCom callback mode"): every value through encodeURIComponent, so base64 "+" survives. */
function query(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** GET URL-verification query for a plaintext echo. */
export function verificationQuery(keys: CallbackKeys, echo: string, opts: { badSignature?: boolean } = {}): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const echostr = wxEncrypt(keys.aesKey, echo, '');
  const sig = opts.badSignature ? '0'.repeat(40) : getSignature(keys.token, timestamp, nonce, echostr);
  return query({ msg_signature: sig, timestamp, nonce, echostr });
}

export interface SealedCallback {
  query: string;
  body: { encrypt: string };
  /** The URL's timestamp and nonce: a passive reply must carry these same values. */
  timestamp: string;
  nonce: string;
}

/** POST callback: {query, body} with the message encrypted and signed (timestamp in seconds). */
export function sealedCallback(keys: CallbackKeys, message: unknown, opts: { badSignature?: boolean; timestampSec?: number } = {}): SealedCallback {
  const timestamp = String(opts.timestampSec ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const enc = wxEncrypt(keys.aesKey, JSON.stringify(message), '');
  const sig = opts.badSignature ? getSignature(keys.token, timestamp, nonce, `${enc}x`) : getSignature(keys.token, timestamp, nonce, enc);
  return { query: query({ msg_signature: sig, timestamp, nonce }), body: { encrypt: enc }, timestamp, nonce };
}

/**
 * Opens a bot's encrypted passive reply as WeCom would: the signature must match, and the reply
 * must reuse the request's own nonce and timestamp (docs/platforms.md, passive replies).
 */
export function openPassiveReply(keys: CallbackKeys, request: Pick<SealedCallback, 'timestamp' | 'nonce'>, reply: { encrypt: string; msgsignature: string; timestamp: number | string; nonce: string }): any {
  if (reply.nonce !== request.nonce) throw new Error('passive reply nonce differs from the request');
  if (String(reply.timestamp) !== request.timestamp) throw new Error('passive reply timestamp differs from the request');
  if (getSignature(keys.token, reply.timestamp, reply.nonce, reply.encrypt) !== reply.msgsignature) throw new Error('passive reply signature mismatch');
  return JSON.parse(wxDecrypt(keys.aesKey, reply.encrypt).message);
}
