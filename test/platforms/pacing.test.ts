import { expect } from 'chai';
import { ChatPacer } from '../../bots/wecom/pacing';

describe('WeCom per-conversation pacing (30 a minute, 1,000 an hour)', () => {
  it('holds the 31st send of a minute until the first one is a minute old', () => {
    const p = new ChatPacer();
    const t0 = 1_000_000;
    for (let i = 0; i < 30; i++) {
      expect(p.waitMs('c', t0 + i * 100)).to.equal(0);
      p.record('c', t0 + i * 100);
    }
    expect(p.waitMs('c', t0 + 3000)).to.equal(60_000 - 3000);
    expect(p.waitMs('c', t0 + 60_000)).to.equal(0);
    expect(p.waitMs('other', t0 + 3000)).to.equal(0);
  });

  it('holds the 1,001st send of an hour even when each minute stays under 30', () => {
    const p = new ChatPacer();
    const t0 = 5_000_000;
    // One send every 3 s: 20 a minute, 1,000 in 50 minutes.
    for (let i = 0; i < 1000; i++) {
      expect(p.waitMs('c', t0 + i * 3000)).to.equal(0);
      p.record('c', t0 + i * 3000);
    }
    const now = t0 + 1000 * 3000;
    expect(p.waitMs('c', now)).to.equal(3_600_000 - (now - t0));
    expect(p.waitMs('c', t0 + 3_600_000)).to.equal(0);
  });

  it('sends through the pacer: counts only accepted sends, and answers a full chat with when to retry', async () => {
    const p = new ChatPacer([{ windowMs: 60_000, max: 2 }]);
    const t0 = 9_000_000;
    let calls = 0;
    const ok = async () => { calls++; return { ok: true as const }; };
    const refused = async () => { calls++; return { ok: false as const, retryable: true, error: 'x' }; };
    expect(await p.send('c', t0, refused)).to.deep.include({ ok: false, error: 'x' });
    expect(await p.send('c', t0 + 1, ok)).to.deep.equal({ ok: true });
    expect(await p.send('c', t0 + 2, ok)).to.deep.equal({ ok: true });
    const held = await p.send('c', t0 + 3, ok);
    expect(held).to.deep.include({ ok: false, retryable: true, retryAfterMs: 60_000 - 2 });
    expect(calls, 'a held send never reaches the platform').to.equal(3);
  });
});
