import { ChatGroup, Community, Department, GROUP_KIND_LABELS, GroupKind, Member, Role, ROLE_LABELS } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { CommandSink } from '../chat/registry';
import { findCommunity, findDepartment, findMember, unitName } from './lookup';

const KIND_WORDS: Record<string, GroupKind> = { 社区: 'community', 村: 'community', 部门: 'department', 管理组: 'admin', 监督组: 'supervision', 纪检监督: 'supervision' };
const ROLE_WORDS: Record<string, Role> = {
  管理员: 'admin', 部门: 'dept_staff', 部门工作人员: 'dept_staff', 社区: 'community_worker', 社区工作者: 'community_worker',
  村: 'community_worker', 村干部: 'community_worker', 未登记: 'guest',
};

const snapshot = (g: ChatGroup | Member | null) => (g ? { ...g } : null);

async function bind(ctx: CommandContext, args: Record<string, string>): Promise<void> {
  const kind = KIND_WORDS[args['类型']];
  let communityId: number | null = null;
  let departmentId: number | null = null;
  let label = GROUP_KIND_LABELS[kind];
  if (kind === 'community' || kind === 'department') {
    const name = args['名称'];
    if (!name) {
      await ctx.reply(`请写明${args['类型']}名称，例如：/绑定 ${args['类型']} ${kind === 'community' ? '人民社区' : '民政科'}`);
      return;
    }
    const found = kind === 'community' ? await findCommunity(ctx.em, name) : await findDepartment(ctx.em, name);
    if (!found.ok) {
      await ctx.reply(`${found.message}可先用 /添加${kind === 'community' ? '社区' : '部门'} ${name}。`);
      return;
    }
    if (kind === 'community') communityId = found.value.id;
    else departmentId = found.value.id;
    label = found.value.name;
  }
  const { platform, botId, chatId } = ctx.msg;
  const existing = await ctx.em.findOne(ChatGroup, { where: { platform, botId, chatId } });
  const before = snapshot(existing);
  const group = existing ?? ctx.em.create(ChatGroup, { platform, botId, chatId, createdAt: ctx.now });
  Object.assign(group, { kind, communityId, departmentId, title: ctx.msg.chatTitle ?? group.title ?? '' });
  await ctx.em.save(group);
  await ctx.audit({ action: 'group.bind', entity: 'chat_group', entityId: group.id, before, after: snapshot(group) });
  await ctx.reply(`已将本群绑定为「${label}」${kind === 'community' || kind === 'department' ? `（${GROUP_KIND_LABELS[kind]}群）` : ''}。`);
}

async function unbind(ctx: CommandContext): Promise<void> {
  if (!ctx.group) {
    await ctx.reply('本群尚未绑定。');
    return;
  }
  const before = snapshot(ctx.group);
  await ctx.em.delete(ChatGroup, { id: ctx.group.id });
  await ctx.audit({ action: 'group.unbind', entity: 'chat_group', entityId: ctx.group.id, before, after: null });
  await ctx.reply('已解除本群绑定。');
}

async function listGroups(ctx: CommandContext): Promise<void> {
  const groups = await ctx.em.find(ChatGroup, { order: { kind: 'ASC', id: 'ASC' } });
  if (!groups.length) {
    await ctx.reply('还没有绑定任何群。在群里发送 /绑定 社区 人民社区 即可绑定。');
    return;
  }
  const lines = await Promise.all(groups.map(async (g) => {
    const unit = await unitName(ctx.em, g);
    return `${g.id}. ${g.title || g.chatId}：${GROUP_KIND_LABELS[g.kind]}${unit ? ' ' + unit : ''}（${g.platform}）`;
  }));
  await ctx.reply(`已绑定的群（${groups.length}个）：\n${lines.join('\n')}`);
}

