import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  AdmissionList, findItem, loadAdmissionList, looksExcluded, SUGGEST_THRESHOLD, suggestItems,
} from '../../src/gate/admission';

const LIST_FILE = path.join(__dirname, '../../config/admission-list.yaml');

describe('gate: admission list (准入清单)', () => {
  let list: AdmissionList;
  before(() => {
    list = loadAdmissionList(LIST_FILE);
  });

  describe('the shipped list', () => {
    it('has at least 30 items of both kinds, with ids by kind and excluded work', () => {
      expect(list.items.length).to.be.at.least(30);
      const statutory = list.items.filter((i) => i.kind === 'statutory');
      const assisting = list.items.filter((i) => i.kind === 'assisting');
      expect(statutory.length).to.be.at.least(12);
      expect(assisting.length).to.be.at.least(12);
      for (const i of statutory) expect(i.id).to.match(/^L\d{2}$/);
      for (const i of assisting) expect(i.id).to.match(/^X\d{2}$/);
      expect(list.excluded.length).to.be.at.least(6);
      for (const i of list.items) {
        expect(i.basis, i.id).to.match(/《.+》/);
        expect(i.keywords.length, i.id).to.be.at.least(3);
      }
    });
  });

  describe('loadAdmissionList', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-admission-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const write = (text: string) => {
      const f = path.join(dir, 'list.yaml');
      fs.writeFileSync(f, text);
      return f;
    };

    it('names the bad entry in Chinese when keywords are missing', () => {
      const f = write([
        'statutory:',
        '  - { id: L01, name: 人民调解, basis: 《人民调解法》, keywords: [调解] }',
        '  - { id: L02, name: 居民公约制定与执行, basis: 《城市居民委员会组织法》, keywords: [] }',
      ].join('\n'));
      expect(() => loadAdmissionList(f)).to.throw(/依法履职事项第 2 项（L02 居民公约制定与执行）.*关键词/);
    });

    it('rejects duplicate ids regardless of case', () => {
      const f = write([
        'statutory:',
        '  - { id: L01, name: 人民调解, basis: 《人民调解法》, keywords: [调解] }',
        'assisting:',
        '  - { id: l01, name: 征兵工作协助, basis: 《兵役法》, keywords: [征兵] }',
      ].join('\n'));
      expect(() => loadAdmissionList(f)).to.throw(/协助事项第 1 项（l01 征兵工作协助）.*重复/);
    });

    it('rejects an item without a basis and a broken excluded entry', () => {
      const noBasis = write('assisting:\n  - { id: X01, name: 征兵工作协助, keywords: [征兵] }\n');
      expect(() => loadAdmissionList(noBasis)).to.throw(/X01 征兵工作协助.*basis/);
      const badExcluded = write([
        'statutory:',
        '  - { id: L01, name: 人民调解, basis: 《人民调解法》, keywords: [调解] }',
        'excluded:',
        '  - { name: 招商引资 }',
      ].join('\n'));
      expect(() => loadAdmissionList(badExcluded)).to.throw(/排除事项第 1 项（招商引资）/);
    });

    it('marks kind from the section and keeps optional departments', () => {
      const f = write([
        'statutory:',
        '  - { id: L01, name: 人民调解, basis: 《人民调解法》, keywords: [调解], departments: [司法所] }',
        'assisting:',
        '  - { id: X01, name: 征兵工作协助, basis: 《兵役法》, keywords: [征兵] }',
      ].join('\n'));
      const l = loadAdmissionList(f);
      expect(l.items.map((i) => [i.id, i.kind])).to.deep.equal([['L01', 'statutory'], ['X01', 'assisting']]);
      expect(l.items[0].departments).to.deep.equal(['司法所']);
      expect(l.excluded).to.deep.equal([]);
    });
  });

  describe('findItem', () => {
    it('finds by id in any case, full-width too, with or without the leading zero', () => {
      expect(findItem(list, 'Ｌ０３')?.name).to.equal('人民调解');
      expect(findItem(list, 'L03')?.name).to.equal('人民调解');
      expect(findItem(list, 'l03')?.name).to.equal('人民调解');
      expect(findItem(list, 'L3')?.name).to.equal('人民调解');
      expect(findItem(list, 'x03')?.name).to.equal('征兵工作协助');
    });

    it('finds by exact name and by a unique part of a name', () => {
      expect(findItem(list, '人民调解')?.id).to.equal('L03');
      expect(findItem(list, '征兵')?.id).to.equal('X03');
      expect(findItem(list, '垃圾分类')?.id).to.equal('X14');
    });

    it('accepts references with extra words around them', () => {
      expect(findItem(list, '依据:L03 人民调解')?.id).to.equal('L03');
      expect(findItem(list, '依据：人民调解')?.id).to.equal('L03');
      expect(findItem(list, '准入事项「征兵工作协助」')?.id).to.equal('X03');
    });

    it('returns nothing for ambiguous or unknown references', () => {
      expect(findItem(list, '宣传')).to.equal(undefined);
      expect(findItem(list, 'L99')).to.equal(undefined);
      expect(findItem(list, '招商引资')).to.equal(undefined);
      expect(findItem(list, '  ')).to.equal(undefined);
    });
  });

  describe('suggestItems', () => {
    // Notices as departments actually write them, and the item a street office would file them under.
    const top1: [string, string][] = [
      ['请各社区排查辖区内低保户家庭收入变化情况', 'X01'],
      ['请各社区于本月20日前完成辖区特困供养人员和低保边缘家庭的入户核查，并将变化情况报民政科。', 'X01'],
      ['本周五前报送防汛物资储备情况', 'X06'],
      ['受台风“贝碧嘉”影响，请各村（社区）立即检查低洼地区、危旧房屋，做好人员转移安置准备。', 'X06'],
      ['请各社区做好汛期地下车库积水点巡查，备足沙袋。', 'X06'],
      ['关于开展2024年度征兵工作的通知：请各社区做好适龄青年兵役登记宣传，动员应届毕业生报名参军。', 'X03'],
      ['请各社区组织网格员对辖区内瓶装液化气用户开展安全检查，发现隐患及时上报。', 'X07'],
      ['近期电动自行车火灾多发，请各社区开展楼道堆物清理和飞线充电劝导，张贴消防宣传海报。', 'X08'],
      ['请各居委会配合开展第五次全国经济普查清查工作，确定普查员人选。', 'X04'],
      ['请各社区于本周内完成辖区出租房屋及租户信息登记更新，外来人口做到应登尽登。', 'X05'],
      ['为做好城乡居民医疗保险参保缴费工作，请各社区广泛宣传，提醒未参保居民及时缴费。', 'X13'],
      ['请各社区统计辖区养老保险待遇领取人员生存认证完成情况。', 'X13'],
      ['请各社区统计辖区80周岁以上老人名单，协助做好高龄津贴发放核对工作。', 'X11'],
      ['本周五前报送辖区独居老人名单及联系方式。', 'X11'],
      ['请各社区摸排辖区持证残疾人就业情况，协助办理困难残疾人生活补贴和重度残疾人护理补贴。', 'X10'],
      ['请各社区做好登记失业人员的就业帮扶，组织参加下周三的春风行动招聘会。', 'X12'],
      ['请各社区组织志愿者开展垃圾分类桶前值守，提高湿垃圾分出率。', 'X14'],
      ['请城管执法中队协助各社区开展垃圾分类宣传。', 'X14'],
      ['请各小区组织开展爱国卫生运动，清理卫生死角，做好灭鼠灭蚊工作。', 'L07'],
      ['请各社区开展反诈宣传进楼道活动，提醒居民警惕冒充客服类电信诈骗。', 'X17'],
      ['请各社区配合开展禁毒宣传月活动，做好社区戒毒人员帮扶。', 'X17'],
      ['近期邻里纠纷增多，请各社区调委会加强矛盾排查化解，重大纠纷及时报司法所。', 'L03'],
      ['请各社区于清明前做好文明祭扫宣传，劝导居民不在小区内焚烧纸钱。', 'X20'],
      ['请各社区指导符合条件的小区成立业主委员会，做好业主大会筹备。', 'L14'],
      ['请各社区配合做好区人大代表换届选举的选民登记工作。', 'X19'],
      ['请各社区排查辖区内留守儿童、困境儿童情况，落实儿童主任关爱责任。', 'L13'],
      ['请各社区协助开展秋冬季流感疫苗接种宣传，动员60岁以上老人接种。', 'X16'],
      ['请各村做好村集体资产清查，集体经济收支情况在公开栏公示。', 'L15'],
      ['请各社区宣传公租房申请条件，协助住房困难家庭递交材料。', 'X18'],
      ['请各社区协助市场监管所开展食品安全宣传，重点提醒老年人理性购买保健品。', 'X15'],
      ['请各社区做好退役军人信息采集和光荣牌悬挂工作。', 'X02'],
    ];
    for (const [text, id] of top1) {
      it(`${id} first, above the threshold: ${text}`, () => {
        const s = suggestItems(list, text);
        expect(s.map((x) => x.item.id), JSON.stringify(s.map((x) => [x.item.id, x.score, x.matched]))).to.include(id);
        expect(s[0].item.id).to.equal(id);
        expect(s[0].score).to.be.at.least(SUGGEST_THRESHOLD);
      });
    }

    // Notices that touch two duties at once; either is a fair answer, both should be offered.
    const top3: [string, string[]][] = [
      ['请各社区于月底前召开居民代表会议，修订居民公约。', ['L01', 'L02']],
      ['请各社区结合国家安全日开展反诈宣传，提醒老年人警惕养老诈骗。', ['X17', 'X11']],
      ['请各社区排查辖区低保家庭中的重度残疾人，做好单人保认定。', ['X01', 'X10']],
    ];
    for (const [text, ids] of top3) {
      it(`offers ${ids.join(' and ')} among the top three: ${text}`, () => {
        const s = suggestItems(list, text);
        expect(s.map((x) => x.item.id)).to.include.members(ids);
        for (const x of s.filter((x) => ids.includes(x.item.id))) expect(x.score).to.be.at.least(SUGGEST_THRESHOLD);
      });
    }

    const offList = [
      '请各社区组织居民下载某APP并截图',
      '请各社区组织居民关注XX公众号并转发朋友圈，截图上报。',
      '请各社区协助完成招商引资任务，每个社区至少引进一家企业。',
      '请各社区安排人员参与联合执法，对沿街商铺占道经营进行查处。',
      '请各社区于周五前报送本季度工作总结。',
      '请各社区安排人员参加下周二的业务培训。',
      '请各社区转发上级文件精神，认真组织学习。',
    ];
    for (const text of offList) {
      it(`stays below the threshold for off-list work: ${text}`, () => {
        const best = suggestItems(list, text)[0];
        expect(best?.score ?? 0).to.be.below(SUGGEST_THRESHOLD);
      });
    }

    it('ranks best first, keeps scores in [0,1], reports matched words and honours k', () => {
      const s = suggestItems(list, '请各社区组织志愿者开展垃圾分类桶前值守，提高湿垃圾分出率。', 5);
      expect(s.length).to.be.within(2, 5);
      for (let i = 1; i < s.length; i++) expect(s[i - 1].score).to.be.at.least(s[i].score);
      for (const x of s) expect(x.score).to.be.within(0, 1);
      expect(s[0].matched).to.include.members(['垃圾分类', '桶前值守']);
      expect(suggestItems(list, '请各社区组织志愿者开展垃圾分类桶前值守', 1)).to.have.length(1);
      expect(suggestItems(list, '')).to.deep.equal([]);
    });

    it('matches synonyms, but not words across word boundaries', () => {
      expect(suggestItems(list, '请核查最低生活保障家庭名单')[0].item.id).to.equal('X01');
      expect(suggestItems(list, '做好村务公开')[0].item.id).to.equal('L10');
      // 协调解决 contains 调解 only as characters, not as a word.
      const s = suggestItems(list, '请各社区协调解决停车难问题');
      expect(s.map((x) => x.item.id)).to.not.include('L03');
      expect(s[0].item.id).to.equal('L06');
    });
  });

  describe('looksExcluded', () => {
    const cases: [string, string][] = [
      ['请各社区协助完成招商引资任务', '招商引资与税收任务'],
      ['请各社区本周内完成创城迎检点位拍照，上传至工作群。', '创城创卫迎检拍照'],
      ['请各社区安排人员参与联合执法，对沿街商铺占道经营进行查处。', '行政执法与处罚'],
      ['请各社区协助完成辖区违法建筑拆除工作。', '违法建筑拆除执法'],
      ['请各社区收取辖区居民有线电视费并于月底前上缴。', '代收各类费用'],
      ['请各社区为辖区居民开具居住证明，供学校入学使用。', '出具无法定依据的证明'],
      ['请各社区下周一派20人到区体育馆参加活动，凑人数充当观众。', '组织居民凑人数参会'],
      ['请各社区协助税务部门做好个税APP注册推广，每个社区完成500户。', '商业推广与拉新'],
    ];
    for (const [text, name] of cases) {
      it(`flags ${name}: ${text}`, () => {
        const hit = looksExcluded(list, text);
        expect(hit?.name).to.equal(name);
        expect(hit?.matched.length).to.be.at.least(1);
      });
    }

    it('leaves ordinary duties alone, even when a department name contains 执法', () => {
      expect(looksExcluded(list, '请城管执法中队协助各社区开展垃圾分类宣传。')).to.equal(null);
      expect(looksExcluded(list, '请各社区排查辖区内低保户家庭收入变化情况')).to.equal(null);
      expect(looksExcluded(list, '本周五前报送防汛物资储备情况')).to.equal(null);
    });
  });
});
