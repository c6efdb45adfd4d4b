import path from 'node:path';
import { expect } from 'chai';
import { findFormalism, FormalismPatterns, loadFormalismPatterns } from '../../src/gate/formalism';

const PATTERNS_FILE = path.join(__dirname, '../../config/formalism.yaml');

/**
 * One table per class of the formalism rules, in wording written for these tests. Each row is read by the rules
 * alone (the class is theirs to get right) and by the shipped reader with its classifier (which must not undo it).
 */
describe('gate: formalism classes (rules, own wording)', () => {
  let shipped: FormalismPatterns;
  let rules: FormalismPatterns;
  before(() => {
    shipped = loadFormalismPatterns(PATTERNS_FILE);
    rules = { categories: shipped.categories };
  });

  // [class, notice, category the rules must raise, or null when the notice makes no demand]
  const TABLE: [string, string, string | null][] = [
    // A photo of the work itself, sent up, is proof even without 备查; a photo of a thing to fix is not.
    ['work photo sent up', '各社区开展“送春联”活动后，请把活动现场照片发到宣传群。', 'photo-proof'],
    ['work photo sent up', '网格员慰问独居老人时请拍照，照片月底汇总报民政办。', 'photo-proof'],
    ['work photo sent up', '清理楼道小广告前后的对比照片请于周三前报城管科。', 'photo-proof'],
    ['thing to fix', '请各社区把辖区内破损的健身器材照片报文体站，文体站统一更换。', null],
    ['thing to fix', '请网格员把小区门口乱停的僵尸车照片发群里，交警中队集中拖移。', null],
    ['thing to fix', '大风吹倒的行道树请拍照报园林所，园林所派人清理。', null],
    // Photo counts and evidence words hold even beside an exception word.
    ['photo count', '汛期排查每日报一次，附排查现场照片不少于4张，含积水点照片。', 'photo-proof'],
    ['photo as evidence', '每处消防通道须拍摄清理照片并加水印，作为清理到位的凭证。', 'photo-proof'],
    // Application, insurance, publicity and engineering photos are the work.
    ['work needs the photo', '申领老年卡请带户口本和两张近期一寸照片。', null],
    ['work needs the photo', '被冰雹砸坏的车辆请拍照后向保险公司报案。', null],
    ['work needs the photo', '欢迎各社区把精彩活动照片投稿给街道公众号，择优刊发。', null],
    ['work needs the photo', '管网开挖前由监理拍摄隐蔽工程影像资料，作为竣工验收依据。', null],
    // Check-in: one's own position as proof, not a problem's position or a rescue.
    ['own position', '值班人员每小时在群里报告一次本人所在位置，以示在岗。', 'check-in'],
    ['own position', '网格员上下班在APP签到，系统按出勤率每月通报。', 'check-in'],
    ['problem position', '发现道路塌陷请上报照片和位置，市政所立即处置。', null],
    ['rescue position', '【搜救】山上有人失联，各搜救队出发后在群里共享实时位置。', null],
    // Slogans of keeping traces.
    ['trace slogan', '入户工作要做到事事有记录、件件有照片。', 'trace'],
    ['trace slogan', '每一项创建工作都要注重留下痕迹，做到有据可查。', 'trace'],
    // Engagement in metric nouns and rates.
    ['engagement metric', '各社区推文的阅读数在周例会上公布。', 'engagement-quota'],
    ['engagement metric', '直播观看人次少于50的社区须作说明。', 'engagement-quota'],
    ['engagement metric', '按参与人数占常住人口比例给各社区排名。', 'engagement-quota'],
    ['rate at 100%', '本期网课各支部学习完成率须达到100%。', 'escalation'],
    ['rate at 100%', '各社区党员冬训参学率要达百分之百。', 'escalation'],
    ['app users', '每个社区新增实名用户不少于300人。', 'app-install'],
    // Praise and real votes are not quotas.
    ['praise', '向连夜抢通道路的养护工人们点赞致敬！', null],
    ['real vote', '楼道加装电梯方案由本单元业主投票决定，社区指导。', null],
    // A list item that opens with the photo is read with the item before it.
    ['list items', '工作要求：\n1.每次宣讲须拍摄现场照片；\n2.照片于次月5日前报送宣传办。', 'photo-proof'],
    // A heading governs the items below it.
    ['heading', '为迎接市级复检，请各社区：\n1.宣传栏统一更换版面；\n2.缺少的活动记录请补齐。', 'inspection-show'],
    ['heading', '信用卡推广按街道下达的任务数推进。\n各社区请本周内办理完毕。', 'levy'],
    // Forbidding, cancelling and reporting a practice are not that practice.
    ['forbids', '不进行网络投票，评选由评审组实地打分。', null],
    ['reports', '督查中发现个别科室仍要求社区每天上传工作照片，已责令纠正。', null],
    ['reports', '有社区反映被要求为评比拉票，街道已责成整改。', null],
    ['cancels', '即日起取消网格员每日定位打卡。', null],
    // Repeats and headcounts in other words.
    ['repeat', '已在系统里报过的名单，请再按新模板填一遍。', 'repeat-forms'],
    ['headcount', '表彰大会请每个社区组织二十名居民到场。', 'headcount'],
    ['headcount', '请每个社区推荐两名居民代表参加座谈。', null],
    // 否决 in any count.
    ['veto', '安全生产实行三个否决，出一项年度考核即不合格。', 'veto'],
  ];

  for (const [cls, text, category] of TABLE) {
    it(`${cls}: ${category ?? 'no demand'} — ${text.replace(/\n/g, ' ')}`, () => {
      const hits = findFormalism(rules, text);
      if (category === null) {
        expect(hits, JSON.stringify(hits)).to.deep.equal([]);
      } else {
        const hit = hits.find((h) => h.category === category);
        expect(hit, JSON.stringify(hits)).to.not.equal(undefined);
        expect(hit!.by).to.equal('rules');
        expect(text.slice(hit!.index, hit!.index + hit!.match.length)).to.equal(hit!.match);
        expect(hit!.words[0]).to.equal(hit!.match);
      }
      // The shipped reader (rules and classifier) agrees on whether the notice makes a demand.
      expect(findFormalism(shipped, text).length > 0).to.equal(category !== null);
    });
  }
});
