import { Community } from '../../entities';
import { WorkChannel } from '../../entities/work-channel';
import type { CommandContext } from '../chat/context';
import type { CommandDef } from '../chat/registry';
import { findCommunity, findDepartment } from '../directory/lookup';

const KIND_WORDS: Record<string, 'group' | 'app'> = { 群: 'group', 工作群: 'group', 应用: 'app', APP: 'app', app: 'app', 公众号: 'app', 小程序: 'app' };
const ALL = new Set(['全部', '全部社区', '所有社区']);
const REGISTER_USAGE = '用法：/群与应用 登记 群|应用 名称 社区名|全部社区 要求使用的部门';

async function register(ctx: CommandContext, rest: string): Promise<void> {
  const [kindWord, name, target, deptName, ...extra] = rest.split(/\s+/).filter(Boolean);
  const kind = KIND_WORDS[kindWord ?? ''];
  if (!kind || !name || !target || !deptName || extra.length) {
    await ctx.reply(REGISTER_USAGE);
    return;
  }
  if ([...name].length > 64) {
    await ctx.reply('名称过长（最多64字）。');
    return;
  }
  let community: Community | null = null;
  if (!ALL.has(target)) {
    const found = await findCommunity(ctx.em, target);
    if (!found.ok) {
      await ctx.reply(`${found.message}${REGISTER_USAGE}`);
      return;
    }
    community = found.value;
  }
  const dept = await findDepartment(ctx.em, deptName);
  if (!dept.ok) {
    await ctx.reply(`${dept.message}${REGISTER_USAGE}`);
    return;
  }
  const row = await ctx.em.save(ctx.em.create(WorkChannel, { kind, name, communityId: community?.id ?? null, departmentName: dept.value.name, createdAt: ctx.now }));
  await ctx.audit({ action: 'channel.register', entity: 'work_channel', entityId: String(row.id), after: { kind, name, community: community?.name ?? '全部', department: dept.value.name } });
  await ctx.reply(`已登记第${row.id}号：${community?.name ?? '全部社区'}须使用的${kind === 'app' ? '应用' : '工作群'}「${name}」（${dept.value.name}要求）。`);
}

async function list(ctx: CommandContext, target: string): Promise<void> {
  let communityId: number | null = null;
  if (target) {
    const found = await findCommunity(ctx.em, target);
    if (!found.ok) {
      await ctx.reply(found.message);
      return;
    }
    communityId = found.value.id;
  }
  const rows = (await ctx.em.find(WorkChannel, { order: { id: 'ASC' } })).filter((r) => communityId === null || r.communityId === null || r.communityId === communityId);
  if (!rows.length) {
    await ctx.reply('尚未登记工作群或应用。登记：/群与应用 登记 群 名称 社区名 部门');
    return;
  }
  const names = new Map((await ctx.em.find(Community)).map((c) => [c.id, c.name]));
  const groups = rows.filter((r) => r.kind === 'group').length;
  await ctx.reply([`${target || '全街道'}登记的工作群${groups}个、应用${rows.length - groups}个：`,
    ...rows.map((r) => `${r.id}. ${r.kind === 'app' ? '应用' : '群'}「${r.name}」 ${r.communityId ? names.get(r.communityId) ?? '' : '全部社区'} · ${r.departmentName}`)].join('\n'));
}

async function remove(ctx: CommandContext, raw: string): Promise<void> {
  const id = Number(raw);
  const row = Number.isInteger(id) ? await ctx.em.findOne(WorkChannel, { where: { id } }) : null;
  if (!row) {
    await ctx.reply('请写登记编号，例如：/群与应用 删除 3（编号见 /群与应用 查看）。');
    return;
  }
  await ctx.em.delete(WorkChannel, { id });
  await ctx.audit({ action: 'channel.remove', entity: 'work_channel', entityId: String(id), before: { kind: row.kind, name: row.name, department: row.departmentName } });
  await ctx.reply(`已删除第${id}号登记「${row.name}」。`);
}

/** /群与应用: the register of work groups and apps communities must use (the seeds count 20–30 groups and 10+ apps). */
export function channelCommands(): CommandDef[] {
  return [{
    name: '群与应用', summary: '登记、查看、删除社区须使用的工作群和政务应用', roles: ['admin'],
    args: [{ name: '操作', choices: ['登记', '查看', '删除'] }, { name: '内容', optional: true, rest: true }],
    examples: ['/群与应用 登记 群 养老服务群 人民社区 民政科', '/群与应用 登记 应用 平安通APP 全部社区 应急管理办', '/群与应用 查看 人民社区'],
    handler: (ctx, a) => (a['操作'] === '登记' ? register(ctx, a['内容'] ?? '') : a['操作'] === '删除' ? remove(ctx, a['内容'] ?? '') : list(ctx, a['内容'] ?? '')),
  }];
}
