import { expect } from 'chai';
import { LedgerRecord, LedgerSubmission } from '../../entities';
import { Harness } from '../helpers/harness';
import { IDS, postRequest, xlsxFile } from './helpers';

describe('ledger: submissions', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('takes an xlsx with good and bad rows, lists each bad row, and replaces the rows on re-submission', async () => {
    h = await Harness.start();
    const n = await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、住址、联系电话、出生日期');
    const file = await xlsxFile(['序号', '姓名', '公民身份号码', '现住址', '手机号码', '出生年月日'], [
      [1, '张桂英', IDS[0], '幸福路1号', '13800000001', '1940-01-01'],
      [2, '李秀兰', IDS[1], '幸福路2号', '138000', '1942/3/15'],
      [3, '王建国', '110105193807203456', '幸福路3号', '13800000003', '1938-07-20'],
      [4, '赵凤霞', IDS[3], '幸福路5号', '0571-87654321', '1945年13月1日'],
      [5, '张桂英', IDS[0], '幸福路1号', '13800000001', '1940-01-01'],
      [6, '刘淑珍', 110105194001011200, '幸福路6号', '13800000006', '1940-01-01'],
    ], '人民社区80岁以上老人');
    const r = await h.say('zhangmin', 'zhangmin', `/提交 ${n}`, { files: [{ name: '名单.xlsx', data: file }] });
    expect(r[0].split('\n')).to.deep.equal([
      `已收到人民社区对第${n}号的报送：有效 1 行，有误 5 行。`,
      '第4行：联系电话：电话号码格式不对',
      '第5行：身份证号：身份证号校验位不符',
      '第6行：出生日期：日期无效',
      '第7行：与第3行重复',
      '第8行：身份证号：长号码被存成了数字、末几位已丢失，请把该列设为文本后重填',
      '改正后请整表重新提交，新表会替换本次数据。',
    ]);
    const fixed = `姓名,身份证号,住址,联系电话,出生日期\n张桂英,${IDS[0]},幸福路1号,13800000001,1940-01-01\n李秀兰,${IDS[1]},幸福路2号,13800000002,1942-03-15\n`;
    const again = await h.say('zhangmin', 'zhangmin', `/提交 ${n}`, { files: [{ name: '名单.csv', data: Buffer.from('\uFEFF' + fixed) }] });
    expect(again[0]).to.equal(`已收到人民社区对第${n}号的报送：有效 2 行。`);
    const em = h.app.ds.manager;
    expect(await em.count(LedgerRecord, { where: { communityId: 1 } })).to.equal(2);
    expect((await em.find(LedgerSubmission)).map((s) => [s.accepted, s.rejected])).to.deep.equal([[1, 5], [2, 0]]);
  });

  it('refuses a table missing a requested column, a request not sent to the community, and unreadable files', async () => {
    h = await Harness.start();
    const n = await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、健康状况', '人民社区');
    const noHealth = await xlsxFile(['姓名', '身份证号'], [['张桂英', IDS[0]]]);
    expect((await h.say('zhangmin', 'zhangmin', `/提交 ${n}`, { files: [{ name: 'a.xlsx', data: noHealth }] }))[0])
      .to.equal(`第${n}号未收下：表格缺少列「健康状况」。需要的列：姓名、身份证号、健康状况。`);
    expect((await h.say('chenjing', 'chenjing', `/提交 ${n}`, { files: [{ name: 'a.xlsx', data: noHealth }] }))[0])
      .to.equal(`第${n}号没有发给和平社区，无需报送。`);
    expect((await h.say('zhangmin', 'zhangmin', `/提交 ${n}`, { files: [{ name: 'a.xlsx', data: Buffer.from('not a zip') }] }))[0])
      .to.equal('文件读不出来：不是有效的 xlsx 文件。');
    expect((await h.say('zhangmin', 'zhangmin', `/提交 ${n}`, { files: [{ name: 'a.xls', data: Buffer.from('x') }] }))[0])
      .to.contain('只支持 xlsx 或 csv');
    expect((await h.say('zhangmin', 'zhangmin', '/提交 99'))[0]).to.equal('第99号不是需要报送数据的通知。');
    expect((await h.say('zhangmin', 'zhangmin', '/提交'))[0]).to.contain('请写明报送的是第几号');
    expect(await h.app.ds.manager.count(LedgerRecord)).to.equal(0);
  });

  it('takes a small table typed into chat', async () => {
    h = await Harness.start();
    const n = await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、住址', '人民社区');
    const r = await h.say('zhangmin', 'zhangmin', `/提交 ${n}\n姓名\t身份证号\t住址\n张桂英\t${IDS[0]}\t幸福路1号\n李秀兰\t${IDS[1]}\t幸福路2号`);
    expect(r[0]).to.equal(`已收到人民社区对第${n}号的报送：有效 2 行。`);
  });
});
