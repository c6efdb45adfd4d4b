import { expect } from 'chai';
import { Harness } from '../helpers/harness';

const DEPT = 'g-minzheng';

/** 发送 is what the bot does (now or at a set time); 送达 only what a platform has accepted. */
describe('gate vocabulary: a scheduled notice is promised as sent, never as delivered', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('a notice posted at night says it will be sent at the next working start, and is sent then', async () => {
    h = await Harness.start({ now: '2026-11-23T20:00:00+08:00' });
    const mark = h.mark();
    // X16 is the item the gate itself suggests for this notice (notice-gate.test.ts).
    const [card] = await h.say('lixia', DEPT, '/通知 全部社区 请于11月27日前报送辖区60岁以上老人新冠疫苗接种情况统计表 依据:X16');
    expect(card).to.match(/第1号通知：将于.+发送/);
    expect(card).to.contain('上班时发送');
    expect(card).not.to.match(/将于[^。\n]*送达/);
    expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
    await h.advanceTo('2026-11-24T09:00:00+08:00');
    expect(h.botMessages('g-renmin', mark).join('\n')).to.contain('新冠疫苗接种情况统计表');
  });

  it('an approval given after hours answers when the notice will be sent, and it is sent then', async () => {
    h = await Harness.start({ now: '2026-11-23T09:15:00+08:00' });
    const mark = h.mark();
    const [card] = await h.say('lixia', DEPT, '/通知 全部社区 请于11月27日前报送辖区60岁以上老人新冠疫苗接种情况统计表 依据:X05');
    expect(card).to.contain('第1号通知：待审批');
    h.clock.set('2026-11-23T19:30:00+08:00');
    const [answer] = await h.say('admin', 'g-admin', '/准入 批准 1');
    expect(answer).to.match(/^已批准第1号通知：将于.+发送。$/);
    expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
    await h.advanceTo('2026-11-24T09:00:00+08:00');
    expect(h.botMessages('g-renmin', mark).join('\n')).to.contain('新冠疫苗接种情况统计表');
  });
});
