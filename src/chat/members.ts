import { EntityManager, In } from 'typeorm';
import type { IncomingMessage } from '../../bots/types';
import { ChatGroup, Member, Role } from '../../entities';

const key = (platform: string, id: string) => `${platform}\u0000${id}`;

/** The member behind a message, created as 'guest' the first time they speak. */
export async function memberFor(em: EntityManager, msg: IncomingMessage, now: Date): Promise<Member> {
  return (await membersFor(em, [msg], now))[0];
}

/**
 * The members behind several messages, read in one statement; a sender seen twice (two chats
 * in one batch) is one member, so a newcomer is created once.
 */
export async function membersFor(em: EntityManager, msgs: IncomingMessage[], now: Date): Promise<Member[]> {
  const byPlatform = new Map<string, Set<string>>();
  for (const m of msgs) byPlatform.set(m.platform, (byPlatform.get(m.platform) ?? new Set()).add(m.senderId));
  const found = await em.find(Member, { where: [...byPlatform].map(([platform, ids]) => ({ platform, externalId: ids.size === 1 ? [...ids][0] : In([...ids]) })) });
  const known = new Map(found.map((f) => [key(f.platform, f.externalId), f]));
  const out: Member[] = [];
  for (const msg of msgs) {
    const k = key(msg.platform, msg.senderId);
    const member = known.get(k);
    if (member) {
      const name = msg.senderName || member.name;
      if (member.name !== name || member.botId !== msg.botId) {
        member.name = name;
        member.botId = msg.botId;
        await em.save(member);
      }
      out.push(member);
      continue;
    }
    const created = await em.save(em.create(Member, {
      platform: msg.platform,
      externalId: msg.senderId,
      botId: msg.botId,
      name: msg.senderName || msg.senderId,
      role: 'guest' as Role,
      departmentId: null,
      communityId: null,
      createdAt: now,
    }));
    known.set(k, created);
    out.push(created);
  }
  return out;
}

/** The bound group of each group message (null for direct chats and unbound groups), in one read. */
export async function groupsFor(em: EntityManager, msgs: IncomingMessage[]): Promise<(ChatGroup | null)[]> {
  const inGroups = msgs.filter((m) => m.chatType === 'group');
  if (!inGroups.length) return msgs.map(() => null);
  const byBot = new Map<string, { platform: string; botId: string; chats: Set<string> }>();
  for (const m of inGroups) {
    const k = key(m.platform, m.botId);
    const e = byBot.get(k) ?? { platform: m.platform, botId: m.botId, chats: new Set<string>() };
    byBot.set(k, e);
    e.chats.add(m.chatId);
  }
  const groups = await em.find(ChatGroup, {
    where: [...byBot.values()].map((b) => ({ platform: b.platform, botId: b.botId, chatId: b.chats.size === 1 ? [...b.chats][0] : In([...b.chats]) })),
  });
  const byChat = new Map(groups.map((g) => [`${key(g.platform, g.botId)}\u0000${g.chatId}`, g]));
  return msgs.map((m) => (m.chatType === 'group' ? byChat.get(`${key(m.platform, m.botId)}\u0000${m.chatId}`) ?? null : null));
}
