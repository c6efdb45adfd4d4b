import crypto from 'node:crypto';
import { In } from 'typeorm';
import type { Attachment } from '../../bots/types';
import { ChatGroup, Community, LedgerExport, LedgerGrant, LedgerRequest, LedgerTerm, Notice } from '../../entities';
import type { CommandContext } from '../chat/context';
import type { CommandSink } from '../chat/registry';
import { findCommunity } from '../directory/lookup';
import type { NoticeDesk } from '../gate/notice-desk';
import type { AttachmentFetcher } from '../unit';
import type { RepeatCheck } from './repeat-check';
import type { LedgerReader, TableQuery } from './reader';
import { COLLECTING, type RequestBook } from './request-book';
import { resolveField } from './requests';
import type { StoredAnalysis } from './store';
import type { SubmissionDesk } from './submissions';
import { readTableFile, readTextTable, TableError, type Table } from './table-file';
import { VocabularyError, type Vocabulary } from './vocabulary';

export interface LedgerCommandDeps {
  check: RepeatCheck | null;
  desk: NoticeDesk | null;
  vocab: Vocabulary;
  book: RequestBook;
  reader: LedgerReader;
  submissions: SubmissionDesk;
  fetch: AttachmentFetcher | null;
  /** Loads what admins added to the vocabulary by chat; once per process. */
  prepare(em: CommandContext['em']): Promise<void>;
  exportMinutes: number;
  publicUrl: string;
}

