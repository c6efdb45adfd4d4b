import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placePattern, Router, urgentRule, withoutPlaces } from '../../src/whistle/routing';
import { loadDepartmentsFile } from '../../src/whistle/settings';

const ROOT = path.resolve(__dirname, '../..');
const file = loadDepartmentsFile(path.join(ROOT, 'config/departments.yaml'));

/**
 * Per department, reports that name a place belonging to some other department (学校, 医院, 菜市场, 河边…)
 * beside the problem: the problem decides. Written for this test, not taken from the training corpus or the
 * held-out batches.
 */
const TABLE: Record<string, string[]> = {
  消防救援站: ['幼儿园隔壁的小旅馆楼梯口堆满了床垫', '菜市场里那栋楼的安全出口门被焊死了'],
  城管执法中队: ['医院后门有人摆地摊卖旧衣服', '河边那户人家在堤上私自盖了间砖房'],
  市场监管所: ['学校对面的面包店卖发霉的蛋糕', '医院旁边的眼镜店配的眼镜度数不对还不给退'],
  派出所: ['菜市场门口有人抢了老太太的金耳环', '学校附近有个男的天天尾随女学生'],
  住建房管科: ['医院宿舍楼的楼板塌下来一块', '菜市场旁边的老房子墙往外鼓，看着要倒'],
  环卫所: ['学校门口的垃圾箱破了，垃圾撒了一地', '医院旁边的公厕堵了，粪水流到路上'],
  卫健办: ['菜市场旁边有个黑诊所在给人挂水', '学校附近好几户人家孩子得了手足口病'],
  民政科: ['菜市场门口每天有个残疾人睡在地上，没有住处', '医院附近有户人家父母都没了，两个孩子没人照管'],
  人社所: ['医院食堂的厨师半年没发工资', '学校装修队的工人干完活拿不到钱'],
  教育办: ['小区里有人办了个没证的英语辅导班', '孩子在学校午饭总是吃不饱，老师还不让添饭'],
  交警中队: ['医院门口的斑马线上车不让人', '菜市场路口大货车天天闯红灯'],
  市政设施所: ['医院门口的雨水篦子丢了，一个大窟窿', '学校旁边那条路的路灯杆歪了，灯也不亮'],
  生态环境所: ['学校后面的化工厂晚上偷偷往沟里排废水', '医院对面的小厂烟囱冒黑烟'],
  水务所: ['学校旁边的自来水管爆了，水冲到马路上', '医院那一片今天一早就停水了'],
  供电所: ['学校门口的配电箱冒火花', '菜市场这一片一到晚上就停电'],
  燃气公司: ['医院食堂附近闻到很重的煤气味', '学校旁边饭店的燃气管道锈穿了'],
  应急管理办: ['医院后面的仓库存着好多桶稀料和汽油', '学校后面的山坡下雨后开始往下滑'],
  司法所: ['菜市场两个摊主为了摊位界线天天吵', '医院门口两家店为了门前停车吵得不可开交'],
  园林绿化所: ['学校门口的行道树被大风吹歪了快倒', '医院里的古树生了虫，叶子都黄了'],
};

const rows = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l) as { id: string; text: string; department: string; second?: string; urgent?: boolean });