async function setRole(ctx: CommandContext, args: Record<string, string>): Promise<void> {
  const role = ROLE_WORDS[args['角色']];
  const target = await findMember(ctx.em, ctx.msg.platform, args['成员']);
  if (!target.ok) {
    await ctx.reply(target.message);
    return;
  }
  const m = target.value;
  let departmentId: number | null = null;
  let communityId: number | null = null;
  const unit = args['单位'];
  if (role === 'dept_staff' || role === 'community_worker') {
    if (!unit) {
      await ctx.reply(`请写明单位，例如：/设置角色 ${m.name} ${args['角色']} ${role === 'dept_staff' ? '民政科' : '人民社区'}`);
      return;
    }
    const found = role === 'dept_staff' ? await findDepartment(ctx.em, unit) : await findCommunity(ctx.em, unit);
    if (!found.ok) {
      await ctx.reply(found.message);
      return;
    }
    if (role === 'dept_staff') departmentId = found.value.id;
    else communityId = found.value.id;
  } else if (unit) {
    await ctx.reply(`${ROLE_LABELS[role]}不需要单位，请去掉「${unit}」。`);
    return;
  }
  if (m.id === ctx.member.id && role !== 'admin') {
    await ctx.reply('不能取消自己的管理员身份，请让其他管理员操作。');
    return;
  }
  const before = snapshot(m);
  Object.assign(m, { role, departmentId, communityId });
  await ctx.em.save(m);
  await ctx.audit({ action: 'member.role', entity: 'member', entityId: m.id, before, after: snapshot(m) });
  const unitLabel = await unitName(ctx.em, m);
  await ctx.reply(`已设置 ${m.name} 为${ROLE_LABELS[role]}${unitLabel ? `（${unitLabel}）` : ''}。`);
}

async function removeMember(ctx: CommandContext, args: Record<string, string>): Promise<void> {
  const target = await findMember(ctx.em, ctx.msg.platform, args['成员']);
  if (!target.ok) {
    await ctx.reply(target.message);
    return;
  }
  const m = target.value;
  if (m.id === ctx.member.id) {
    await ctx.reply('不能移除自己。');
    return;
  }
  const before = snapshot(m);
  Object.assign(m, { role: 'guest', departmentId: null, communityId: null });
  await ctx.em.save(m);
  await ctx.audit({ action: 'member.remove', entity: 'member', entityId: m.id, before, after: snapshot(m) });
  await ctx.reply(`已移除 ${m.name} 的角色和单位。`);
}

async function listMembers(ctx: CommandContext, args: Record<string, string>): Promise<void> {
  let members = await ctx.em.find(Member, { where: { platform: ctx.msg.platform }, order: { role: 'ASC', id: 'ASC' } });
  const labelled = await Promise.all(members.map(async (m) => ({ m, unit: await unitName(ctx.em, m) })));
  const filter = args['单位'];
  const shown = filter ? labelled.filter((x) => x.unit.includes(filter)) : labelled;
  members = shown.map((x) => x.m);
  if (!members.length) {
    await ctx.reply(filter ? `「${filter}」下没有成员。` : '还没有成员。');
    return;
  }
  const lines = shown.map(({ m, unit }) => `${m.name}（${m.externalId}）：${ROLE_LABELS[m.role]}${unit ? ' · ' + unit : ''}`);
  await ctx.reply(`成员（${lines.length}人）：\n${lines.join('\n')}`);
}

async function addUnit(ctx: CommandContext, entity: 'community' | 'department', args: Record<string, string>): Promise<void> {
  const name = args['名称'];
  if ([...name].length > 32) {
    await ctx.reply('名称过长，请控制在32字以内。');
    return;
  }
  const repo = entity === 'community' ? Community : Department;
  if (await ctx.em.findOne(repo, { where: { name } })) {
    await ctx.reply(`「${name}」已存在。`);
    return;
  }
  const row = entity === 'community'
    ? ctx.em.create(Community, { name, kind: args['类别'] ?? (name.endsWith('村') ? '村' : '社区'), streetId: null, createdAt: ctx.now })
    : ctx.em.create(Department, { name, createdAt: ctx.now });
  await ctx.em.save(row);
  await ctx.audit({ action: `${entity}.add`, entity, entityId: row.id, after: { ...row } });
  await ctx.reply(`已添加${entity === 'community' ? '社区' : '部门'}「${name}」。`);
}

