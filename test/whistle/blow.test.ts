import { expect } from 'chai';
import { WhistleTicket } from '../../entities';
import { parseWhistle } from '../../src/whistle/commands';
import { Harness } from '../helpers/harness';

describe('whistle desk: blowing the whistle', () => {
  let h: Harness;

  afterEach(async () => {
    await h?.stop();
  });

  it('reads urgency, location and the rest of the report', () => {
    expect(parseWhistle('紧急 和平小区3栋楼道有水')).to.deep.equal({ text: '和平小区3栋楼道有水', urgency: 'urgent', location: '和平小区3栋' });
    expect(parseWhistle('【一般】路灯不亮 地点：东湖村三组村口')).to.deep.equal({ text: '路灯不亮', urgency: 'normal', location: '东湖村三组村口' });
    expect(parseWhistle('人民路12号沿街店铺烟感报警器损坏')).to.include({ location: '人民路12号', urgency: null });
    expect(parseWhistle('楼道灯坏了')).to.deep.equal({ text: '楼道灯坏了', urgency: null, location: '' });
  });

  it('in 1:1 with photos and 紧急: urgent limits, photos on the card, the reply in the same chat', async () => {
    h = await Harness.start({ now: '2026-11-23T09:00:00+08:00' });
    const mark = h.mark();
    const r = await h.send('zhangmin', 'zhangmin', '/吹哨 紧急 地点：人民路8号 店门口消火栓被撞坏，一直在喷水', {
      files: [{ name: 'xhs1.jpg', data: Buffer.from('photo-1') }],
    });
    const mine = r.entries.filter((e) => e.chatId === 'zhangmin');
    expect(mine).to.have.length(1);
    const text = 'text' in mine[0].body ? mine[0].body.text : '';
    expect(text).to.contain('已受理第1号吹哨（紧急（报告人标注紧急）），分派给消防救援站');
    expect(text).to.contain('报到时限：11月23日 09:30；办结时限：11月24日 09:00');
    const card = h.botMessages('g-xiaofang', mark);
    expect(card[0]).to.contain('【第1号吹哨】紧急 · 消防救援站');
    expect(card[0]).to.contain('照片：1张');
    expect(card[0]).to.contain('地点：人民路8号');
    expect(card[0]).to.contain('上报：人民社区 张敏');
    const t = await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 1 });
    expect(t).to.include({ urgency: 'urgent', chatType: 'direct', chatId: 'zhangmin', location: '人民路8号' });
    expect(t.photos).to.have.length(1);
    // The department's answer reaches the reporter in that same 1:1 chat.
    await h.say('wangqiang', 'g-xiaofang', '/报到 1');
    expect(h.botMessages('zhangmin', mark).join('\n')).to.contain('消防救援站已报到（王强）');
  });

  it('keeps phone numbers in a report masked, in the database and on the card', async () => {
    h = await Harness.start({ now: '2026-11-23T09:00:00+08:00' });
    const mark = h.mark();
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号沿街店铺烟感报警器损坏，店主电话13812345678');
    const t = await h.app.ds.manager.findOneByOrFail(WhistleTicket, { id: 1 });
    expect(t.text).to.contain('138****5678');
    expect(t.text).to.not.contain('13812345678');
    expect(h.botMessages('g-xiaofang', mark)[0]).to.contain('店主电话138****5678');
  });

  it('a department not bound to a group is named in the reply so an admin can bind it', async () => {
    h = await Harness.start({ now: '2026-11-23T09:00:00+08:00' });
    const r = await h.say('zhangmin', 'g-renmin', '/吹哨 小区整栋楼停电两个小时了');
    expect(r[0]).to.contain('分派给供电所');
    expect(r[0]).to.contain('注意：供电所尚未绑定工作群，请管理员在其群内发送 /绑定 部门 供电所。');
    // Its warnings reach the street admins instead of nobody.
    const mark = h.mark();
    await h.advanceTo('2026-11-23T10:30:00+08:00');
    expect(h.botMessages('g-admin', mark).filter((m) => m.includes('吹哨')).join('\n')).to.contain('第1号吹哨（供电所未绑定工作群，转告管理组）将于11月23日 11:00到报到时限');
  });
});
