import { Notice, RuleSetting } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { ArgResolver, CommandSink } from '../chat/registry';
import { findItem, suggestItems, SUGGEST_THRESHOLD } from './admission';
import { VERDICT_LABELS } from './gate';
import type { NoticeDesk } from './notice-desk';
import { parseNoticeArgs } from './notice-parse';
import { assessReceived, progressText, recordReceipt } from './receipts';
import { findRule, RULES } from './rules';
import { emergency, emergencyCategories } from './rules/emergency';
import { formatRuleValue, parseChatValue, ruleSettingsChanged, ruleStates } from './settings';

const STATUS_WORD: Record<string, string> = { withdrawn: '已撤回', rejected: '已被驳回' };

/**
 * Notice numbers as typed arguments: `notice` must exist; `own-notice` must also be the
 * sender's department's (or the actor an admin) and still alive; `open-notice` must also be
 * waiting for a fix, so a stale button answers plainly instead of acting twice.
 */
export const noticeArgTypes: Record<string, ArgResolver> = {
  notice: async (ctx, raw) => {
    const id = Number(String(raw).replace(/^[#第]/, '').replace(/号$/, ''));
    const n = Number.isInteger(id) && id > 0 ? await ctx.em.findOne(Notice, { where: { id } }) : null;
    return n ? { value: n } : { error: `没有第${raw}号通知。` };
  },
  'own-notice': async (ctx, raw, spec) => {
    const r = await noticeArgTypes.notice(ctx, raw, spec);
    if ('error' in r) return r;
    const n = r.value as Notice;
    const mine = n.senderId === ctx.member.id || (n.departmentId !== null && n.departmentId === ctx.member.departmentId) || ctx.member.role === 'admin';
    if (!mine) return { error: `第${n.id}号通知不是你所在部门发的，不能操作。` };
    if (STATUS_WORD[n.status]) return { error: `第${n.id}号通知${STATUS_WORD[n.status]}，请重新发送。` };
    return r;
  },
  'open-notice': async (ctx, raw, spec) => {
    const r = await noticeArgTypes['own-notice'](ctx, raw, spec);
    if ('error' in r) return r;
    const n = r.value as Notice;
    if (n.status === 'sent' || n.status === 'scheduled') {
      return { error: `第${n.id}号通知已${n.status === 'sent' ? '发送' : '通过检查、定时发送'}，不能再修改。如需更改，请 /撤回 ${n.id} 后重发。` };
    }
    return r;
  },
};

async function memberCommunity(ctx: CommandContext): Promise<number | null> {
  if (ctx.group?.kind === 'community' && ctx.group.communityId) return ctx.group.communityId;
  return ctx.member.communityId;
}

async function receipt(ctx: CommandContext, n: Notice, kind: 'received' | 'done'): Promise<void> {
  const communityId = await memberCommunity(ctx);
  if (!communityId) return ctx.reply('请在社区工作群中回复，或先由管理员设置你的社区。');
  await recordReceipt(ctx, n, communityId, kind);
}

async function rules(ctx: CommandContext, desk: NoticeDesk, args: Record<string, string>): Promise<void> {
  const op = args['操作'];
  const states = await ruleStates(ctx.em, desk.env.ruleDefaults);
  if (op === '查看') {
    const lines = RULES.map((r) => {
      const s = states.get(r.id);
      const value = r.value ? `，${formatRuleValue(r, s?.value)}` : '';
      return `${r.name}（${r.id}）：${s?.enabled === false ? '关闭' : '开启'}${value}`;
    });
    return ctx.reply(`减负规则：\n${lines.join('\n')}\n修改：/规则 设置 名称 值、/规则 开启 名称、/规则 关闭 名称`);
  }
  const word = args['规则'];
  const rule = word ? findRule(word) : undefined;
  if (!rule) return ctx.reply(`${word ? `没有规则「${word}」。` : ''}请写规则名称或ID，可用：${RULES.map((r) => r.name).join('、')}`);
  const existing = await ctx.em.findOne(RuleSetting, { where: { ruleId: rule.id } });
  const before = existing ? { enabled: existing.enabled, value: existing.value } : null;
  const row = existing ?? ctx.em.create(RuleSetting, { ruleId: rule.id, enabled: null, value: null });
  if (op === '开启' || op === '关闭') {
    row.enabled = op === '开启';
  } else {
    if (!rule.value) return ctx.reply(`规则「${rule.name}」没有可设置的值，只能开启或关闭。`);
    if (!args['值']) return ctx.reply(`请写值：${rule.value.hint}`);
    const p = parseChatValue(rule, args['值']);
    if (!p.ok) return ctx.reply(`值无效：${p.message}`);
    row.value = p.value;
  }
  await ctx.em.save(row);
  ruleSettingsChanged(ctx.em);
  await ctx.audit({ action: 'rule.change', entity: 'rule_setting', entityId: rule.id, before, after: { enabled: row.enabled, value: row.value } });
  const now = (await ruleStates(ctx.em, desk.env.ruleDefaults)).get(rule.id)!;
  await ctx.reply(`已更新规则「${rule.name}」：${now.enabled ? '开启' : '关闭'}${rule.value ? `，${formatRuleValue(rule, now.value)}` : ''}。`);
}

export function registerGateCommands(r: CommandSink, desk: NoticeDesk): void {
  const staff = ['dept_staff', 'admin'] as const;
  r.register({
    name: '通知', aliases: ['发通知'], summary: '发通知或数据需求（先经减负规则检查）', roles: [...staff], keepsDirectory: true,
    args: [{ name: '对象和内容', rest: true }],
    examples: ['/通知 全部社区 请于11月25日前报送辖区独居老人名单 依据:X11', '/通知 全部社区 紧急:防汛 暴雨预警 请立即转移低洼地带人员 截止:立即'],
    handler: async (ctx, a) => {
      const p = parseNoticeArgs(a['对象和内容'] ?? '');
      if ('error' in p) return ctx.reply(p.error);
      if (!ctx.member.departmentId && ctx.member.role !== 'admin') return ctx.reply('请先由管理员设置你所在的部门。');
      await desk.submit(ctx, p);
    },
  });
  r.register({
    name: '采纳', summary: '采纳建议的截止时间', roles: [...staff], args: [{ name: '通知号', type: 'open-notice' }],
    handler: (ctx, _a, v) => desk.adopt(ctx, v['通知号']),
  });
  r.register({
    name: '截止', summary: '为退回的通知确定截止时间（如正文日期与星期不符时）', roles: [...staff],
    args: [{ name: '通知号', type: 'open-notice' }, { name: '时间', rest: true }], examples: ['/截止 12 11月27日17:30'],
    handler: (ctx, a, v) => desk.setDeadline(ctx, v['通知号'], a['时间'] ?? ''),
  });
  r.register({
    name: '紧急', summary: '按紧急事项申请立即发送', roles: [...staff],
    args: [{ name: '通知号', type: 'open-notice' }, { name: '类别', optional: true }, { name: '理由', optional: true, rest: true }],
    examples: ['/紧急 12 防汛 今晚有暴雨，需排查低洼住户'],
    handler: async (ctx, a, v) => {
      const n: Notice = v['通知号'];
      if (!a['类别'] || !a['理由']) {
        const cats = emergencyCategories((await ruleStates(ctx.em, desk.env.ruleDefaults)).get(emergency.id)?.value);
        return ctx.reply(`请写明类别和理由：/紧急 ${n.id} 类别 理由。类别：${cats.join('、')}`);
      }
      await desk.setEmergency(ctx, n, a['类别'], a['理由']);
    },
  });
  r.register({
    name: '依据', summary: '为通知确认准入事项', roles: [...staff], args: [{ name: '通知号', type: 'open-notice' }, { name: '事项', rest: true }],
    handler: async (ctx, a, v) => {
      const item = findItem(desk.env.admission, a['事项']);
      if (!item) return ctx.reply(`「${a['事项']}」不在准入清单中。发送 /准入清单 查看。`);
      await desk.setBasis(ctx, v['通知号'], item);
    },
  });
  r.register({
    name: '撤回', summary: '撤回通知', roles: [...staff], args: [{ name: '通知号', type: 'own-notice' }],
    handler: (ctx, _a, v) => desk.withdraw(ctx, v['通知号']),
  });
  r.register({
    name: '申请审批', summary: '请管理组审批被退回的通知', roles: [...staff], args: [{ name: '通知号', type: 'open-notice' }, { name: '理由', optional: true, rest: true }],
    handler: (ctx, a, v) => desk.requestApproval(ctx, v['通知号'], a['理由'] ?? ''),
  });
  r.register({
    name: '准入', summary: '管理组审批通知：批准或驳回', roles: ['admin'],
    args: [{ name: '操作', choices: ['批准', '驳回'] }, { name: '通知号', type: 'notice' }, { name: '理由', optional: true, rest: true }],
    handler: async (ctx, a, v) => {
      const n: Notice = v['通知号'];
      if (n.status !== 'pending_approval') return ctx.reply(`第${n.id}号通知不在待审批状态（当前：${VERDICT_LABELS[n.status as keyof typeof VERDICT_LABELS] ?? STATUS_WORD[n.status] ?? n.status}），无需操作。`);
      if (a['操作'] === '批准') return desk.approve(ctx, n);
      await desk.reject(ctx, n, a['理由'] || '未说明理由');
    },
  });
  r.register({ name: '收到', summary: '社区确认收到通知', roles: ['community_worker', 'admin'], keepsDirectory: true, args: [{ name: '通知号', type: 'notice' }], handler: (ctx, _a, v) => receipt(ctx, v['通知号'], 'received') });
  r.register({ name: '完成', summary: '社区报告通知已办完', roles: ['community_worker', 'admin'], keepsDirectory: true, args: [{ name: '通知号', type: 'notice' }], handler: (ctx, _a, v) => receipt(ctx, v['通知号'], 'done') });
  r.register({
    name: '进度', summary: '查看通知的送达、收到和完成情况', roles: [...staff], args: [{ name: '通知号', type: 'own-notice' }],
    handler: async (ctx, _a, v) => ctx.reply(await progressText(ctx, v['通知号'])),
  });
  r.register({
    name: '评估', aliases: ['这条合规吗', '合规吗'], summary: '检查一条未经机器人发来的通知是否合规（匿名记录）', roles: 'any', anonymous: true,
    args: [{ name: '通知原文', optional: true, rest: true }],
    handler: async (ctx, a) => {
      const text = (a['通知原文'] || ctx.msg.quote?.text || '').trim();
      if (!text) return ctx.reply('请把通知原文贴在命令后面，或引用那条通知再发 /评估。');
      await assessReceived(ctx, desk, text);
    },
  });
  r.register({
    name: '规则', summary: '查看或修改减负规则', roles: ['admin'],
    args: [{ name: '操作', choices: ['查看', '设置', '开启', '关闭'] }, { name: '规则', optional: true }, { name: '值', optional: true, rest: true }],
    examples: ['/规则 查看', '/规则 设置 最短提前量 2', '/规则 设置 频次上限 3', '/规则 关闭 合并推送'], handler: (ctx, a) => rules(ctx, desk, a),
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
