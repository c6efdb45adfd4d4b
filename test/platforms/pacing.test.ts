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
});