describe('whistle: routing reads the problem, not the place', () => {
  const router = new Router(file.departments, [], file);

  it('blanks place phrases (学校门口, 医院旁边的, 菜市场里, 那家手机店门口) and keeps places that are the subject', () => {
    const p = placePattern(file.places);
    expect(withoutPlaces('学校门口的井盖丢了', p)).to.equal(' 井盖丢了');
    expect(withoutPlaces('医院旁边的小饭馆油烟很大', p)).to.equal(' 小饭馆油烟很大');
    expect(withoutPlaces('菜市场里有人偷手机', p)).to.not.include('菜市场');
    expect(withoutPlaces('路口那家手机店门口放音响', p)).to.not.include('手机店');
    expect(withoutPlaces('幼儿园老师打孩子', p)).to.include('幼儿园');
    expect(withoutPlaces('学校门口', p)).to.include('学校');
    expect(withoutPlaces('学校门口的井盖丢了', null)).to.include('学校');
  });

  for (const [department, texts] of Object.entries(TABLE)) {
    it(`${department}: among the top three, whatever place is named`, () => {
      for (const text of texts) expect(router.route(text).top3.map((c) => c.department), text).to.include(department);
    });
  }

  it('ranks the table\'s department first for at least 90% of its reports', () => {
    const cases = Object.entries(TABLE).flatMap(([department, texts]) => texts.map((text) => ({ department, text })));
    const wrong = cases.filter((c) => router.route(c.text).department !== c.department);
    expect(wrong.length / cases.length, wrong.map((w) => w.text).join('；')).to.be.at.most(0.1);
  });

  it('covers every configured department', () => {
    expect(Object.keys(TABLE).sort()).to.deep.equal(file.departments.map((d) => d.name).sort());
  });

  it('puts the right department (or a defensible second) first for at least 90% of the held-out batches, and marks their urgent ones', () => {
    for (const name of ['reports-unseen-2.jsonl', 'reports-unseen-3.jsonl']) {
      const cases = rows(name);
      const routed = cases.map((c) => ({ c, r: router.route(c.text) }));
      const wrong = routed.filter(({ c, r }) => r.department !== c.department && r.department !== c.second);
      expect(wrong.length / cases.length, `${name}: ${wrong.map(({ c }) => c.id).join(',')}`).to.be.at.most(0.1);
      for (const { c, r } of routed.filter(({ c }) => c.urgent)) expect(r.urgent, c.text).to.not.equal(null);
    }
  });

  it('marks urgent: gas smells, live or hanging wires, missing elderly people, someone in the water', () => {
    const urgent: Record<string, string> = {
      '一进单元门就是一股臭鸡蛋味': '燃气泄漏',
      '电线杆上有根线耷拉下来，快碰到人了': '带电线路',
      '下雨后路灯杆旁边的地面摸着麻手': '带电线路',
      '隔壁的阿婆一早出门，到现在联系不上': '人员走失',
      '楼下的老爷子说去公园，天黑了还没回来': '人员走失',
      '河边有人落水了': '人身危险',
    };
    for (const [text, label] of Object.entries(urgent)) expect(urgentRule(text, file.urgent)?.label, text).to.equal(label);
    for (const text of ['电线杆上贴满了小广告', '阿婆想申请高龄津贴', '河边的垃圾没人清']) expect(urgentRule(text, file.urgent), text).to.equal(null);
  });

  it('trains on the per-department corpus, ignoring departments no longer configured', () => {
    expect(file.examples.length).to.be.greaterThanOrEqual(file.departments.length * 20);
    for (const d of file.departments) expect(file.examples.filter((e) => e.department === d.name).length, d.name).to.be.greaterThanOrEqual(20);
    const kept = file.departments.filter((d) => d.name !== '燃气公司');
    const without = new Router(kept, [], file);
    const r = without.route('楼道里闻到很浓的燃气味');
    expect(r.department).to.not.equal('燃气公司');
    expect(r.top3.map((c) => c.department)).to.not.include('燃气公司');
  });

  it('refuses a training file that is not a mapping of departments to sentences, with a short message', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-training-'));
    try {
      fs.writeFileSync(path.join(dir, 'departments.yaml'), 'training: t.yaml\ndepartments:\n  - name: 甲\n');
      fs.writeFileSync(path.join(dir, 't.yaml'), 'examples:\n  甲: 不是列表\n');
      expect(() => loadDepartmentsFile(path.join(dir, 'departments.yaml'))).to.throw(/t\.yaml 有误/);
      fs.writeFileSync(path.join(dir, 't.yaml'), 'examples:\n  甲: [井盖丢了]\n  乙: [路灯不亮]\n');
      expect(loadDepartmentsFile(path.join(dir, 'departments.yaml')).examples).to.deep.equal([
        { text: '井盖丢了', department: '甲' }, { text: '路灯不亮', department: '乙' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
