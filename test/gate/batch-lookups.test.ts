import { expect } from 'chai';
import type { Logger as OrmLogger } from 'typeorm';
import { Harness } from '../helpers/harness';

/** Counts SELECTs that read the community table, as TypeORM sends them. */
function countCommunityReads(h: Harness): { n: number } {
  const seen = { n: 0 };
  const orm = h.app.ds.logger;
  h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, {
    logQuery: (q: string) => {
      if (/^\s*SELECT[\s\S]*FROM [`"]community[`"]/i.test(q)) seen.n++;
    },
  });
  return seen;
}

const NOTICE_A = '/通知 全部社区 请于12月4日前报送辖区困难群众名单 依据:X01';
const NOTICE_B = '/通知 全部社区 12月5日上午社区开展消防演练，请提前告知居民 依据:X08';

describe('gate: notices in one batch share their directory reads', function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  /** Posted together in one chat: the first runs alone, the rest wait and then share one batch, in order. */
  async function inOneBatch(chatId: string, texts: [string, string][]): Promise<void> {
    const sandbox = h.app.sandbox!;
    await Promise.all(texts.map(([userId, text], i) => sandbox.post({ userId, userName: userId, chatId, chatType: 'group', text, messageId: `${chatId}-${i}` })));
    await h.app.settle();
  }

  it('reads the community list once for two notices to 全部社区 in one batch', async () => {
    h = await Harness.start();
    const seen = countCommunityReads(h);
    await inOneBatch('g-staff', [['zhaogang', '/帮助'], ['zhaogang', NOTICE_A], ['zhaogang', NOTICE_B]]);
    for (const g of ['g-renmin', 'g-heping', 'g-donghu']) expect(h.botMessages(g), g).to.have.length(2);
    expect(seen.n).to.equal(1);
  });

  it('reads afresh after a command that binds a group: the next notice reaches the new group', async () => {
    h = await Harness.start();
    await inOneBatch('g-new', [['zhaogang', '/帮助'], ['zhaogang', NOTICE_A], ['admin', '/绑定 社区 人民社区'], ['zhaogang', NOTICE_B]]);
    const said = h.botMessages('g-new');
    expect(said.some((t) => t.includes('已将本群绑定为「人民社区」')), said.join('\n')).to.equal(true);
    const cards = h.botMessages('g-renmin');
    expect(cards).to.have.length(2);
    // The new group got notice B's card and, bound only after A went out, not A's.
    const [a, b] = [cards.find((t) => t.includes('困难群众名单'))!, cards.find((t) => t.includes('消防演练'))!];
    expect(said.filter((t) => t === b), said.join('\n')).to.have.length(1);
    expect(said).to.not.include(a);
  });
});
