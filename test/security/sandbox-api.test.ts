import http from 'node:http';
import { expect } from 'chai';
import { SANDBOX_LIMITS } from '../../bots/sandbox/sandbox-adapter';
import { Harness } from '../helpers/harness';
import { request } from './http';

describe('security: sandbox API input and memory', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ listen: true });
  });
  afterEach(async () => h.stop());

  const send = (body: unknown) => request(h.app.port, 'POST', '/sandbox/api/send', JSON.stringify(body));

  it('answers bad shapes with 400 and a Chinese reason, never 500', async () => {
    const cases: unknown[] = [
      { userId: 'admin', chatId: 'g-admin', text: 'hi', files: [null] },
      { userId: 'admin', chatId: 'g-admin', files: [{ name: 'a.txt', base64: 7 }] },
      { userId: 'admin', chatId: 'g-admin', files: 'x' },
      { userId: 12, chatId: 'g-admin', text: 'x' },
      { userId: 'admin', chatId: ['g-admin'], text: 'x' },
      { userId: 'admin', chatId: 'g-admin', text: { toString: 'x' } },
      { userId: 'admin', chatId: 'g-admin', text: 'x', isCardAction: 'true' },
      { userId: 'admin', chatId: 'g-admin', text: 'x', chatType: 'channel' },
      { userId: 'admin', chatId: 'g-admin', text: 'x', __proto__: { admin: true }, constructor: 1 },
      [], null, 'text', 42, true,
      { userId: 'admin', chatId: 'g-admin' },
    ];
    for (const c of cases) {
      const r = await send(c);
      expect(r.status, `${JSON.stringify(c)} → ${r.text}`).to.equal(400);
      expect(JSON.parse(r.text).message).to.match(/[\u4e00-\u9fa5]/);
    }
    expect((await request(h.app.port, 'POST', '/sandbox/api/send', '{"userId":')).status).to.equal(400);
    expect((await request(h.app.port, 'POST', '/sandbox/api/chats', JSON.stringify({ title: 5 }))).status).to.equal(400);
    expect((await request(h.app.port, 'GET', '/sandbox/api/messages?after=-1')).status).to.equal(400);
    expect((await request(h.app.port, 'GET', '/sandbox/api/messages?wait=abc')).status).to.equal(400);
    // And a good one still works.
    expect((await send({ userId: 'admin', chatId: 'g-admin', text: '/帮助' })).status).to.equal(200);
  });

  it('refuses a body over the route limit from its declared length, before reading it', async () => {
    const big = Buffer.alloc(100 * 1024, 'a');
    const r = await request(h.app.port, 'POST', '/sandbox/api/chats', big);
    expect(r.status).to.equal(413);
    const huge = await request(h.app.port, 'POST', '/sandbox/api/send', Buffer.alloc(SANDBOX_LIMITS.sendBodyBytes + 1, 'a'));
    expect(huge.status).to.equal(413);
    const callback = await request(h.app.port, 'POST', '/wecom/callback/x', Buffer.alloc(70 * 1024, 'a'));
    expect(callback.status).to.equal(413);
    const chunked = await new Promise<number>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: h.app.port, method: 'POST', path: '/sandbox/api/chats', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(411));
      req.write('{"title":');
      req.end('"x"}');
    });
    expect(chunked).to.equal(411);
  });

  it('keeps attachments and transcript within their byte bounds, and attachments expire', async () => {
    const file = Buffer.alloc(SANDBOX_LIMITS.fileBytes, 7).toString('base64');
    for (let i = 0; i < 20; i++) {
      const r = await send({ userId: 'zhangmin', chatId: 'g-renmin', text: `附件${i}`, files: [{ name: `f${i}.bin`, base64: file }] });
      expect(r.status, r.text).to.equal(200);
    }
    const held = h.app.sandbox!.heldBytes();
    expect(held.files).to.be.at.most(SANDBOX_LIMITS.filesTotalBytes);
    expect(held.files).to.be.greaterThan(SANDBOX_LIMITS.filesTotalBytes / 2);
    const tooBig = await send({ userId: 'zhangmin', chatId: 'g-renmin', files: [{ name: 'big.bin', base64: Buffer.alloc(SANDBOX_LIMITS.fileBytes + 10).toString('base64') }] });
    expect(tooBig.status).to.equal(400);

    const text = '长'.repeat(100_000);
    for (let i = 0; i < 60; i++) await h.app.sandbox!.post({ userId: 'zhangmin', userName: '张敏', chatId: 'g-renmin', text });
    await h.app.settle();
    expect(h.app.sandbox!.heldBytes().transcript).to.be.at.most(SANDBOX_LIMITS.transcriptBytes);

    h.clock.advanceMinutes(61);
    await send({ userId: 'zhangmin', chatId: 'g-renmin', text: 'x', files: [{ name: 'last.bin', base64: 'AAAA' }] });
    expect(h.app.sandbox!.heldBytes().files).to.equal(3);
  });
});
