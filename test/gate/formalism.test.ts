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

  // Whole notices in other words: each makes at least one demand, or none.
  const MORE_DEMANDS: string[] = [
    '请各社区在“平安家园”小程序上组织居民答题，每个社区答题人数不少于200人，下周一通报。',
    '各社区本周开展的所有活动，均需在活动结束两小时内将活动照片和简讯发至宣传群，未按时报送的不计入活动次数。',
    '请网格员每日入户不少于10户，每户须拍摄入户照片并上传网格通，系统按照片数量统计工作量。',
    '今年起社区工作者每月需撰写不少于两篇心得体会，交街道组织科存档备查。',
    '请各社区动员辖区居民下载“i城市”APP，每个社区新增注册用户不少于500人，注册情况每周通报。',
    '请各社区组织党员收看直播，收看后将截图发至党建群，作为组织生活开展的佐证材料。',
    '区委宣传部推出的微视频，请每名社区工作者转发至本人朋友圈并保留3天，街道将抽查。',
    '本月起，网格员每天上午、下午各在网格群发送一次定位，未发送的按脱岗处理。',
    '省里下周来检查，各社区把近两年的居民议事记录全部补齐，没有照片的补拍，务必做到有据可查。',
    '文明城市创建期间，各社区须安排不少于20名志愿者每天在路口值守，并拍摄值守照片报送，街道按照片核算值守人次。',
    '为提高公众号影响力，请各社区工作人员每天转发公众号推文至少一次，月底按转发次数排名。',
    '请各社区组织居民参加区里的知识竞赛网络答题，参与率须达到辖区常住人口的30%。',
    '区里开展“平安保险”推广，每个社区落实投保任务150户，完成情况与年终考核挂钩。',
    '请各社区按照街道下发的模板，为每户低保家庭建立纸质档案，档案须手写，每季度更新一次并装订成册。',
    '各社区须与辖区每一家沿街商铺签订《门前三包责任书》，签订情况于月底前报城管科。',
    '各社区：为做好冬季关爱工作，请于12月10日前完成辖区独居老人走访。走访时请拍摄工作照片。照片统一上传至工作群，作为年终考核依据。',
    '本月“学习强国”学习情况将在全街道通报，请各支部督促党员每天学习，月积分低于300分的党员在支部会上说明原因。',
    '请各社区在本周内组织居民观看反诈宣传片，观看后在问卷星填写观看反馈，每个社区反馈人数不少于100人。',
    '城管科：每个社区每天至少上报3条城市管理问题线索，上报数量纳入月度考核。',
    '请各社区在国庆期间每天在社区公众号发布一条节日祝福推文，阅读量截图于次日上午报送宣传办。',
    '各村：秸秆禁烧期间，村干部每天须在田间巡查，巡查时开启定位并拍照上传“禁烧通”，每日巡查轨迹不少于10公里。',
    '请各社区组织居民参加“文明城市我代言”线上签名活动，每个社区签名人数不少于1000人，活动结束后报送签名截图。',
    '民政办：请各社区为辖区所有80岁以上老人建立“一人一档”，档案须包含照片、走访记录、签字确认单，市里检查时随机抽查。',
    '关于开展“敲门行动”的通知\n各社区：\n一、每名社区工作者每周入户不少于20户。\n二、每户须拍摄带门牌号的入户照片，并由居民在《入户登记表》上签字。\n三、照片和登记表每周五汇总报街道，作为月度考核依据。',
    '关于做好迎接省级文明城市测评工作的通知：请各社区对照测评细则，逐项准备佐证材料，每项材料须有文字、图片、台账三类，缺项的抓紧补齐，12月10日前装订成册报文明办。',
    '组织办：本月起社区“两委”成员每人每月在“党员e家”平台发布工作动态不少于4条，发布情况每月通报。',
    '关于推广“数字社区”小程序的通知：请各社区动员居民注册使用，注册人数与社区评先评优挂钩，每周一报送注册数据。',
    '应急办：防汛期间，各社区值班人员每小时在值班群报一次“平安”，并附现场照片，未按时报告的通报批评。',
    '请各社区组织所有工作人员及家属观看“平安街道”短视频，并在视频下方点赞评论，评论截图于今晚9点前发至本群。',
    '关于征订2027年度《社区》杂志的通知：请各社区按照分配数量征订，每社区不少于10份，征订款由社区经费列支。',
    '统计站：请各社区再次填报辖区企业名录表，已在上月报过的企业也需按新模板重新填写一遍，纸质版盖章后报送。',
  ];
  const MORE_CLEAN: string[] = [
    '请各社区于周五前将辖区适龄儿童疫苗接种情况统计表报送卫健办，表格见附件。',
    '各社区：请组织辖区60岁以上老人参加免费体检，体检当天凭身份证签到，体检结果一周后领取。',
    '请网格员巡查时发现违章搭建及时拍照上报城管中队，中队将于24小时内处置。',
    '社区居民如需办理居住证，请携带身份证原件、租房合同及一寸照片到社区窗口。',
    '请各社区将辖区内危旧房屋照片及位置信息于11月30日前报送住建办，用于制定加固方案。',
    '转发区应急局通知：寒潮来袭，请各社区将防寒提示转发至居民群。',
    '本周六上午9点在街道广场举办义诊活动，请各社区在居民群转发活动海报，欢迎居民参加。',
    '为表彰优秀网格员，街道将在公众号推送先进事迹，欢迎大家为身边的榜样点赞。',
    '街道召开社区书记例会，请参会人员于会前10分钟到场签到。',
    '请各社区提醒居民：接到自称公检法的电话要求转账的，一律是诈骗，可截图保留证据后报警。',
    '区残联将上门为重度残疾人办理评残，请社区提前联系家属，准备好残疾证及近期照片。',
    '各社区：暴雨导致部分楼道进水，请组织物业拍摄受损情况照片，便于后续申请维修资金。',
    '关于开展消防安全检查的通知：请各社区会同物业对高层住宅消防设施进行检查，发现问题当场整改，不需要报送照片。',
    '请各社区协助做好第五次经济普查入户登记工作，普查员持证上岗，登记信息严格保密。',
    '街道不再要求各社区每日报送工作动态，确有重要情况的随时报告即可。',
    '请各社区核实辖区高龄老人名单，有变动的于本月25日前报民政办。',
    '区里组织“最美楼道”评选，由评审组实地打分，不搞网络投票。',
    '请各社区在宣传栏张贴垃圾分类指引，张贴数量根据实际确定。',
    '医保站：居民可扫描二维码自助查询缴费记录，社区无需统计扫码情况。',
    '街道党工委：各社区党组织本月主题党日自主安排，学习形式不限。',
    '请各社区将本社区志愿者服务时长录入志愿汇平台，用于年底星级志愿者评定。',
    '网格员在走访中发现独居老人身体不适的，请立即拨打120并通知家属。',
    '请协助市场监管所对辖区餐饮店开展燃气安全检查，检查结果由市场监管所汇总。',
    '为方便群众办事，社区服务中心周六上午照常办公。',
    '近期多发电动车火灾，请各社区在电梯口张贴严禁电动车上楼提示。',
    '本次培训结束后将进行线上考试，成绩不计入考核，仅供自我检验。',
    '请各社区组织居民代表会议审议小区停车收费方案，会议记录存档。',
    '请各社区于本周内完成辖区出租房屋信息核对，核对结果在系统中更新即可，无需另行报送纸质材料。',
    '区图书馆开展“书香社区”阅读活动，居民可自愿报名参加。',
    '台风过境后，请各社区检查辖区广告牌、树木倒伏情况，发现险情拍照发应急群以便调度抢险力量。',
    '“美丽社区”摄影大赛开始征集，请各社区动员居民报送参赛作品照片，每人限投3幅。',
    '请各社区报送辖区违章建筑照片及地址，街道将统一组织拆除。',
    '请各社区报送拟表彰的优秀志愿者名单及个人照片，用于制作宣传展板。',
    '各社区：请组织居民参加消防演练，演练前由物业在入口处签到登记参演人数，以便安排灭火器材。',
    '为做好冬季救助，请各社区于12月10日前完成困难家庭入户走访，走访情况录入救助系统。',
    '请各社区转发《致居民的一封信》至居民群，提醒居民冬季用火安全。',
    '请各社区对辖区内的电动自行车集中充电桩进行检查，发现故障拍照发给街道平安办，由平安办联系厂家维修。',
    '社区工作者年度考核按照《社区工作者管理办法》执行，不以台账多少论英雄。',
    '本周四下午2点在街道会议室召开垃圾分类推进会，请各社区分管领导参加，会议签到表由会务组负责。',
    '区里开展的线上培训为自愿参加，不统计学习时长。',
    '街道不再要求各社区报送活动照片，活动开展情况以居民满意度为准。',
    '请各社区将辖区内需要维修的路灯拍照并标注位置，报送城建办，以便统一维修。',
    '请各社区于本周五前报送本社区参加“邻里节”活动的居民人数，用于安排场地和物资。',
    '各社区：请于11月底前完成居民公约修订，修订稿经居民会议表决后报街道备案。',
    '请各社区推荐一名居民代表参加区人大代表座谈会。',
    '关于开展冬季安全大检查的通知\n各社区：\n一、检查范围：辖区内沿街商铺、群租房、老旧小区。\n二、检查内容：消防器材配备、电气线路、燃气使用。\n三、工作要求：发现隐患当场告知整改，重大隐患立即报街道应急办。\n请于12月15日前完成。',
    '关于做好2027年度城乡居民医保参保登记的通知\n各社区：请通过宣传栏、居民群等方式宣传参保政策，居民可通过手机自助缴费，社区不设参保任务。',
    '街道团工委：寒假“青少年托管班”开班，请有需求的社区于12月20日前报送场地和人数，街道统一招募大学生志愿者。',
    '关于召开平安建设推进会的通知：定于12月2日上午9点在街道四楼会议室召开，参会人员请提前10分钟签到入场。',
    '各社区：区卫健委将为辖区65岁以上老人免费接种肺炎疫苗，接种时需携带身份证和医保卡，现场拍照建档用于后续随访。',
    '综治中心：请各网格员在巡查中发现的矛盾纠纷，通过网格通APP拍照上报，中心将分派调解员跟进。',
    '民政办：今年高龄津贴认证改为人脸识别线上认证，老人可在家中由子女协助完成，社区不再组织集中认证，也不需要拍照留存。',
    '宣传办：为庆祝新年，街道公众号将推出“我的社区我的家”征文，欢迎居民投稿，优秀作品将给予奖励。',
    '应急办：12月5日上午10点全区防空警报试鸣，请各社区提前告知居民，避免恐慌。',
    '关于调整社区工作者考核办法的通知：取消“痕迹材料”考核项，不再以台账数量、照片数量评价工作。',
  ];

  it('flags every notice that makes a demand, and none of those that do not', () => {
    expect(MORE_DEMANDS.filter((t) => !findFormalism(p, t).length)).to.deep.equal([]);
    expect(MORE_CLEAN.filter((t) => findFormalism(p, t).length)).to.deep.equal([]);
  });

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
