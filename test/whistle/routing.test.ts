import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router, urgentRule } from '../../src/whistle/routing';
import { loadDepartmentsFile } from '../../src/whistle/settings';

const ROOT = path.resolve(__dirname, '../..');
const REPORTS = path.join(__dirname, 'fixtures/reports.jsonl');
const file = loadDepartmentsFile(path.join(ROOT, 'config/departments.yaml'));
const reports = fs.readFileSync(REPORTS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string; department: string });

describe('whistle: routing one-line reports to departments', () => {
  const router = new Router(file.departments, [], file);

  it('configures at least 15 street departments, each with duties, keywords and typical problems', () => {
    expect(file.departments.length).to.be.greaterThanOrEqual(15);
    for (const d of file.departments) {
      expect(d.duties.length, d.name).to.be.greaterThanOrEqual(3);
      expect(d.keywords.length, d.name).to.be.greaterThanOrEqual(10);
      expect(d.problems.length, d.name).to.be.greaterThanOrEqual(8);
    }
  });

  it('has crafted reports for every department, and ranks the right one first for at least 90% and in the top three for all', () => {
    for (const d of file.departments) expect(reports.filter((r) => r.department === d.name).length, d.name).to.be.greaterThanOrEqual(3);
    const wrong = reports.filter((r) => router.route(r.text).department !== r.department);
    expect(wrong.length / reports.length, wrong.map((w) => w.id).join(',')).to.be.at.most(0.1);
    for (const r of reports) expect(router.route(r.text).top3.map((c) => c.department), r.id).to.include(r.department);
  });

  it('marks gas smells, live wires, missing elderly people and fires urgent, and ordinary reports not', () => {
    const urgent = {
      '楼道里闻到燃气味，很呛': '燃气泄漏',
      '家里天然气管子在漏气': '燃气泄漏',
      '路口电线掉下来垂到地上': '带电线路',
      '配电箱电线裸露在外面': '带电线路',
      '84岁的张大爷早上出去散步到中午还没回来，家人找不到': '人员走失',
      '有位患阿尔茨海默病的奶奶走失了': '人员走失',
      '7楼阳台着火了': '火情',
    } as Record<string, string>;
    for (const [text, label] of Object.entries(urgent)) expect(urgentRule(text, file.urgent)?.label, text).to.equal(label);
    for (const text of ['小区垃圾桶满了', '路灯不亮', '燃气费怎么交', '老人想申请高龄津贴', '燃气灶打不着火']) expect(urgentRule(text, file.urgent), text).to.equal(null);
    expect(router.route('84岁的张大爷早上出去散步到中午还没回来，家人找不到').department).to.equal('派出所');
    expect(router.route('楼道里闻到燃气味，很呛').department).to.equal('燃气公司');
  });

  it('learns from corrections in the desk history', () => {
    const text = '小区门口共享单车堆积如山';
    const before = router.route(text).department;
    const target = before === '城管执法中队' ? '交警中队' : '城管执法中队';
    const taught = new Router(file.departments, [
      { text: '共享单车堆积如山没人管', department: target, corrected: true },
      { text: '小区门口共享单车乱停乱放', department: target, corrected: true },
    ], file);
    expect(taught.route(text).department).to.equal(target);
  });

  it('jianfu route desk prints {id, department, confidence, top3, urgent} per line', function () {
    this.timeout(60_000);
    const input = ['{"id":1,"text":"人民路12号沿街店铺烟感报警器损坏，楼上住人"}', '{"id":2,"text":"3栋楼道有很大的煤气味"}', '{"id":3}'].join('\n');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/jianfu.js'), 'route', 'desk', '--jsonl', '-', '--no-db'], { input, encoding: 'utf8', cwd: ROOT });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).to.include({ id: 1, department: '消防救援站', urgent: false });
    expect((lines[0].top3 as { department: string }[]).map((c) => c.department)).to.have.length(3);
    expect(lines[1]).to.include({ id: 2, department: '燃气公司', urgent: true, urgentReason: '燃气泄漏' });
    expect(lines[2]).to.deep.equal({ id: 3, error: '缺少 text' });

    // Without --no-db: the desk's own database (seeded with the configured departments on first use).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-desk-'));
    try {
      const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'desk.db')}` };
      const db = spawnSync(process.execPath, [path.join(ROOT, 'scripts/jianfu.js'), 'route', 'desk', '--jsonl', '-'], { input, encoding: 'utf8', cwd: ROOT, env });
      expect(db.status, db.stderr).to.equal(0);
      expect(JSON.parse(db.stdout.split('\n')[0])).to.include({ id: 1, department: '消防救援站' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
