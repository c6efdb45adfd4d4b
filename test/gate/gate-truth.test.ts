import { expect } from 'chai';
import type { BotAdapter, OutgoingMessage, SendResult } from '../../bots/types';
import { ChatGroup, GateDecision, Notice, NoticeDelivery } from '../../entities';
import { Harness } from '../helpers/harness';

const DEPT = 'g-minzheng';

/** A platform that refuses every message for good, to see a delivery park. */
class RefusingPlatform implements BotAdapter {
  readonly platform = 'wecom' as const;
  readonly botId = 'refusing';
  sent: OutgoingMessage[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(msg: OutgoingMessage): Promise<SendResult> {
    this.sent.push(msg);
    return { ok: false, retryable: false, error: '93000 chat not found' };
  }
  maxBytes(): number {
    return 20_000;
  }
}

function basisFor(h: Harness): string {
  return h.app.desk.env.admission.items.find((i) => /老年|养老|老人/.test(i.name + i.keywords.join()))!.id;
}

describe('gate truth: what the bot says is what happened', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('delivers the emergency example at once, fields first and 截止:立即', async () => {
    h = await Harness.start({ now: '2026-11-28T23:10:00+08:00' });
    const mark = h.mark();
    const r = await h.say('zhaogang', 'g-yingji', '/通知 全部社区 紧急:防汛 暴雨预警 请立即转移低洼地带人员 截止:立即');
    expect(r[0]).to.contain('第1号通知：已发送');
    expect(r[0]).to.contain('按紧急（防汛）立即发送');
    for (const g of ['g-renmin', 'g-heping', 'g-donghu']) {
      const got = h.botMessages(g, mark);
      expect(got).to.have.length(1);
      expect(got[0]).to.contain('请立即转移低洼地带人员');
      expect(got[0]).to.contain('紧急：防汛（暴雨预警）');
    }
  });

  it('accepts fields in the middle and on their own lines', async () => {
    h = await Harness.start();
    const basis = basisFor(h);
    const r = await h.say('lixia', DEPT, `/通知 人民社区 依据:${basis}\n请于11月27日前报送辖区80岁以上老人名单\n截止:11月27日 17:30`);
    expect(r[0]).to.contain('第1号通知：已发送');
    const n = await h.app.ds.manager.findOneByOrFail(Notice, { id: 1 });
    expect(n.text).to.equal('请于11月27日前报送辖区80岁以上老人名单');
    expect(n.basisItemId).to.equal(basis);
  });

  it('quotes back what it understood when a notice cannot be parsed, and stores no notice', async () => {
    h = await Harness.start();
    const r = await h.say('zhaogang', 'g-yingji', '/通知 全部社区 紧急:防汛 截止:立即');
    expect(r).to.deep.equal(['已识别 对象：全部社区；紧急：防汛；截止：立即。缺少：通知内容。请补全后重发。']);
    expect(await h.app.ds.manager.count(Notice)).to.equal(0);
  });

  it('answers each click with what it changed and what is still open; the last fix sends', async () => {
    h = await Harness.start();
    const held = (await h.say('lixia', DEPT, '/通知 全部社区 请各社区12点前上交辖区独居老人和高龄老人养老服务需求情况'))[0];
    expect(held).to.contain('【最短提前量】');
    expect(held).to.contain('【准入清单】未注明依据');
    const basisCommand = /\(\/依据 1 (\S+)\)/.exec(held)![0].slice(1, -1);

    const afterAdopt = (await h.say('lixia', DEPT, '/采纳 1'))[0];
    expect(afterAdopt).to.contain('第1号通知：退回修改');
    expect(afterAdopt).to.contain('✓ 已采纳：截止时间改为明天（11月24日）17:30。');
    expect(afterAdopt).to.contain('还有1项待处理：');
    expect(afterAdopt).not.to.contain('【最短提前量】');
    expect(afterAdopt).not.to.contain('[采纳建议截止时间]');

    const afterBasis = (await h.say('lixia', DEPT, basisCommand))[0];
    expect(afterBasis).to.contain('第1号通知：已发送');
    expect(afterBasis).to.match(/✓ 已确认依据：/);
    const delivered = h.botMessages('g-renmin');
    expect(delivered).to.have.length(1);
    expect(delivered[0].match(/17:30|12点/g)).to.deep.equal(['12点', '17:30']);

    // A stale button answers plainly instead of acting again.
    expect(await h.say('lixia', DEPT, '/采纳 1')).to.deep.equal(['第1号通知已发送，不能再修改。如需更改，请 /撤回 1 后重发。']);
    const actions = (await h.app.ds.manager.find(GateDecision, { order: { id: 'ASC' } })).map((d) => `${d.action}:${d.verdict}`);
    expect(actions).to.deep.equal(['submit:held', 'adopt:held', 'basis:sent']);
  });

  it('says what an approval does now, and never 已提交 without an admin group', async () => {
    h = await Harness.start();
    const basis = basisFor(h);
    await h.say('lixia', DEPT, `/通知 全部社区 请于11月27日前入户走访独居老人并拍照留痕上传 依据:${basis}`);
    await h.app.ds.manager.delete(ChatGroup, { kind: 'admin' });
    expect(await h.say('lixia', DEPT, '/申请审批 1')).to.deep.equal(['尚未绑定管理组，审批请求无法发送，请联系管理员。']);
    expect((await h.app.ds.manager.findOneByOrFail(Notice, { id: 1 })).status).to.equal('held');
    expect((await h.say('admin', 'admin', '/准入 批准 1', { chatType: 'direct' }))[0]).to.contain('不在待审批状态（当前：退回修改），无需操作');
  });

  it('shows a parked delivery as 未送达 in /进度 and tells the sender once', async () => {
    const refusing = new RefusingPlatform();
    h = await Harness.start({ adapters: [refusing] });
    const basis = basisFor(h);
    // 东湖村's group lives on a platform that refuses everything.
    await h.app.ds.manager.update(ChatGroup, { chatId: 'g-donghu' }, { platform: 'wecom', botId: 'refusing' });
    const r = (await h.say('lixia', DEPT, `/通知 全部社区 请于11月27日前报送辖区80岁以上老人名单 依据:${basis}`))[0];
    expect(r).to.contain('已发往：人民社区、和平社区、东湖村');
    expect(refusing.sent).to.have.length(1);
    const told = h.botMessages(DEPT).filter((t) => t.includes('未能送达'));
    expect(told).to.deep.equal(['第1号通知未能送达东湖村工作群（平台多次拒收）。已通知管理员处理，送达情况见 /进度 1。']);
    const progress = (await h.say('lixia', DEPT, '/进度 1'))[0];
    expect(progress).to.contain('已送达未回复（2）：人民社区、和平社区');
    expect(progress).to.contain('尚未送达（1）：东湖村（未送达）');
    const statuses = (await h.app.ds.manager.find(NoticeDelivery, { order: { id: 'ASC' } })).map((d) => d.status);
    expect(statuses).to.deep.equal(['sent', 'sent', 'parked']);
    await h.say('lixia', DEPT, '/进度 1');
    expect(h.botMessages(DEPT).filter((t) => t.includes('未能送达'))).to.have.length(1);
  });

  it('does not remind in the minute of delivery, and /进度 says when the deadline has passed', async () => {
    // Exactly one working day of lead time: the notice arrives inside its own reminder window.
    h = await Harness.start({ now: '2026-11-24T10:00:00+08:00' });
    const basis = basisFor(h);
    expect((await h.say('lixia', DEPT, `/通知 人民社区 请于11月25日10:00前报送养老服务需求表 依据:${basis}`))[0]).to.contain('已发送');
    const mark = h.mark();
    await h.advanceTo('2026-11-24T10:00:30+08:00');
    await h.advanceTo('2026-11-24T10:59:00+08:00');
    expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
    await h.advanceTo('2026-11-24T11:00:00+08:00');
    expect(h.botMessages('g-renmin', mark)).to.deep.equal(['提醒：第1号通知将于明天（11月25日）10:00截止，完成后请回复 /完成 1。']);
    await h.advanceTo('2026-11-25T08:31:00+08:00');
    expect(h.botMessages('g-renmin', mark)).to.have.length(2);
    h.clock.set('2026-11-25T18:00:00+08:00');
    const p = (await h.say('lixia', DEPT, '/进度 1'))[0];
    expect(p).to.contain('已于今天10:00截止');
    expect(p).to.contain('截止时间已过，不再提醒。');
  });

  it('keeps the reminder sweep flat as history grows', async () => {
    h = await Harness.start({ now: '2026-11-24T10:00:00+08:00' });
    const em = h.app.ds.manager;
    const countQueries = async (): Promise<number> => {
      let n = 0;
      const logger = h.app.ds.logger;
      const original = logger.logQuery;
      logger.logQuery = () => {
        n++;
      };
      try {
        await h.app.runJobs();
      } finally {
        logger.logQuery = original;
      }
      return n;
    };
    const old = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const n = await em.save(em.create(Notice, {
          departmentId: 1, senderId: 1, platform: 'sandbox', botId: 'sandbox', sourceChatId: DEPT, sourceChatType: 'group', text: `旧通知${i}`,
          targets: { all: true, communityIds: [] }, deadline: new Date('2026-10-01T09:00:00Z'), deadlineSource: 'text', proposedDeadline: null,
          basisItemId: '', emergencyCategory: '', emergencyReason: '', approved: false, status: 'sent', approvalState: '', deliverAt: null, createdAt: new Date('2026-09-28T02:00:00Z'),
        }));
        await em.save(em.create(NoticeDelivery, { noticeId: n.id, groupId: 3, communityId: 1, status: 'sent', outboxId: null, deliverAt: n.createdAt, sentAt: n.createdAt, lastReminder: '' }));
      }
    };
    await old(10);
    await h.app.runJobs(); // the weekly holiday warning fires once; measure the steady state
    await h.app.runJobs(); // (the outbox, found empty once, is then only looked at)
    const few = await countQueries();
    await old(300);
    expect(await countQueries()).to.equal(few);
  });
});