const NUMBER = /^[#第]?(\d+)号?$/;

async function communityOf(ctx: CommandContext): Promise<Community | null> {
  const id = ctx.group?.kind === 'community' && ctx.group.communityId ? ctx.group.communityId : ctx.member.communityId;
  return id ? ctx.em.findOne(Community, { where: { id } }) : null;
}

/** The collecting request behind notice N (the number communities see). */
async function requestForNotice(ctx: CommandContext, n: number): Promise<LedgerRequest | null> {
  return ctx.em.findOne(LedgerRequest, { where: { noticeId: n, kind: In(COLLECTING) }, order: { id: 'DESC' } });
}

async function submit(ctx: CommandContext, d: LedgerCommandDeps, raw: string): Promise<void> {
  const first = raw.trim().split(/\s+/)[0] ?? '';
  let number = NUMBER.exec(first)?.[1];
  const tableText = number ? raw.slice(raw.indexOf(first) + first.length).trim() : raw.trim();
  // Replying to the request card names it too.
  if (!number) number = /第(\d+)号/.exec(ctx.msg.quote?.text ?? '')?.[1];
  if (!number) {
    await ctx.reply('请写明报送的是第几号：/提交 编号（同时发送 xlsx 或 csv 文件，或在下一行起粘贴表格）。');
    return;
  }
  const community = await communityOf(ctx);
  if (!community) {
    await ctx.reply('你还没有绑定社区，请联系管理员设置后再提交。');
    return;
  }
  const request = await requestForNotice(ctx, Number(number));
  if (!request) {
    await ctx.reply(`第${number}号不是需要报送数据的通知。`);
    return;
  }
  if (request.communityIds.length && !request.communityIds.includes(community.id)) {
    await ctx.reply(`第${number}号没有发给${community.name}，无需报送。`);
    return;
  }
  let table: Table;
  let fileName = '';
  const file = ctx.msg.attachments.find((a: Attachment) => a.kind === 'file');
  try {
    if (file) {
      if (!d.fetch) throw new TableError('当前平台不能接收文件，请把表格粘贴为文字');
      const got = await d.fetch(ctx.msg, file);
      fileName = got.name || file.name || '';
      table = await readTableFile(fileName, got.data);
    } else if (tableText) {
      fileName = '文字表格';
      table = readTextTable(tableText);
    } else {
      await ctx.reply(`请随 /提交 ${number} 一起发送 xlsx 或 csv 文件（企业微信请在与我的单聊中发送），或在下一行起粘贴表格。`);
      return;
    }
  } catch (err) {
    await ctx.reply(err instanceof TableError ? `${err.message}。` : `文件读取失败：${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const r = await d.submissions.submit(ctx, { request, communityId: community.id, communityName: community.name, table, fileName, label: `第${number}号`, pastedInboundId: file ? null : ctx.inboundId });
  await ctx.reply(r.reply);
}

/** `人群 字段:a、b 社区:x、y` → the query; the population is read like a request's subject. */
function parseQuery(d: LedgerCommandDeps, raw: string): { query: Omit<TableQuery, 'communityIds'>; communities: string[] } | string {
  const marks = /(字段|社区)\s*[:：]/g;
  const parts: Record<string, string> = {};
  const found = [...raw.matchAll(marks)];
  const head = (found.length ? raw.slice(0, found[0].index) : raw).trim();
  found.forEach((m, i) => {
    parts[m[1]] = raw.slice(m.index! + m[0].length, i + 1 < found.length ? found[i + 1].index : raw.length).trim();
  });
  if (!head) return '请写明人群，例如：/台账 80岁以上老人 字段:姓名、住址 社区:人民社区';
  const a = d.book.analyze(`请上报${head}名单`);
  if (!a.populations.length) return `不认识人群「${head}」。管理员可用 /台账词表 人群 规范名 同义词 添加。`;
  const split = (s?: string) => (s ?? '').split(/[、,，\s]+/).filter(Boolean);
  const fields = split(parts['字段']).map((f) => resolveField(d.vocab, f).canonical);
  return { query: { pops: a.populations, fields }, communities: split(parts['社区']) };
}

/** Fields the ledger holds for a population, when the reader did not name any. */
async function knownFields(ctx: CommandContext, d: LedgerCommandDeps, q: Omit<TableQuery, 'communityIds'>): Promise<string[]> {
  const all = await ctx.em.find(LedgerRequest, { where: { kind: In(COLLECTING) } });
  const fields: string[] = [];
  for (const r of all) {
    const a = r.analysis as StoredAnalysis;
    const rel = a.populations?.length ? d.vocab.relate(a.populations, q.pops) : 'disjoint';
    if (rel === 'disjoint' || rel === 'overlap') continue;
    for (const f of a.fields ?? []) if (!fields.includes(f.canonical)) fields.push(f.canonical);
  }
  return fields;
}

async function answerTable(ctx: CommandContext, d: LedgerCommandDeps, query: TableQuery, title: string): Promise<void> {
  const t = await d.reader.read(ctx, query);
  const lines = [title];
  if (!t.rows.length) {
    lines.push('台账中还没有符合条件的数据。');
  } else if (!t.fields.length) {
    lines.push(`台账中有 ${t.rows.length} 行。`);
  } else {
    lines.push(d.reader.preview(t));
    lines.push(`下载完整表格（xlsx，${d.exportMinutes}分钟内有效）：${await exportLink(ctx, d, query)}`);
  }
  if (t.withheld.length) lines.push(`「${t.withheld.join('、')}」由其他部门采集，需管理员批准后才能查看，已提交申请。`);
  await ctx.reply(lines.join('\n'));
  if (t.withheld.length && ctx.member.departmentId) await askGrant(ctx, query, t.withheld);
}

async function askGrant(ctx: CommandContext, q: TableQuery, fields: string[]): Promise<void> {
  const population = q.pops.map((p) => p.label).join('、').slice(0, 64);
  const open = await ctx.em.findOne(LedgerGrant, { where: { departmentId: ctx.member.departmentId!, population, status: 'pending' } });
  if (open) return;
  const g = await ctx.em.save(ctx.em.create(LedgerGrant, {
    departmentId: ctx.member.departmentId!, requesterId: ctx.member.id, population, fields, status: 'pending', decidedBy: null, createdAt: ctx.now, decidedAt: null,
  }));
  for (const group of await ctx.em.find(ChatGroup, { where: { kind: 'admin' } })) {
    await ctx.sendToGroup(group, {
      kind: 'card', title: `台账敏感字段查看申请（第${g.id}号）`,
      body: `${ctx.member.name}申请查看「${population}」的：${fields.join('、')}`,
      buttons: [{ label: '批准', command: `/台账 批准 ${g.id}` }, { label: '驳回', command: `/台账 驳回 ${g.id}` }],
    });
  }
}

async function decideGrant(ctx: CommandContext, raw: string, approve: boolean): Promise<void> {
  if (ctx.member.role !== 'admin') {
    await ctx.reply('只有管理员可以审批台账查看申请。');
    return;
  }
  const id = Number(NUMBER.exec(raw.trim())?.[1]);
  const g = id ? await ctx.em.findOne(LedgerGrant, { where: { id } }) : null;
  if (!g || g.status !== 'pending') {
    await ctx.reply(`没有待审批的第${raw.trim()}号台账申请。`);
    return;
  }
  g.status = approve ? 'approved' : 'rejected';
  g.decidedBy = ctx.member.id;
  g.decidedAt = ctx.now;
  await ctx.em.save(g);
  await ctx.audit({ action: approve ? 'ledger.grant' : 'ledger.refuse', entity: 'ledger_grant', entityId: g.id, note: `${g.population}：${g.fields.join('、')}` });
  await ctx.reply(`已${approve ? '批准' : '驳回'}第${g.id}号台账申请。`);
}

/** `/台账 取 N`: the data held notice N asked for, from the ledger, for its sender. */
async function fetchForNotice(ctx: CommandContext, d: LedgerCommandDeps, raw: string): Promise<void> {
  const id = Number(NUMBER.exec(raw.trim())?.[1]);
  const n = id ? await ctx.em.findOne(Notice, { where: { id } }) : null;
  if (!n) {
    await ctx.reply(`没有第${raw.trim()}号通知。`);
    return;
  }
  if (ctx.member.role !== 'admin' && n.senderId !== ctx.member.id && (n.departmentId === null || n.departmentId !== ctx.member.departmentId)) {
    await ctx.reply(`第${n.id}号通知不是你所在部门发的。`);
    return;
  }
  const a = d.book.analyze(n.text);
  if (!a.populations.length || !a.fields.length) {
    await ctx.reply(`第${n.id}号通知没有可从台账取的表格数据。`);
    return;
  }
  await answerTable(ctx, d, { pops: a.populations, fields: a.fields.map((f) => f.canonical) }, `第${n.id}号所需数据（来自台账，无需再问社区）：`);
}

/** `/预填表 N`: a community's form for delta request N with the rows the ledger already knows filled in. */
async function prefilled(ctx: CommandContext, d: LedgerCommandDeps, raw: string): Promise<void> {
  const id = Number(NUMBER.exec(raw.trim())?.[1]);
  const delta = id ? await ctx.em.findOne(LedgerRequest, { where: { noticeId: id, kind: 'delta' } }) : null;
  const base = delta?.baseRequestId ? await ctx.em.findOne(LedgerRequest, { where: { id: delta.baseRequestId } }) : null;
  if (!delta || !base) {
    await ctx.reply(`第${raw.trim()}号不是补充采集，没有预填表。`);
    return;
  }
  const known = (base.analysis as StoredAnalysis).fields.map((f) => f.canonical);
  const asked = (delta.analysis as StoredAnalysis).fields.map((f) => f.canonical);
  const query: TableQuery = {
    pops: (base.analysis as StoredAnalysis).populations,
    fields: asked.filter((f) => known.includes(f)),
    blank: asked.filter((f) => !known.includes(f)),
  };
  const t = await d.reader.read(ctx, query, 'ledger.export');
  const link = await exportLink(ctx, d, query);
  await ctx.reply(`第${id}号预填表：已填好 ${t.rows.length} 行，只需填写${query.blank!.join('、')}后用 /提交 ${id} 发回。\n下载（${d.exportMinutes}分钟内有效）：${link}`);
}

async function exportLink(ctx: CommandContext, d: LedgerCommandDeps, query: TableQuery): Promise<string> {
  const token = crypto.randomBytes(24).toString('hex');
  await ctx.em.save(ctx.em.create(LedgerExport, {
    token, memberId: ctx.member.id, query, createdAt: ctx.now, expiresAt: new Date(ctx.now.getTime() + d.exportMinutes * 60_000),
  }));
  return `${d.publicUrl}/ledger/export/${token}`;
}

async function ledger(ctx: CommandContext, d: LedgerCommandDeps, raw: string): Promise<void> {
  const [sub, ...rest] = raw.trim().split(/\s+/);
  if (sub === '取') return fetchForNotice(ctx, d, rest.join(' '));
  if (sub === '批准' || sub === '驳回') return decideGrant(ctx, rest.join(' '), sub === '批准');
  const parsed = parseQuery(d, raw);
  if (typeof parsed === 'string') {
    await ctx.reply(parsed);
    return;
  }
  const communityIds: number[] = [];
  for (const name of parsed.communities) {
    const c = await findCommunity(ctx.em, name);
    if (!c.ok) {
      await ctx.reply(c.message);
      return;
    }
    communityIds.push(c.value.id);
  }
  const fields = parsed.query.fields.length ? parsed.query.fields : await knownFields(ctx, d, parsed.query);
  if (!fields.length) {
    await ctx.reply(`台账中还没有「${parsed.query.pops.map((p) => p.label).join('、')}」的数据。`);
    return;
  }
  await answerTable(ctx, d, { ...parsed.query, fields, ...(communityIds.length ? { communityIds } : {}) },
    `台账：${parsed.query.pops.map((p) => p.label).join('、')}`);
}

async function addTerm(ctx: CommandContext, d: LedgerCommandDeps, kind: string, canonical: string, synonyms: string): Promise<void> {
  const words = synonyms.split(/[、,，\s]+/).filter(Boolean);
  try {
    for (const w of words) d.vocab.extend(kind === '字段' ? 'field' : 'population', canonical, w);
  } catch (err) {
    if (!(err instanceof VocabularyError)) throw err;
    await ctx.reply(`${err.message}。`);
    return;
  }
  for (const w of words) {
    await ctx.em.save(ctx.em.create(LedgerTerm, { kind: kind === '字段' ? 'field' : 'population', canonical, synonym: w, createdBy: ctx.member.id, createdAt: ctx.now }));
  }
  await ctx.audit({ action: 'ledger.term', entity: 'ledger_term', entityId: canonical, note: words.join('、') });
  await ctx.reply(`已添加${kind}「${canonical}」：${words.join('、')}。`);
}

export function registerLedgerCommands(r: CommandSink, d: LedgerCommandDeps): void {
  r.register({
    name: '提交', aliases: ['报送数据'], summary: '报送数据：随消息发送 xlsx/csv 文件，或在下一行起粘贴表格',
    args: [{ name: '编号', rest: true, optional: true }],
    examples: ['/提交 12（同时发送文件）', '/提交 12\n姓名 身份证号 住址\n张三 110101194001011234 幸福路1号'],
    roles: ['community_worker', 'admin'],
    handler: async (ctx, a) => {
      await d.prepare(ctx.em);
      await submit(ctx, d, a['编号'] ?? '');
    },
  });
  r.register({
    name: '台账', aliases: ['台账随手出'], summary: '从台账取数：/台账 人群 字段:… 社区:…',
    args: [{ name: '查询', rest: true }],
    examples: ['/台账 80岁以上老人 字段:姓名、住址 社区:人民社区', '/台账 取 12', '/台账 批准 3'],
    roles: ['admin', 'dept_staff', 'community_worker'],
    handler: async (ctx, a) => {
      await d.prepare(ctx.em);
      await ledger(ctx, d, a['查询']);
    },
  });
  r.register({
    name: '补采', summary: '把与已有数据部分重复的需求改为只问缺少的字段',
    args: [{ name: '通知号', type: 'open-notice' }],
    roles: ['dept_staff', 'admin'],
    handler: async (ctx, _a, v) => {
      if (!d.check || !d.desk) return ctx.reply('当前未启用通知把关，无法补充采集。');
      const n: Notice = v['通知号'];
      const refused = await d.check.sendDelta(ctx, d.desk, n);
      if (refused) await ctx.reply(refused);
    },
  });
  r.register({
    name: '预填表', summary: '取补充采集的预填名单（已知信息已填好）',
    args: [{ name: '通知号' }],
    roles: ['community_worker', 'admin'],
    handler: async (ctx, a) => {
      await d.prepare(ctx.em);
      await prefilled(ctx, d, a['通知号']);
    },
  });
  r.register({
    name: '台账词表', summary: '为字段或人群添加同义词（管理员）',
    args: [{ name: '类别', choices: ['字段', '人群'] }, { name: '规范名' }, { name: '同义词', rest: true }],
    examples: ['/台账词表 字段 联系电话 手机号码、移动电话', '/台账词表 人群 80岁以上老人 耄耋老人'],
    roles: ['admin'],
    handler: async (ctx, a) => {
      await d.prepare(ctx.em);
      await addTerm(ctx, d, a['类别'], a['规范名'], a['同义词']);
    },
  });
}
