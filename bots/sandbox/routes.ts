import fs from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import { z } from 'zod';
import type { SandboxAdapter } from './sandbox-adapter';
import { SANDBOX_LIMITS, SandboxUnavailable } from './sandbox-adapter';

export interface SandboxPerson {
  userId: string;
  name: string;
  role: string;
  unit: string;
}

const PAGE = path.join(__dirname, 'page.html');

const id = z.string().trim().min(1).max(128);
const base64 = z.string().max(Math.ceil(SANDBOX_LIMITS.fileBytes / 3) * 4 + 4).regex(/^[A-Za-z0-9+/=\s]*$/, '附件应为 base64');

/** What the page and `jianfu chat` send; anything else is a 400 with the first problem named. */
const sendSchema = z.object({
  userId: id,
  chatId: id,
  userName: z.string().max(64).optional(),
  chatType: z.enum(['group', 'direct']).optional(),
  text: z.string().max(200_000).default(''),
  messageId: z.string().min(1).max(191).optional(),
  isCardAction: z.boolean().optional(),
  quote: z.string().max(20_000).optional(),
  files: z.array(z.object({ name: z.string().min(1).max(200), base64 })).max(SANDBOX_LIMITS.filesPerMessage).default([]),
}).strict();

const chatSchema = z.object({ title: z.string().trim().min(1, '请填写群名称').max(200) }).strict();

const messagesQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  wait: z.coerce.number().int().nonnegative().max(60_000).default(0),
  chatId: z.string().max(128).optional(),
});

function bad(message: string): Error {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}：` : '';
  throw bad(`请求无效：${where}${issue.message}`);
}

/** HTTP face of the sandbox: the chat page and the small JSON API it (and `jianfu chat`) uses. */
export function sandboxRoutes(adapter: SandboxAdapter, listPeople: () => Promise<SandboxPerson[]>) {
  // The people list lives in the database; while it is away the page is told to retry.
  const people = () => listPeople().catch(() => {
    throw new SandboxUnavailable();
  });
  return {
    // Attachments travel as base64 inside the JSON; every other call is small.
    bodyLimits: { '/sandbox/api/send': SANDBOX_LIMITS.sendBodyBytes },
    mount(router: Router): void {
      router.get('/sandbox', (ctx) => {
        ctx.type = 'html';
        ctx.body = fs.createReadStream(PAGE);
      });
      router.get('/sandbox/api/state', async (ctx) => {
        ctx.body = { people: await people(), chats: adapter.listChats(), lastSeq: adapter.lastSeq() };
      });
      router.get('/sandbox/api/messages', async (ctx) => {
        const q = parse(messagesQuery, ctx.query);
        const wait = Math.min(q.wait, 25_000);
        if (wait > 0) await adapter.waitFor(q.after, wait);
        ctx.body = { messages: adapter.since(q.after, q.chatId), lastSeq: adapter.lastSeq() };
      });
      router.post('/sandbox/api/send', async (ctx) => {
        const b = parse(sendSchema, ctx.request.body ?? {});
        if (!b.text && b.files.length === 0) throw bad('消息不能为空');
        // If the database is away, post() says so in the chat as well as in the answer.
        const person = (await listPeople().catch(() => [])).find((p) => p.userId === b.userId);
        ctx.body = await adapter.post({
          userId: b.userId,
          userName: person?.name ?? (b.userName || b.userId),
          chatId: b.chatId,
          chatType: b.chatType,
          text: b.text,
          messageId: b.messageId,
          isCardAction: b.isCardAction === true,
          quote: b.quote || undefined,
          files: b.files.map((f) => ({ name: f.name, data: Buffer.from(f.base64, 'base64') })),
        });
      });
      router.post('/sandbox/api/chats', async (ctx) => {
        const b = parse(chatSchema, ctx.request.body ?? {});
        const chat = { chatId: `g-${Date.now().toString(36)}`, title: b.title.slice(0, 40), chatType: 'group' as const };
        adapter.addChat(chat);
        ctx.body = chat;
      });
    },
  };
}
