import { expect } from 'chai';
import { Harness } from '../helpers/harness';

describe('monitoring: whistle figures from the installed whistle desk', function () {
  this.timeout(60_000);
  let h: Harness;

  afterEach(async () => {
    await h?.stop();
  });

  it('reports each department\'s reporting and closing on time, returns and satisfaction, and counts SLA breaches', async () => {
    h = await Harness.start({ now: '2026-11-23T09:15:00+08:00', listen: true });
    // One on time, rated 满意.
    await h.say('zhangmin', 'g-renmin', '吹哨：人民路12号沿街店铺烟感报警器损坏，楼上住人');
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    await h.say('wangqiang', 'g-xiaofang', '/办结 1 已更换烟感报警器');
    await h.say('zhangmin', 'g-renmin', '/评价 1 满意');
    // One answered after the 2 working hours.
    await h.advanceTo('2026-11-23T14:00:00+08:00');
    await h.say('zhangmin', 'g-renmin', '吹哨：和平路3号楼道堆放杂物堵塞消防通道');
    await h.advanceTo('2026-11-24T09:00:00+08:00');
    expect((await h.say('wangqiang', 'g-xiaofang', '/报到 2'))[0]).to.contain('已超时');

    const report = (await h.say('admin', 'g-admin', '/周报'))[0];
    expect(report).to.contain('吹哨响应：');
    expect(report).to.match(/消防救援站 接单2，报到2（按时1），办结1（按时1），退回0，满意率100%/);
    expect(report).to.not.contain('吹哨响应：暂无');

    const metrics = await (await fetch(`http://127.0.0.1:${h.app.port}/metrics`)).text();
    expect(metrics).to.match(/^jianfu_sla_breaches\{stage="report"\} 1$/m);
    expect(metrics).to.match(/^jianfu_sla_breaches\{stage="done"\} 0$/m);
  });
});
