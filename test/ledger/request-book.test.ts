import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { LedgerRequest } from '../../entities';
import { openDatabase } from '../../src/db';
import { RequestBook } from '../../src/ledger/request-book';
import { defaultVocabulary } from '../../src/ledger/vocabulary-file';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';

/**
 * A recorded data request is in the book's index at once, though on MariaDB its row (and so its
 * id) waits for the transaction's next statement: a repeat asked right after, in the same
 * transaction, is found with the row's real id; a row rolled back is never found.
 */
describe(`ledger: the request book finds a request recorded a moment ago (${onMysql(testDatabaseUrl()) ? 'MariaDB' : 'SQLite'})`, () => {
  const url = testDatabaseUrl();
  let ds: DataSource;
  const now = new Date('2026-11-23T01:15:00Z');
  const vocab = defaultVocabulary();
  const ASKED = '请上报辖区80岁以上老人名单：姓名、住址、联系电话';
  const AGAIN = '请统计辖区80岁以上老人：姓名、住址、联系电话';
  const request = (noticeId: number) => ({ noticeId, departmentId: null, senderId: null, text: ASKED, kind: 'request', communityIds: [], now });

  before(async () => {
    await resetDatabase(url);
    ds = await openDatabase(url);
  });
  after(async () => {
    await ds.destroy();
  });

  it('in the same transaction, before any other statement, with the real id', async () => {
    const book = new RequestBook(vocab, 30);
    const found = await ds.transaction(async (em) => {
      await book.record(em, request(1));
      return book.prior(em, book.analyze(AGAIN, now), now);
    });
    const row = await ds.manager.findOneByOrFail(LedgerRequest, { noticeId: 1 });
    expect(found?.request.id).to.equal(row.id);
    expect(found?.comparison.label).to.not.equal('different');
  });

  it('never once rolled back, and from another transaction once committed', async () => {
    const book = new RequestBook(vocab, 30);
    await ds.manager.createQueryBuilder().delete().from(LedgerRequest).execute();
    await ds.transaction(async (em) => {
      await book.record(em, request(2));
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await ds.transaction((em) => book.prior(em, book.analyze(AGAIN, now), now))).to.equal(null);
    await ds.transaction((em) => book.record(em, request(3)));
    const row = await ds.manager.findOneByOrFail(LedgerRequest, { noticeId: 3 });
    const found = await ds.transaction((em) => book.prior(em, book.analyze(AGAIN, now), now));
    expect(found?.request.id).to.equal(row.id);
  });
});
