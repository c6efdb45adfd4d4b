import { Community, Department, GateDecision, Incident, Notice, NoticeDelivery, NoticeReceipt, RuleSetting } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { CommandSink } from '../chat/registry';
import { findItem, suggestItems, SUGGEST_THRESHOLD } from './admission';
import { assessNotice } from './assess';
import { extractDeadline } from './deadline';
import { VERDICT_LABELS } from './gate';
import type { NoticeDesk } from './notice-desk';
import { parseNoticeArgs } from './notice-parse';
import { BEHAVIOURS, RULES } from './rules';
import type { Rule } from './rules/types';
import { formatWhen } from './rules/time-format';
import { ruleStates } from './settings';

async function loadNotice(ctx: CommandContext, raw: string): Promise<Notice | null> {
  const id = Number(String(raw).replace(/^[#第]/, '').replace(/号$/, ''));
  const n = Number.isInteger(id) && id > 0 ? await ctx.em.findOne(Notice, { where: { id } }) : null;
  if (!n) await ctx.reply(`没有第${raw}号通知。`);
  return n;
}

/** Only the sender's own department (or an admin) may change a notice. */
async function ownNotice(ctx: CommandContext, raw: string): Promise<Notice | null> {
  const n = await loadNotice(ctx, raw);
  if (!n) return null;
  const mine = n.senderId === ctx.member.id || (n.departmentId !== null && n.departmentId === ctx.member.departmentId) || ctx.member.role === 'admin';
  if (!mine) {
    await ctx.reply(`第${n.id}号通知不是你所在部门发的，不能操作。`);
    return null;
  }
  if (n.status === 'withdrawn' || n.status === 'rejected') {
    await ctx.reply(`第${n.id}号通知已${n.status === 'withdrawn' ? '撤回' : '驳回'}，请重新发送。`);
    return null;
  }
  return n;
}

async function memberCommunity(ctx: CommandContext): Promise<number | null> {
  if (ctx.group?.kind === 'community' && ctx.group.communityId) return ctx.group.communityId;
  return ctx.member.communityId;
}

async function receipt(ctx: CommandContext, raw: string, kind: 'received' | 'done'): Promise<void> {
  const n = await loadNotice(ctx, raw);
  if (!n) return;
  const communityId = await memberCommunity(ctx);
  if (!communityId) {
    await ctx.reply('请在社区工作群中回复，或先由管理员设置你的社区。');
    return;
  }
  const delivered = await ctx.em.findOne(NoticeDelivery, { where: { noticeId: n.id, communityId, status: 'sent' } });
  if (!delivered) {
    await ctx.reply(`第${n.id}号通知没有发给你的社区。`);
    return;
  }
  const community = await ctx.em.findOneOrFail(Community, { where: { id: communityId } });
  const kinds = kind === 'done' ? ['received', 'done'] : ['received'];
  let fresh = false;
  for (const k of kinds) {
    if (await ctx.em.findOne(NoticeReceipt, { where: { noticeId: n.id, communityId, kind: k } })) continue;
    await ctx.em.save(ctx.em.create(NoticeReceipt, { noticeId: n.id, communityId, memberId: ctx.member.id, kind: k, at: ctx.now }));
    fresh = fresh || k === kind;
  }
  const label = kind === 'done' ? '完成' : '收到';
  await ctx.reply(fresh ? `已登记：${community.name}${label}第${n.id}号通知。` : `${community.name}已登记过${label}第${n.id}号通知。`);
}

async function progress(ctx: CommandContext, raw: string): Promise<void> {
  const n = await loadNotice(ctx, raw);
  if (!n) return;
  if (ctx.member.role !== 'admin' && n.departmentId !== ctx.member.departmentId) {
    await ctx.reply(`第${n.id}号通知不是你所在部门发的。`);
    return;
  }
  const deliveries = await ctx.em.find(NoticeDelivery, { where: { noticeId: n.id } });
  const receipts = await ctx.em.find(NoticeReceipt, { where: { noticeId: n.id } });
  const ids = [...new Set(deliveries.map((d) => d.communityId).filter((x): x is number => x !== null))];
  if (!ids.length) {
    await ctx.reply(`第${n.id}号通知状态：${VERDICT_LABELS[n.status as keyof typeof VERDICT_LABELS] ?? n.status}，尚未送达任何社区。`);
    return;
  }
  const communities = await ctx.em.find(Community, { order: { id: 'ASC' } });
  const done: string[] = [];
  const got: string[] = [];
  const none: string[] = [];
  for (const c of communities.filter((x) => ids.includes(x.id))) {
    const has = (k: string) => receipts.some((r) => r.communityId === c.id && r.kind === k);
    if (has('done')) done.push(c.name);
    else if (has('received')) got.push(c.name);
    else none.push(c.name);
  }
  const pending = deliveries.some((d) => d.status === 'pending');
  await ctx.reply([
    `第${n.id}号通知进度${n.deadline ? `（截止${formatWhen(n.deadline, ctx.now)}）` : ''}：`,
    `已完成（${done.length}）：${done.join('、') || '无'}`,
    `已收到（${got.length}）：${got.join('、') || '无'}`,
    `未回复（${none.length}）：${none.join('、') || '无'}`,
    ...(pending ? ['（部分尚未送达，将在上班时间发送）'] : []),
  ].join('\n'));
}

/** A community worker asks "is this notice OK?" about one that reached them without the bot. */
async function assess(ctx: CommandContext, desk: NoticeDesk, raw: string): Promise<void> {
  const text = (raw || ctx.msg.quote?.text || '').trim();
  if (!text) {
    await ctx.reply('请把通知原文贴在命令后面，或引用那条通知再发 /评估。');
    return;
  }
  const deps = await desk.deps(ctx.em);
  const departments = await ctx.em.find(Department);
  const dept = departments.find((d) => text.includes(d.name));
  const { findings } = assessNotice(text, ctx.now, deps);
  await ctx.em.save(ctx.em.create(Incident, {
    at: ctx.now, departmentName: dept?.name ?? '', text: text.slice(0, 4000),
    findings: findings.map((f) => ({ ruleId: f.ruleId, outcome: f.outcome, reason: f.reason })),
  }));
  const problems = findings.filter((f) => f.outcome === 'hold' || f.outcome === 'approval');
  const lines = problems.length
    ? [`发现${problems.length}处不合规：`, ...problems.map((f) => `✗【${f.ruleName}】${f.reason}`)]
    : ['未发现不合规之处。'];
  lines.push(`已匿名记录${dept ? `（${dept.name}）` : ''}，用于减负监测，不记录你的身份。`);
  await ctx.reply(lines.join('\n'));
}

async function rules(ctx: CommandContext, desk: NoticeDesk, args: Record<string, string>): Promise<void> {
  const op = args['操作'];
  const states = await ruleStates(ctx.em, desk.env.ruleDefaults);
  const all = [...RULES, ...BEHAVIOURS];
  if (op === '查看') {
    const lines = all.map((r) => {
      const s = states.get(r.id);
      const value = s?.value === undefined ? '' : `，值：${Array.isArray(s.value) ? s.value.join('、') : String(s.value)}`;
      return `${r.id}（${r.name}）：${s?.enabled === false ? '关闭' : '开启'}${value}`;
    });
    await ctx.reply(`减负规则：\n${lines.join('\n')}\n修改：/规则 设置 ID 值、/规则 开启 ID、/规则 关闭 ID`);
    return;
  }
  const id = args['规则ID'];
  const rule = all.find((r) => r.id === id || r.name === id);
  if (!id || !rule) {
    await ctx.reply(`请写规则ID，可用：${all.map((r) => r.id).join('、')}`);
    return;
  }
  const existing = await ctx.em.findOne(RuleSetting, { where: { ruleId: rule.id } });
  const before = existing ? { enabled: existing.enabled, value: existing.value } : null;
  const row = existing ?? ctx.em.create(RuleSetting, { ruleId: rule.id, enabled: null, value: null });
  if (op === '开启' || op === '关闭') {
    row.enabled = op === '开启';
  } else {
    const raw = args['值'];
    const parse = (rule as Partial<Rule>).parseValue;
    if (!parse) {
      await ctx.reply(`规则 ${rule.id} 没有可设置的值，只能开启或关闭。`);
      return;
    }
    if (!raw) {
      await ctx.reply(`请写值：${(rule as Partial<Rule>).valueHint ?? ''}`);
      return;
    }
    try {
      row.value = parse(raw);
    } catch (err) {
      await ctx.reply(`值无效：${(err as Error).message}`);
      return;
    }
  }
  await ctx.em.save(row);
  await ctx.audit({ action: 'rule.change', entity: 'rule_setting', entityId: rule.id, before, after: { enabled: row.enabled, value: row.value } });
  await ctx.reply(`已更新规则 ${rule.id}（${rule.name}）：${row.enabled === false ? '关闭' : '开启'}${row.value !== null && row.value !== undefined ? `，值：${Array.isArray(row.value) ? row.value.join('、') : String(row.value)}` : ''}。`);
}

export function registerGateCommands(r: CommandSink, desk: NoticeDesk): void {
  const staff = ['dept_staff', 'admin'] as const;
  r.register({
    name: '通知', aliases: ['发通知'], summary: '发通知或数据需求（先经减负规则检查）', roles: [...staff],
    args: [{ name: '对象和内容', rest: true }],
    examples: ['/通知 全部社区 请于11月25日前报送辖区独居老人名单 依据:X11', '/通知 人民社区、和平社区 今晚8点前上报积水点 紧急:防汛 暴雨预警'],
    handler: async (ctx, a) => {
      const p = parseNoticeArgs(a['对象和内容'] ?? '');
      if ('error' in p) return ctx.reply(p.error);
      if (!ctx.member.departmentId && ctx.member.role !== 'admin') return ctx.reply('请先由管理员设置你所在的部门。');
      await desk.submit(ctx, p);
    },
  });
  r.register({
    name: '采纳', summary: '采纳建议的截止时间', roles: [...staff], args: [{ name: '通知号' }],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (!n) return;
      if (!n.proposedDeadline) return ctx.reply(`第${n.id}号通知没有建议的截止时间。`);
      n.deadline = n.proposedDeadline;
      n.deadlineSource = 'adopted';
      await desk.evaluate(ctx, n, 'adopt');
    },
  });
  r.register({
    name: '截止', summary: '为退回的通知确定截止时间（如正文日期与星期不符时）', roles: [...staff],
    args: [{ name: '通知号' }, { name: '时间', rest: true }], examples: ['/截止 12 11月27日17:30'],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (!n) return;
      if (n.status !== 'held') return ctx.reply(`第${n.id}号通知当前不能修改截止时间。`);
      const at = extractDeadline(a['时间'] ?? '', ctx.now, desk.env.calendar.cal).deadline;
      if (!at) return ctx.reply(`看不懂截止时间「${a['时间'] ?? ''}」，可写成：/截止 ${n.id} 11月25日17:30。`);
      if (at.getTime() < ctx.now.getTime()) return ctx.reply(`截止时间${formatWhen(at, ctx.now)}已经过去，请重新填写。`);
      n.deadline = at;
      n.deadlineSource = 'field';
      await desk.evaluate(ctx, n, 'deadline');
    },
  });
  r.register({
    name: '紧急', summary: '按紧急事项申请立即发送', roles: [...staff],
    args: [{ name: '通知号' }, { name: '类别', optional: true }, { name: '理由', optional: true, rest: true }],
    examples: ['/紧急 12 防汛 今晚有暴雨，需排查低洼住户'],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (!n) return;
      const cats = (await ruleStates(ctx.em, desk.env.ruleDefaults)).get('emergency')?.value;
      if (!a['类别'] || !a['理由']) return ctx.reply(`请写明类别和理由：/紧急 ${n.id} 类别 理由。类别：${Array.isArray(cats) ? cats.join('、') : ''}`);
      n.emergencyCategory = a['类别'].slice(0, 32);
      n.emergencyReason = a['理由'].slice(0, 255);
      await desk.evaluate(ctx, n, 'emergency');
    },
  });
  r.register({
    name: '依据', summary: '为通知确认准入事项', roles: [...staff], args: [{ name: '通知号' }, { name: '事项', rest: true }],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (!n) return;
      const item = findItem(desk.env.admission, a['事项']);
      if (!item) return ctx.reply(`「${a['事项']}」不在准入清单中。发送 /准入清单 查看。`);
      n.basisItemId = item.id;
      await desk.evaluate(ctx, n, 'basis');
    },
  });
  r.register({
    name: '撤回', summary: '撤回通知', roles: [...staff], args: [{ name: '通知号' }],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (n) await desk.withdraw(ctx, n);
    },
  });
  r.register({
    name: '申请审批', summary: '请管理组审批被退回的通知', roles: [...staff], args: [{ name: '通知号' }, { name: '理由', optional: true, rest: true }],
    handler: async (ctx, a) => {
      const n = await ownNotice(ctx, a['通知号']);
      if (!n) return;
      if (n.status !== 'held') return ctx.reply(`第${n.id}号通知当前不需要审批。`);
      n.status = 'pending_approval';
      await ctx.em.save(n);
      const last = await ctx.em.findOne(GateDecision, { where: { noticeId: n.id }, order: { id: 'DESC' } });
      await desk.askAdmins(ctx, n, `第${n.id}号通知申请审批`, [`退回原因：${last?.reason ?? ''}`, ...(a['理由'] ? [`申请理由：${a['理由']}`] : [])]);
      await desk.record(ctx, n, 'request', 'pending_approval', a['理由'] || '申请审批');
      await ctx.reply(`第${n.id}号通知已提交管理组审批。`);
    },
  });
  r.register({
    name: '准入', summary: '管理组审批通知：批准或驳回', roles: ['admin'],
    args: [{ name: '操作', choices: ['批准', '驳回'] }, { name: '通知号' }, { name: '理由', optional: true, rest: true }],
    handler: async (ctx, a) => {
      const n = await loadNotice(ctx, a['通知号']);
      if (!n) return;
      if (n.status !== 'pending_approval') return ctx.reply(`第${n.id}号通知不在待审批状态（当前：${VERDICT_LABELS[n.status as keyof typeof VERDICT_LABELS] ?? n.status}）。`);
      if (a['操作'] === '批准') {
        n.approved = true;
        const r = await desk.evaluate(ctx, n, 'approve');
        return ctx.reply(`已批准第${n.id}号通知：${VERDICT_LABELS[r.verdict]}。`);
      }
      const why = a['理由'] || '未说明理由';
      n.status = 'rejected';
      await ctx.em.save(n);
      await desk.record(ctx, n, 'reject', 'rejected', why);
      await ctx.send(desk.senderAddress(n), `第${n.id}号通知被管理组驳回：${why}`);
      await ctx.reply(`已驳回第${n.id}号通知。`);
    },
  });
  r.register({ name: '收到', summary: '社区确认收到通知', roles: ['community_worker', 'admin'], args: [{ name: '通知号' }], handler: (ctx, a) => receipt(ctx, a['通知号'], 'received') });
  r.register({ name: '完成', summary: '社区报告通知已办完', roles: ['community_worker', 'admin'], args: [{ name: '通知号' }], handler: (ctx, a) => receipt(ctx, a['通知号'], 'done') });
  r.register({ name: '进度', summary: '查看通知的收到和完成情况', roles: [...staff], args: [{ name: '通知号' }], handler: (ctx, a) => progress(ctx, a['通知号']) });
  r.register({
    name: '评估', aliases: ['这条合规吗', '合规吗'], summary: '检查一条未经机器人发来的通知是否合规（匿名记录）', roles: 'any',
    args: [{ name: '通知原文', optional: true, rest: true }], handler: (ctx, a) => assess(ctx, desk, a['通知原文'] ?? ''),
  });
  r.register({
    name: '规则', summary: '查看或修改减负规则', roles: ['admin'],
    args: [{ name: '操作', choices: ['查看', '设置', '开启', '关闭'] }, { name: '规则ID', optional: true }, { name: '值', optional: true, rest: true }],
    examples: ['/规则 查看', '/规则 设置 frequency 3', '/规则 关闭 digest'], handler: (ctx, a) => rules(ctx, desk, a),
  });
  r.register({
    name: '准入清单', summary: '查看社区准入事项，可按关键词筛选', roles: 'any', args: [{ name: '关键词', optional: true, rest: true }],
    handler: async (ctx, a) => {
      const list = desk.env.admission;
      const q = a['关键词'];
      const items = q ? suggestItems(list, q, 8).filter((s) => s.score >= SUGGEST_THRESHOLD / 2).map((s) => s.item) : list.items;
      if (!items.length) return ctx.reply(`没有与「${q}」相关的准入事项。`);
      const label = (k: string) => (k === 'statutory' ? '依法履职' : '协助');
      await ctx.reply(`准入事项（${items.length}项）：\n${items.map((i) => `${i.id} ${i.name}（${label(i.kind)}）`).join('\n')}`);
    },
  });
}
