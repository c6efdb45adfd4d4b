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

  it('ships the six categories with Chinese labels and explanations ending in 。', () => {
    expect(p.categories.map((c) => c.id)).to.deep.equal([
      'photo-proof', 'check-in', 'engagement-quota', 'app-install', 'study-time', 'escalation',
    ]);
    for (const c of p.categories) {
      expect(c.label).to.match(/\p{Script=Han}/u);
      expect(c.explanation).to.match(/。$/);
    }
  });

  describe('flags real demands', () => {
    const hits: [string, string, string][] = [
      ['请网格员入户走访后拍照留痕，照片发到工作群。', 'photo-proof', '拍照留痕'],
      ['请上传入户走访照片。', 'photo-proof', '上传入户走访照片'],
      ['请将完成情况截图发群。', 'photo-proof', '截图发'],
      ['请观看直播后截图上传至工作群。', 'photo-proof', '后截图'],
      ['各社区活动结束后报送现场照片不少于5张。', 'photo-proof', '报送现场照片'],
      ['请于周五前完成签到表统计。', 'check-in', '签到'],
      ['请各社区工作人员每日定位打卡，上下班各一次。', 'check-in', '打卡'],
      ['请在群里共享实时位置。', 'check-in', '共享实时位置'],
      ['请组织居民为我街道参赛作品点赞，每天集赞不少于100个。', 'engagement-quota', '点赞'],
      ['请各社区在评论区留言不少于20条。', 'engagement-quota', '评论区留言不少于20条'],
      ['请各社区将该文章转发朋友圈。', 'engagement-quota', '转发朋友圈'],
      ['请各社区转发三次以上。', 'engagement-quota', '转发三次'],
      ['请各社区组织居民扫码注册“随申办”。', 'app-install', '扫码注册'],
      ['请各社区居民关注“XX发布”公众号。', 'app-install', '关注“XX发布”公众号'],
      ['请督促辖区居民下载安装个税软件。', 'app-install', '下载安装'],
      ['请各社区组织党员学习，每人学习时长不少于2小时。', 'study-time', '学习时长'],
      ['学习强国积分不低于每日30分。', 'study-time', '积分不低于'],
      ['请组织观看专题片不少于45分钟。', 'study-time', '观看专题片不少于45分钟'],
      ['请各社区全员参与。', 'escalation', '全员参与'],
      ['本次宣传知晓率100%。', 'escalation', '知晓率100%'],
      ['请网格员每人每天发布宣传信息5条。', 'escalation', '每人每天发布宣传信息5条'],
    ];
    for (const [text, category, match] of hits) {
      it(`${category}「${match}」in: ${text}`, () => {
        const hit = findFormalism(p, text).find((h) => h.category === category);
        expect(hit, JSON.stringify(findFormalism(p, text))).to.not.equal(undefined);
        expect(hit!.match).to.equal(match);
        expect(text.slice(hit!.index, hit!.index + hit!.match.length)).to.equal(match);
      });
    }
  });

  describe('leaves legitimate wording alone', () => {
    const clean = [
      '请转发上级文件。',
      '请转发至各网格员。',
      '请将本通知转发至各小区居民群，提醒居民注意防汛。',
      '请提供身份证照片，用于高龄津贴申请。',
      '请提供残疾证照片及申请材料照片。',
      '请提供房屋受损现场照片，用于灾害救助申请。',
      '请认真阅读附件，按要求报送。',
      '请各社区于周五前报送低保家庭名单。',
      '请系统报错时截图发给技术人员。',
      '为一线社区工作者点赞。',
      '本周推荐网红打卡地。',
      '请各网格员每人至少走访10户困难家庭。',
      '请每户发放1张宣传单。',
      '请下载附件中的报名表。',
      '严禁要求社区截图上传，不得以打卡考核。',
      '无需截图，报送数据即可。',
    ];
    for (const text of clean) {
      it(`no hit: ${text}`, () => {
        expect(findFormalism(p, text)).to.deep.equal([]);
      });
    }
  });

  it('reports one hit per category, ordered by position, with label and explanation', () => {
    const text = '请各社区组织居民下载某APP并截图上传，每人转发朋友圈不少于3次，全员参与。';
    const hits = findFormalism(p, text);
    expect(hits.map((h) => h.category)).to.deep.equal(['app-install', 'photo-proof', 'engagement-quota', 'escalation']);
    for (let i = 1; i < hits.length; i++) expect(hits[i].index).to.be.at.least(hits[i - 1].index);
    expect(hits[0].label).to.equal('下载注册APP/关注公众号');
    expect(hits[0].explanation.length).to.be.greaterThan(0);
    expect(hits.filter((h) => h.category === 'photo-proof')).to.have.length(1);
  });

  it('reads full-width letters and keeps indexes into the original text', () => {
    const text = '请居民下载国家反诈中心ＡＰＰ，覆盖率１００％。';
    const hits = findFormalism(p, text);
    expect(hits.map((h) => h.match)).to.deep.equal(['下载国家反诈中心ＡＰＰ', '覆盖率１００％']);
    for (const h of hits) expect(text.slice(h.index, h.index + h.match.length)).to.equal(h.match);
  });

  it('a negation clears only its own clause', () => {
    expect(categoriesOf('无需截图，但请上传走访照片。')).to.deep.equal(['photo-proof']);
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
