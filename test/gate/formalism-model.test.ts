import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findFormalism, FormalismPatternsError, loadFormalismPatterns, traceFormalism, writeTrainedFormalismModel } from '../../src/gate/formalism';
import { features, MODEL_OPTIONS, readNotice, trainModel } from '../../src/gate/formalism-model';

const SHIPPED = path.join(__dirname, '../../config/formalism.yaml');
const EXAMPLES = path.join(__dirname, '../../config/formalism-examples.jsonl');
const HELD_OUT = path.join(__dirname, 'fixtures/formalism-unseen-5.jsonl');

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { text: string; formalism: boolean });

/** A small category file and examples, so each behaviour of the classifier can be seen on its own. */
const CATEGORY = [
  'categories:',
  "  - { id: photo, label: 拍照留痕, explanation: 以照片证明工作做过。, patterns: [照片], requires: [[备查, 上传]] }",
];
// Photos "for the district to look at" are proof; photos of broken things go to whoever repairs them.
const PROOF = ['走访照片整理好，区里来人要看', '慰问照片整理好，下周领导要看', '宣讲照片整理成册，上级来人翻看', '活动照片整理好，考评组来了要看', '巡查照片按月整理好，检查组要看', '入户照片整理好，督查组来了要翻'];
const REPAIR = ['破损路灯照片发给供电所维修', '坏掉的井盖照片发市政所更换', '漏水管道照片发物业维修', '倒伏树木照片发园林站清运', '损坏围栏照片发城管维修', '堵塞下水道照片发物业疏通'];

