import crypto from 'node:crypto';
import { Complaint } from '../../entities/complaint';
import { localDate } from '../calendar/time';
import type { CommandContext } from '../chat/context';
import type { CommandDef } from '../chat/registry';
import { maskPersonalData } from '../privacy/pii';
import { groupsOfKind } from './figures';

const STATUS_LABELS: Record<string, string> = { open: '已收到，待处理', handling: '处理中', closed: '已办结' };
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

const newCode = () => Array.from(crypto.randomBytes(8), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');

/**
 * 匿名反映: a complaint about formalism filed in 1:1, stored without the sender (the command is
 * `anonymous`, so neither the inbound row nor the sent reply keeps who it was). The rate-limit
 * hash is keyed by a secret that lives only in this process's memory and by the day, so neither
 * the database nor the config can turn it back into a person (a restart only resets the limit).
 */
export class ComplaintDesk {
  private readonly key = crypto.randomBytes(32);

  constructor(private readonly perDay: number) {}

  private senderHash(platform: string, senderId: string, day: string): string {
    return crypto.createHmac('sha256', this.key).update(`${day}\n${platform}\n${senderId}`).digest('hex');
  }

  async file(ctx: CommandContext, text: string): Promise<void> {
    // A 身份证号 or mobile number in a complaint identifies someone; the supervisors need the matter, not the number.
    const content = maskPersonalData(text.trim());
    if (!content) {
      await ctx.reply('请在命令后写明要反映的形式主义问题，例如：/反映 某部门要求每天在群里打卡截图。查询进度：/反映 进度 回执码');
      return;
    }
    if ([...content].length > 2000) {
      await ctx.reply('内容过长，请控制在2000字以内。');
      return;
    }
    const day = localDate(ctx.now);
    const hash = this.senderHash(ctx.msg.platform, ctx.msg.senderId, day);
    if ((await ctx.em.count(Complaint, { where: { senderHash: hash, day } })) >= this.perDay) {
      await ctx.reply(`今天已反映${this.perDay}条，请明天再来。`);
      return;
    }
    let code = newCode();
    // 32^8 codes: a clash is all but impossible, but a receipt must never point at someone else's complaint.
    while (await ctx.em.findOne(Complaint, { where: { code } })) code = newCode();
    const row = await ctx.em.save(ctx.em.create(Complaint, { code, text: content, day, status: 'open', answer: '', senderHash: hash }));
    const groups = await groupsOfKind(ctx.em, 'supervision');
    for (const g of groups) {
      await ctx.sendToGroup(g, { kind: 'markdown', title: '匿名反映', text: `**匿名反映** 回执码 ${row.code}（${day}）\n${content}\n处理：/反映处理 ${row.code} 受理|办结 答复` },
        { dedupeKey: `complaint:${row.code}:${g.id}` });
    }
    const where = groups.length ? '已转纪检监督组' : '监督组尚未设置，已登记待转';
    await ctx.reply(`已匿名收到，${where}。回执码：${row.code}\n查询进度：/反映 进度 ${row.code}\n本系统不记录你的身份。`);
  }

  async progress(ctx: CommandContext, code: string): Promise<void> {
    const row = await ctx.em.findOne(Complaint, { where: { code: code.trim().toUpperCase() } });
    if (!row) {
      await ctx.reply('没有这个回执码，请核对。');
      return;
    }
    await ctx.reply(`回执码${row.code}（${row.day}）：${STATUS_LABELS[row.status] ?? row.status}${row.answer ? `。答复：${row.answer}` : ''}`);
  }

  async handle(ctx: CommandContext, code: string, action: string, answer: string): Promise<void> {
    if (ctx.member.role !== 'admin' && ctx.group?.kind !== 'supervision') {
      await ctx.reply('权限不足：/反映处理 仅限管理员或纪检监督群使用。');
      return;
    }
    const row = await ctx.em.findOne(Complaint, { where: { code: code.toUpperCase() } });
    if (!row) {
      await ctx.reply('没有这个回执码，请核对。');
      return;
    }
    const before = { status: row.status, answer: row.answer };
    row.status = action === '办结' ? 'closed' : 'handling';
    if (answer) row.answer = answer.slice(0, 500);
    await ctx.em.save(row);
    await ctx.audit({ action: 'complaint.' + row.status, entity: 'complaint', entityId: row.code, before, after: { status: row.status, answer: row.answer } });
    await ctx.reply(`回执码${row.code}：${STATUS_LABELS[row.status]}。`);
  }

  commands(): CommandDef[] {
    return [
      {
        // anonymous: the dispatcher blanks the stored message in this transaction, the sender blanks the reply once sent.
        name: '反映', summary: '匿名反映形式主义问题（单聊）；/反映 进度 回执码 查询', roles: 'any', where: 'direct', anonymous: true,
        args: [{ name: '内容', optional: true, rest: true }], examples: ['/反映 某部门要求每天在群里打卡截图', '/反映 进度 AB12CD34'],
        handler: (ctx, a) => {
          const m = /^进度\s+(\S+)$/.exec(a['内容'] ?? '');
          return m ? this.progress(ctx, m[1]) : this.file(ctx, a['内容'] ?? '');
        },
      },
      {
        name: '反映处理', summary: '受理或办结匿名反映', roles: 'any',
        args: [{ name: '回执码' }, { name: '操作', choices: ['受理', '办结'] }, { name: '答复', optional: true, rest: true }],
        handler: (ctx, a) => this.handle(ctx, a['回执码'], a['操作'], a['答复'] ?? ''),
      },
    ];
  }
}
