import { expect } from 'chai';

/** One platform as seen by a user: send text as someone, get back what the bot said there. */
export interface ChatDriver {
  admin: { id: string; name: string };
  guest: { id: string; name: string };
  /** Sends text in the shared group, or 1:1 with the bot, and returns the bot's answers there. */
  say(userId: string, where: 'group' | 'direct', text: string): Promise<string[]>;
}

/**
 * The same short conversation, written once and run on every platform: an admin binds a group,
 * checks it, a newcomer asks who they are, is refused an admin command, and finds help.
 */
export async function shortConversation(d: ChatDriver): Promise<void> {
  const { admin, guest } = d;
  expect(await d.say(admin.id, 'group', '/绑定 社区 人民社区')).to.deep.equal(['已将本群绑定为「人民社区」（社区群）。']);
  expect(await d.say(admin.id, 'group', '/我是谁')).to.deep.equal([`${admin.name}（${admin.id}）：管理员\n本群：社区 人民社区`]);
  expect(await d.say(guest.id, 'direct', '/我是谁')).to.deep.equal([`${guest.name}（${guest.id}）：未登记\n单聊`]);
  const denied = await d.say(guest.id, 'group', '/绑定 管理组');
  expect(denied).to.have.length(1);
  expect(denied[0]).to.match(/^权限不足：\/绑定 仅限管理员使用/);
  expect(await d.say(guest.id, 'direct', '你好')).to.deep.equal(['没有识别到命令。发送 /帮助 查看可用命令。']);
  const help = await d.say(guest.id, 'direct', '/帮助');
  expect(help).to.have.length(1);
  expect(help[0]).to.contain('/我是谁');
  expect(help[0]).not.to.contain('/绑定');
}
