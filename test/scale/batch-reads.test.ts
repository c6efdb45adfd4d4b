import { expect } from 'chai';
import type { Logger as OrmLogger } from 'typeorm';
import type { IncomingMessage } from '../../bots/types';
import { InboundMessage } from '../../entities';
import { insertRow } from '../../src/db-dialect';
import { Harness } from '../helpers/harness';

/** Counts SELECTs that read one table, as TypeORM sends them. */
function countReads(h: Harness, table: string): { n: number } {
  const seen = { n: 0 };
  const orm = h.app.ds.logger;
  const from = new RegExp(`^\\s*SELECT[\\s\\S]*FROM [\`"]${table}[\`"]`, 'i');
  h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, {
    logQuery: (q: string) => {
      if (from.test(q)) seen.n++;
    },
  });
  return seen;
}

const NOTICE_A = '/通知 全部社区 请于12月4日前报送辖区困难群众名单 依据:X01';
const NOTICE_B = '/通知 全部社区 12月5日上午社区开展消防演练，请提前告知居民 依据:X08';

describe('scale: the messages of one batch share their directory reads', function () {
  this.timeout(60_000);
  let h: Harness;
  /** People's names as the platform sends them (a different name would rename the member, a write). */
  let names: Map<string, string>;
  afterEach(async () => h?.stop());

  async function start(): Promise<void> {
    h = await Harness.start();
    names = new Map((await h.app.people()).map((p) => [p.userId, p.name]));
  }

  /**
   * Stored as the inbox stores them, then processed as the inbox would under load: the first message
   * alone, the rest together in one batch, in order. Called directly, so the batch is exactly that
   * (posted through the sandbox, how they fall into batches depends on the machine's speed).
   */
  async function inOneBatch(chatId: string, texts: [string, string][]): Promise<void> {
    const ids: number[] = [];
    for (const [i, [userId, text]] of texts.entries()) {
      const payload: IncomingMessage = {
        platform: 'sandbox', botId: 'sandbox', messageId: `${chatId}-${texts.length}-${i}`, chatId, chatType: 'group',
        senderId: userId, senderName: names.get(userId) ?? userId, text, mentioned: true, attachments: [], sentAt: h.clock.now().toISOString(),
      };
      ids.push(await insertRow(h.app.ds.manager, InboundMessage, {
        platform: payload.platform, botId: payload.botId, messageId: payload.messageId, chatId, chatType: 'group', senderId: userId,
        senderName: payload.senderName, text, payload: payload as object, status: 'received', attempts: 0, error: '', receivedAt: h.clock.now(), processedAt: null,
      }));
    }
    expect(await h.app.dispatcher.processBatch([{ id: ids[0] }])).to.deep.equal(['done']);
    expect(await h.app.dispatcher.processBatch(ids.slice(1).map((id) => ({ id })))).to.deep.equal(ids.slice(1).map(() => 'done'));
    await h.app.settle();
  }

  it('reads the community list once for two notices to 全部社区 in one batch', async () => {
    await start();
    const seen = countReads(h, 'community');
    await inOneBatch('g-staff', [['zhaogang', '/帮助'], ['zhaogang', NOTICE_A], ['zhaogang', NOTICE_B]]);
    for (const g of ['g-renmin', 'g-heping', 'g-donghu']) expect(h.botMessages(g), g).to.have.length(2);
    expect(seen.n).to.equal(1);
  });

  it('reads the senders of a busy chat once, and again after a command that may change them', async () => {
    await start();
    await h.say('zhangmin', 'g-renmin', '/帮助');
    const seen = countReads(h, 'member');
    await inOneBatch('g-renmin', [['zhangmin', '/帮助'], ['zhangmin', '/我是谁'], ['liuyang', '/帮助'], ['zhangmin', '/我是谁'], ['liuyang', '/我是谁']]);
    // The first message runs alone, the other four in one batch: one read for each.
    expect(seen.n).to.equal(2);
    const said = h.botMessages('g-renmin');
    expect(said.filter((t) => t.startsWith('张敏（zhangmin）'))).to.have.length(2);
    expect(said.filter((t) => t.startsWith('刘洋（liuyang）'))).to.have.length(1);

    // 张敏 made an admin by an admin in the same batch: her next /我是谁 says so.
    seen.n = 0;
    await inOneBatch('g-renmin', [['zhangmin', '/帮助'], ['admin', '/角色 张敏 管理员'], ['zhangmin', '/我是谁']]);
    expect(h.botMessages('g-renmin').at(-1)).to.include('管理员');
    expect(seen.n).to.be.greaterThan(2);
  });

  it('reads other instances\' new data requests once per batch, and still finds a repeat of one made earlier in the batch', async () => {
    await start();
    const basis = h.app.desk.env.admission.items.find((i) => /老年|养老|老人/.test(i.name + i.keywords.join()))!.id;
    const seen = { n: 0 };
    const orm = h.app.ds.logger;
    h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, {
      logQuery: (q: string) => {
        if (/FROM [`"]ledger_request[`"] WHERE [`"]id[`"] > /i.test(q)) seen.n++;
      },
    });
    await inOneBatch('g-work', [
      ['lixia', '/帮助'],
      ['lixia', `/通知 人民社区 请上报辖区80岁以上老人名单：姓名、住址、联系电话 截止:11月27日17:30 依据:${basis}`],
      ['zhaogang', `/通知 人民社区 请统计辖区百岁老人：姓名、住址 截止:11月27日17:30 依据:${basis}`],
    ]);
    const said = h.botMessages('g-work');
    expect(said.find((t) => t.startsWith('第2号通知')), said.join('\n')).to.contain('第1号（民政科，11月23日）正在向社区采集同样的数据');
    expect(seen.n).to.equal(1);
  });

  it('reads the whistle router\'s state once for a batch of reports, and afresh after /职责 changes a duty', async () => {
    await start();
    await h.say('zhangmin', 'g-renmin', '/吹哨 人民路12号楼道堆满杂物，堵住了消防通道');
    const seen = { n: 0 };
    const orm = h.app.ds.logger;
    h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, {
      logQuery: (q: string) => {
        if (/^\s*SELECT 'w' AS k/.test(q)) seen.n++;
      },
    });
    await inOneBatch('g-renmin', [['zhangmin', '/帮助'], ['zhangmin', '/吹哨 和平路3号路灯不亮，晚上很黑'], ['zhangmin', '/吹哨 人民路8号窨井盖破损，有人踩空']]);
    expect(seen.n).to.equal(1);
    seen.n = 0;
    await inOneBatch('g-renmin', [
      ['zhangmin', '/帮助'], ['zhangmin', '/吹哨 和平路5号路灯不亮'], ['admin', '/职责 关键词 消防救援站 马蜂窝、蜂窝、摘除'],
      ['zhangmin', '/吹哨 和平社区3栋屋檐下有个大蜂窝'],
    ]);
    // Routed by the duty added a moment before in the same batch.
    expect(h.botMessages('g-renmin').at(-1)).to.contain('分派给消防救援站').and.to.contain('「蜂窝」');
    expect(seen.n).to.equal(2);
  });

  it('reads afresh after a command that binds a group: the next notice reaches the new group', async () => {
    await start();
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
