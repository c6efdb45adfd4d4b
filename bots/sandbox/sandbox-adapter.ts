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
  private readonly files = new Map<string, { name: string; data: Buffer }>();
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
    this.chats.set(chat.chatId, chat);
  }

  listChats(): SandboxChat[] {
    return [...this.chats.values()];
  }

  async post(p: SandboxPost): Promise<{ duplicate: boolean; messageId: string }> {
    if (!this.sink) throw new Error('sandbox is not started');
    const chatType: ChatType = p.chatType ?? this.chats.get(p.chatId)?.chatType ?? 'group';
    const attachments: Attachment[] = (p.files ?? []).map((f) => {
      const ref = `sandbox-file:${randomUUID()}`;
      this.files.set(ref, f);
      return { kind: 'file', name: f.name, size: f.data.length, ref };
    });
    const messageId = p.messageId ?? `sbx-${randomUUID()}`;
    const at = this.clock.now();
    const result = await this.sink.accept({
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
    const f = this.files.get(a.ref);
    if (!f) throw new Error('附件已过期，请重新发送');
    return f;
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
    this.entries.push({ ...e, seq: ++this.seq });
    // Bounded so a long-running demo does not grow without limit.
    if (this.entries.length > 5000) this.entries.splice(0, this.entries.length - 5000);
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
