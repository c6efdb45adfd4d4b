import { expect } from 'chai';
import { AuditLog, RuleSetting } from '../../entities';
import { Harness } from '../helpers/harness';

/** Every command a community worker may not run, tried by one, with and without arguments. */
describe('security: a community worker cannot act as admin or department', function () {
  this.timeout(120_000);
  let h: Harness;
  before(async () => {
    h = await Harness.start();
  });
  after(async () => h.stop());

  it('is refused and logged for each admin and department command, in a group and 1:1', async () => {
    const forbidden = h.app.registry.all().filter((d) => d.roles !== 'any' && !d.roles.includes('community_worker'));
    expect(forbidden.map((d) => d.name)).to.include.members(['规则', '发送队列', '通知']);
    const before = await h.app.ds.manager.count(RuleSetting);
    let tries = 0;
    for (const def of forbidden) {
      const words = [def.name, ...(def.aliases ?? [])];
      for (const word of words) {
        const argsets = ['', ' 全部', ' 设置 admission 0', ` ${(def.args ?? []).map((a) => a.choices?.[0] ?? 'x').join(' ')}`];
        for (const args of argsets) {
          for (const chat of ['g-renmin', 'zhangmin']) {
            const replies = await h.say('zhangmin', chat, `/${word}${args}`);
            expect(replies.join('\n'), `/${word}${args} in ${chat}`).to.match(new RegExp(`^权限不足：/${def.name} 仅限`));
            tries++;
          }
        }
      }
    }
    const denied = await h.app.ds.manager.find(AuditLog, { where: { action: 'denied' } });
    expect(denied).to.have.length(tries);
    expect(new Set(denied.map((d) => d.entityId))).to.deep.equal(new Set(forbidden.map((d) => d.name)));
    expect(denied.every((d) => d.actorName === '张敏')).to.equal(true);
    // Nothing else was written on the worker's behalf.
    expect(await h.app.ds.manager.count(AuditLog, { where: { actorName: '张敏' } })).to.equal(tries);
    expect(await h.app.ds.manager.count(RuleSetting)).to.equal(before);
  });
});
