import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { AuditLog, LedgerRecord, Notice } from '../../entities';
import { Harness } from '../helpers/harness';

const PEOPLE = [
  ['张桂英', '11010519400101123X', '幸福路1号', '13800000001'],
  ['李秀兰', '110105194203152348', '幸福路2号', '13800000002'],
  ['王建国', '110105193807203455', '和平里3栋', '13800000003'],
  ['赵凤霞', '110105194511114562', '和平里5栋', '13800000004'],
];

async function xlsx(headers: string[], rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['80岁以上老人名单（人民社区）']);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function readXlsx(data: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const out: string[][] = [];
  wb.worksheets[0].eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return out;
}

function basisFor(h: Harness): string {
  return h.app.desk.env.admission.items.find((i) => /老年|养老|老人/.test(i.name + i.keywords.join()))!.id;
}

function linkIn(text: string): string {
  const m = /\/ledger\/export\/[0-9a-f]+/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return m[0];
}

describe('ledger: request → submit → repeated request answered from the ledger', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('collects once, answers 老龄办 from the ledger, and asks communities only for 健康状况', async () => {
    h = await Harness.start({ listen: true });
    const basis = basisFor(h);
    const get = async (path: string) => {
      const r = await fetch(`http://127.0.0.1:${h.app.port}${path}`);
      expect(r.status).to.equal(200);
      return Buffer.from(await r.arrayBuffer());
    };

    // 民政科 asks two communities for 80岁以上老人.
    const sent = await h.say('lixia', 'g-minzheng', `/通知 人民社区、和平社区 请各社区上报辖区80岁以上老人名单，包括姓名、身份证号、住址、联系电话 截止:11月27日17:30 依据:${basis}`);
    expect(sent[0]).to.contain('第1号通知：已发送');

    // 人民社区 answers with an xlsx (one row has a bad check digit), 和平社区 with a csv.
    const bad = ['孙玉珍', '110105194001011231', '幸福路9号', '13800000009'];
    const file = await xlsx(['姓名', '身份证号码', '家庭住址', '联系方式'], [PEOPLE[0].slice(), PEOPLE[1].slice(), bad]);
    const r1 = await h.say('zhangmin', 'zhangmin', '/提交 1', { files: [{ name: '人民社区80岁以上老人.xlsx', data: file }] });
    expect(r1[0]).to.contain('有效 2 行，有误 1 行');
    expect(r1[0]).to.contain('第5行：身份证号：身份证号校验位不符');
    expect(r1[0]).not.to.contain(bad[1]);
    const csv = `姓名,身份证号,住址,联系电话\n${PEOPLE[2].join(',')}\n${PEOPLE[3].join(',')}\n`;
    const r2 = await h.say('chenjing', 'chenjing', '/提交 1', { files: [{ name: '和平.csv', data: Buffer.from(csv) }] });
    expect(r2[0]).to.contain('已收到和平社区对第1号的报送：有效 2 行');

    // 老龄办 joins and asks for the same people under other names: held, nobody asked again.
    await h.say('zhouhong', 'zhouhong', '/我是谁');
    await h.say('admin', 'g-admin', '/添加部门 老龄办');
    await h.say('admin', 'g-admin', '/设置角色 zhouhong 部门 老龄办');
    let mark = h.mark();
    const same = await h.say('zhouhong', 'zhouhong', `/通知 人民社区、和平社区 请统计本社区80周岁以上老年人信息：姓名、身份证号码、家庭住址 截止:11月27日17:30 依据:${basis}`);
    expect(same[0]).to.contain('第2号通知：退回修改');
    expect(same[0]).to.contain('【重复索取】第1号（民政科，11月23日）已采集同样的数据');
    expect(same[0]).to.contain('(/台账 取 2)');
    for (const g of ['g-renmin', 'g-heping']) expect(h.botMessages(g, mark)).to.deep.equal([]);

    // The table comes from the ledger; 身份证号 (sensitive, collected by 民政科) waits for an admin.
    const first = await h.say('zhouhong', 'zhouhong', '/台账 取 2');
    expect(first[0]).to.contain('张桂英');
    expect(first[0]).not.to.contain('110105');
    expect(first[0]).to.contain('「身份证号」由其他部门采集，需管理员批准');
    const card = h.botMessages('g-admin').find((m) => m.includes('台账敏感字段查看申请'))!;
    expect(card).to.contain('/台账 批准 1');
    expect(await h.say('admin', 'g-admin', '/台账 批准 1')).to.deep.equal(['已批准第1号台账申请。']);
    const table = await h.say('zhouhong', 'zhouhong', '/台账 取 2');
    expect(table[0]).to.contain('1101**********123X');
    expect(table[0]).not.to.contain('11010519400101123X');
    const rows = await readXlsx(await get(linkIn(table[0])));
    expect(rows[0]).to.deep.equal(['社区', '姓名', '身份证号', '住址']);
    expect(rows.slice(1).map((r) => r[2]).sort()).to.deep.equal(PEOPLE.map((p) => p[1]).sort());
    expect(rows.find((r) => r[1] === '王建国')![0]).to.equal('和平社区');
    for (const g of ['g-renmin', 'g-heping']) expect(h.botMessages(g, mark)).to.deep.equal([]);

    // The same plus 健康状况: held with a one-click delta that asks only for 健康状况.
    const overlap = await h.say('zhouhong', 'zhouhong', `/通知 人民社区、和平社区 请统计80周岁以上老年人：姓名、身份证号码、家庭住址、健康状况 截止:11月27日17:30 依据:${basis}`);
    expect(overlap[0]).to.contain('第3号通知：退回修改');
    expect(overlap[0]).to.contain('只需向社区补充：健康状况');
    expect(overlap[0]).to.contain('(/补采 3)');
    mark = h.mark();
    const delta = await h.say('zhouhong', 'zhouhong', '/补采 3');
    expect(delta.join('\n')).to.contain('第4号通知：已发送');
    expect(delta.join('\n')).to.contain('第3号通知已撤回');
    for (const g of ['g-renmin', 'g-heping']) {
      const got = h.botMessages(g, mark);
      expect(got).to.have.length(1);
      expect(got[0]).to.contain('请补充80岁以上老人的健康状况：姓名、身份证号码、健康状况');
      expect(got[0]).not.to.contain('家庭住址');
    }
    expect((await h.app.ds.manager.findOneByOrFail(Notice, { id: 3 })).status).to.equal('withdrawn');

    // 人民社区 takes the pre-filled form and sends back only 健康状况, as a text table.
    const pre = await h.say('zhangmin', 'zhangmin', '/预填表 4');
    expect(pre[0]).to.contain('已填好 2 行');
    const form = await readXlsx(await get(linkIn(pre[0])));
    expect(form[0]).to.deep.equal(['社区', '姓名', '身份证号', '健康状况']);
    expect(form.slice(1).map((r) => r[1]).sort()).to.deep.equal(['张桂英', '李秀兰']);
    const back = await h.say('zhangmin', 'zhangmin', `/提交 4\n姓名 身份证号码 健康状况\n张桂英 ${PEOPLE[0][1]} 良好\n李秀兰 ${PEOPLE[1][1]} 卧床`);
    expect(back[0]).to.contain('有效 2 行');

    // The ledger now joins both answers by identity.
    const joined = await h.say('zhouhong', 'zhouhong', '/台账 80岁以上老人 字段:姓名、住址、健康状况 社区:人民社区');
    expect(joined[0]).to.contain('张桂英 | 幸福路1号 | 良*');
    expect(joined[0]).not.to.contain('王建国');

    // Nothing in the database holds an ID number in the clear (the pasted table is blanked by the
    // next minute's job), and every read is audited.
    await h.advance(1);
    const em = h.app.ds.manager;
    const raw = JSON.stringify(await em.query('SELECT * FROM ledger_record')) + JSON.stringify(await em.query('SELECT * FROM inbound_message'))
      + JSON.stringify(await em.query('SELECT * FROM outbox_message')) + JSON.stringify(await em.query('SELECT * FROM audit_log'));
    for (const p of PEOPLE) expect(raw).not.to.contain(p[1]);
    expect(raw).to.contain('幸福路1号');
    expect(await em.count(LedgerRecord)).to.equal(6);
    const reads = await em.find(AuditLog, { where: { entity: 'ledger' } });
    expect(reads.map((a) => a.action)).to.include.members(['ledger.read', 'ledger.export']);

    // What the reports count: one request answered from the ledger (4 people × 3 fields), one delta (4 × 3 known).
    const figures = h.app.services.get<{ avoided(em: unknown, from: Date, to: Date): Promise<unknown> }>('ledger.figures');
    expect(await figures.avoided(em, new Date('2026-11-23T00:00:00+08:00'), new Date('2026-11-30T00:00:00+08:00')))
      .to.deep.equal({ entriesAvoided: 24, answeredFromLedger: 1 });
  });
});

describe('ledger: a repeated request before any community answered', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('says the data is still being collected rather than that it exists, and lets an admin approve the repeat', async () => {
    h = await Harness.start();
    const basis = basisFor(h);
    await h.say('lixia', 'g-minzheng', `/通知 人民社区 请上报辖区80岁以上老人名单：姓名、住址、联系电话 截止:11月27日17:30 依据:${basis}`);
    const r = await h.say('zhaogang', 'g-yingji', `/通知 人民社区 请统计辖区百岁老人：姓名、住址 截止:11月27日17:30 依据:${basis}`);
    expect(r[0]).to.contain('第1号（民政科，11月23日）正在向社区采集同样的数据');
    expect(r[0]).to.contain('(/申请审批 2)');
    await h.say('zhaogang', 'g-yingji', '/申请审批 2 数据口径不同');
    const mark = h.mark();
    await h.say('admin', 'g-admin', '/准入 批准 2');
    expect(h.botMessages('g-renmin', mark).join('\n')).to.contain('请统计辖区百岁老人');
  });
});
