import path from 'node:path';
import { expect } from 'chai';
import { WorkCalendar } from '../../src/calendar/work-calendar';
import { ConfigError, loadConfig } from '../../src/config';
import { loadAdmissionList } from '../../src/gate/admission';
import { loadFormalismPatterns } from '../../src/gate/formalism';
import { judge, judgeReceived, mergesDeliveries } from '../../src/gate/gate';
import { findRule, RULES } from '../../src/gate/rules';
import { admission } from '../../src/gate/rules/admission';
import { deadlineHours } from '../../src/gate/rules/deadline-hours';
import { emergency } from '../../src/gate/rules/emergency';
import { formalism } from '../../src/gate/rules/formalism';
import { frequency } from '../../src/gate/rules/frequency';
import { leadTime } from '../../src/gate/rules/lead-time';
import { quietTime } from '../../src/gate/rules/quiet-time';
import type { GateInput, RuleContext } from '../../src/gate/rules/types';
import { formatRuleValue, parseChatValue, ruleDefaults } from '../../src/gate/settings';

const root = path.resolve(__dirname, '../..');
const cal = new WorkCalendar();
const admissionList = loadAdmissionList(path.join(root, 'config/admission-list.yaml'));
const patterns = loadFormalismPatterns(path.join(root, 'config/formalism.yaml'));
const at = (s: string) => new Date(s);

function input(over: Partial<GateInput> = {}): GateInput {
  const postedAt = over.postedAt ?? at('2026-11-23T09:15:00+08:00');
  return {
    text: '请于11月27日前报送辖区80岁以上老人名单', deadline: null, postedAt, deliverAt: postedAt, basisItemId: '',
    emergency: null, approved: false, weekCounts: new Map(), ...over,
  };
}

function ctx<V>(value: V, urgent = false): RuleContext<V> {
  return { cal, value, admission: admissionList, formalism: patterns, urgent };
}

describe('gate rules as pure functions', () => {
  it('every rule declares an id, a Chinese name and a summary; values have a schema, default, unit and hint', () => {
    for (const r of RULES) {
      expect(r.id).to.match(/^[a-z_]+$/);
      expect(r.name).to.match(/[\u4e00-\u9fa5]/);
      expect(r.summary.length).to.be.greaterThan(4);
      if (r.value) {
        expect(r.value.schema.safeParse(r.value.default).success, r.id).to.equal(true);
        expect(r.value.hint, r.id).to.not.equal('');
      }
    }
    expect(findRule('最短提前量')).to.equal(leadTime);
    expect(findRule('lead_time')).to.equal(leadTime);
  });

  it('lead_time holds a deadline with less than the set working days and proposes 下班 of a day far enough', () => {
    const n = input({ deadline: at('2026-11-23T12:00:00+08:00') });
    const f = leadTime.check!(n, ctx(1))!;
    expect(f.outcome).to.equal('hold');
    expect(f.proposedDeadline!.toISOString()).to.equal(at('2026-11-24T17:30:00+08:00').toISOString());
    expect(f.fixes!.map((x) => x.command)).to.include('/采纳 {id}');
    expect(leadTime.check!(input({ deadline: at('2026-11-27T17:30:00+08:00') }), ctx(1))).to.equal(null);
    expect(leadTime.check!(n, ctx(0))).to.equal(null);
    expect(leadTime.check!(input({ deadline: at('2026-11-24T12:00:00+08:00') }), ctx(2))!.outcome).to.equal('hold');
    expect(leadTime.check!(input({ deadline: at('2026-11-24T12:00:00+08:00') }), ctx(1))).to.equal(null);
    expect(leadTime.check!(n, ctx(1, true))).to.equal(null);
  });

  it('deadline_hours holds Sunday and 22:00 deadlines, accepts 17:30 itself', () => {
    expect(deadlineHours.check!(input({ deadline: at('2026-11-29T12:00:00+08:00') }), ctx(undefined))!.reason).to.contain('周日');
    expect(deadlineHours.check!(input({ deadline: at('2026-11-25T22:00:00+08:00') }), ctx(undefined))!.outcome).to.equal('hold');
    expect(deadlineHours.check!(input({ deadline: at('2026-11-25T17:30:00+08:00') }), ctx(undefined))).to.equal(null);
  });

  it('quiet_time delays a Saturday posting to Monday 08:30 and flags a received notice sent at night', () => {
    const sat = at('2026-11-28T10:00:00+08:00');
    expect(quietTime.delay!(sat, ctx(undefined))!.toISOString()).to.equal(at('2026-11-30T08:30:00+08:00').toISOString());
    expect(quietTime.delay!(at('2026-11-23T10:00:00+08:00'), ctx(undefined))).to.equal(null);
    expect(quietTime.checkReceived!(input({ postedAt: at('2026-11-23T22:00:00+08:00') }), ctx(undefined))!.outcome).to.equal('hold');
  });

  it('emergency grants urgency only for a listed category with a reason', () => {
    const cats = ['防汛', '火灾'];
    expect(emergency.grantsUrgency!(input({ emergency: { category: '防汛', reason: '暴雨' } }), ctx(cats))).to.equal(true);
    expect(emergency.grantsUrgency!(input({ emergency: { category: '防汛', reason: '' } }), ctx(cats))).to.equal(false);
    expect(emergency.check!(input({ emergency: { category: '开会', reason: '领导要求' } }), ctx(cats))!.reason).to.contain('不是紧急类别');
  });

  it('admission passes a cited item that fits, suggests one when missing, and asks approval for work on no list', () => {
    // X11 老年人服务与养老补贴协助 fits a list of elderly residents; L01 居民会议 does not.
    expect(admission.check!(input({ basisItemId: 'X11' }), ctx(undefined))).to.equal(null);
    const unrelated = admission.check!(input({ basisItemId: 'L01' }), ctx(undefined))!;
    expect(unrelated.outcome).to.equal('approval');
    expect(unrelated.reason).to.contain('所引依据「L01');
    const missing = admission.check!(input({ text: '请于11月27日前报送辖区独居老人和高龄老人养老服务需求情况' }), ctx(undefined))!;
    expect(missing.outcome).to.equal('hold');
    expect(missing.fixes!.some((x) => x.command.startsWith('/依据 {id} '))).to.equal(true);
    expect(admission.check!(input({ text: '请各社区协助完成今年招商引资任务，报送意向企业名单' }), ctx(undefined))!.outcome).to.equal('approval');
    expect(admission.check!(input({ text: '请各社区协助完成今年招商引资任务' }), ctx(undefined, true))).to.equal(null);
  });

  it('formalism holds proof-by-photo, and only warns once approved', () => {
    const n = input({ text: '请入户走访独居老人并拍照留痕上传' });
    expect(formalism.check!(n, ctx(undefined))!.outcome).to.equal('hold');
    expect(formalism.check!({ ...n, approved: true }, ctx(undefined))!.outcome).to.equal('warn');
    expect(formalism.check!(input(), ctx(undefined))).to.equal(null);
  });

  it('frequency asks approval at the cap, not below it, and ignores a single received notice', () => {
    expect(frequency.check!(input({ weekCounts: new Map([['人民社区', 5]]) }), ctx(5))!.outcome).to.equal('approval');
    expect(frequency.check!(input({ weekCounts: new Map([['人民社区', 4]]) }), ctx(5))).to.equal(null);
    expect(frequency.checkReceived!(input({ weekCounts: new Map([['人民社区', 9]]) }), ctx(5))).to.equal(null);
  });

  it('judge folds findings: urgency lifts time rules, defer only when nothing holds', () => {
    const states = ruleDefaults();
    const deps = { cal, admission: admissionList, formalism: patterns, states };
    const night = at('2026-11-24T22:00:00+08:00');
    const urgent = judge({ ...input({ postedAt: night, deadline: at('2026-11-24T23:00:00+08:00'), emergency: { category: '防汛', reason: '暴雨' } }) }, deps);
    expect(urgent.verdict).to.equal('sent');
    expect(urgent.findings.map((f) => f.ruleId)).to.deep.equal(['emergency']);
    const deferred = judge({ ...input({ postedAt: night, basisItemId: 'X11' }) }, deps);
    expect(deferred.verdict).to.equal('scheduled');
    expect(deferred.deliverAt.toISOString()).to.equal(at('2026-11-25T08:30:00+08:00').toISOString());
    const received = judgeReceived(input({ postedAt: night, text: '请各社区今晚12点前上报，并截图' }), deps);
    expect(received.findings.map((f) => f.ruleId)).to.include.members(['quiet_time', 'formalism']);
    expect(mergesDeliveries(states)).to.equal(true);
    expect(mergesDeliveries(ruleDefaults({ 合并推送: { enabled: false } }))).to.equal(false);
  });
});

