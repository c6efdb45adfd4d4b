import readline from 'node:readline';
import { App } from '../app';
import { loadConfig } from '../config';

interface Person { userId: string; name: string; role: string; unit: string }
interface Chat { chatId: string; title: string; chatType: string }
interface Entry { seq: number; chatId: string; from: string; senderName: string; body: { kind: string; text?: string; title?: string; body?: string; buttons?: { label: string; command: string }[] } }

function render(e: Entry): string {
  const b = e.body;
  if (b.kind === 'card') {
    const buttons = (b.buttons ?? []).map((x) => `[${x.label}: ${x.command}]`).join(' ');
    return `【${b.title}】\n${b.body}\n${buttons}`;
  }
  return b.text ?? '';
}

/**
 * Terminal sandbox chat. Talks to a running service over the sandbox API, or starts one
 * in-process when none answers, so `npm run chat` works on its own.
 */
export async function main(_args: string[]): Promise<number> {
  const config = loadConfig();
  let base = `http://127.0.0.1:${config.server.port}`;
  let app: App | null = null;
  const up = await fetch(`${base}/sandbox/api/state`).then((r) => r.ok).catch(() => false);
  if (!up) {
    app = await App.create({ config: { ...config, logLevel: 'warn', server: { ...config.server, port: 0, host: '127.0.0.1' } } });
    await app.start();
    base = `http://127.0.0.1:${app.port}`;
  }
  const state = (await (await fetch(`${base}/sandbox/api/state`)).json()) as { people: Person[]; chats: Chat[]; lastSeq: number };
  let me = state.people.find((p) => p.role === '管理员') ?? state.people[0];
  let chat: Chat = state.chats[0] ?? { chatId: me.userId, title: '单聊', chatType: 'direct' };
  let seq = state.lastSeq;
  const out = (s: string) => process.stdout.write(s + '\n');
  out('减负助手 · 终端沙盒。输入消息发给机器人；:人 姓名 切换身份，:群 名称 切换群，:单聊 进入与机器人的单聊，:列表 查看人和群，:退出 结束。');
  const prompt = () => `${me.name}@${chat.title}> `;
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: prompt() });
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const r = await fetch(`${base}/sandbox/api/messages?after=${seq}&wait=20000`).then((x) => x.json() as Promise<{ messages: Entry[]; lastSeq: number }>).catch(() => null);
      if (!r) break;
      for (const e of r.messages) {
        if (e.from === 'bot') out(`\n[${state.chats.find((c) => c.chatId === e.chatId)?.title ?? e.chatId}] 减负助手：${render(e)}`);
      }
      seq = Math.max(seq, r.lastSeq);
      if (r.messages.length) rl.prompt();
    }
  };
  void poll();
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === ':退出' || text === ':q') break;
    if (text === ':列表') {
      out(`人：${state.people.map((p) => `${p.name}(${p.role}${p.unit ? '·' + p.unit : ''})`).join('、')}`);
      out(`群：${state.chats.map((c) => c.title).join('、')}`);
    } else if (text.startsWith(':人 ')) {
      const p = state.people.find((x) => x.name === text.slice(3).trim());
      if (p) me = p; else out('没有这个人。');
    } else if (text.startsWith(':群 ')) {
      const c = state.chats.find((x) => x.title.includes(text.slice(3).trim()));
      if (c) chat = c; else out('没有这个群。');
    } else if (text === ':单聊') {
      chat = { chatId: me.userId, title: '单聊', chatType: 'direct' };
    } else if (text) {
      const r = await fetch(`${base}/sandbox/api/send`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: me.userId, chatId: chat.chatId, chatType: chat.chatType, text }),
      });
      if (!r.ok) out(`发送失败：${((await r.json()) as { message?: string }).message ?? r.status}`);
    }
    rl.setPrompt(prompt());
    rl.prompt();
  }
  stopped = true;
  rl.close();
  if (app) await app.stop();
  return 0;
}
