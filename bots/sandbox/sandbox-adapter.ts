import { randomUUID } from 'node:crypto';
import type { Attachment, BotAdapter, ChatType, InboundSink, OutgoingBody, OutgoingMessage, SendResult } from '../types';

export interface SandboxChat {
  chatId: string;
  title: string;
  chatType: ChatType;
}

export interface TranscriptEntry {
  seq: number;
  chatId: string;
  from: 'user' | 'bot';
  userId?: string;
  senderName: string;
  body: OutgoingBody;
  attachments?: { name: string; ref: string }[];
  at: string;
}

/** Memory the sandbox may hold, by bytes as well as count, so no visitor can grow it without end. */
export const SANDBOX_LIMITS = {
  fileBytes: 2 * 1024 * 1024,
  filesPerMessage: 5,
  sendBodyBytes: 15 * 1024 * 1024,
  filesTotalBytes: 32 * 1024 * 1024,
  fileTtlMs: 60 * 60 * 1000,
  transcriptBytes: 8 * 1024 * 1024,
  transcriptEntries: 5000,
  chats: 200,
};

/** The database could not take the message; the caller answers "try again later". */
export class SandboxUnavailable extends Error {
  readonly status = 503;
  readonly expose = true;
  constructor() {
    super('系统暂时无法处理，请稍后重试');
  }
}

export interface SandboxPost {
  userId: string;
  userName: string;
  chatId: string;
  chatType?: ChatType;
  text: string;
  messageId?: string;
  isCardAction?: boolean;
  files?: { name: string; data: Buffer }[];
  quote?: string;
}

/**
 * A platform that lives in this process: the web page and the terminal chat post into it,
 * and the bot's outgoing messages land in an in-memory transcript. It goes through the same
 * inbox → commands → outbox path as WeCom and DingTalk.
 */