describe('rule settings: one schema for config and chat', () => {
  const dir = path.join(root, 'config');

  it('refuses a bad value in config the way chat does, naming the key', () => {
    expect(() => ruleDefaults({ frequency: { value: 'five' } })).to.throw(ConfigError, /rules\.frequency\.value 无效：应为数字/);
    expect(parseChatValue(frequency, 'five')).to.deep.equal({ ok: false, message: '应为数字（每个部门每周给每个社区的通知条数，如 5）' });
    expect(() => ruleDefaults({ lead_time: { value: 20 } })).to.throw(ConfigError, /至多10个工作日/);
    expect(() => ruleDefaults({ no_such_rule: { enabled: true } })).to.throw(ConfigError, /rules\.no_such_rule 无效：没有这条规则/);
    expect(() => ruleDefaults({ digest: { value: 3 } })).to.throw(ConfigError, /没有可设置的值/);
  });

  it('accepts Chinese names and shows values with their unit', () => {
    const s = ruleDefaults({ 最短提前量: { value: 2 }, 频次上限: { value: '3' } });
    expect(s.get('lead_time')!.value).to.equal(2);
    expect(s.get('frequency')!.value).to.equal(3);
    expect(formatRuleValue(leadTime, 2)).to.equal('2个工作日');
    expect(formatRuleValue(emergency, ['防汛', '火灾'])).to.equal('防汛、火灾');
    expect(parseChatValue(emergency, '防汛、火灾')).to.deep.equal({ ok: true, value: ['防汛', '火灾'] });
  });

  it('refuses unknown config keys instead of keeping them', () => {
    expect(() => loadConfig({ dir, env: {}, overrides: { sandbx: { enabled: true } } })).to.throw(ConfigError, /未知的配置项 sandbx/);
    expect(() => loadConfig({ dir, env: {}, overrides: { outbox: { pollMS: 10 } } })).to.throw(ConfigError, /未知的配置项 outbox\.pollMS/);
    expect(() => loadConfig({ dir, env: {}, overrides: { rules: { frequency: { valu: 3 } } } })).to.throw(ConfigError, /未知的配置项 rules\.frequency\.valu/);
  });
});
