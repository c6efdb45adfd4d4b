import { EntityManager } from 'typeorm';
import type { IncomingMessage } from '../../bots/types';
import { Member, Role } from '../../entities';

/** The member behind a message, created as 'guest' the first time they speak. */
export async function memberFor(em: EntityManager, msg: IncomingMessage, now: Date): Promise<Member> {
  const found = await em.findOne(Member, { where: { platform: msg.platform, externalId: msg.senderId } });
  if (found) {
    const name = msg.senderName || found.name;
    if (found.name !== name || found.botId !== msg.botId) {
      found.name = name;
      found.botId = msg.botId;
      await em.save(found);
    }
    return found;
  }
  return em.save(em.create(Member, {
    platform: msg.platform,
    externalId: msg.senderId,
    botId: msg.botId,
    name: msg.senderName || msg.senderId,
    role: 'guest' as Role,
    departmentId: null,
    communityId: null,
    createdAt: now,
  }));
}
