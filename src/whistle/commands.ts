import { Department, WhistleDepartment } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { CommandDef, CommandSink } from '../chat/registry';
import { findMember } from '../directory/lookup';
import { RATINGS, Refusal, WhistleDesk } from './tickets';

type Handler = (ctx: CommandContext, a: Record<string, string>) => Promise<string>;

/** Runs a desk call and replies with its answer, or with the refusal. */
const answer = (fn: Handler): CommandDef['handler'] => async (ctx, a) => {
  try {
    await ctx.reply(await fn(ctx, a));
  } catch (err) {
    if (err instanceof Refusal) await ctx.reply(err.message);
    else throw err;
  }
};

const LOCATION_FIELD = /(?:地点|位置|地址)\s*[:：]\s*([^\s，,。；;]+)[\s，,。；;]?/;
/** A place at the start of a report: 人民路12号, 和平小区5号楼, 东湖村三组. */
const LOCATION_LEAD = /^((?:[\p{Script=Han}]{1,10}(?:路|街|巷|弄|大道)(?:[0-9]+号)?)|(?:[\p{Script=Han}]{1,10}(?:小区|花园|苑|新村|村|社区)(?:[0-9一二三四五六七八九十]+(?:号楼|栋|幢|组|单元))?))/u;

/** Some platforms (and the sandbox) send a photo as a file. */
const PHOTO_FILE = /\.(jpe?g|png|gif|webp|heic|bmp)$/i;

export interface ParsedWhistle {
  text: string;
  urgency: 'urgent' | 'normal' | null;
  location: string;
}

export function parseWhistle(raw: string): ParsedWhistle {
  let text = raw.trim();
  let urgency: ParsedWhistle['urgency'] = null;
  const level = /^[【[(（]?(紧急|一般)[】\])）]?[\s:：,，]*/.exec(text);
  if (level) {
    urgency = level[1] === '紧急' ? 'urgent' : 'normal';
    text = text.slice(level[0].length);
  }
  let location = '';
  const field = LOCATION_FIELD.exec(text);
  if (field) {
    location = field[1].trim();
    text = (text.slice(0, field.index) + text.slice(field.index + field[0].length)).trim();
  } else {
    location = LOCATION_LEAD.exec(text)?.[1] ?? '';
  }
  return { text, urgency, location };
}

async function duties(ctx: CommandContext, desk: WhistleDesk, a: Record<string, string>): Promise<string> {
  const op = a['操作'];
  const list = await desk.duties.list(ctx.em, ctx.now);
  if (op === '查看' && !a['部门']) {
    return `吹哨承办部门（${list.length}个）：\n${list.map((d) => `${d.department.name}：${d.duty.duties.join('、') || '（未写职责）'}`).join('\n')}\n查看详情：/职责 查看 部门`;
  }
  const name = a['部门'];
  if (!name) throw new Refusal('请写部门名称，例如：/职责 查看 消防救援站');
  if (op === '新增部门') {
    if (list.some((d) => d.department.name === name)) throw new Refusal(`${name}已在吹哨承办部门中。`);
    const dept = (await ctx.em.findOne(Department, { where: { name } })) ?? await ctx.em.save(ctx.em.create(Department, { name, createdAt: ctx.now }));
    const row = await ctx.em.save(ctx.em.create(WhistleDepartment, { departmentId: dept.id, duties: [], keywords: [], problems: [], leaderId: null, updatedAt: ctx.now }));
    await ctx.audit({ action: 'whistle.duty.add_department', entity: 'whistle_department', entityId: row.id, after: { name } });
    return `已新增吹哨承办部门：${name}。再用 /职责 关键词 ${name} 词1、词2 添加职责关键词。`;
  }
  const found = list.find((d) => d.department.name === name) ?? (() => {
    const partial = list.filter((d) => d.department.name.includes(name));
    return partial.length === 1 ? partial[0] : undefined;
  })();
  if (!found) throw new Refusal(`吹哨承办部门中没有「${name}」。新增：/职责 新增部门 ${name}`);
  const { duty, department } = found;
  if (op === '查看') {
    return [`${department.name}`, `职责：${duty.duties.join('、') || '无'}`, `关键词：${duty.keywords.join('、') || '无'}`,
      `典型问题：\n${duty.problems.map((p) => '  ' + p).join('\n') || '  无'}`].join('\n');
  }
  const content = (a['内容'] ?? '').trim();
  if (!content) throw new Refusal(`请写内容，例如：/职责 ${op} ${department.name} …`);
  const before = { ...duty };
  const items = content.split(/[、,，;；\s]+/).filter(Boolean);
  let done: string;
  switch (op) {
    case '关键词':
      duty.keywords = [...new Set([...duty.keywords, ...items])];
      done = `已为${department.name}添加关键词：${items.join('、')}`;
      break;
    case '删关键词': {
      const missing = items.filter((i) => !duty.keywords.includes(i));
      if (missing.length === items.length) throw new Refusal(`${department.name}没有关键词：${missing.join('、')}`);
      duty.keywords = duty.keywords.filter((k) => !items.includes(k));
      done = `已删除${department.name}的关键词：${items.filter((i) => !missing.includes(i)).join('、')}`;
      break;
    }
    case '职责':
      duty.duties = [...new Set([...duty.duties, content])];
      done = `已为${department.name}添加职责：${content}`;
      break;
    case '问题':
      duty.problems = [...new Set([...duty.problems, content])];
      done = `已为${department.name}添加典型问题：${content}`;
      break;
    case '负责人': {
      const m = await findMember(ctx.em, ctx.msg.platform, content);
      if (!m.ok) throw new Refusal(m.message);
      duty.leaderId = m.value.id;
      done = `已设${m.value.name}为${department.name}负责人，超时未报到/办结时单独提醒`;
      break;
    }
    default:
      throw new Refusal(`未知操作：${op}`);
  }
  duty.updatedAt = ctx.now;
  await ctx.em.save(duty);
  await ctx.audit({ action: 'whistle.duty.change', entity: 'whistle_department', entityId: duty.id, before, after: { ...duty } });
  return op === '负责人' ? `${done}。` : `${done}。分派模型将按新职责重新训练。`;
}

