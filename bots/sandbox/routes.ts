import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import type { SandboxAdapter } from './sandbox-adapter';

export interface SandboxPerson {
  userId: string;
  name: string;
  role: string;
  unit: string;
}

const PAGE = path.join(__dirname, 'page.html');

function bad(message: string): Error {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

/** HTTP face of the sandbox: the chat page and the small JSON API it (and `jianfu chat`) uses. */
export function sandboxRoutes(adapter: SandboxAdapter, people: () => Promise<SandboxPerson[]>) {
  return {
    mount(router: Router): void {
      router.get('/sandbox', (ctx) => {
        ctx.type = 'html';
        ctx.body = fs.createReadStream(PAGE);
      });
      router.get('/sandbox/api/state', async (ctx) => {
        ctx.body = { people: await people(), chats: adapter.listChats(), lastSeq: adapter.lastSeq() };
      });
      router.get('/sandbox/api/messages', async (ctx) => {
        const after = Number(ctx.query.after ?? 0) || 0;
        const wait = Math.min(Number(ctx.query.wait ?? 0) || 0, 25_000);
        if (wait > 0) await adapter.waitFor(after, wait);
        ctx.body = { messages: adapter.since(after, typeof ctx.query.chatId === 'string' ? ctx.query.chatId : undefined), lastSeq: adapter.lastSeq() };
      });
      router.post('/sandbox/api/send', async (ctx) => {
        const b = (ctx.request.body ?? {}) as Record<string, unknown>;
        const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
        if (!str('userId') || !str('chatId')) throw bad('缺少 userId 或 chatId');
        const files = Array.isArray(b.files) ? (b.files as { name?: unknown; base64?: unknown }[]) : [];
        if (!str('text') && files.length === 0) throw bad('消息不能为空');
        const person = (await people()).find((p) => p.userId === str('userId'));
        const result = await adapter.post({
          userId: str('userId'),
          userName: person?.name ?? (str('userName') || str('userId')),
          chatId: str('chatId'),
          chatType: b.chatType === 'direct' ? 'direct' : b.chatType === 'group' ? 'group' : undefined,
          text: str('text'),
          messageId: str('messageId') || undefined,
          isCardAction: b.isCardAction === true,
          quote: str('quote') || undefined,
          files: files.map((f) => ({ name: String(f.name ?? 'file'), data: Buffer.from(String(f.base64 ?? ''), 'base64') })),
        });
        ctx.body = result;
      });
      router.post('/sandbox/api/chats', async (ctx) => {
        const b = (ctx.request.body ?? {}) as Record<string, unknown>;
        const title = typeof b.title === 'string' ? b.title.trim() : '';
        if (!title) throw bad('请填写群名称');
        const chat = { chatId: `g-${Date.now().toString(36)}`, title: title.slice(0, 40), chatType: 'group' as const };
        adapter.addChat(chat);
        ctx.body = chat;
      });
    },
  };
}
