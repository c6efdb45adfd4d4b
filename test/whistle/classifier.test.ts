import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LinearModel } from '../../src/whistle/classifier/linear-model';

const ROOT = path.resolve(__dirname, '../..');
const TOPICS = path.join(__dirname, 'fixtures/topics.jsonl');
const rows = fs.readFileSync(TOPICS, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string; label: string });

function jianfu(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/jianfu.js'), ...args], { cwd: os.tmpdir(), input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('whistle: the linear classifier', () => {
  it('learns topics from a few examples and ranks unseen wording correctly', () => {
    const m = LinearModel.train(rows);
    expect(m.labels).to.deep.equal(['劳动', '教育', '环境']);
    expect(m.predict('厂里两个月没发工资了').label).to.equal('劳动');
    expect(m.predict('初中学校老师乱收补课费').label).to.equal('教育');
    expect(m.predict('附近工厂偷偷排放污水').label).to.equal('环境');
    const p = m.predict('公司欠薪');
    expect(p.ranked.map((r) => r.p).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-9);
    expect(p.confidence).to.equal(p.ranked[0].p);
  });

  it('round-trips through JSON with the same predictions, and refuses a file that is not a model', () => {
    const m = LinearModel.train(rows);
    const back = LinearModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    for (const t of ['工资拖欠', '学校收费', '河水变黑', '完全无关的一句话']) {
      expect(back.predict(t).label).to.equal(m.predict(t).label);
      expect(back.predict(t).confidence).to.be.closeTo(m.predict(t).confidence, 1e-3);
    }
    expect(() => LinearModel.fromJSON({ format: 'other' })).to.throw('不是 jianfu 的分类模型文件');
    const broken = m.toJSON();
    broken.weights[0] = broken.weights[0].slice(1);
    expect(() => LinearModel.fromJSON(broken)).to.throw('维度不一致');
  });

  it('jianfu route train and predict work from any directory and print {id, label, confidence} per line', function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-route-'));
    try {
      const model = path.join(dir, 'model.json');
      const train = jianfu(['route', 'train', '--jsonl', TOPICS, '--out', model]);
      expect(train.code).to.equal(0);
      expect(train.stderr).to.contain('已训练 18 条');
      const input = ['{"id":"a","text":"单位拖欠工资"}', '{"id":"b","title":"关于学校","text":"老师补课收费"}', 'not json', '{"id":"c"}'].join('\n');
      const out = jianfu(['route', 'predict', '--model', model, '--jsonl', '-'], input);
      expect(out.code).to.equal(0);
      const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => Object.keys(l))).to.deep.equal([['id', 'label', 'confidence'], ['id', 'label', 'confidence'], ['id', 'error'], ['id', 'error']]);
      expect(lines[0]).to.include({ id: 'a', label: '劳动' });
      expect(lines[1]).to.include({ id: 'b', label: '教育' });
      expect(lines[0].confidence).to.be.within(0, 1);
      expect(lines[2]).to.deep.equal({ id: null, error: '不是有效的 JSON' });
      expect(jianfu(['route', 'predict', '--model', path.join(dir, 'missing.json'), '--jsonl', TOPICS]).stderr).to.contain('无法读取模型');
      expect(jianfu(['route', 'train', '--jsonl', path.join(dir, 'nope.jsonl'), '--out', model]).stderr).to.contain('找不到文件');
      expect(jianfu(['route']).code).to.equal(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
