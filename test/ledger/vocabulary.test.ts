import { expect } from 'chai';
import { analyzeRequest, resolveField } from '../../src/ledger/requests';
import { Vocabulary, VocabularyError } from '../../src/ledger/vocabulary';
import { defaultVocabulary } from '../../src/ledger/vocabulary-file';
import { Harness } from '../helpers/harness';
import { basisFor, postRequest } from './helpers';

describe('ledger: vocabulary', () => {
  const v = defaultVocabulary();

  it('ships at least 80 fields and 40 populations, each field marked personal/sensitive', () => {
    expect(v.fields.length).to.be.at.least(80);
    expect(v.populations.length).to.be.at.least(40);
    expect(v.field('身份证号')).to.include({ personal: true, sensitive: true, kind: 'idcard' });
    expect(v.field('楼栋号')).to.include({ personal: false, sensitive: false });
  });

  it('merges field synonyms and the forms tables write', () => {
    const canon = (w: string, ctx = '') => resolveField(v, w, ctx).canonical;
    expect(['身份证号码', '证件号码', '公民身份号码'].map((w) => canon(w))).to.deep.equal(['身份证号', '身份证号', '身份证号']);
    expect(['家庭住址', '现居住地址', '住址'].map((w) => canon(w))).to.deep.equal(['住址', '住址', '住址']);
    expect(['联系方式', '手机号', '电话'].map((w) => canon(w))).to.deep.equal(['联系电话', '联系电话', '联系电话']);
    expect(canon('失业日期')).to.equal(canon('失业时间'));
    expect(canon('已接种剂次')).to.equal('接种剂次');
    // A field named after the request's own subject is that field.
    expect(canon('案件名称', '人民调解案件')).to.equal('名称');
    expect(canon('儿童姓名', '适龄儿童入学')).to.equal('姓名');
    // Unknown words stay themselves, tidied, and are marked unknown.
    expect(resolveField(v, '是否安装燃气报警器')).to.include({ known: false });
  });

  it('places populations by containment and by age band', () => {
    const pop = (w: string) => analyzeRequest(v, `请上报${w}名单：姓名`).populations;
    expect(v.relate(pop('80岁以上老人'), pop('百岁老人'))).to.equal('narrower');
    expect(v.relate(pop('60岁以上老人'), pop('80周岁以上老年人'))).to.equal('narrower');
    expect(v.relate(pop('百岁老人'), pop('60岁以上老人'))).to.equal('broader');
    expect(v.relate(pop('持证残疾人'), pop('重度残疾人'))).to.equal('narrower');
    expect(v.relate(pop('高龄津贴领取人员'), pop('90岁以上老人'))).to.equal('overlap');
    expect(v.relate(pop('独居老人'), pop('空巢老人'))).to.equal('overlap');
    expect(v.relate(pop('留守儿童'), pop('困境儿童'))).to.equal('disjoint');
    expect(v.relate(pop('0-6岁儿童'), pop('3岁以下婴幼儿'))).to.equal('narrower');
    expect(v.relate(pop('沿街店铺'), pop('沿街商铺'))).to.equal('same');
    expect(v.relate(pop('出租房屋'), pop('老旧小区楼栋'))).to.equal('disjoint');
    expect(pop('独居和空巢老人').map((p) => p.label).sort()).to.deep.equal(['独居老人', '空巢老人']);
    expect(pop('有就业意愿的残疾人')[0]).to.include({ base: '残疾人', qualifier: '有就业意愿' });
  });

  it('takes synonyms admins add, and refuses one that belongs elsewhere', () => {
    const mine = defaultVocabulary();
    mine.addFieldSynonym('联系电话', '移动电话');
    expect(resolveField(mine, '移动电话').canonical).to.equal('联系电话');
    expect(() => mine.addFieldSynonym('联系电话', '家庭住址')).to.throw(VocabularyError, '住址');
    mine.addPopulationSynonym('80岁以上老人', '耄耋老人');
    expect(analyzeRequest(mine, '请上报耄耋老人名单：姓名').populations[0].label).to.equal('80岁以上老人');
  });

  it('refuses a population file that names a population it does not define', () => {
    expect(() => new Vocabulary([], [{ name: 'A', synonyms: [], kind: 'person', within: ['B'], overlaps: [] }])).to.throw(VocabularyError, 'B');
  });
});

describe('ledger: vocabulary extended by chat', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  it('keeps what an admin adds across a restart and uses it to spot a repeated request', async () => {
    h = await Harness.start();
    expect(await h.say('admin', 'g-admin', '/台账词表 人群 80岁以上老人 耄耋老人、高龄长者')).to.deep.equal(['已添加人群「80岁以上老人」：耄耋老人、高龄长者。']);
    expect(await h.say('admin', 'g-admin', '/台账词表 字段 医保类型 参保类型')).to.deep.equal(['已添加字段「医保类型」：参保类型。']);
    expect((await h.say('admin', 'g-admin', '/台账词表 字段 联系电话 家庭住址'))[0]).to.contain('已是字段「住址」的名称');
    expect((await h.say('lixia', 'g-minzheng', '/台账词表 字段 联系电话 座机'))[0]).to.contain('权限不足');
    const url = h.url;
    await h.stop();
    h = await Harness.start({ url, keepData: true });
    await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、医保类型');
    const r = await h.say('zhaogang', 'g-yingji', `/通知 人民社区、和平社区 请统计耄耋老人：姓名、身份证号码、参保类型 截止:11月27日17:30 依据:${basisFor(h)}`);
    expect(r[0]).to.contain('【重复索取】第1号（民政科，11月23日）正在向社区采集同样的数据');
  });
});
