import { expect } from 'chai';
import { AuditLog, LedgerGrant } from '../../entities';
import { Harness } from '../helpers/harness';
import { IDS, linkIn, postRequest, readXlsx } from './helpers';

const CENTENARIAN = '110105192506011236';

async function collect(h: Harness): Promise<void> {
  const n = await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、住址');
  await h.say('zhangmin', 'zhangmin', `/提交 ${n}\n姓名 身份证号 住址\n张桂英 ${IDS[0]} 幸福路1号\n钱老太 ${CENTENARIAN} 幸福路8号`);
  await h.say('chenjing', 'chenjing', `/提交 ${n}\n姓名 身份证号 住址\n王建国 ${IDS[2]} 和平里3栋`);
}

describe('ledger: reading the ledger under the sharing rules', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('shows other departments non-sensitive fields street-wide and sensitive ones only after approval', async () => {
    h = await Harness.start({ listen: true });
    await collect(h);
    const other = (await h.say('zhaogang', 'g-yingji', '/台账 80岁以上老人 字段:姓名、身份证号、住址'))[0];
    expect(other).to.contain('社区 | 姓名 | 住址');
    expect(other).to.contain('人民社区 | 张桂英 | 幸福路1号');
    expect(other).to.contain('「身份证号」由其他部门采集，需管理员批准');
    expect(other).not.to.contain('1101');
    const own = (await h.say('lixia', 'g-minzheng', '/台账 80岁以上老人 字段:姓名、身份证号'))[0];
    expect(own).to.contain('张桂英 | 1101**********123X');
    expect(own).not.to.contain('需管理员批准');

    // Refused stays refused; the export follows the same rules and is audited.
    const grant = await h.app.ds.manager.findOneByOrFail(LedgerGrant, { status: 'pending' });
    expect(await h.say('admin', 'g-admin', `/台账 驳回 ${grant.id}`)).to.deep.equal([`已驳回第${grant.id}号台账申请。`]);
    const again = (await h.say('zhaogang', 'g-yingji', '/台账 80岁以上老人 字段:姓名、身份证号、住址'))[0];
    const res = await fetch(`http://127.0.0.1:${h.app.port}${linkIn(again)}`);
    const rows = await readXlsx(Buffer.from(await res.arrayBuffer()));
    expect(rows[0]).to.deep.equal(['社区', '姓名', '住址']);
    expect(rows).to.have.length(4);
    const audit = await h.app.ds.manager.find(AuditLog, { where: { entity: 'ledger' }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).to.deep.equal(['ledger.read', 'ledger.read', 'ledger.read', 'ledger.export']);
    expect(audit[0].note).to.equal('字段：姓名、住址；未授权：身份证号；3行');
    expect(JSON.stringify(audit)).not.to.contain(IDS[0]);

    // Links expire.
    await h.advance(61);
    expect((await fetch(`http://127.0.0.1:${h.app.port}${linkIn(again)}`)).status).to.equal(404);
  });

  it('limits community workers to their own community, filters by community, and by age band', async () => {
    h = await Harness.start();
    await collect(h);
    const worker = (await h.say('zhangmin', 'g-renmin', '/台账 80岁以上老人 字段:姓名、身份证号'))[0];
    expect(worker).to.contain('张桂英');
    expect(worker).not.to.contain('王建国');
    const heping = (await h.say('lixia', 'g-minzheng', '/台账 80岁以上老人 字段:姓名 社区:和平社区'))[0];
    expect(heping).to.contain('王建国');
    expect(heping).not.to.contain('张桂英');
    // 百岁老人 were never asked for, but their birth dates are in the 80+ list.
    const hundred = (await h.say('lixia', 'g-minzheng', '/台账 百岁老人 字段:姓名、住址'))[0];
    expect(hundred).to.contain('钱老太 | 幸福路8号');
    expect(hundred).not.to.contain('张桂英');
    expect((await h.say('lixia', 'g-minzheng', '/台账 外星人 字段:姓名'))[0]).to.contain('不认识人群「外星人」');
    expect((await h.say('lixia', 'g-minzheng', '/台账 80岁以上老人 社区:火星社区'))[0]).to.contain('没有找到社区「火星社区」');
    expect((await h.say('xiaozhou', 'xiaozhou', '/台账 80岁以上老人'))[0]).to.contain('权限不足');
    expect((await h.say('lixia', 'g-minzheng', '/台账 孕产妇'))[0]).to.contain('台账中还没有「孕产妇」的数据');
  });

  it('keeps non-sensitive fields to the collecting department when sharing is set to department', async () => {
    h = await Harness.start({ config: { ledger: { sharing: 'department' } } });
    await collect(h);
    const other = (await h.say('zhaogang', 'g-yingji', '/台账 80岁以上老人 字段:姓名、住址'))[0];
    expect(other).to.contain('「姓名、住址」由其他部门采集，需管理员批准');
    expect(other).not.to.contain('张桂英');
  });
});