describe('gate: formalism classifier (样例分类器)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-formalism-model-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const setUp = (model: string[], examples: { text: string; formalism: boolean }[] | string) => {
    fs.writeFileSync(path.join(dir, 'examples.jsonl'), typeof examples === 'string' ? examples : examples.map((e) => JSON.stringify(e)).join('\n'));
    const f = path.join(dir, 'formalism.yaml');
    fs.writeFileSync(f, [...CATEGORY, ...model].join('\n'));
    return f;
  };
  const teach = (extra: { text: string; formalism: boolean }[] = []) => [
    ...PROOF.map((t) => ({ text: `请各社区把${t}。`, formalism: true })),
    ...REPAIR.map((t) => ({ text: `请各社区把${t}。`, formalism: false })),
    ...extra,
  ];

  it('adds a demand where a trigger stood without context, naming the trigger, the words that weighed and its confidence', () => {
    const p = loadFormalismPatterns(setUp(['model: { examples: examples.jsonl, flag: 0.5, veto: 0.05 }'], teach()));
    const text = '请各社区把敲门行动的照片整理好，区里来人要看。';
    expect(findFormalism({ categories: p.categories }, text)).to.deep.equal([]);
    const [hit] = findFormalism(p, text);
    expect(hit.by).to.equal('model');
    expect(hit.category).to.equal('photo');
    expect(hit.match).to.equal('照片');
    expect(text.slice(hit.index, hit.index + hit.match.length)).to.equal('照片');
    expect(hit.words[0]).to.equal('照片');
    expect(hit.words.length).to.be.greaterThan(1);
    for (const w of hit.words) expect(text).to.include(w);
    expect(hit.words.slice(1).some((w) => /整理|区里|要看|来人/.test(w))).to.equal(true);
    expect(hit.explanation).to.match(/^以照片证明工作做过；按样例判断，依据“照片、.+”，把握 \d+%。$/);
  });

  it('leaves alone what reads like the clean examples, and never flags a notice without a trigger', () => {
    const p = loadFormalismPatterns(setUp(['model: { examples: examples.jsonl }'], teach()));
    expect(findFormalism(p, '请各社区把坏掉的路灯照片发给供电所。')).to.deep.equal([]);
    expect(findFormalism(p, '请各社区把走访记录整理好，区里来人要看。')).to.deep.equal([]);
  });

  it('does not hold a rule demand the model reads as clean (veto), and keeps it without a classifier', () => {
    const examples = teach(REPAIR.map((t) => ({ text: `请把${t}，上传维修群。`, formalism: false })));
    const text = '请把坏掉的路灯照片上传维修群，供电所维修。';
    const p = loadFormalismPatterns(setUp(['model: { examples: examples.jsonl, flag: 0.9, veto: 0.45 }'], examples));
    expect(readNotice(p.classifier!.model, text, traceFormalism(p, text)).p).to.be.below(0.45);
    expect(findFormalism({ categories: p.categories }, text).map((h) => h.by)).to.deep.equal(['rules']);
    expect(findFormalism(p, text)).to.deep.equal([]);
  });

  it('trains the same model from the same examples', () => {
    const ex = teach().map((e) => ({ vector: features(e.text, [], MODEL_OPTIONS.features), label: e.formalism }));
    const a = trainModel(ex);
    const b = trainModel(ex);
    expect(a.bias).to.equal(b.bias);
    expect([...a.weights]).to.deep.equal([...b.weights]);
  });

  it('refuses a missing or malformed examples file with a Chinese reason', () => {
    expect(() => loadFormalismPatterns(setUp(['model: { examples: none.jsonl }'], teach()))).to.throw(FormalismPatternsError, /形式主义样例 .*none\.jsonl 无法读取/);
    expect(() => loadFormalismPatterns(setUp(['model: { examples: examples.jsonl }'], '{"text":"照片","formalism":true}\nnot json\n'))).to.throw(/样例第 2 行不是 JSON/);
    expect(() => loadFormalismPatterns(setUp(['model: { examples: examples.jsonl }'], '{"text":"照片"}\n'))).to.throw(/样例第 1 行须有 text 和 formalism/);
    expect(() => loadFormalismPatterns(setUp(['model: { examples: examples.jsonl }'], teach().filter((e) => e.formalism)))).to.throw(/须既有形式主义通知也有正常通知/);
    expect(() => loadFormalismPatterns(setUp(['model: { examples: examples.jsonl, flag: 0.3, veto: 0.4 }'], teach()))).to.throw(/veto 须小于 flag/);
  });

  it('reads the trained file when it matches the examples and patterns, and trains at load when it does not', () => {
    const f = setUp(['model: { examples: examples.jsonl, trained: model.json }'], teach());
    expect(loadFormalismPatterns(f).classifier?.source).to.equal('trained');
    const written = writeTrainedFormalismModel(f);
    expect(written.path).to.equal(path.join(dir, 'model.json'));
    const fromFile = loadFormalismPatterns(f).classifier!;
    expect(fromFile.source).to.equal('file');
    const text = '请各社区把敲门行动的照片整理好，区里来人要看。';
    expect(findFormalism(loadFormalismPatterns(f), text)).to.deep.equal(findFormalism(loadFormalismPatterns(setUp(['model: { examples: examples.jsonl }'], teach())), text));
    // One more example: the stored model no longer fits and is not used.
    setUp(['model: { examples: examples.jsonl, trained: model.json }'], teach([{ text: '请把活动照片留存备查。', formalism: true }]));
    expect(loadFormalismPatterns(f).classifier?.source).to.equal('trained');
    expect(() => writeTrainedFormalismModel(setUp(['model: { examples: examples.jsonl }'], teach()))).to.throw(/未配置 model\.trained/);
  });

  it('ships a trained file that is current, so start-up does not train', () => {
    expect(loadFormalismPatterns(SHIPPED).classifier?.source).to.equal('file');
  });

  it('ships a classifier whose examples never include the held-out notices the benchmark measures', () => {
    const p = loadFormalismPatterns(SHIPPED);
    expect(p.classifier?.examples).to.equal(lines(EXAMPLES).length);
    const examples = new Set(lines(EXAMPLES).map((e) => e.text.trim()));
    const held = lines(HELD_OUT);
    expect(held.length).to.be.at.least(50);
    expect(held.filter((h) => examples.has(h.text.trim())).map((h) => h.text)).to.deep.equal([]);
  });
});