export class SandboxAdapter implements BotAdapter {
  readonly platform = 'sandbox' as const;
  readonly botId = 'sandbox';
  private sink: InboundSink | null = null;
  private readonly entries: TranscriptEntry[] = [];
  private readonly chats = new Map<string, SandboxChat>();
  private readonly files = new Map<string, { name: string; data: Buffer; expires: number }>();
  private filesBytes = 0;
  private readonly entryBytes: number[] = [];
  private transcriptBytes = 0;
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  constructor(private readonly clock: { now(): Date }, private readonly maxBodyBytes = 20480) {}

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.sink = null;
    this.wake();
  }

  addChat(chat: SandboxChat): void {
    if (!this.chats.has(chat.chatId) && this.chats.size >= SANDBOX_LIMITS.chats) {
      throw Object.assign(new Error(`沙盒最多 ${SANDBOX_LIMITS.chats} 个群`), { status: 400, expose: true });
    }
    this.chats.set(chat.chatId, chat);
  }

  listChats(): SandboxChat[] {
    return [...this.chats.values()];
  }

  async post(p: SandboxPost): Promise<{ duplicate: boolean; messageId: string }> {
    if (!this.sink) throw new Error('sandbox is not started');
    const chatType: ChatType = p.chatType ?? this.chats.get(p.chatId)?.chatType ?? 'group';
    const at = this.clock.now();
    const attachments: Attachment[] = (p.files ?? []).map((f) => {
      if (f.data.length > SANDBOX_LIMITS.fileBytes) {
        throw Object.assign(new Error(`附件「${f.name}」超过 ${SANDBOX_LIMITS.fileBytes / 1024 / 1024} MB`), { status: 413, expose: true });
      }
      return { kind: 'file', name: f.name, size: f.data.length, ref: `sandbox-file:${randomUUID()}` };
    });
    attachments.forEach((a, i) => this.keepFile(a.ref, p.files![i], at.getTime()));
    const messageId = p.messageId ?? `sbx-${randomUUID()}`;
    let result: { duplicate: boolean };
    try {
      result = await this.sink.accept({
      platform: 'sandbox',
      botId: this.botId,
      messageId,
      chatId: p.chatId,
      chatType,
      chatTitle: this.chats.get(p.chatId)?.title,
      senderId: p.userId,
      senderName: p.userName,
      text: p.text,
      mentioned: true,
      quote: p.quote ? { text: p.quote } : undefined,
      attachments,
      sentAt: at.toISOString(),
      isCardAction: p.isCardAction,
      });
    } catch {
      // Nothing was stored, so the user must send it again; say so where they are looking.
      this.push({ chatId: p.chatId, from: 'bot', senderName: '减负助手', body: { kind: 'text', text: '系统暂时无法处理这条消息，请稍后重试。' }, at: at.toISOString() });
      throw new SandboxUnavailable();
    }
    if (!result.duplicate) {
      this.push({
        chatId: p.chatId,
        from: 'user',
        userId: p.userId,
        senderName: p.userName,
        body: { kind: 'text', text: p.text },
        attachments: attachments.map((a) => ({ name: a.name ?? '', ref: a.ref })),
        at: at.toISOString(),
      });
    }
    return { ...result, messageId };
  }

  async send(msg: OutgoingMessage): Promise<SendResult> {
    this.push({ chatId: msg.chatId, from: 'bot', senderName: '减负助手', body: msg.body, at: this.clock.now().toISOString() });
    return { ok: true };
  }

  maxBytes(): number {
    return this.maxBodyBytes;
  }

  async download(a: Attachment): Promise<{ name: string; data: Buffer }> {
    this.dropExpiredFiles(this.clock.now().getTime());
    const f = this.files.get(a.ref);
    if (!f) throw new Error('附件已过期，请重新发送');
    return { name: f.name, data: f.data };
  }

  /** Bytes held for attachments and transcript (tests check the bounds). */
  heldBytes(): { files: number; transcript: number } {
    return { files: this.filesBytes, transcript: this.transcriptBytes };
  }

  private keepFile(ref: string, f: { name: string; data: Buffer }, now: number): void {
    this.dropExpiredFiles(now);
    this.files.set(ref, { ...f, expires: now + SANDBOX_LIMITS.fileTtlMs });
    this.filesBytes += f.data.length;
    // Oldest first (Map keeps insertion order) until the total fits again.
    for (const [k, old] of this.files) {
      if (this.filesBytes <= SANDBOX_LIMITS.filesTotalBytes) break;
      this.files.delete(k);
      this.filesBytes -= old.data.length;
    }
  }

  private dropExpiredFiles(now: number): void {
    for (const [k, f] of this.files) {
      if (f.expires > now) continue;
      this.files.delete(k);
      this.filesBytes -= f.data.length;
    }
  }

  lastSeq(): number {
    return this.seq;
  }

  since(seq: number, chatId?: string): TranscriptEntry[] {
    return this.entries.filter((e) => e.seq > seq && (!chatId || e.chatId === chatId));
  }

  /** Long-poll helper for the web page: resolves when something new arrives or after timeoutMs. */
  waitFor(seq: number, timeoutMs: number): Promise<void> {
    if (this.seq > seq) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private push(e: Omit<TranscriptEntry, 'seq'>): void {
    const entry = { ...e, seq: ++this.seq };
    // JS strings are UTF-16: twice the length is what the text costs in memory.
    const bytes = JSON.stringify(entry).length * 2;
    this.entries.push(entry);
    this.entryBytes.push(bytes);
    this.transcriptBytes += bytes;
    // Bounded by count and bytes so a long-running demo (or a flood) does not grow without limit.
    while (this.entries.length > 1 && (this.entries.length > SANDBOX_LIMITS.transcriptEntries || this.transcriptBytes > SANDBOX_LIMITS.transcriptBytes)) {
      this.entries.shift();
      this.transcriptBytes -= this.entryBytes.shift()!;
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
