import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findFormalism, FormalismPatterns, loadFormalismPatterns } from '../../src/gate/formalism';

const PATTERNS_FILE = path.join(__dirname, '../../config/formalism.yaml');

describe('gate: formalism patterns (形式主义)', () => {
  let p: FormalismPatterns;
  before(() => {
    p = loadFormalismPatterns(PATTERNS_FILE);
  });

  const categoriesOf = (text: string) => findFormalism(p, text).map((h) => h.category);

  it('ships categories with Chinese labels and explanations ending in 。', () => {
    expect(p.categories.length).to.be.at.least(10);
    for (const c of p.categories) {
      expect(c.label).to.match(/\p{Script=Han}/u);
      expect(c.explanation).to.match(/。$/);
    }
  });

  // Own wording, one row per way of saying it: [notice text, category it must raise].
  const DEMANDS: [string, string][] = [
    // Proof of work by photo, screenshot, video.
    ['请网格员入户走访后拍照留痕，照片发到工作群。', 'photo-proof'],
    ['敬老院慰问结束后，各社区把慰问现场照片整理成册，留存备查。', 'photo-proof'],
    ['垃圾分类督导员每天上岗须拍摄工作照三张，晚上九点前发群，作为当月补贴发放依据。', 'photo-proof'],
    ['入户核查完成后，请将系统查询结果截屏发给民政专干，无截屏的按未核查处理。', 'photo-proof'],
    ['反诈宣传进校园活动结束后，以照片形式报送开展情况，每场不少于5张。', 'photo-proof'],
    ['请将本周夜间巡逻的视频资料汇总后上传平台佐证，未上传视为未巡逻。', 'photo-proof'],
    ['各社区张贴禁燃告示后请逐点拍照反馈，照片须能看清张贴位置。', 'photo-proof'],
    ['请观看直播后截图上传至工作群。', 'photo-proof'],
    // Check-in and location as proof of presence.
    ['防汛值守期间，值班人员每小时在群内共享一次实时位置，以证明在岗。', 'check-in'],
    ['志愿者每天到岗后在小程序定位签到，签到次数纳入年终评分。', 'check-in'],
    ['网格员巡查须开启APP轨迹记录，每日轨迹不少于8公里，不足的按缺勤计。', 'check-in'],
    ['请各社区工作人员每日定位打卡，上下班各一次。', 'check-in'],
    // Engagement quotas in any wording.
    ['请组织居民为我街道参赛作品点赞，每天集赞不少于100个。', 'engagement-quota'],
    ['区融媒体新片上线，每个社区转发不少于三十次，周五统计排名。', 'engagement-quota'],
    ['“美丽庭院”评选进入网络投票阶段，各社区每日投票数须达到200票以上。', 'engagement-quota'],
    ['请各社区将该文章转发朋友圈。', 'engagement-quota'],
    ['请各社区在评论区留言不少于20条。', 'engagement-quota'],
    ['本期推文各社区阅读量须达到一千次，后台数据每周通报。', 'engagement-quota'],
    ['街道视频号本月新增关注人数每个社区不少于100人，社区干部家属须全部关注。', 'engagement-quota'],
    ['今晚直播各社区观看人数不得低于80人，平台会统计排名。', 'engagement-quota'],
    ['请居民扫描二维码填写满意度问卷，每个社区完成问卷不少于三百份。', 'engagement-quota'],
    ['个人养老金开户小程序推广，各社区注册率须达到70%，每周一报注册数。', 'app-install'],
    ['请各社区组织辖区居民扫码注册“一码通”小程序，每户至少注册一人。', 'app-install'],
    ['请各社区居民关注“XX发布”公众号，关注率达到100%。', 'engagement-quota'],
    // Study time, points, quiz counts.
    ['请各社区组织党员学习，每人学习时长不少于2小时。', 'study-time'],
    ['学习强国积分不低于每日30分，月底排名通报。', 'study-time'],
    ['知识竞赛答题活动每人每天至少答题两次，参与率纳入考核。', 'study-time'],
    // Tasks pushed down: selling, subscribing, collecting, fundraising, investment.
    ['各社区订阅区报不少于十份，订阅款月底前交宣传办。', 'levy'],
    ['请各社区协助银行办理信用卡，每社区任务50张。', 'levy'],
    ['今年招商引资任务分解到村，每村引进企业一家。', 'levy'],
    ['请社区向辖区商户收取卫生费，按户数下达收缴任务。', 'levy'],
    ['“爱心助学”募捐活动每个社区募捐任务五千元。', 'levy'],
    ['请各社区为居民出具无犯罪记录证明。', 'certificate'],
    ['居民办理贷款需要的收入证明，请社区核实后开具。', 'certificate'],
    // Veto, pledges, signature chains.
    ['森林防火实行一票否决，发生火情的村年度考核不合格。', 'veto'],
    ['请各社区组织每户居民签订《文明养犬承诺书》，签订率达到100%。', 'pledge'],
    ['各村书记须到镇里签订禁烧责任状。', 'pledge'],
    ['巡查表须经网格员、楼栋长、社区副主任、书记逐级签字。', 'sign-chain'],
    ['报表每页由填报人、审核人、分管领导三人签字并加盖骑缝章。', 'sign-chain'],
    // Show for inspectors, paper trails, repeated forms, group statistics, headcounts.
    ['下周省里来检查，请各社区连夜制作展板不少于8块，把去年活动照片补拍补齐。', 'inspection-show'],
    ['考核组周四抽查，各社区把近三年会议记录重新誊抄一遍，统一装订。', 'inspection-show'],
    ['每位网格员每天手写工作日志不少于两页，每月装订成册交中心评比。', 'paper-trail'],
    ['每次入户走访须形成过程性材料，材料不全的不计入走访次数。', 'paper-trail'],
    ['请各社区再次填写困难家庭情况表，纸质版、电子版各一份。', 'repeat-forms'],
    ['请各网格统计微信群数量、群成员数和本月发布信息条数，每周一上报。', 'group-stats'],
    ['周五的宣讲会每个社区须组织不少于50名居民参加，不得提前离场，会后通报到会人数。', 'headcount'],
    ['线上培训每个社区至少20个终端在线，平台统计在线人数。', 'headcount'],
    ['请各社区全员参与。', 'escalation'],
    ['本次宣传知晓率100%。', 'escalation'],
  ];

  // Own wording: the work itself needs the photo or sign-in, a notice forbids the practice, or praise.
  const CLEAN: string[] = [
    '请转发上级文件。',
    '请将本通知转发至各小区居民群，提醒居民注意防汛。',
    '【紧急】台风橙色预警，请立即将预警信息转发至所有居民群和楼栋群。',
    '请提供身份证照片，用于高龄津贴申请。',
    '办理残疾证需本人近期一寸免冠照片两张。',
    '车辆被淹的居民请拍摄受损照片，便于保险公司定损理赔。',
    '发现井盖缺失、路面塌陷的，请拍照标明位置发到应急群，街道立即安排抢修。',
    '系统登录报错的，请把报错页面截图发给技术员。',
    '居民被骗后请保留转账截图等证据并及时报警。',
    '周三下午两点在三楼会议室召开安全生产会议，请参会人员会前在门口签到。',
    '失联老人搜救期间，请各搜救小组开启位置共享，便于指挥部调度。',
    '老年人到卫生服务站体检时凭身份证签到，需空腹。',
    '向奋战在抗洪一线的社区工作者点赞致敬！',
    '为坚守岗位的网格员们点赞。',
    '本周推荐网红打卡地：老街夜市。',
    '严禁要求社区截图上传，不得以打卡考核。',
    '无需截图，报送数据即可。',
    '各科室不得要求社区报送工作照片作为完成证明，不得以转发量、阅读量考核社区。',
    '街道不统计扫码人数，也不搞注册率排名，居民自愿使用。',
    '证明事项清理后，居住证明、亲属关系证明不再由社区开具。',
    '今后不再要求社区签订各类责任状，也取消一票否决。',
    '迎检不看展板、不听汇报，以系统数据和入户回访为准。',
    '已在系统中填报的数据不需要重复填报。',
    '业委会换届选举投票定于本周六，请社区协助设置投票站。',
    '居民议事会须过半数居民代表到会方可召开，请做好到会登记。',
    '社工站下周举办插花培训，自愿报名，名额有限，报满即止。',
    '请各社区于周五前报送低保家庭名单。',
    '请各网格员每人至少走访10户困难家庭。',
    '请下载附件中的报名表。',
    '近期有人冒充银行推销理财产品，请提醒老年人提高警惕。',
    '新版网格通APP今天上线，请更新后用原账号登录。',
    '防疫物资发放时请受助对象本人签字领取。',
  ];

  describe('flags each demand, with the words that triggered it', () => {
    for (const [text, category] of DEMANDS) {
      it(`${category}: ${text}`, () => {
        const hits = findFormalism(p, text);
        const hit = hits.find((h) => h.category === category);
        expect(hit, JSON.stringify(hits)).to.not.equal(undefined);
        expect(text.slice(hit!.index, hit!.index + hit!.match.length)).to.equal(hit!.match);
        expect(hit!.words[0]).to.equal(hit!.match);
      });
    }
  });

  describe('leaves what the work needs, forbids or praises alone', () => {
    for (const text of CLEAN) {
      it(`no hit: ${text}`, () => {
        expect(findFormalism(p, text)).to.deep.equal([]);
      });
    }
  });

  it('reports every demand of a notice, ordered by position, each with its context words', () => {
    const text = '请各社区组织居民下载某APP，注册率100%；活动照片上传工作群留存备查；每人转发朋友圈不少于3次。';
    const hits = findFormalism(p, text);
    expect(hits.map((h) => h.category)).to.include.members(['app-install', 'photo-proof', 'engagement-quota']);
    for (let i = 1; i < hits.length; i++) expect(hits[i].index).to.be.at.least(hits[i - 1].index);
    const photo = hits.find((h) => h.category === 'photo-proof')!;
    expect(photo.words).to.include('照片');
    expect(photo.words.some((w) => /上传|留存备查/.test(w))).to.equal(true);
  });

  it('reads full-width letters and keeps indexes into the original text', () => {
    const text = '请居民下载国家反诈中心ＡＰＰ，覆盖率达到１００％。';
    const hits = findFormalism(p, text);
    expect(hits.length).to.be.greaterThan(0);
    for (const h of hits) expect(text.slice(h.index, h.index + h.match.length)).to.equal(h.match);
  });

  it('a negation clears only its own clause', () => {
    expect(categoriesOf('无需截图，但请上传走访照片留存备查。')).to.deep.equal(['photo-proof']);
  });

  describe('loadFormalismPatterns', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-formalism-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const write = (text: string) => {
      const f = path.join(dir, 'formalism.yaml');
      fs.writeFileSync(f, text);
      return f;
    };

    it('names the category with a broken regex', () => {
      const f = write([
        'categories:',
        '  - { id: a, label: 截图留痕, explanation: 说明。, patterns: [截图] }',
        "  - { id: b, label: 打卡签到, explanation: 说明。, patterns: [{ re: '打卡(' }] }",
      ].join('\n'));
      expect(() => loadFormalismPatterns(f)).to.throw(/第 2 类（打卡签到）的正则「打卡\(」写错了/);
    });

    it('names the category missing its explanation, and rejects duplicate ids', () => {
      const missing = write('categories:\n  - { id: a, label: 截图留痕, patterns: [截图] }\n');
      expect(() => loadFormalismPatterns(missing)).to.throw(/第 1 类（截图留痕）有误：explanation/);
      const dup = write([
        'categories:',
        '  - { id: a, label: 截图留痕, explanation: 说明。, patterns: [截图] }',
        '  - { id: a, label: 打卡签到, explanation: 说明。, patterns: [打卡] }',
      ].join('\n'));
      expect(() => loadFormalismPatterns(dup)).to.throw(/第 2 类（打卡签到）有误：类别编号 a 重复/);
    });

    it('treats plain words literally and expands {N} in regexes', () => {
      const f = write([
        'categories:',
        "  - { id: q, label: 数量, explanation: 说明。, patterns: ['1+1', { re: '转发{N}次' }] }",
      ].join('\n'));
      const q = loadFormalismPatterns(f);
      expect(findFormalism(q, '11 和 1+1').map((h) => h.match)).to.deep.equal(['1+1']);
      expect(findFormalism(q, '请转发两次').map((h) => h.match)).to.deep.equal(['转发两次']);
    });
  });
});
