import crypto from 'node:crypto';
import { expect } from 'chai';
import { InboundMessage, Member, OutboxMessage } from '../../entities';
import { Complaint } from '../../entities/complaint';
import { ALL_ENTITIES } from '../../src/units';
import { Harness } from '../helpers/harness';

const SECRET_TEXT = '民政科要求每天在群里打卡截图，还要统计点赞数';

describe('monitoring: anonymous 反映', function () {
  this.timeout(60_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.stop();
  });

  /** Every row of every table, as text, for looking for traces of a person. */
  async function allRows(): Promise<{ table: string; row: string }[]> {
    const out: { table: string; row: string }[] = [];
    for (const e of ALL_ENTITIES) {
      const meta = h.app.ds.getMetadata(e);
      const rows: Record<string, unknown>[] = await h.app.ds.query(`SELECT * FROM ${meta.tableName}`);
      for (const r of rows) out.push({ table: meta.tableName, row: JSON.stringify(r) });
    }
    return out;
  }

  it('files a complaint to the supervision group with a receipt code and shows its progress', async () => {
    const [receipt] = await h.say('zhangmin', 'zhangmin', `/反映 ${SECRET_TEXT}`);
    const code = /回执码：([A-Z0-9]{8})/.exec(receipt)![1];
    expect(receipt).to.contain('已转纪检监督组');
    const [toSupervision] = h.botMessages('g-supervision');
    expect(toSupervision).to.contain(`回执码 ${code}`);
    expect(toSupervision).to.contain(SECRET_TEXT);
    expect(toSupervision).to.not.contain('张敏');

    expect(await h.say('zhangmin', 'zhangmin', `/反映 进度 ${code.toLowerCase()}`)).to.deep.equal([`回执码${code}（2026-11-23）：已收到，待处理`]);
    expect(await h.say('admin', 'g-supervision', `/反映处理 ${code} 办结 已约谈民政科，取消打卡要求`)).to.deep.equal([`回执码${code}：已办结。`]);
    expect(await h.say('zhangmin', 'zhangmin', `/反映 进度 ${code}`)).to.deep.equal([`回执码${code}（2026-11-23）：已办结。答复：已约谈民政科，取消打卡要求`]);
    expect((await h.say('zhangmin', 'g-renmin', `/反映处理 ${code} 受理`))[0]).to.contain('权限不足');
    await h.say('zhangmin', 'zhangmin', '/反映 催报人电话13812345678天天打');
    expect(h.botMessages('g-supervision').at(-1), 'personal numbers masked').to.not.contain('13812345678');
    expect((await h.app.ds.manager.find(Complaint)).map((c) => c.text).join()).to.not.contain('13812345678');
    expect((await h.say('zhangmin', 'g-renmin', `/反映 ${SECRET_TEXT}`))[0]).to.contain('请在与我的单聊中使用');
    expect(await h.say('zhangmin', 'zhangmin', '/反映 进度 NOPE1234')).to.deep.equal(['没有这个回执码，请核对。']);
  });

  it('stores nothing that leads back to the sender', async () => {
    const member = await h.app.ds.manager.findOneByOrFail(Member, { platform: 'sandbox', externalId: 'zhangmin' });
    const before = new Set((await allRows()).map((r) => `${r.table}:${r.row}`));
    const [receipt] = await h.say('zhangmin', 'zhangmin', `/反映 ${SECRET_TEXT}`);
    const code = /回执码：([A-Z0-9]{8})/.exec(receipt)![1];
    await h.say('zhangmin', 'zhangmin', `/反映 进度 ${code}`);

    const added = (await allRows()).filter((r) => !before.has(`${r.table}:${r.row}`));
    const identity = [member.externalId, member.name, `"senderId":"${member.externalId}"`];
    for (const r of added) {
      for (const id of identity) expect(r.row, `${r.table} row written by the complaint`).to.not.contain(id);
    }
    // The two inbound rows are kept (so a redelivery is still recognised) but blanked.
    const inbound = added.filter((r) => r.table === 'inbound_message').map((r) => JSON.parse(r.row) as InboundMessage);
    expect(inbound).to.have.length(2);
    for (const i of inbound) expect([i.text, i.senderId, i.senderName, i.chatId, i.status]).to.deep.equal(['', '', '', '', 'processed']);
    // The replies went to the sender's chat; once sent, the kept copies no longer say where or what.
    expect(await h.app.ds.manager.countBy(OutboxMessage, { chatId: member.externalId })).to.equal(0);
    expect(h.app.sandbox!.since(0, 'zhangmin').filter((e) => e.from === 'bot')).to.have.length(2);

    const [complaint] = await h.app.ds.manager.find(Complaint);
    expect(Object.keys(complaint).sort()).to.deep.equal(['answer', 'code', 'day', 'id', 'senderHash', 'status', 'text']);
    expect(complaint.day).to.equal('2026-11-23');
    // Neither a plain hash nor one keyed with anything in config reproduces it: the key never left memory.
    for (const candidate of [member.externalId, `sandbox\n${member.externalId}`, `2026-11-23\nsandbox\n${member.externalId}`, String(member.id)]) {
      expect(complaint.senderHash).to.not.equal(crypto.createHash('sha256').update(candidate).digest('hex'));
      expect(complaint.senderHash).to.not.equal(crypto.createHmac('sha256', '').update(candidate).digest('hex'));
    }
    // Rows that mention the complaint's code: the complaint itself and the supervision group's copy, nothing else.
    const withCode = (await allRows()).filter((r) => r.row.includes(code)).map((r) => r.table);
    expect(withCode.sort()).to.deep.equal(['complaint', 'outbox_message']);
    const copy = await h.app.ds.manager.findOneByOrFail(OutboxMessage, { chatId: 'g-supervision' });
    expect(JSON.stringify(copy)).to.not.contain(member.externalId);
  });

  it('limits each person to a few complaints a day without knowing who they are', async () => {
    for (let i = 1; i <= 3; i++) expect((await h.say('chenjing', 'chenjing', `/反映 第${i}件事`))[0]).to.contain('已匿名收到');
    expect(await h.say('chenjing', 'chenjing', '/反映 第4件事')).to.deep.equal(['今天已反映3条，请明天再来。']);
    expect((await h.say('liuyang', 'liuyang', '/反映 另一个人的事'))[0], 'another person is not limited').to.contain('已匿名收到');
    await h.advanceTo('2026-11-24T09:00:00+08:00');
    expect((await h.say('chenjing', 'chenjing', '/反映 第二天'))[0]).to.contain('已匿名收到');
    expect(await h.app.ds.manager.count(Complaint)).to.equal(5);
  });
});