export function registerWhistleCommands(r: CommandSink, desk: WhistleDesk): void {
  const staff = ['dept_staff'] as const;
  const registered = ['community_worker', 'dept_staff', 'admin'] as const;
  r.register({
    name: '吹哨', summary: '上报需要部门处理的问题（可写紧急、地点，可附照片）', roles: ['community_worker', 'admin'], keepsDirectory: true,
    args: [{ name: '问题描述', rest: true }],
    examples: ['/吹哨 人民路12号沿街店铺烟感报警器损坏，楼上住人', '吹哨：紧急 和平小区3栋楼道有很浓的煤气味', '/吹哨 地点：东湖村三组 路边电线杆倾斜'],
    handler: answer(async (ctx, a) => {
      const p = parseWhistle(a['问题描述']);
      const communityId = ctx.group?.kind === 'community' && ctx.group.communityId ? ctx.group.communityId : ctx.member.communityId;
      const photos = ctx.msg.attachments.filter((x) => x.kind === 'image' || PHOTO_FILE.test(x.name ?? '')).map((x) => x.name ?? x.ref);
      return desk.blow(ctx, { ...p, photos, communityId, from: ctx.here });
    }),
  });
  r.register({
    name: '报到', summary: '部门认领吹哨工单', roles: [...staff], args: [{ name: '工单号' }],
    handler: answer((ctx, a) => desk.report(ctx, a['工单号'])),
  });
  r.register({
    name: '处置', summary: '登记吹哨工单处置进展', roles: [...staff], args: [{ name: '工单号' }, { name: '进展', rest: true }],
    handler: answer((ctx, a) => desk.progress(ctx, a['工单号'], a['进展'])),
  });
  r.register({
    name: '办结', summary: '吹哨工单办结并请上报人评价', roles: [...staff], args: [{ name: '工单号' }, { name: '结果', rest: true }],
    examples: ['/办结 1 已更换烟感报警器并测试正常'],
    handler: answer((ctx, a) => desk.finish(ctx, a['工单号'], a['结果'])),
  });
  r.register({
    name: '转派', summary: '把吹哨工单转给应承办的部门', roles: ['dept_staff', 'admin'],
    args: [{ name: '工单号' }, { name: '部门' }, { name: '理由', rest: true }],
    examples: ['/转派 1 供电所 是供电线路问题'],
    handler: answer((ctx, a) => desk.transfer(ctx, a['工单号'], a['部门'], a['理由'])),
  });
  r.register({
    name: '退回', summary: '非本部门职责，退回街道调度', roles: [...staff], args: [{ name: '工单号' }, { name: '理由', rest: true }],
    handler: answer((ctx, a) => desk.giveBack(ctx, a['工单号'], a['理由'])),
  });
  r.register({
    name: '挂起', summary: '等待上报人补充，暂停计时', roles: [...staff], args: [{ name: '工单号' }, { name: '理由', rest: true }],
    handler: answer((ctx, a) => desk.suspend(ctx, a['工单号'], a['理由'])),
  });
  r.register({
    name: '恢复', summary: '挂起的吹哨工单恢复处理（可附补充内容）', roles: [...registered],
    args: [{ name: '工单号' }, { name: '补充', rest: true, optional: true }],
    handler: answer((ctx, a) => desk.resume(ctx, a['工单号'], a['补充'] ?? '')),
  });
  r.register({
    name: '分派', summary: '调度为吹哨工单指定承办部门', roles: ['admin'], args: [{ name: '工单号' }, { name: '部门' }],
    handler: answer((ctx, a) => desk.assign(ctx, a['工单号'], a['部门'])),
  });
  r.register({
    name: '评价', summary: '上报人评价办结结果（不满意则重开）', roles: ['community_worker', 'admin'],
    args: [{ name: '工单号' }, { name: '评价', choices: [...RATINGS] }, { name: '说明', rest: true, optional: true }],
    handler: answer((ctx, a) => desk.rate(ctx, a['工单号'], a['评价'], a['说明'] ?? '')),
  });
  r.register({
    name: '工单', summary: '查看一件吹哨工单', roles: [...registered], args: [{ name: '工单号' }],
    handler: answer((ctx, a) => desk.show(ctx, a['工单号'])),
  });
  r.register({
    name: '我的工单', summary: '我上报的吹哨工单', roles: ['community_worker', 'admin'],
    handler: answer((ctx) => desk.mine(ctx)),
  });
  r.register({
    name: '部门工单', summary: '本部门待办的吹哨工单', roles: [...staff],
    handler: answer((ctx) => desk.departmentOpen(ctx)),
  });
  r.register({
    name: '职责', summary: '查看或修改吹哨承办部门的职责、关键词、典型问题和负责人', roles: ['admin'],
    args: [
      { name: '操作', choices: ['查看', '关键词', '删关键词', '职责', '问题', '负责人', '新增部门'] },
      { name: '部门', optional: true }, { name: '内容', rest: true, optional: true },
    ],
    examples: ['/职责 查看', '/职责 关键词 消防救援站 烟感、喷淋', '/职责 问题 供电所 小区配电房进水', '/职责 负责人 消防救援站 王强'],
    handler: answer((ctx, a) => duties(ctx, desk, a)),
  });
}
