/**
 * A local stand-in for DingTalk, built from docs/platforms.md: the Stream gateway with one-use tickets,
 * the /connect WebSocket (SYSTEM ping/disconnect, CALLBACK pushes, acks recorded by messageId,
 * optional redelivery), sessionWebhook replies with their errors and quota, access tokens, the
 * robot OpenAPI sends, file downloads, and fault knobs. One http.Server + ws noServer on
 * 127.0.0.1:0. `sent` is what users would see. Interactive cards are created from published
 * templates and their clicks come back on the card topic; a dtmd button "clicked" in a group is
 * never delivered, as group robots receive only @-messages.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
/** The Stream SDK's card callback topic (its TOPIC_CARD constant). */
export const TOPIC_CARD = '/v1.0/card/instances/callback';
export const SESSION_GONE = 300001;
export const SEND_TOO_FAST = 130101;
/** The real body-size error code is unknown (only its text was captured); this one is the fake's. */
export const BODY_TOO_LARGE = 460101;

export interface Sent {
  seq: number;
  via: 'session' | 'group' | 'oto' | 'card';
  clientId: string;
  /** Group conversation id, or the user's staff id for 1:1. */
  chat: string;
  /** Session-webhook msgtype, or the OpenAPI msgKey. */
  kind: string;
  /** Parsed message parameters (session body's inner object, or parsed msgParam). */
  param: any;
  text: string;
  /** Buttons as {title, url}, from actionCard btns or sampleActionCard* params. */
  buttons: { title: string; url: string }[];
  /** Where it was shown: a group ('2') or a 1:1 chat ('1'). */
  conversationType: '1' | '2';
}

interface Conn {
  ws: WebSocket;
  clientId: string;
  topics: Set<string>;
  silent: boolean;
}

interface Session {
  clientId: string;
  chat: string;
  group: boolean;
  expiresAt: number;
  sends: number[];
}

interface Pushed {
  frame: any;
  clientId: string;
  deliveries: number;
  timer: NodeJS.Timeout | null;
}

