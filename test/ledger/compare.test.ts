import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { analyzeRequest, compareRequests, resolvePeriod, type Label } from '../../src/ledger/requests';
import { RequestIndex } from '../../src/ledger/request-index';
import { defaultVocabulary } from '../../src/ledger/vocabulary-file';

interface Pair {
  id: string;
  a: { dept: string; text: string };
  b: { dept: string; text: string };
  label: Label;
}

/** Pairs written for this project in the style of the shared set; none is taken from it. */
const PAIRS: Pair[] = fs.readFileSync(path.join(__dirname, 'fixtures/dedup-pairs.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Pair);

describe('ledger: comparing requests', () => {
  const v = defaultVocabulary();
  const compare = (a: string, b: string) => compareRequests(v, analyzeRequest(v, a), analyzeRequest(v, b));
  const day = 86_400_000;
  const now = Date.parse('2026-11-23T01:00:00Z');
  /** An empty request index, and a way to add a request by id, age in days and text. */
  const emptyIndex = () => {
    const index = new RequestIndex(v);
    return { index, add: (id: number, daysAgo: number, text: string) => index.add({ id, createdAt: now - daysAgo * day, analysis: analyzeRequest(v, text) }) };
  };

  it('reads population, fields, list or count, and period from a request', () => {
    const a = analyzeRequest(v, '请各社区于11月25日前报送本月辖区60岁以上老人新冠疫苗接种情况（姓名、性别、已接种剂次）');
    expect(a.populations.map((p) => p.label)).to.deep.equal(['老年人']);
    expect(a.topic).to.include('疫苗');
    expect(a.fields.map((f) => f.canonical)).to.deep.equal(['姓名', '性别', '接种剂次']);
    expect(a.mode).to.equal('list');
    expect(a.period).to.equal('本月');
    expect(analyzeRequest(v, '请统计辖区新就业群体（外卖员、快递员）人数')).to.include({ mode: 'count' });
    // Fields inside the sentence, deadlines that are not periods, where the answer goes.
    const inline = analyzeRequest(v, '请于11月25日前，将辖区内80岁以上老人的姓名、身份证号、联系电话报送至民政科');
    expect(inline.populations.map((p) => p.label)).to.deep.equal(['80岁以上老人']);
    expect(inline.fields.map((f) => f.canonical)).to.deep.equal(['姓名', '身份证号', '联系电话']);
    expect(inline.topic).to.deep.equal([]);
    expect(analyzeRequest(v, '请各社区于本周五前上报辖区内60周岁及以上老年人名单，需包含姓名').period).to.equal(null);
    expect(analyzeRequest(v, '请上报辖区退役军人名单（含姓名、身份证号），11月底前报民政科').fields.map((f) => f.asked)).to.deep.equal(['姓名', '身份证号']);
  });

  it('makes relative periods absolute when the posting time is known', () => {
    const nov = new Date('2026-11-23T09:00:00+08:00');
    const jan = new Date('2027-01-05T09:00:00+08:00');
    expect(resolvePeriod('本月', nov)).to.equal('2026-11');
    expect(resolvePeriod('上月', jan)).to.equal('2026-12');
    expect(resolvePeriod('下月', new Date('2026-12-10T09:00:00+08:00'))).to.equal('2027-01');
    expect(resolvePeriod('12月份', jan)).to.equal('2026-12');
    expect(resolvePeriod('第三季度', nov)).to.equal('2026Q3');
    expect(resolvePeriod('本年度', nov)).to.equal(resolvePeriod('2026年', nov));
    const text = '请报送本月社区文化活动开展情况：活动名称、时间、地点';
    const c = compareRequests(v, analyzeRequest(v, text, nov), analyzeRequest(v, text, new Date('2026-12-02T09:00:00+08:00')));
    expect(c.label).to.equal('different');
  });

  it('labels same, overlap (with the missing fields) and different', () => {
    const same = compare('请上报辖区80岁以上老人名单，包括姓名、身份证号、住址、联系电话', '请统计本社区80周岁以上老年人信息：姓名、身份证号码、家庭住址');
    expect(same).to.include({ label: 'same' });
    const overlap = compare('请上报辖区80岁以上老人名单，包括姓名、身份证号、住址', '请统计本社区80周岁以上老年人：姓名、身份证号码、家庭住址、健康状况、联系方式');
    expect(overlap.label).to.equal('overlap');
    expect(overlap.missing).to.deep.equal(['健康状况', '联系方式']);
    // The same shops, but a different matter: nothing collected for one answers the other.
    expect(compare('请上报沿街商铺燃气安全检查情况：店名、地址、是否安装报警器', '请统计沿街店铺营业执照办理情况：店名、地址、执照编号')).to.include({ label: 'different' });
    expect(compare('请上报辖区退役军人：姓名、身份证号、联系电话', '请上报辖区适龄青年：姓名、身份证号、联系电话')).to.include({ label: 'different' });
  });

  it('never says same when the later request wants more people, another period or more fields', () => {
    expect(compare('请上报百岁老人名单：姓名、住址', '请上报80岁以上老人名单：姓名、住址')).to.include({ label: 'overlap', moreRows: true });
    expect(compare('请上报2025年度高龄津贴领取人员：姓名、银行账号', '请上报2026年度高龄津贴领取人员：姓名、银行账号').label).to.equal('different');
    expect(compare('请上报孕产妇人数', '请上报孕产妇名单：姓名、预产期').label).to.not.equal('same');
    expect(compare('请统计辖区60岁以上老人人数', '请统计辖区80岁以上老人人数').label).to.equal('overlap');
    expect(compare('请统计辖区80岁以上老人人数', '请统计80周岁以上老年人数量').label).to.equal('same');
  });

  it('catches repeated material requests that are not tables, by MinHash of jieba words', () => {
    expect(compare('请报送本季度社区平安建设工作总结', '请各社区上报本季度社区平安建设工作总结材料').label).to.equal('same');
    expect(compare('请报送本季度社区平安建设工作总结', '请报送本季度社区党建工作简报').label).to.equal('different');
  });

  it(`gets every project pair right (${PAIRS.length} pairs)`, () => {
    const wrong = PAIRS.filter((p) => compare(p.a.text, p.b.text).label !== p.label).map((p) => p.id);
    expect(wrong).to.deep.equal([]);
  });

  it('finds the best earlier request through the index, inside the window only', () => {
    const { index, add } = emptyIndex();
    add(1, 300, '请上报80岁以上老人名单：姓名、身份证号、住址、联系电话');
    add(2, 20, '请上报80岁以上老人名单：姓名、身份证号');
    add(3, 10, '请上报辖区流动人口：姓名、身份证号、住址');
    const q = analyzeRequest(v, '请统计80周岁以上老年人：姓名、身份证号码、家庭住址');
    expect(index.lookup(q, now, 180)).to.deep.include({ id: 2 });
    expect(index.lookup(q, now, 180)!.comparison.missing).to.deep.equal(['家庭住址']);
    expect(index.lookup(q, now, 400)).to.deep.include({ id: 1 });
    expect(index.lookup(q, now, 400)!.comparison.label).to.equal('same');
    // Identical requests: the newest answers; one the caller refuses gives way to the next.
    add(4, 5, '请上报80岁以上老人名单：姓名、身份证号');
    expect(index.lookup(q, now, 180)).to.deep.include({ id: 4 });
    expect(index.lookup(q, now, 180, (id) => id === 4)).to.deep.include({ id: 2 });
    expect(index.lookup(q, now - 15 * day, 180)).to.deep.include({ id: 2 });
  });

  it('answers a request without fields from the newest comparable one, however many older ones share its words', () => {
    const { index } = emptyIndex();
    const texts = ['请报送社区垃圾分类工作总结', '请报送社区安全生产工作总结', '请报送本周社区工作简报'];
    // Forty older requests of each text, then the newest of the first text on day 1.
    let id = 0;
    for (let d = 60; d >= 2; d--) for (const t of texts) index.add({ id: ++id, createdAt: now - d * day, analysis: analyzeRequest(v, t) });
    const newest = ++id;
    index.add({ id: newest, createdAt: now - day, analysis: analyzeRequest(v, texts[0]) });
    const q = analyzeRequest(v, '请各社区报送垃圾分类工作总结');
    expect(index.lookup(q, now, 180)).to.deep.include({ id: newest });
    // Refusing the newest one gives the next newest of the same text, not merely a recent one of another.
    const next = index.lookup(q, now, 180, (n) => n === newest)!;
    expect(next.id).to.equal(newest - 3);
    // As seen 30 days ago: that day's one (ids run 3 a day from day 60).
    expect(index.lookup(q, now - 30 * day, 180)!.id).to.equal(3 * (60 - 30) + 1);
  });

  it('still finds an older comparable request behind a few newer ones that share its words but ask something else', () => {
    const { index, add } = emptyIndex();
    add(1, 10, '请报送社区垃圾分类工作总结');
    // Newer, in every word list the request reads (垃圾, 分类, 总结), and each different from it.
    add(2, 3, '请报送社区垃圾分类宣传照片');
    add(3, 2, '请报送消防安全工作总结');
    add(4, 1, '请报送上半年党建工作总结');
    const hit = index.lookup(analyzeRequest(v, '请各社区报送垃圾分类工作总结'), now, 180);
    expect(hit).to.deep.include({ id: 1 });
    expect(hit!.comparison.label).to.equal('same');
  });
});

describe('ledger: jianfu dedup', () => {
  const root = path.resolve(__dirname, '../..');

  it('answers {id, label, missing} per line, reporting bad lines and going on', () => {
    const input = [
      JSON.stringify({ id: 'x', a: { dept: '民政科', text: '请上报辖区残疾人名单：姓名、残疾类别' }, b: { dept: '残联', text: '请统计辖区残疾人：姓名、残疾类别、联系电话' } }),
      'not json',
      JSON.stringify({ id: 'y', a: { dept: '民政科' }, b: { text: '…' } }),
      JSON.stringify({ id: 7, a: { dept: '民政科', text: '请上报辖区孕产妇名单：姓名、预产期' }, b: { dept: '妇联', text: '请统计孕产妇：姓名、预产期' } }),
    ].join('\n');
    const out = execFileSync(process.execPath, ['scripts/jianfu.js', 'dedup', '--jsonl', '-'], { cwd: root, encoding: 'utf8', input });
    const rows = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).to.deep.equal([
      { id: 'x', label: 'overlap', missing: ['联系电话'] },
      { id: null, error: '不是有效的 JSON' },
      { id: 'y', error: '缺少 a.text 或 b.text' },
      { id: 7, label: 'same', missing: [] },
    ]);
  });

  it('prints a Chinese usage line and exits 2 on wrong usage', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(process.execPath, ['scripts/jianfu.js', 'dedup'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).to.equal(2);
    expect(stderr).to.contain('用法');
  });
});