async function removeUnit(ctx: CommandContext, args: Record<string, string>): Promise<void> {
  const name = args['名称'];
  const c = await ctx.em.findOne(Community, { where: { name } });
  const d = c ? null : await ctx.em.findOne(Department, { where: { name } });
  const unit = c ?? d;
  if (!unit) {
    await ctx.reply(`没有找到单位「${name}」（删除需写全称）。`);
    return;
  }
  const key = c ? 'communityId' : 'departmentId';
  const inUse = (await ctx.em.count(Member, { where: { [key]: unit.id } })) + (await ctx.em.count(ChatGroup, { where: { [key]: unit.id } }));
  if (inUse > 0) {
    await ctx.reply(`「${name}」仍有${inUse}个成员或群绑定，请先调整后再删除。`);
    return;
  }
  await ctx.em.delete(c ? Community : Department, { id: unit.id });
  await ctx.audit({ action: `${c ? 'community' : 'department'}.remove`, entity: c ? 'community' : 'department', entityId: unit.id, before: { ...unit } });
  await ctx.reply(`已删除「${name}」。`);
}

async function listUnits(ctx: CommandContext): Promise<void> {
  const cs = await ctx.em.find(Community, { order: { id: 'ASC' } });
  const ds = await ctx.em.find(Department, { order: { id: 'ASC' } });
  await ctx.reply(`社区/村（${cs.length}）：${cs.map((c) => c.name).join('、') || '无'}\n部门（${ds.length}）：${ds.map((d) => d.name).join('、') || '无'}`);
}

async function whoami(ctx: CommandContext): Promise<void> {
  const unit = await unitName(ctx.em, ctx.member);
  const where = ctx.group ? `本群：${GROUP_KIND_LABELS[ctx.group.kind]}${(await unitName(ctx.em, ctx.group)) ? ' ' + (await unitName(ctx.em, ctx.group)) : ''}` : (ctx.msg.chatType === 'group' ? '本群：未绑定' : '单聊');
  await ctx.reply(`${ctx.member.name}（${ctx.member.externalId}）：${ROLE_LABELS[ctx.member.role]}${unit ? ' · ' + unit : ''}\n${where}`);
}

export function registerAdminCommands(r: CommandSink): void {
  r.register({
    name: '绑定', aliases: ['绑定群'], summary: '把本群绑定到社区、部门、管理组或监督组', roles: ['admin'], where: 'group',
    args: [{ name: '类型', choices: Object.keys(KIND_WORDS) }, { name: '名称', optional: true, rest: true }],
    examples: ['/绑定 社区 人民社区', '/绑定 部门 民政科', '/绑定 管理组'], handler: bind,
  });
  r.register({ name: '解绑', summary: '解除本群绑定', roles: ['admin'], where: 'group', handler: unbind });
  r.register({ name: '群列表', summary: '查看已绑定的群', roles: ['admin'], handler: listGroups });
  r.register({
    name: '设置角色', aliases: ['角色'], summary: '设置成员的角色和单位', roles: ['admin'],
    args: [{ name: '成员' }, { name: '角色', choices: Object.keys(ROLE_WORDS) }, { name: '单位', optional: true, rest: true }],
    examples: ['/设置角色 张敏 社区工作者 人民社区', '/设置角色 李霞 部门 民政科', '/设置角色 王主任 管理员'], handler: setRole,
  });
  r.register({ name: '移除成员', summary: '取消成员的角色和单位', roles: ['admin'], args: [{ name: '成员' }], handler: removeMember });
  r.register({ name: '成员列表', aliases: ['成员'], summary: '查看成员，可按单位筛选', roles: ['admin'], args: [{ name: '单位', optional: true, rest: true }], handler: listMembers });
  r.register({
    name: '添加社区', summary: '新增社区或村', roles: ['admin'],
    args: [{ name: '名称' }, { name: '类别', optional: true, choices: ['社区', '村'] }], handler: (ctx, a) => addUnit(ctx, 'community', a),
  });
  r.register({ name: '添加部门', summary: '新增部门', roles: ['admin'], args: [{ name: '名称' }], handler: (ctx, a) => addUnit(ctx, 'department', a) });
  r.register({ name: '删除单位', summary: '删除没有成员和群的社区或部门', roles: ['admin'], args: [{ name: '名称' }], handler: removeUnit });
  r.register({ name: '单位列表', summary: '查看社区和部门', roles: ['admin', 'dept_staff', 'community_worker'], handler: listUnits });
  r.register({ name: '我是谁', summary: '查看自己的角色和本群绑定', roles: 'any', keepsDirectory: true, handler: whoami });
}
