import { expect } from 'chai';
import { GateDecision, Incident, Notice, NoticeDelivery, OutboxMessage } from '../../entities';
import { Harness } from '../helpers/harness';

const DEPT_GROUP = 'g-minzheng';
const COMMUNITY_GROUPS = ['g-renmin', 'g-heping', 'g-donghu'];

/** An admission item id that fits a social-assistance request, taken from the shipped list. */
function basisFor(h: Harness, words: string[]): string {
  const item = h.app.desk.env.admission.items.find((i) => words.some((w) => i.name.includes(w) || i.keywords.includes(w)));
  if (!item) throw new Error(`no admission item for ${words.join('/')}`);
  return item.id;
}

async function lastNotice(h: Harness): Promise<Notice> {
  return h.app.ds.manager.findOneOrFail(Notice, { where: {}, order: { id: 'DESC' } });
}

describe('notice gate: sandbox conversations', () => {
  let h: Harness;
  let basis: string;

  afterEach(async () => {
    await h?.stop();
  });

  describe('on a Monday morning', () => {
    beforeEach(async () => {
      h = await Harness.start({ now: '2026-11-23T09:15:00+08:00' });
      basis = basisFor(h, ['老年', '养老', '老人']);
    });

    it('holds "12点前上交" posted at 09:15 with the rule, the reason and a proposed deadline, then delivers after /采纳', async () => {
      const mark = h.mark();
      const replies = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请各社区12点前上交辖区60岁以上老人疫苗接种情况统计表 依据:${basis}`);
      expect(replies).to.have.length(1);
      expect(replies[0]).to.contain('第1号通知：退回修改');
      expect(replies[0]).to.contain('【最短提前量】');
      expect(replies[0]).to.contain('截止时间今天12:00');
      expect(replies[0]).to.contain('建议截止：明天（11月24日）17:30');
      expect(replies[0]).to.contain('[采纳建议截止时间](/采纳 1)');
      expect(replies[0]).to.contain('[撤回](/撤回 1)');
      for (const g of COMMUNITY_GROUPS) expect(h.botMessages(g, mark)).to.deep.equal([]);
      const decision = await h.app.ds.manager.findOneOrFail(GateDecision, { where: { noticeId: 1 } });
      expect(decision.verdict).to.equal('held');
      expect(decision.findings.map((f) => f.ruleId)).to.include('lead_time');
      expect(decision.reason).to.contain('少于1个工作日');

      const adopted = await h.say('lixia', DEPT_GROUP, '/采纳 1');
      expect(adopted[0]).to.contain('第1号通知：已发送');
      expect(adopted[0]).to.contain('✓ 已采纳：截止时间改为明天（11月24日）17:30。');
      expect(adopted[0]).to.contain('已发往：人民社区、和平社区、东湖村');
      for (const g of COMMUNITY_GROUPS) {
        const got = h.botMessages(g, mark);
        expect(got).to.have.length(1);
        expect(got[0]).to.contain('【第1号通知】民政科');
        expect(got[0]).to.contain('截止：明天（11月24日）17:30（已按减负规则调整）');
        // The old deadline in the body is marked, so nobody reads two deadlines.
        expect(got[0]).to.contain('12点前（已改期，以截止时间为准）上交');
        expect(got[0]).to.contain('[收到](/收到 1)');
      }
      const n = await lastNotice(h);
      expect(n.status).to.equal('sent');
      expect(n.deadlineSource).to.equal('adopted');
      const decisions = await h.app.ds.manager.find(GateDecision, { where: { noticeId: 1 }, order: { id: 'ASC' } });
      expect(decisions.map((d) => `${d.action}:${d.verdict}`)).to.deep.equal(['submit:held', 'adopt:sent']);
    });

    it('sends a compliant notice at once and tracks 收到/完成 with /进度', async () => {
      const replies = await h.say('lixia', DEPT_GROUP, `/通知 人民社区、和平社区 请于11月27日前报送辖区80岁以上老人名单 依据:${basis}`);
      expect(replies[0]).to.contain('第1号通知：已发送');
      expect(h.botMessages('g-donghu')).to.deep.equal([]);
      expect((await h.say('lixia', DEPT_GROUP, `/通知 东湖村工作群 请于11月27日前报送高龄老人名单 依据:${basis}`))[0]).to.contain('已发往：东湖村');
      expect(await h.say('zhangmin', 'g-renmin', '/收到 1')).to.deep.equal(['已登记：人民社区收到第1号通知。']);
      expect(await h.say('zhangmin', 'g-renmin', '/收到 1')).to.deep.equal(['人民社区已登记过收到第1号通知。']);
      expect(await h.say('liuyang', 'g-donghu', '/完成 1')).to.deep.equal(['第1号通知没有发给你的社区。']);
      expect(await h.say('chenjing', 'g-heping', '/完成 1')).to.deep.equal(['已登记：和平社区完成第1号通知。']);
      const progress = (await h.say('lixia', DEPT_GROUP, '/进度 1'))[0];
      expect(progress).to.contain('已完成（1）：和平社区');
      expect(progress).to.contain('已收到（1）：人民社区');
      expect(progress).to.contain('已送达未回复（0）');
      expect(progress).not.to.contain('尚未送达');
      expect((await h.say('zhaogang', 'g-yingji', '/进度 1'))[0]).to.contain('不是你所在部门发的');
    });

    it('points out formalism demands, and lets an admin approve them on request', async () => {
      const replies = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请于11月27日前入户走访独居老人并拍照留痕上传 依据:${basis}`);
      expect(replies[0]).to.contain('退回修改');
      expect(replies[0]).to.contain('【形式主义要求】');
      expect(replies[0]).to.contain('[申请审批](/申请审批 1)');
      const mark = h.mark();
      // The sender hears 已提交 only once the admin group has the request.
      expect(await h.say('lixia', DEPT_GROUP, '/申请审批 1 需留存走访记录')).to.deep.equal([
        '第1号通知的审批请求已发往管理组，管理组收到后会告诉你。', '第1号通知已提交管理组审批，审批结果会告诉你。']);
      const adminCard = h.botMessages('g-admin', mark);
      expect(adminCard[0]).to.contain('第1号通知申请审批');
      expect(adminCard[0]).to.contain('[批准](/准入 批准 1)');
      expect((await h.say('zhangmin', 'g-renmin', '/准入 批准 1'))[0]).to.contain('权限不足');
      expect(await h.say('admin', 'g-admin', '/准入 批准 1')).to.deep.equal(['已批准第1号通知：已发往各社区。']);
      expect(h.botMessages('g-renmin', mark).at(-1)).to.contain('【第1号通知】');
    });

    it('suggests admission items when 依据 is missing and accepts /依据', async () => {
      const replies = await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请于11月27日前报送辖区独居老人和高龄老人养老服务需求情况');
      expect(replies[0]).to.contain('【准入清单】未注明依据');
      const m = /\[依据 (\S+) [^\]]*\]\(\/依据 1 (\S+)\)/.exec(replies[0]);
      expect(m, replies[0]).to.not.equal(null);
      const after = await h.say('lixia', DEPT_GROUP, `/依据 1 ${m![2]}`);
      expect(after[0]).to.contain('已发送');
      expect((await lastNotice(h)).basisItemId).to.equal(m![2]);
    });

    it('sends a notice citing an unrelated item to the admin group beside the item, and delivers once approved', async () => {
      const mark = h.mark();
      const replies = await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请于11月27日前报送辖区60岁以上老人新冠疫苗接种情况统计表 依据:X05');
      expect(replies[0]).to.contain('第1号通知：待审批');
      expect(replies[0]).to.contain('所引依据「X05 流动人口与出租房屋信息采集协助」与通知内容不符');
      expect(replies[0]).to.contain('X16 传染病防控与健康宣教协助');
      const card = h.botMessages('g-admin', mark)[0];
      expect(card).to.contain('第1号通知待审批（民政科）');
      expect(card).to.contain('新冠疫苗接种情况统计表');
      expect(card).to.contain('X05 流动人口与出租房屋信息采集协助');
      expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
      expect(await h.say('admin', 'g-admin', '/准入 批准 1')).to.deep.equal(['已批准第1号通知：已发往各社区。']);
      expect(h.botMessages('g-renmin', mark).join('\n')).to.contain('新冠疫苗接种情况统计表');
    });

    it('asks the sender which day is meant when a day disagrees with its weekday, then checks the chosen one', async () => {
      const mark = h.mark();
      const replies = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请于27日（星期一）前报送辖区独居老人名单 依据:${basis}`);
      expect(replies).to.have.length(1);
      expect(replies[0]).to.contain('第1号通知：请确认截止时间');
      expect(replies[0]).to.contain('11月27日是周五，与所写的周一不符（周一是11月30日）');
      expect(replies[0]).to.contain('[11月27日（周五）17:30](/截止 1 2026-11-27T17:30:00+08:00)');
      expect(replies[0]).to.contain('[11月30日（周一）17:30](/截止 1 2026-11-30T17:30:00+08:00)');
      expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
      expect((await lastNotice(h)).status).to.equal('held');
      const chosen = await h.say('lixia', DEPT_GROUP, '/截止 1 2026-11-30T17:30:00+08:00');
      expect(chosen[0]).to.contain('第1号通知：已发送');
      const n = await lastNotice(h);
      expect(n.deadline?.toISOString()).to.equal('2026-11-30T09:30:00.000Z');
      expect(h.botMessages('g-renmin', mark).join('\n')).to.contain('截止：11月30日（周一）17:30');
      expect(await h.app.ds.manager.count(GateDecision, { where: { noticeId: 1 } })).to.equal(2);
    });

    it('never blocks an emergency notice on a past-tense time in it', async () => {
      const replies = await h.say('lixia', DEPT_GROUP, '/通知 全部社区 昨夜暴雨，今晨多处积水，请各社区立即排查低洼住户 紧急:防汛 暴雨红色预警');
      expect(replies[0]).to.contain('已发送');
    });

    it('refers selling to the admin group whatever item it cites', async () => {
      const replies = await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请各社区向居民推销烟感报警器，每户一台，11月27日前报销售数量 依据:X08');
      expect(replies[0]).to.contain('待审批');
      expect(replies[0]).to.contain('「推销烟感报警器」属于推销、销售商品或服务');
    });

    it('sends work on neither list to the admin group, and tells the sender when it is rejected', async () => {
      const mark = h.mark();
      const replies = await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请各社区协助完成今年招商引资任务，于11月30日前报送意向企业名单');
      expect(replies[0]).to.contain('待审批');
      expect(replies[0]).to.contain('不在社区准入清单内');
      expect(h.botMessages('g-admin', mark)[0]).to.contain('第1号通知待审批（民政科）');
      expect(await h.say('admin', 'g-admin', '/准入 驳回 1 不属于社区职责')).to.deep.equal(['已驳回第1号通知，已告知发送人。']);
      expect(h.botMessages(DEPT_GROUP).at(-1)).to.equal('第1号通知被管理组驳回：不属于社区职责');
      expect((await lastNotice(h)).status).to.equal('rejected');
      expect(await h.say('lixia', DEPT_GROUP, '/采纳 1')).to.deep.equal(['第1号通知已被驳回，请重新发送。']);
    });

    it('caps notices per department per community per week, with approval beyond the cap', async () => {
      expect(await h.say('admin', 'g-admin', '/规则 设置 频次上限 2')).to.deep.equal(['已更新规则「频次上限」：开启，2条/周/社区。']);
      for (let i = 0; i < 2; i++) {
        expect((await h.say('lixia', DEPT_GROUP, `/通知 人民社区 请于11月27日前报送第${i + 1}批养老补贴名单 依据:${basis}`))[0]).to.contain('已发送');
      }
      const third = (await h.say('lixia', DEPT_GROUP, `/通知 人民社区 请于11月27日前报送第3批养老补贴名单 依据:${basis}`))[0];
      expect(third).to.contain('待审批');
      expect(third).to.contain('【频次上限】本周已向人民社区发了2条');
      // Another department is counted separately.
      expect((await h.say('zhaogang', 'g-yingji', `/通知 人民社区 请于11月27日前报送养老机构名单 依据:${basis}`))[0]).to.contain('已发送');
    });

    it('reads the week\'s notices only while the cap is on, and caps again once it is back on', async () => {
      const weekReads: string[] = [];
      const orm = h.app.ds.logger;
      h.app.ds.logger = Object.assign(Object.create(orm) as typeof orm, {
        logQuery: (q: string) => {
          if (/^\s*SELECT .* FROM [`"]notice[`"] WHERE .*[`"]createdAt[`"] >=/is.test(q)) weekReads.push(q);
        },
      });
      expect(await h.say('admin', 'g-admin', '/规则 关闭 频次上限')).to.deep.equal(['已更新规则「频次上限」：关闭，5条/周/社区。']);
      for (let i = 0; i < 2; i++) {
        expect((await h.say('lixia', DEPT_GROUP, `/通知 人民社区 请于11月27日前报送第${i + 1}批养老补贴名单 依据:${basis}`))[0]).to.contain('已发送');
      }
      expect(weekReads).to.deep.equal([]);
      expect(await h.say('admin', 'g-admin', '/规则 开启 频次上限')).to.deep.equal(['已更新规则「频次上限」：开启，5条/周/社区。']);
      expect(await h.say('admin', 'g-admin', '/规则 设置 频次上限 2')).to.deep.equal(['已更新规则「频次上限」：开启，2条/周/社区。']);
      const third = (await h.say('lixia', DEPT_GROUP, `/通知 人民社区 请于11月27日前报送第3批养老补贴名单 依据:${basis}`))[0];
      expect(third).to.contain('【频次上限】本周已向人民社区发了2条');
      expect(weekReads).to.have.length(1);
    });

    it('answers bad input clearly and stores nothing half-done', async () => {
      expect(await h.say('lixia', DEPT_GROUP, '/通知')).to.deep.equal(['缺少参数「对象和内容」。用法：/通知 <对象和内容>']);
      expect((await h.say('lixia', DEPT_GROUP, '/通知 火星社区 请于11月27日前报送'))[0]).to.contain('没有找到社区「火星社区」');
      expect(await h.say('lixia', DEPT_GROUP, '/通知 全部社区 昨天前报送名单')).to.deep.equal(['截止时间11月22日（周日）17:30已经过去，请重新填写。']);
      expect((await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请于11月27日前报送名单 截止:11月30日')).at(0)).to.contain('不一致');
      expect(await h.say('lixia', DEPT_GROUP, '/通知 全部社区 依据:X01')).to.deep.equal(['已识别 对象：全部社区；依据：X01。缺少：通知内容。请补全后重发。']);
      expect((await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请报送 截止:下辈子'))[0]).to.contain('看不懂截止时间');
      expect((await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请报送 依据:Z99'))[0]).to.contain('不在准入清单中');
      expect((await h.say('lixia', DEPT_GROUP, '/通知 全部社区 请报送 依据:X01 依据:X02'))[0]).to.contain('写了两次');
      expect((await h.say('zhangmin', 'g-renmin', '/通知 全部社区 请报送'))[0]).to.contain('权限不足');
      expect(await h.app.ds.manager.count(Notice)).to.equal(0);
      expect(await h.app.ds.manager.count(GateDecision)).to.equal(0);
    });

    it('reminds at most once a day in working time before the deadline, and not after 完成', async () => {
      await h.say('lixia', DEPT_GROUP, `/通知 人民社区、和平社区 请于11月25日前报送养老服务需求表 依据:${basis}`);
      let mark = h.mark();
      await h.advanceTo('2026-11-23T16:00:00+08:00');
      expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
      await h.say('chenjing', 'g-heping', '/完成 1');
      mark = h.mark();
      await h.advanceTo('2026-11-24T20:00:00+08:00');
      expect(h.botMessages('g-renmin', mark)).to.deep.equal([]);
      await h.advanceTo('2026-11-25T09:00:00+08:00');
      expect(h.botMessages('g-renmin', mark)).to.deep.equal(['提醒：第1号通知将于今天17:30截止，完成后请回复 /完成 1。']);
      expect(h.botMessages('g-heping', mark)).to.deep.equal([]);
      await h.advanceTo('2026-11-25T11:00:00+08:00');
      expect(h.botMessages('g-renmin', mark)).to.have.length(1);
      await h.advanceTo('2026-11-25T18:00:00+08:00');
      await h.advanceTo('2026-11-26T09:00:00+08:00');
      expect(h.botMessages('g-renmin', mark)).to.have.length(1);
    });

    it('lets a community worker assess a notice that bypassed the bot, recorded anonymously', async () => {
      const replies = await h.say('zhangmin', 'zhangmin', '这条合规吗 民政科通知：请各社区12点前上交低保户名单，并截图发群里', { chatType: 'direct' });
      expect(replies[0]).to.contain('不合规');
      expect(replies[0]).to.contain('【最短提前量】');
      expect(replies[0]).to.contain('【形式主义要求】');
      expect(replies[0]).to.contain('已匿名记录（民政科）');
      const inc = await h.app.ds.manager.findOneOrFail(Incident, { where: {} });
      expect(inc.departmentName).to.equal('民政科');
      expect(JSON.stringify(inc)).not.to.contain('zhangmin');
      expect(JSON.stringify(inc)).not.to.contain('张敏');
      expect((await h.say('zhangmin', 'zhangmin', '/评估', { chatType: 'direct' }))[0]).to.contain('请把通知原文贴在命令后面');
    });

    it('lets admins view and change rules, and refuses others', async () => {
      const view = (await h.say('admin', 'g-admin', '/规则 查看'))[0];
      expect(view).to.contain('最短提前量（lead_time）：开启，1个工作日');
      expect(view).to.contain('合并推送（digest）：开启');
      expect(await h.say('admin', 'g-admin', '/规则 关闭 lead_time')).to.deep.equal(['已更新规则「最短提前量」：关闭，1个工作日。']);
      expect((await h.say('admin', 'g-admin', '/规则 设置 lead_time 十一'))[0]).to.contain('值无效');
      expect((await h.say('lixia', DEPT_GROUP, '/规则 查看'))[0]).to.contain('权限不足');
      const replies = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请各社区下午4点前上交养老补贴名单 依据:${basis}`);
      expect(replies[0]).to.contain('已发送');
    });

    it('withdraws a sent notice and tells the groups', async () => {
      await h.say('lixia', DEPT_GROUP, `/通知 人民社区 请于11月27日前报送养老服务需求表 依据:${basis}`);
      const mark = h.mark();
      expect(await h.say('zhaogang', 'g-yingji', '/撤回 1')).to.deep.equal(['第1号通知不是你所在部门发的，不能操作。']);
      expect(await h.say('lixia', DEPT_GROUP, '/撤回 1')).to.deep.equal(['第1号通知已撤回，已告知收到的社区。']);
      expect(h.botMessages('g-renmin', mark)).to.deep.equal(['第1号通知已撤回，无需办理。']);
    });
  });

  describe('outside working time', () => {
    it('queues a Saturday notice to Monday 08:30, across a restart, as one digest per group', async () => {
      h = await Harness.start({ now: '2026-11-28T10:00:00+08:00' });
      basis = basisFor(h, ['老年', '养老', '老人']);
      const first = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请于12月4日前报送养老服务需求表 依据:${basis}`);
      expect(first[0]).to.contain('第1号通知：将于11月30日（周一）08:30发送');
      expect(first[0]).to.contain('【非工作时间不推送】');
      await h.say('zhaogang', 'g-yingji', `/通知 人民社区 请于12月4日前报送养老机构消防检查表 依据:${basis}`);
      for (const g of COMMUNITY_GROUPS) expect(h.botMessages(g)).to.deep.equal([]);
      const queued = await h.app.ds.manager.count(NoticeDelivery, { where: { status: 'pending' } });
      expect(queued).to.equal(4);

      // Simulated restart: a new process on the same database.
      const url = h.url;
      await h.stop();
      h = await Harness.start({ now: '2026-11-29T20:00:00+08:00', url, keepData: true });
      await h.app.runJobs();
      for (const g of COMMUNITY_GROUPS) expect(h.botMessages(g)).to.deep.equal([]);
      await h.advanceTo('2026-11-30T08:30:00+08:00');
      const renmin = h.botMessages('g-renmin');
      expect(renmin).to.have.length(1);
      expect(renmin[0]).to.contain('通知汇总（共2条）');
      expect(renmin[0]).to.contain('第1号 · 民政科');
      expect(renmin[0]).to.contain('第2号 · 应急管理办');
      expect(h.botMessages('g-heping')).to.have.length(1);
      expect(h.botMessages('g-heping')[0]).to.contain('【第1号通知】民政科');
      expect((await h.app.ds.manager.findOneOrFail(Notice, { where: { id: 1 } })).status).to.equal('sent');
      await h.advance(1);
      expect(h.botMessages('g-renmin')).to.have.length(1);
    });

    it('passes an emergency at night at once and records it', async () => {
      h = await Harness.start({ now: '2026-11-24T22:00:00+08:00' });
      const replies = await h.say('zhaogang', 'g-yingji', '/通知 全部社区 今晚11点前完成低洼地带住户排查 紧急:防汛 暴雨红色预警');
      expect(replies[0]).to.contain('已发送');
      expect(replies[0]).to.contain('按紧急（防汛）立即发送');
      for (const g of COMMUNITY_GROUPS) expect(h.botMessages(g)[0]).to.contain('紧急：防汛（暴雨红色预警）');
      const d = await h.app.ds.manager.findOneOrFail(GateDecision, { where: { noticeId: 1 } });
      expect(d.findings.map((f) => `${f.ruleId}:${f.outcome}`)).to.deep.equal(['emergency:warn']);
      const bad = await h.say('zhaogang', 'g-yingji', '/通知 全部社区 今晚11点前上报 紧急:开会 领导要求');
      expect(bad[0]).to.contain('「开会」不是紧急类别');
    });

    it('holds a notice posted on National Day until the first working day after it', async () => {
      h = await Harness.start({ now: '2026-10-02T10:00:00+08:00' });
      basis = basisFor(h, ['老年', '养老', '老人']);
      const r = await h.say('lixia', DEPT_GROUP, `/通知 全部社区 请于10月16日前报送养老服务需求表 依据:${basis}`);
      expect(r[0]).to.contain('将于10月8日（周四）08:30发送');
      const outbox = await h.app.ds.manager.count(OutboxMessage, { where: { chatId: 'g-renmin' } });
      expect(outbox).to.equal(0);
    });
  });
});

describe('notice gate: report', () => {
  it('lists verdicts, rule hits, every emergency use and anonymous incidents', async () => {
    const h = await Harness.start({ now: '2026-11-24T22:00:00+08:00' });
    try {
      await h.say('zhaogang', 'g-yingji', '/通知 全部社区 今晚11点前完成低洼地带住户排查 紧急:防汛 暴雨红色预警');
      await h.say('lixia', 'g-minzheng', '/通知 全部社区 请各社区明早8点前上交低保名单');
      await h.say('zhangmin', 'zhangmin', '/评估 民政科：请各社区今晚12点前上报，并截图', { chatType: 'direct' });
      const r = (await h.say('admin', 'g-admin', '/减负报告'))[0];
      expect(r).to.contain('通知2条：已发送1、退回修改1');
      expect(r).to.contain('最短提前量1次');
      expect(r).to.contain('紧急通道1次');
      expect(r).to.contain('第1号 应急管理办 防汛（暴雨红色预警）');
      expect(r).to.contain('社区反映的未经机器人通知1条：民政科1条');
      expect((await h.say('lixia', 'g-minzheng', '/减负报告'))[0]).to.contain('权限不足');
    } finally {
      await h.stop();
    }
  });
});
