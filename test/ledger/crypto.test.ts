import crypto from 'node:crypto';
import { expect } from 'chai';
import { LedgerRecord } from '../../entities';
import { cipherFromEnv, DataCipher, mask, MissingKeyError } from '../../src/ledger/crypto';
import { checkDate, checkIdCard, checkPhone } from '../../src/ledger/validate';
import { Harness } from '../helpers/harness';
import { IDS, postRequest } from './helpers';

describe('ledger: privacy', () => {
  it('encrypts with AES-256-GCM: random nonces, tamper detected, old keys still read after rotation', () => {
    const oldKey = crypto.randomBytes(32);
    const newKey = crypto.randomBytes(32);
    const before = new DataCipher(oldKey);
    const stored = before.encrypt(IDS[0]);
    expect(stored).not.to.contain(IDS[0]);
    expect(before.encrypt(IDS[0])).not.to.equal(stored);
    expect(before.decrypt(stored)).to.equal(IDS[0]);
    const parts = stored.split(':');
    parts[4] = Buffer.from('x' + Buffer.from(parts[4], 'base64').toString('latin1').slice(1), 'latin1').toString('base64');
    expect(() => before.decrypt(parts.join(':'))).to.throw();
    const rotated = new DataCipher(newKey, [oldKey]);
    expect(rotated.decrypt(stored)).to.equal(IDS[0]);
    expect(rotated.encrypt('x').split(':')[1]).to.equal(rotated.keyId).and.not.equal(before.keyId);
    expect(() => new DataCipher(newKey).decrypt(stored)).to.throw('密钥不符');
    expect(before.identity('a')).to.equal(before.identity('a')).and.not.equal(rotated.identity('a'));
  });

  it('takes the key from JIANFU_DATA_KEY, warns in development without one, and refuses in production', () => {
    const warnings: string[] = [];
    const key = crypto.randomBytes(32).toString('hex');
    expect(cipherFromEnv({ JIANFU_DATA_KEY: key }, (m) => warnings.push(m)).keyId).to.equal(new DataCipher(Buffer.from(key, 'hex')).keyId);
    expect(warnings).to.deep.equal([]);
    cipherFromEnv({}, (m) => warnings.push(m));
    expect(warnings[0]).to.contain('未设置 JIANFU_DATA_KEY');
    expect(() => cipherFromEnv({ NODE_ENV: 'production' }, () => undefined)).to.throw(MissingKeyError, 'JIANFU_DATA_KEY');
    expect(() => cipherFromEnv({ JIANFU_DATA_KEY: 'abcd' }, () => undefined)).to.throw('32 字节');
  });

  it('masks for chat and checks 身份证号 (GB 11643), phones and dates', () => {
    expect(mask('110101199003071234')).to.equal('1101**********1234');
    expect(mask('13812345678')).to.equal('138****5678');
    expect(checkIdCard(IDS[0].toLowerCase())).to.deep.equal({ ok: true, value: IDS[0] });
    expect(checkIdCard('110105194001011231')).to.deep.equal({ ok: false, error: '身份证号校验位不符' });
    expect(checkIdCard('110105194002301234')).to.deep.equal({ ok: false, error: '身份证号中的出生日期无效' });
    expect(checkIdCard('11010519400101')).to.deep.equal({ ok: false, error: '身份证号应为18位' });
    expect(checkPhone('138 0000 0001')).to.deep.equal({ ok: true, value: '13800000001' });
    expect(checkPhone('12345')).to.include({ ok: false });
    expect(checkDate('2026年2月29日')).to.include({ ok: false });
    expect(checkDate('2028/2/29')).to.deep.equal({ ok: true, value: '2028-02-29' });
  });

  describe('at rest', () => {
    let h: Harness;
    afterEach(async () => h?.stop());

    it('stores no 身份证号 or phone number in the clear, and rotates rows to a new key', async () => {
      const saved = { key: process.env.JIANFU_DATA_KEY, prev: process.env.JIANFU_DATA_KEY_PREVIOUS };
      const oldKey = crypto.randomBytes(32).toString('hex');
      const newKey = crypto.randomBytes(32).toString('hex');
      try {
        process.env.JIANFU_DATA_KEY = oldKey;
        h = await Harness.start();
        const n = await postRequest(h, '请上报辖区80岁以上老人名单：姓名、身份证号、联系电话', '人民社区');
        await h.say('zhangmin', 'zhangmin', `/提交 ${n}\n姓名 身份证号 联系电话\n张桂英 ${IDS[0]} 13800000001`);
        await h.advance(1);
        const raw = JSON.stringify(await h.app.ds.query('SELECT * FROM ledger_record')) + JSON.stringify(await h.app.ds.query('SELECT * FROM inbound_message'));
        expect(raw).not.to.contain(IDS[0]);
        expect(raw).not.to.contain('13800000001');
        expect(raw).to.contain('张桂英');
        const url = h.url;
        await h.stop();

        // Restart with a new key and the old one as previous: reads still work, the job rewrites the rows.
        process.env.JIANFU_DATA_KEY = newKey;
        process.env.JIANFU_DATA_KEY_PREVIOUS = oldKey;
        h = await Harness.start({ url, keepData: true });
        const before = await h.app.ds.manager.findOneByOrFail(LedgerRecord, { id: 1 });
        await h.advance(1);
        const after = await h.app.ds.manager.findOneByOrFail(LedgerRecord, { id: 1 });
        expect(after.keyId).to.equal(new DataCipher(Buffer.from(newKey, 'hex')).keyId).and.not.equal(before.keyId);
        expect(after.identity).not.to.equal(before.identity);
        expect((await h.say('lixia', 'g-minzheng', '/台账 80岁以上老人 字段:姓名、身份证号'))[0]).to.contain('张桂英 | 1101**********123X');
      } finally {
        for (const [k, v] of [['JIANFU_DATA_KEY', saved.key], ['JIANFU_DATA_KEY_PREVIOUS', saved.prev]] as const) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    });
  });
});
