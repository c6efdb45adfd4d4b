import { expect } from 'chai';
import type { Logger as OrmLogger } from 'typeorm';
import { NoticeDelivery, OutboxMessage } from '../../entities';
import { insertRow } from '../../src/db-dialect';
import { updateJoined } from '../../src/db-statements';
import { onMysql } from '../helpers/db';
import { Harness } from '../helpers/harness';

describe('scale: a delivery card and its delivery are marked sent together', function () {
  this.timeout(60_000);
  let h: Harness;
  afterEach(async () => h?.stop());

  it('in one statement on MariaDB, leaving alone a row another instance holds and its delivery', async function () {
    h = await Harness.start();
    if (!onMysql(h.url)) this.skip();
    const em = h.app.ds.manager;
    const now = h.clock.now();
    const ids: number[] = [];
    for (const [i, claimedBy] of ['mine', 'mine', 'theirs'].entries()) {
      const id = await insertRow(em, OutboxMessage, {
        platform: 'sandbox', botId: 'sandbox', chatId: `g${i}`, chatType: 'group', body: { kind: 'text', text: '卡片' }, inReplyTo: null,
        dedupeKey: `deliver:test:${i}`, status: 'pending', attempts: 0, partsSent: 0, notBefore: now, lastError: '', claimedBy, createdAt: now, sentAt: null,
      });
      ids.push(id);
      await insertRow(em, NoticeDelivery, { noticeId: 900, groupId: i + 1, communityId: null, status: 'queued', outboxId: id, deliverAt: now, sentAt: null, lastReminder: '' });
    }
    const at = new Date(now.getTime() + 1000);
    await updateJoined(em, OutboxMessage, ids, { claimedBy: 'mine' }, { partsSent: 1, status: 'sent', sentAt: at, lastError: '' },
      [{ entity: NoticeDelivery, column: 'outboxId', values: { status: 'sent', sentAt: at } }]);
    const rows = await em.find(OutboxMessage, { where: ids.map((id) => ({ id })), order: { id: 'ASC' } });
    expect(rows.map((r) => [r.status, r.partsSent])).to.deep.equal([['sent', 1], ['sent', 1], ['pending', 0]]);
    const deliveries = await em.find(NoticeDelivery, { where: { noticeId: 900 }, order: { groupId: 'ASC' } });
    expect(deliveries.map((d) => d.status)).to.deep.equal(['sent', 'sent', 'queued']);
    expect(deliveries[0].sentAt!.getTime()).to.equal(at.getTime());
  });

  it('so a notice\'s cards reach their groups with their deliveries marked sent, without a transaction per mark on MariaDB', async () => {
    h = await Harness.start();
    const basis = h.app.desk.env.admission.items.find((i) => /困难|救助/.test(i.name + i.keywords.join()))!.id;
    const seen: string[] = [];
    const orm = h.app.ds.logger;
    h.app.ds.logger = Object.assign(Object.create(orm) as OrmLogger, { logQuery: (q: string) => seen.push(q) });
    const r = await h.say('zhaogang', 'g-staff', `/通知 全部社区 请于12月4日前报送辖区困难群众名单 依据:${basis}`);
    expect(r[0]).to.contain('第1号通知：已发送');
    for (const g of ['g-renmin', 'g-heping', 'g-donghu']) expect(h.botMessages(g), g).to.have.length(1);
    const deliveries = await h.app.ds.manager.find(NoticeDelivery, { where: { noticeId: 1 } });
    expect(deliveries.map((d) => d.status)).to.deep.equal(['sent', 'sent', 'sent']);
    expect(deliveries.every((d) => d.sentAt !== null)).to.equal(true);
    const separate = seen.filter((q) => /^\s*UPDATE [`"]notice_delivery[`"]/i.test(q));
    const joined = seen.filter((q) => /^\s*UPDATE [`"]outbox_message[`"] t LEFT JOIN [`"]notice_delivery[`"]/i.test(q));
    if (onMysql(h.url)) {
      expect(separate).to.deep.equal([]);
      expect(joined.length).to.be.greaterThan(0);
    } else {
      expect(joined).to.deep.equal([]);
      expect(separate.length).to.be.greaterThan(0);
    }
  });
});
