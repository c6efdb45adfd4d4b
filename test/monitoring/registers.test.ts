import { expect } from 'chai';
import { AuditLog } from '../../entities';
import { Harness } from '../helpers/harness';

describe('monitoring: the register of work groups and apps, and the cancelled-evaluations rule', function () {
  this.timeout(60_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.stop();
  });

  it('registers, lists and removes the groups and apps communities must use', async () => {
    expect(await h.say('admin', 'g-admin', '/群与应用 登记 群 养老服务群 人民社区 民政科')).to.deep.equal(['已登记第1号：人民社区须使用的工作群「养老服务群」（民政科要求）。']);
    expect(await h.say('admin', 'g-admin', '/群与应用 登记 应用 平安通APP 全部社区 应急管理办')).to.deep.equal(['已登记第2号：全部社区须使用的应用「平安通APP」（应急管理办要求）。']);
    expect((await h.say('admin', 'g-admin', '/群与应用 登记 群 某群 火星社区 民政科'))[0]).to.contain('没有找到社区「火星社区」');
    expect((await h.say('admin', 'g-admin', '/群与应用 登记 群 某群 人民社区 宣传部'))[0]).to.contain('宣传部');
    expect((await h.say('admin', 'g-admin', '/群与应用 登记 群 只有名字'))[0]).to.contain('用法：/群与应用 登记');
    expect((await h.say('admin', 'g-admin', '/群与应用 查看 和平社区'))[0]).to.equal('和平社区登记的工作群0个、应用1个：\n2. 应用「平安通APP」 全部社区 · 应急管理办');
    expect((await h.say('admin', 'g-admin', '/群与应用 查看'))[0]).to.contain('全街道登记的工作群1个、应用1个');
    expect(await h.say('admin', 'g-admin', '/群与应用 删除 1')).to.deep.equal(['已删除第1号登记「养老服务群」。']);
    expect((await h.say('admin', 'g-admin', '/群与应用 删除 99'))[0]).to.contain('请写登记编号');
    expect((await h.say('lixia', 'g-minzheng', '/群与应用 查看'))[0]).to.contain('权限不足');
    expect(await h.app.ds.manager.countBy(AuditLog, { entity: 'work_channel' })).to.equal(3);
  });

  it('holds a notice organising a cancelled evaluation for approval; admins edit the list, and the report counts them', async () => {
    const shown = (await h.say('admin', 'g-admin', '/规则 查看'))[0];
    expect(shown).to.contain('已取消的考核评比');
    expect(shown).to.contain('文明社区');
    expect((await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前申报文明社区评比材料 依据:L12'))[0]).to.contain('已列入取消清单');
    expect(h.botMessages('g-admin').at(-1), 'the admins are asked').to.contain('第1号通知待审批');
    expect((await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前推荐邻里节最美楼道评比候选 依据:L12'))[0]).to.contain('已发送');

    expect((await h.say('admin', 'g-admin', '/规则 设置 已取消的考核评比 最美楼道、美丽庭院'))[0]).to.contain('最美楼道、美丽庭院');
    expect((await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前推荐邻里节最美楼道评比候选 依据:L12'))[0]).to.contain('已列入取消清单');
    expect((await h.say('lixia', 'g-minzheng', '/通知 全部社区 请于11月27日前报送邻里节文明社区评比得分 依据:L12'))[0], 'no longer on the list').to.contain('已发送');

    const report = (await h.say('admin', 'g-admin', '/周报'))[0];
    expect(report).to.contain('组织已取消的考核评比 2 条');
    expect(report).to.match(/拦截原因：[^。]*已取消的考核评比2/);
  });
});
