import path from 'node:path';
import { expect } from 'chai';
import { AdmissionList, basisRelevance, findItem, loadAdmissionList, outsideList, RELEVANCE_THRESHOLD } from '../../src/gate/admission';

const LIST_FILE = path.join(__dirname, '../../config/admission-list.yaml');

describe('gate: does the cited admission item fit the notice', () => {
  let list: AdmissionList;
  before(() => {
    list = loadAdmissionList(LIST_FILE);
  });
  const relevance = (id: string, text: string) => basisRelevance(list, findItem(list, id)!, text);

  // [cited item, notice text]: the item is the notice's own duty.
  const FITS: [string, string][] = [
    ['X16', '请各社区于周五前报送辖区60岁以上老人流感疫苗接种情况统计表。'],
    ['X08', '请各社区排查楼道堆物和电动自行车飞线充电，发现隐患及时劝导。'],
    ['X08', '近期有人冒充消防部门上门推销灭火器，请提醒居民警惕，发现可疑人员及时报告。'],
    ['X05', '请各社区核对辖区出租房屋和租户居住登记信息，11月30日前报送变动情况。'],
    ['L03', '请各社区排查化解邻里纠纷，重大矛盾及时上报司法所。'],
    ['X11', '请于11月25日前报送辖区独居老人名单。'],
    ['X06', '汛期来临，请各社区检查防汛物资，做好低洼地带住户转移准备。'],
    // Words of the list's terms inside the notice's own words.
    ['X05', '请各社区核查辖区群租房租住人员信息。'],
    ['L09', '请各社区统计辖区老年助餐点运营情况。'],
    ['X13', '请各社区宣传2027年度城乡居民医疗保险缴费政策，提醒居民按时缴费。'],
    ['X03', '请各社区通知辖区18至22周岁男性青年完成兵役登记。'],
    ['L13', '寒假期间请各社区做好留守儿童关爱走访。'],
  ];
  // The item names one duty, the notice asks for another.
  const UNRELATED: [string, string][] = [
    ['X05', '请各社区12点前上交辖区60岁以上老人疫苗接种情况统计表。'],
    ['X08', '请各社区组织居民参加周六的广场舞比赛。'],
    ['L03', '请各社区统计辖区残疾人辅具需求。'],
    ['X16', '请各社区报送本年度征兵宣传开展情况。'],
    ['L13', '请各社区配合做好2026年人口变动抽样调查入户工作。'],
    ['X19', '请各社区核对辖区重度残疾人护理补贴发放名单。'],
  ];
  // Outside the list whatever is cited.
  const OUTSIDE: [string, string, RegExp][] = [
    ['X08', '请各社区向辖区居民推销烟感报警器，每户一台，周五前报销售数量。', /推销/],
    ['X16', '区医院推出体检套餐，请各社区动员居民购买体检套餐不少于50份。', /购买/],
    ['L06', '请各社区协助收取本季度有线电视费，收缴率达到95%。', /收取/],
    ['L07', '城管科：物业费由社区先行垫付，月底前交齐。', /垫付|费/],
    ['X13', '今年招商引资任务分解到社区，每个社区引进企业一家。', /招商引资/],
    ['X05', '请各社区为辖区流动人口出具无犯罪记录证明。', /证明/],
    ['L12', '慈善一日捐活动每个社区募捐任务两万元。', /募捐/],
  ];

  for (const [id, text] of FITS) {
    it(`fits: ${id} ← ${text}`, () => {
      const r = relevance(id, text);
      expect(r.score, r.reason).to.be.at.least(RELEVANCE_THRESHOLD);
      expect(r.reason).to.contain('相符');
      expect(outsideList(text)).to.equal(null);
    });
  }
  for (const [id, text] of UNRELATED) {
    it(`does not fit: ${id} ← ${text}`, () => {
      const r = relevance(id, text);
      expect(r.score).to.be.below(RELEVANCE_THRESHOLD);
      expect(r.reason).to.contain('不符');
      expect(r.reason).to.contain(id);
    });
  }
  for (const [id, text, word] of OUTSIDE) {
    it(`outside the list whatever is cited: ${id} ← ${text}`, () => {
      expect(findItem(list, id), id).to.not.equal(undefined);
      const why = outsideList(text);
      expect(why).to.match(word);
      expect(why).to.contain('不在社区准入清单内');
      expect(relevance(id, text)).to.deep.equal({ score: 0, reason: `${why}。` });
    });
  }

  it('names the better item when there is one', () => {
    expect(relevance('X05', '请报送辖区老人疫苗接种情况。').reason).to.contain('X16');
  });

  it('does not take warnings, bans or anti-fraud advice for selling or collecting', () => {
    for (const text of [
      '近期有不法分子冒充社区工作人员推销保健品，请提醒老人谨防上当。',
      '各科室不得要求社区代收任何费用。',
      '证明事项清理后，亲属关系证明不再由社区开具。',
      '严禁向社区摊派招商引资任务。',
    ]) expect(outsideList(text), text).to.equal(null);
  });
});
