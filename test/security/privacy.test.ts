import { expect } from 'chai';
import { AuditLog, InboundMessage, Incident, OutboxMessage } from '../../entities';
import { findPersonalData, isIdNumber, isMobileNumber, maskIdNumber, maskMobile, maskPersonalData } from '../../src/privacy/pii';
import { Harness } from '../helpers/harness';

const ID = '11010519491231002X';
const ID2 = '440308199901011234';
const PHONE = '13812345678';

describe('security: personal data helpers', () => {
  it('recognises resident ID numbers by their GB 11643 check digit and real birth date', () => {
    expect(isIdNumber(ID)).to.equal(true);
    expect(isIdNumber(ID.toLowerCase())).to.equal(true);
    expect(isIdNumber('110105194912310021')).to.equal(false);
    expect(isIdNumber('110105194902300027')).to.equal(false);
    expect(isIdNumber('11010519491231002')).to.equal(false);
  });

  it('masks as the ledger and reports show them', () => {
    expect(maskIdNumber('110101199003071234')).to.equal('1101**********1234');
    expect(maskMobile(PHONE)).to.equal('138****5678');
    expect(maskMobile('138-1234-5678')).to.equal('138-****-5678');
    expect(isMobileNumber('+86 138 1234 5678')).to.equal(true);
    expect(isMobileNumber('12812345678')).to.equal(false);
  });

  it('masks ID and mobile numbers in free text and leaves other numbers alone', () => {
    const text = `联系人张三，身份证${ID}，电话${PHONE}，座机010-12345678，订单号2026112300000000123，编号A${PHONE}`;
    const masked = maskPersonalData(text);
    expect(masked).to.contain('1101**********002X').and.to.contain('138****5678');
    expect(masked).to.contain('010-12345678').and.to.contain('2026112300000000123').and.to.contain(`A${PHONE}`);
    expect(findPersonalData(text)).to.deep.equal({ idNumbers: [ID], mobiles: [PHONE] });
  });
});

describe('security: personal data in the database', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => h.stop());

  /** Every row of every table as text: what a raw dump would show. */
  async function dump(): Promise<string> {
    const parts: string[] = [];
    for (const meta of h.app.ds.entityMetadatas) {
      const rows: unknown[] = await h.app.ds.query(`SELECT * FROM ${h.app.ds.driver.escape(meta.tableName)}`);
      parts.push(JSON.stringify(rows));
    }
    return parts.join('\n');
  }

  it('keeps no 身份证号 or mobile number in clear text in the inbound log, audit, outbox or incidents', async () => {
    await h.say('zhangmin', 'g-renmin', `帮我查下这个人 ${ID} 电话 ${PHONE}`);
    await h.say('zhangmin', 'g-renmin', `/规则 关闭 admission ${ID}`);
    await h.say('zhangmin', 'zhangmin', `/评估 民政科通知：请各社区今晚前上报困难群众名单，附身份证号，如 ${ID2}，联系 ${PHONE}`);
    await h.say('admin', 'g-admin', `/帮助 ${PHONE}`);
    const all = await dump();
    for (const secret of [ID, ID2, PHONE]) expect(all, secret).to.not.contain(secret);
    // Masked copies are still there, so the records still say what happened.
    const incident = await h.app.ds.manager.find(Incident);
    expect(incident[0].text).to.contain('4403**********1234');
    const denied = await h.app.ds.manager.findOneByOrFail(AuditLog, { action: 'denied' });
    expect(denied.note).to.contain('1101**********002X');
  });

  it('a /评估 leaves neither its text nor its sender in the inbound table, in a group or 1:1', async () => {
    const assess = `/评估 请各社区今天下班前报送辖区独居老人名单 ${ID}`;
    const group = await h.say('chenjing', 'g-heping', assess);
    expect(group.join('\n')).to.match(/匿名记录/);
    const direct = await h.say('chenjing', 'chenjing', assess);
    expect(direct.join('\n')).to.match(/匿名记录/);
    const rows = await h.app.ds.manager.find(InboundMessage, { order: { id: 'ASC' } });
    expect(rows).to.have.length(2);
    for (const r of rows) {
      expect(r.text).to.equal('');
      expect(r.senderId).to.equal('');
      expect(r.senderName).to.equal('');
      expect(JSON.stringify(r.payload)).to.not.match(/chenjing|陈静|独居/);
    }
    expect(rows[1].chatId).to.equal('');
    expect((await h.app.ds.manager.count(Incident))).to.equal(2);
    // The replies were delivered, and their stored copies no longer point at the reporter.
    const replies = await h.app.ds.manager.find(OutboxMessage);
    expect(replies.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
    expect(JSON.stringify(replies)).to.not.match(/chenjing|独居/);
    expect(JSON.stringify(await h.app.ds.manager.find(InboundMessage))).to.not.match(/chenjing|陈静|独居/);
  });

  it('purges raw inbound text after the configured retention, keeping the row', async () => {
    await h.say('zhangmin', 'g-renmin', '/帮助');
    h.clock.advanceMinutes(29 * 24 * 60);
    await h.say('zhangmin', 'g-renmin', '/帮助 通知');
    await h.app.runJobs();
    expect((await h.app.ds.manager.find(InboundMessage)).map((r) => r.text).sort()).to.deep.equal(['/帮助', '/帮助 通知']);
    h.clock.advanceMinutes(2 * 24 * 60);
    await h.app.runJobs();
    const rows = await h.app.ds.manager.find(InboundMessage, { order: { id: 'ASC' } });
    expect(rows.map((r) => r.text)).to.deep.equal(['', '/帮助 通知']);
    expect(rows[0].payload).to.deep.equal({ purged: true });
    // The unique key still turns away a late redelivery of the purged message.
    const again = await h.app.sandbox!.post({ userId: 'zhangmin', userName: '张敏', chatId: 'g-renmin', text: '/帮助', messageId: (rows[0].payload as { messageId?: string }).messageId ?? rows[0].messageId });
    expect(again.duplicate).to.equal(true);
  });
});
