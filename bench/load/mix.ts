/**
 * The load benchmark's message mix, shared by `npm run bench:load` and the cost profile
 * (bench/load/profile.ts): 60% chat commands, 20% notices (each to three community groups),
 * 10% receipts, 10% whistles (吹哨, routed to a department), spread over many chats like a district's.
 */
import type { DataSource } from 'typeorm';
import { ChatGroup, Department, Member } from '../../entities';
import { type Message, reliefBasis } from '../../test/helpers/cluster/cluster';

export const STAFF = 20;
export const USERS = 300;

const COMMUNITY_WORKERS = [['zhangmin', '张敏', 'g-renmin'], ['chenjing', '陈静', 'g-heping'], ['liuyang', '刘洋', 'g-donghu']];
/** Workers of each community who also talk to the bot 1:1 (seeded by seedStaff). */
export const WORKERS_PER_COMMUNITY = 10;

/**
 * Who sends the i-th receipt or whistle, from where: every other one in a community group (the
 * demo data's three), the rest from one of the communities' workers in a 1:1 chat, as workers
 * do; else three group chats would carry a fifth of a district's traffic, 27 messages a second
 * each at 400 msgs/s, and a chat's messages are handled in order, one batch at a time.
 */
function worker(i: number, c: number): [userId: string, userName: string, chatId: string, chatType: 'group' | 'direct'] {
  const [userId, userName, chatId] = COMMUNITY_WORKERS[c];
  if (inGroup(i)) return [userId, userName, chatId, 'group'];
  const w = `w${c}x${Math.floor(i / 20) % WORKERS_PER_COMMUNITY}`;
  return [w, `社区干部${w}`, w, 'direct'];
}

let basis: string | undefined;

/** Problems a community worker whistles about, each for a different department, at varying addresses. */
const PROBLEMS = [
  (n: number) => `人民路${n}号楼道堆满杂物，堵住了消防通道`,
  (n: number) => `和平小区${n}栋楼顶有人私搭彩钢棚，疑似违章建筑`,
  (n: number) => `东湖街${n}号沿街餐馆后门燃气管道锈蚀，有煤气味`,
  (n: number) => `建设路${n}号门口井盖缺失，晚上有人差点掉下去`,
  (n: number) => `幸福里${n}号小区门口流动摊贩占道经营，堵塞交通`,
];

type Kind = 'command' | 'notice' | 'receipt' | 'whistle';

/** The i-th message's kind, by i mod 10: 0-5 command, 6-7 notice, 8 receipt, 9 whistle. */
function kindAt(i: number): Kind {
  const k = i % 10;
  return k < 6 ? 'command' : k < 8 ? 'notice' : k === 8 ? 'receipt' : 'whistle';
}

/** Whether the i-th receipt or whistle comes from a community group (else from a worker's 1:1 chat). */
const inGroup = (i: number) => Math.floor(i / 10) % 2 === 0;

/** The i-th message of a run (its kind: kindAt). */
export function message(tag: string, i: number, noticeIds: number[]): Message {
  basis ??= reliefBasis();
  const messageId = `${tag}-${i}`;
  const kind = kindAt(i);
  if (kind === 'command') {
    const u = i % USERS;
    return { messageId, userId: `u${u}`, userName: `居民${u}`, chatId: `u${u}`, chatType: 'direct', text: i % 2 ? '/我是谁' : '/帮助' };
  }
  if (kind === 'notice') {
    // Every staff member in turn (i % STAFF would give only the four whose number ends in 6 or 7 a notice).
    const s = (Math.floor(i / 10) * 2 + (i % 10) - 6) % STAFF;
    return { messageId, userId: `s${s}`, userName: `科员${s}`, chatId: `s${s}`, chatType: 'direct',
      text: `/通知 全部社区 请于11月27日前报送第${i}批困难群众名单 依据:${basis}` };
  }
  if (kind === 'receipt') {
    const [userId, userName, chatId, chatType] = worker(i, i % 3);
    return { messageId, userId, userName, chatId, chatType, text: `/收到 ${noticeIds[i % noticeIds.length]}` };
  }
  const [userId, userName, chatId, chatType] = worker(i, Math.floor(i / 10) % 3);
  return { messageId, userId, userName, chatId, chatType, text: `/吹哨 ${PROBLEMS[Math.floor(i / 30) % PROBLEMS.length](1 + (i % 97))}` };
}

/** Department staff who may send notices (the demo data has none with a department of their own for each), and community workers. */
export async function seedStaff(ds: DataSource): Promise<void> {
  const now = new Date();
  for (let c = 0; c < COMMUNITY_WORKERS.length; c++) {
    const group = await ds.manager.findOneOrFail(ChatGroup, { where: { chatId: COMMUNITY_WORKERS[c][2] } });
    for (let k = 0; k < WORKERS_PER_COMMUNITY; k++) {
      await ds.manager.save(ds.manager.create(Member, { platform: 'sandbox', externalId: `w${c}x${k}`, botId: 'sandbox', name: `社区干部w${c}x${k}`, role: 'community_worker', departmentId: null, communityId: group.communityId, createdAt: now }));
    }
  }
  for (let s = 0; s < STAFF; s++) {
    const d = await ds.manager.save(ds.manager.create(Department, { name: `压测科${s}`, createdAt: now }));
    await ds.manager.save(ds.manager.create(Member, { platform: 'sandbox', externalId: `s${s}`, botId: 'sandbox', name: `科员${s}`, role: 'dept_staff', departmentId: d.id, communityId: null, createdAt: now }));
  }
}

/** What the i-th message of a run is, for latency by kind: its command, and for receipts and whistles where it was sent. */
export function kindOf(messageId: string): string {
  const i = Number(messageId.slice(messageId.lastIndexOf('-') + 1));
  const kind = kindAt(i);
  if (kind === 'command') return '命令';
  if (kind === 'notice') return '通知';
  return `${kind === 'receipt' ? '回执' : '吹哨'}（${inGroup(i) ? '群' : '单聊'}）`;
}
