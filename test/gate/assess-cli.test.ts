import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';

describe('jianfu assess --jsonl', () => {
  const root = path.resolve(__dirname, '../..');
  const run = (args: string[]) => execFileSync(process.execPath, ['scripts/jianfu.js', 'assess', ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe' });

  it('prints one line per notice with what /评估 finds, reporting bad lines and going on', () => {
    const rows = run(['--jsonl', 'test/gate/fixtures/assess-cli.jsonl']).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).to.have.length(6);
    expect(rows[0]).to.deep.equal({
      id: 'ok', deadline: '2026-11-27T17:30:00+08:00', formalism: [], basis: { item: 'X11', score: rows[0].basis.score }, verdict: 'sent', findings: [],
    });
    expect(rows[0].basis.score).to.be.above(0.3);
    expect(rows[1].formalism).to.deep.equal([{ category: 'photo-proof', match: '照片' }]);
    expect(rows[1].verdict).to.equal('held');
    expect(rows[1].findings).to.deep.equal(['formalism']);
    expect(rows[2].basis).to.deep.equal({ item: 'X05', score: 0 });
    expect(rows[2].verdict).to.equal('pending_approval');
    expect(rows[2].findings).to.deep.equal(['admission']);
    expect(rows[3].deadline).to.equal('2026-11-24T17:00:00+08:00');
    expect(rows[3].findings).to.include('quiet_time');
    expect(rows[4]).to.deep.equal({ id: null, error: '不是有效的 JSON' });
    expect(rows[5]).to.deep.equal({ id: 'noref', error: '缺少 ref' });
  });

  it('prints a Chinese usage line and exits 2 on wrong usage or a missing file', () => {
    for (const args of [[], ['--jsonl'], ['--jsonl', 'test/gate/fixtures/missing.jsonl']]) {
      let status = 0;
      try {
        run(args);
      } catch (err) {
        status = (err as { status: number }).status;
      }
      expect(status, args.join(' ')).to.equal(2);
    }
  });
});
