import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { platformEnvSchema } from '../../bots/env';
import { Harness } from '../helpers/harness';

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** Every `/命令` a command-table row of the README promises (each code span that starts with a slash). */
function promisedCommands(markdown: string): string[] {
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `/'));
  const words = rows.flatMap((row) => [...row.matchAll(/`\/([^\s`[\]]+)/g)].map((m) => m[1]));
  return [...new Set(words)];
}

describe('README promises only commands that exist', () => {
  let h: Harness;
  // The demo clock makes /时间 exist, as it does under npm start.
  before(async () => { h = await Harness.start({ demoClock: true }); });
  after(async () => { await h.app.stop(); });

  it('reads the command table', () => {
    const words = promisedCommands(README);
    expect(words).to.include.members(['帮助', '通知', '吹哨']);
    expect(words.length).to.be.greaterThan(20);
  });

  it('has a registered command for every command the README table lists', () => {
    const missing = promisedCommands(README).filter((w) => !h.app.registry.find(w));
    expect(missing, 'README lists commands that are not registered').to.deep.equal([]);
  });

  it('mentions every registered command in the README', () => {
    const names = h.app.registry.all().map((d) => d.name);
    expect(names.length).to.be.greaterThan(20);
    const unmentioned = names.filter((n) => !new RegExp(`/${n}(?![\\p{Script=Han}])`, 'u').test(README));
    expect(unmentioned, 'registered commands the README never mentions').to.deep.equal([]);
  });
});

describe('README documents the environment variables the service reads', () => {
  // Every variable named in a table row's first column.
  const documented = new Set(README.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])));

  it('lists every platform variable that bots/env.ts checks', () => {
    const read = Object.keys(platformEnvSchema.in.shape);
    expect(read).to.include.members(['WECOM_BOT_ID', 'DINGTALK_BOTS']);
    expect(read.filter((v) => !documented.has(v))).to.deep.equal([]);
  });

  it('lists every variable the core (src/) reads', () => {
    const src = path.resolve(__dirname, '../../src');
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const source = files.map((f) => fs.readFileSync(path.join(src, f), 'utf8')).join('\n');
    const read = [...new Set([...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]))];
    expect(read).to.include.members(['PORT', 'DATABASE_URL', 'JIANFU_METRICS_TOKEN']);
    expect(read.filter((v) => !documented.has(v))).to.deep.equal([]);
  });
});