export interface RobotMessageInput {
  clientId?: string;
  conversationType: '1' | '2';
  /** Group conversation id (required for groups). */
  conversationId?: string;
  conversationTitle?: string;
  senderStaffId: string;
  senderNick?: string;
  msgtype?: string;
  /** For msgtype text. */
  text?: string;
  /** For the other msgtypes (picture, file, audio, richText…). */
  content?: Record<string, unknown>;
  msgId?: string;
  isInAtList?: boolean;
  /** Session lifetime; negative makes an already-expired webhook. */
  sessionTtlMs?: number;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function buttonsOf(kind: string, p: any): { title: string; url: string }[] {
  if (kind === 'actionCard') {
    if (p?.singleTitle) return [{ title: p.singleTitle, url: p.singleURL }];
    return (p?.btns ?? []).map((b: any) => ({ title: b.title, url: b.actionURL }));
  }
  if (kind === 'sampleActionCard') return [{ title: p.singleTitle, url: p.singleURL }];
  const out: { title: string; url: string }[] = [];
  for (let i = 1; i <= 5; i++) if (p?.[`actionTitle${i}`]) out.push({ title: p[`actionTitle${i}`], url: p[`actionURL${i}`] });
  return out;
}

/** The HTTP-mode robot callback signature (docs/platforms.md, "DingTalk HTTP callback mode"). */
export function callbackSign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export class DingTalkFake {
  port = 0;
  readonly sent: Sent[] = [];
  /** Client responses to pushes, by headers.messageId (acks for CALLBACKs). */
  readonly acks = new Map<string, any>();
  readonly systemResponses: any[] = [];
  readonly gatewayCalls: { clientId: string; ok: boolean; subscriptions: unknown }[] = [];
  readonly connects: { clientId: string; at: number }[] = [];
  readonly tokenRequests: { via: 'gettoken' | 'oauth2'; clientId: string }[] = [];
  readonly faults = {
    /** Re-push a CALLBACK not acked within this many ms (0 = never, like the real robot topic). */
    redeliverAfterMs: 0,
    /** Push every CALLBACK twice (same messageId and msgId). */
    duplicatePushes: false,
  };
  sessionQuotaPerMinute = 20;
  bodyLimit = 20_000;
  sessionTtlMs = 90 * 60_000;
  ticketTtlMs = 90_000;
  tokenTtlSec = 7200;
  private readonly apps = new Map<string, string>();
  private readonly people = new Map<string, string>();
  private readonly tickets = new Map<string, { clientId: string; topics: Set<string>; expiresAt: number; used: boolean }>();
  private readonly conns = new Set<Conn>();
  private readonly pushed = new Map<string, Pushed>();
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly files = new Map<string, { data: Buffer; name: string }>();
  /** Card templates published in the card builder (id → the variables it declares). */
  private readonly cardTemplates = new Map<string, string[]>();
  /** Delivered interactive cards by outTrackId. */
  private readonly cards = new Map<string, { clientId: string; group: boolean; chat: string; buttons: { label: string; command: string }[] }>();
  private readonly sessionFailures: { errcode: number; errmsg: string }[] = [];
  private readonly apiFailures: { status: number; body: unknown }[] = [];
  private readonly server: http.Server;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private seq = 0;

  private constructor(apps: Record<string, string>, people: Record<string, string>) {
    for (const [id, secret] of Object.entries(apps)) this.apps.set(id, secret);
    for (const [id, nick] of Object.entries(people)) this.people.set(id, nick);
    this.server = http.createServer((req, res) => {
      this.http(req, res).catch(() => {
        res.statusCode = 500;
        res.end('{"code":"fake","message":"fake error"}');
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** apps: clientId → clientSecret; people: staffId → display name (senderNick). */
  static async start(opts: { apps?: Record<string, string>; people?: Record<string, string> } = {}): Promise<DingTalkFake> {
    const fake = new DingTalkFake(opts.apps ?? {}, opts.people ?? {});
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  connectCount(clientId: string): number {
    return this.connects.filter((c) => c.clientId === clientId).length;
  }

  liveConnections(clientId: string): number {
    return [...this.conns].filter((c) => c.clientId === clientId && c.ws.readyState === WebSocket.OPEN).length;
  }

  async close(): Promise<void> {
    for (const p of this.pushed.values()) if (p.timer) clearTimeout(p.timer);
    for (const c of this.conns) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- fault knobs ---------------------------------------------------------------------------

  /** The next n sessionWebhook posts get this errcode (e.g. 130101 "send too fast"). */
  failSession(n: number, errcode: number, errmsg = 'send too fast, exceed 20 times per minute'): void {
    for (let i = 0; i < n; i++) this.sessionFailures.push({ errcode, errmsg });
  }

  /** The next n OpenAPI sends (group/1:1) get this HTTP status and body (e.g. 403, 500). */
  failApi(n: number, status: number, body: unknown = { code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: '调用频率超限' }): void {
    for (let i = 0; i < n; i++) this.apiFailures.push({ status, body });
  }

  /** Every issued token becomes invalid (the next OpenAPI call sees InvalidAuthentication). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  expireSessions(): void {
    for (const s of this.sessions.values()) s.expiresAt = 0;
  }

  /** Network drop: every socket dies without a close frame. */
  dropSockets(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  /** Current sockets go quiet: no pushes, no pongs (a half-open TCP connection). */
  silenceSockets(): void {
    for (const c of this.conns) c.silent = true;
  }

  // ---- pushes --------------------------------------------------------------------------------

  private live(clientId: string, topic: string): Conn {
    const list = [...this.conns].filter((c) => c.clientId === clientId && c.topics.has(topic) && c.ws.readyState === WebSocket.OPEN);
    // The real server picks any live connection; the newest keeps tests deterministic.
    const conn = list[list.length - 1];
    if (!conn) throw new Error(`DingTalkFake: no live connection for ${clientId} subscribed to ${topic}`);
    return conn;
  }

  private appFor(clientId?: string): string {
    if (clientId) return clientId;
    if (this.apps.size === 1) return [...this.apps.keys()][0];
    throw new Error('DingTalkFake: say which clientId');
  }

  /** The robot payload (the CALLBACK's data, or the HTTP-mode body), with a live sessionWebhook. */
  robotPayload(m: RobotMessageInput): any {
    const clientId = this.appFor(m.clientId);
    const group = m.conversationType === '2';
    const now = Date.now();
    const session = randomBytes(10).toString('hex');
    const ttl = m.sessionTtlMs ?? this.sessionTtlMs;
    this.sessions.set(session, { clientId, chat: group ? m.conversationId! : m.senderStaffId, group, expiresAt: now + ttl, sends: [] });
    const msgtype = m.msgtype ?? 'text';
    return {
      conversationId: group ? m.conversationId : `cid1v1${m.senderStaffId}==`,
      ...(group ? { atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }], conversationTitle: m.conversationTitle ?? '测试群', isInAtList: m.isInAtList ?? true } : {}),
      chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot',
      msgId: m.msgId ?? `msg${randomBytes(8).toString('base64url')}==`,
      senderNick: m.senderNick ?? this.people.get(m.senderStaffId) ?? m.senderStaffId, isAdmin: false, senderStaffId: m.senderStaffId,
      sessionWebhookExpiredTime: now + ttl, createAt: now, senderCorpId: 'dingcorp',
      conversationType: m.conversationType, senderId: `$:LWCP_v1:$${m.senderStaffId}`,
      sessionWebhook: `${this.base}/robot/sendBySession?session=${session}`,
      robotCode: clientId, msgtype,
      // Like the real server: the @mention is removed, its space stays.
      ...(msgtype === 'text' ? { text: { content: ` ${m.text ?? ''}` } } : { content: m.content ?? {} }),
    };
  }

  /** Pushes a robot CALLBACK to a live connection; returns its delivery and message ids. */
  pushRobotMessage(m: RobotMessageInput): { messageId: string; msgId: string } {
    const clientId = this.appFor(m.clientId);
    const data = this.robotPayload({ ...m, clientId });
    const messageId = `${randomBytes(4).toString('hex')}_${++this.seq}_${Date.now().toString(16)}`;
    const frame = {
      specVersion: '1.0', type: 'CALLBACK',
      headers: { appId: clientId, connectionId: 'conn', contentType: 'application/json', messageId, time: String(Date.now()), topic: TOPIC_ROBOT },
      data: JSON.stringify(data),
    };
    const p: Pushed = { frame, clientId, deliveries: 0, timer: null };
    this.pushed.set(messageId, p);
    this.deliver(p);
    if (this.faults.duplicatePushes) this.deliver(p);
    return { messageId, msgId: data.msgId };
  }

  /** Sends an earlier CALLBACK again, same messageId and msgId. */
  redeliver(messageId: string): void {
    const p = this.pushed.get(messageId);
    if (!p) throw new Error(`DingTalkFake: unknown messageId ${messageId}`);
    this.deliver(p);
  }

  deliveries(messageId: string): number {
    return this.pushed.get(messageId)?.deliveries ?? 0;
  }

  private deliver(p: Pushed): void {
    const conn = this.live(p.clientId, p.frame.headers.topic);
    if (!conn.silent) conn.ws.send(JSON.stringify(p.frame));
    p.deliveries += 1;
    const wait = this.faults.redeliverAfterMs;
    if (wait > 0 && !p.timer) {
      p.timer = setTimeout(() => {
        p.timer = null;
        if (!this.acks.has(p.frame.headers.messageId)) {
          try {
            this.deliver(p);
          } catch {
            // No live connection right now; the bot will have to live with it, as in production.
          }
        }
      }, wait);
    }
  }

  /** SYSTEM ping to every socket; the SDK answers by echoing it. */
  ping(): void {
    for (const c of this.conns) {
      if (c.silent || c.ws.readyState !== WebSocket.OPEN) continue;
      c.ws.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'ping', messageId: randomUUID(), contentType: 'application/json', time: String(Date.now()) }, data: JSON.stringify({ opaque: randomUUID() }) }));
    }
  }

  /** SYSTEM disconnect, then the server closes the socket after closeAfterMs (10 s in real life). */
  disconnect(reason = 'connection is expired', closeAfterMs = 10_000): void {
    for (const c of [...this.conns]) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      c.ws.send(JSON.stringify({ specVersion: '1.0', type: 'SYSTEM', headers: { topic: 'disconnect', contentType: 'application/json' }, data: JSON.stringify({ reason }) }));
      setTimeout(() => c.ws.close(), closeAfterMs).unref();
    }
  }

  // ---- interactive cards ---------------------------------------------------------------------

  /** A template the operator built and published; createAndDeliver refuses unknown ids. */
  addCardTemplate(id: string, variables: string[] = ['title', 'body', 'buttons']): void {
    this.cardTemplates.set(id, variables);
  }

  /**
   * A user presses button `index` of an interactive card. The card's "回传请求" comes back as a
   * CALLBACK on the card topic (data shaped like the Go SDK's CardRequest, `content` a JSON
   * string), in a group as in a 1:1 chat: no @ is involved.
   */
  clickCard(outTrackId: string, index: number, staffId: string): { messageId: string } {
    const card = this.cards.get(outTrackId);
    if (!card) throw new Error(`DingTalkFake: no card ${outTrackId}`);
    const button = card.buttons[index];
    if (!button) throw new Error(`DingTalkFake: card ${outTrackId} has no button ${index}`);
    const data = {
      outTrackId, corpId: 'dingcorp', userId: staffId, userIdType: 1, type: 'actionCallback', extension: '{}',
      spaceType: card.group ? 'IM_GROUP' : 'IM_ROBOT', spaceId: card.chat,
      content: JSON.stringify({ cardPrivateData: { actionIds: [`btn${index}`], params: { command: button.command } } }),
    };
    const messageId = `${randomBytes(4).toString('hex')}_${++this.seq}_${Date.now().toString(16)}`;
    const frame = {
      specVersion: '1.0', type: 'CALLBACK',
      headers: { appId: card.clientId, connectionId: 'conn', contentType: 'application/json', messageId, time: String(Date.now()), topic: TOPIC_CARD },
      data: JSON.stringify(data),
    };
    const p: Pushed = { frame, clientId: card.clientId, deliveries: 0, timer: null };
    this.pushed.set(messageId, p);
    this.deliver(p);
    return { messageId };
  }

  private createCard(body: any, clientId: string, json: (status: number, body: unknown) => void, requestid: string): void {
    const vars = this.cardTemplates.get(body?.cardTemplateId);
    if (!vars) return json(400, { code: 'param.cardTemplateIdInvalid', message: '卡片模板不存在', requestid });
    if (body.callbackType !== 'STREAM' || typeof body.outTrackId !== 'string' || !body.outTrackId) return json(400, { code: 'invalidParameter', message: 'outTrackId/callbackType 有误', requestid });
    if (this.cards.has(body.outTrackId)) return json(400, { code: 'param.outTrackIdExists', message: 'outTrackId 已存在', requestid });
    const params = body.cardData?.cardParamMap ?? {};
    if (Object.values(params).some((v) => typeof v !== 'string')) return json(400, { code: 'invalidParameter', message: 'cardParamMap 的值必须是字符串', requestid });
    const space = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(String(body.openSpaceId ?? ''));
    if (!space) return json(400, { code: 'invalidParameter', message: 'openSpaceId 有误', requestid });
    const group = space[1] === 'IM_GROUP';
    const deliver = group ? body.imGroupOpenDeliverModel : body.imRobotOpenDeliverModel;
    if (deliver?.robotCode !== clientId) return json(400, { code: 'invalidParameter', message: '缺少投放模型或 robotCode 有误', requestid });
    let buttons: { label: string; command: string }[] = [];
    try {
      buttons = JSON.parse(params.buttons ?? '[]');
    } catch {
      return json(400, { code: 'invalidParameter', message: 'buttons 不是 JSON 字符串', requestid });
    }
    this.cards.set(body.outTrackId, { clientId, group, chat: space[2], buttons });
    this.sent.push({
      seq: ++this.seq, via: 'card', clientId, chat: space[2], kind: body.cardTemplateId, param: { ...params, outTrackId: body.outTrackId },
      text: [params.title, params.body].filter(Boolean).join('\n'), buttons: buttons.map((b) => ({ title: b.label, url: '' })), conversationType: group ? '2' : '1',
    });
    json(200, { success: true, result: { outTrackId: body.outTrackId, deliverResults: [{ spaceType: space[1], spaceId: space[2], success: true }] } });
  }

  // ---- files, tokens -------------------------------------------------------------------------

  /** Stores a file the bot can fetch with the returned downloadCode. */
  addFile(data: Buffer, name = 'file.bin'): string {
    const code = `dc${randomBytes(12).toString('hex')}`;
    this.files.set(code, { data, name });
    return code;
  }

  private issueToken(clientId: string): string {
    const token = `tok${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + this.tokenTtlSec * 1000 });
    return token;
  }

  // ---- WebSocket -----------------------------------------------------------------------------

  private upgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.base);
    const t = this.tickets.get(url.searchParams.get('ticket') ?? '');
    if (url.pathname !== '/connect' || !t || t.used || Date.now() > t.expiresAt) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    t.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Conn = { ws, clientId: t.clientId, topics: t.topics, silent: false };
      this.conns.add(conn);
      this.connects.push({ clientId: t.clientId, at: Date.now() });
      ws.on('ping', (data) => {
        if (!conn.silent) ws.pong(data);
      });
      ws.on('message', (raw) => {
        if (conn.silent) return;
        let msg: any;
        try {
          msg = JSON.parse(raw.toString());
        } catch {
          return;
        }
        const id = msg?.headers?.messageId;
        if (msg?.headers?.topic === 'ping') this.systemResponses.push(msg);
        else if (id) this.acks.set(id, msg);
      });
      ws.on('close', () => this.conns.delete(conn));
      ws.on('error', () => undefined);
    });
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async http(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const json = (status: number, body: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    const requestid = randomUUID().toUpperCase();
    if (req.method === 'GET' && url.pathname === '/gettoken') {
      const id = url.searchParams.get('appkey') ?? '';
      if (!this.apps.has(id) || this.apps.get(id) !== url.searchParams.get('appsecret')) return json(200, { errcode: 40089, errmsg: '不合法的corpid或corpsecret' });
      this.tokenRequests.push({ via: 'gettoken', clientId: id });
      return json(200, { errcode: 0, access_token: this.issueToken(id), errmsg: 'ok', expires_in: this.tokenTtlSec });
    }
    const file = url.pathname.match(/^\/files\/(dc[0-9a-f]+)$/);
    if (req.method === 'GET' && file) {
      const f = this.files.get(file[1]);
      if (!f) return json(404, { code: 'notFound', message: '文件不存在' });
      res.setHeader('content-type', 'application/octet-stream');
      res.end(f.data);
      return;
    }
    if (req.method !== 'POST') return json(404, { code: 'notFound', message: 'not found', requestid });
    const raw = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(400, { code: 'InvalidParameter', message: 'body is not JSON', requestid });
    }

    if (url.pathname === '/v1.0/gateway/connections/open') {
      const ok = this.apps.has(body.clientId) && this.apps.get(body.clientId) === body.clientSecret;
      this.gatewayCalls.push({ clientId: body.clientId, ok, subscriptions: body.subscriptions });
      if (!ok) return json(401, { code: 'authFailed', message: '鉴权失败', requestid });
      const ticket = randomUUID();
      const topics = new Set<string>((body.subscriptions ?? []).map((s: { topic: string }) => s.topic));
      this.tickets.set(ticket, { clientId: body.clientId, topics, expiresAt: Date.now() + this.ticketTtlMs, used: false });
      return json(200, { endpoint: `ws://127.0.0.1:${this.port}/connect`, ticket });
    }
    if (url.pathname === '/v1.0/oauth2/accessToken') {
      if (!this.apps.has(body.appKey) || this.apps.get(body.appKey) !== body.appSecret) return json(400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret', requestid });
      this.tokenRequests.push({ via: 'oauth2', clientId: body.appKey });
      return json(200, { accessToken: this.issueToken(body.appKey), expireIn: this.tokenTtlSec });
    }
    if (url.pathname === '/robot/sendBySession') return this.sessionSend(url, raw, body, json);

    // Everything below is the token-guarded OpenAPI.
    const token = this.tokens.get(String(req.headers['x-acs-dingtalk-access-token'] ?? ''));
    if (!token || Date.now() > token.expiresAt) return json(400, { code: 'InvalidAuthentication', message: '不合法的access_token', requestid });
    if (url.pathname === '/v1.0/robot/messageFiles/download') {
      if (!this.files.has(body.downloadCode)) return json(400, { code: 'invalidParameter.downloadCode', message: 'downloadCode 无效', requestid });
      return json(200, { downloadUrl: `${this.base}/files/${body.downloadCode}` });
    }
    if (url.pathname === '/v1.0/card/instances/createAndDeliver') return this.createCard(body, token.clientId, json, requestid);
    const isGroup = url.pathname === '/v1.0/robot/groupMessages/send';
    if (!isGroup && url.pathname !== '/v1.0/robot/oToMessages/batchSend') return json(404, { code: 'notFound', message: 'not found', requestid });
    const injected = this.apiFailures.shift();
    if (injected) return json(injected.status, injected.body);
    if (raw.length > this.bodyLimit) return json(400, { code: 'invalidParameter.body', message: `body 大小不合法，请保持大小在 ${this.bodyLimit}bytes 以内`, requestid });
    if (typeof body.msgParam !== 'string' || typeof body.msgKey !== 'string' || body.robotCode !== token.clientId) return json(400, { code: 'invalidParameter', message: 'msgKey/msgParam(JSON 字符串)/robotCode 有误', requestid });
    let param: any;
    try {
      param = JSON.parse(body.msgParam);
    } catch {
      return json(400, { code: 'invalidParameter.msgParam', message: 'msgParam 不是 JSON', requestid });
    }
    const targets: string[] = isGroup ? [body.openConversationId] : body.userIds ?? [];
    if (!targets.length || targets.some((t) => !t)) return json(400, { code: 'invalidParameter', message: '缺少 openConversationId 或 userIds', requestid });
    for (const chat of targets) {
      this.sent.push({ seq: ++this.seq, via: isGroup ? 'group' : 'oto', clientId: token.clientId, chat, kind: body.msgKey, param, text: param.content ?? param.text ?? '', buttons: buttonsOf(body.msgKey, param), conversationType: isGroup ? '2' : '1' });
    }
    return json(200, isGroup ? { processQueryKey: randomUUID() } : { processQueryKey: randomUUID(), invalidStaffIdList: [], flowControlledStaffIdList: [] });
  }

  private sessionSend(url: URL, raw: Buffer, body: any, json: (status: number, body: unknown) => void): void {
    const s = this.sessions.get(url.searchParams.get('session') ?? '');
    const now = Date.now();
    if (!s || now > s.expiresAt) return json(200, { errcode: SESSION_GONE, errmsg: 'session 不存在' });
    const injected = this.sessionFailures.shift();
    if (injected) return json(200, injected);
    if (raw.length > this.bodyLimit) return json(200, { errcode: BODY_TOO_LARGE, errmsg: `body 大小不合法，请保持大小在 ${this.bodyLimit}bytes 以内` });
    s.sends = s.sends.filter((t) => now - t < 60_000);
    if (s.sends.length >= this.sessionQuotaPerMinute) return json(200, { errcode: SEND_TOO_FAST, errmsg: 'send too fast, exceed 20 times per minute' });
    const kind = String(body?.msgtype ?? '');
    const param = body?.[kind];
    if (!['text', 'markdown', 'actionCard'].includes(kind) || !param) return json(200, { errcode: 40035, errmsg: '缺少参数 msgtype 或消息内容' });
    s.sends.push(now);
    this.sent.push({ seq: ++this.seq, via: 'session', clientId: s.clientId, chat: s.chat, kind, param, text: param.content ?? param.text ?? '', buttons: buttonsOf(kind, param), conversationType: s.group ? '2' : '1' });
    json(200, { errcode: 0, errmsg: 'ok' });
  }

  /**
   * A user taps a button of a message the bot sent. A dtmd://dingtalkclient/sendMessage link
   * makes the user's client send its content as plain text, without an @. In a 1:1 chat the
   * robot receives every message; in a group it receives only @-messages (docs/platforms.md),
   * so a group "click" never reaches the bot.
   */
  click(sent: Sent, index: number, staffId: string): { delivered: false } | { delivered: true; messageId: string; msgId: string } {
    const url = sent.buttons[index]?.url ?? '';
    const m = /^dtmd:\/\/dingtalkclient\/sendMessage\?content=(.*)$/.exec(url);
    if (!m) throw new Error(`DingTalkFake: button ${index} is not a sendMessage link: ${url}`);
    if (sent.conversationType === '2') return { delivered: false };
    return { delivered: true, ...this.pushRobotMessage({ clientId: sent.clientId, conversationType: '1', senderStaffId: staffId, text: decodeURIComponent(m[1]) }) };
  }

  /** What a user in this chat has been shown (group conversation id, or staff id for 1:1). */
  shownIn(chat: string): string[] {
    return this.sent.filter((s) => s.chat === chat).map((s) => s.text);
  }
}

/** POSTs a robot payload to a bot's HTTP callback URL the way DingTalk does, signed. */
export async function postSignedCallback(url: string, payload: unknown, opts: { secret: string; timestamp?: number; sign?: string }): Promise<Response> {
  const timestamp = String(opts.timestamp ?? Date.now());
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign: opts.sign ?? callbackSign(timestamp, opts.secret) },
    body: JSON.stringify(payload),
  });
}
