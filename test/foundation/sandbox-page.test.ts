import { expect } from 'chai';
import type { IncomingMessage, OutgoingBody } from '../../bots/types';
import { InboundMessage } from '../../entities';
import { type Browser, launchChromium } from '../helpers/browser';
import { Harness } from '../helpers/harness';

/*
 * The sandbox page driven through Debian's Chromium by playwright-core. playwright-core is an
 * optional dev tool here, so it is loaded at run time and typed by the small slice of its API
 * this file uses (launched by test/helpers/browser.ts): type-checking and linting must not
 * depend on it being installed.
 */
interface Locator {
  click(): Promise<void>;
  fill(value: string): Promise<void>;
  press(key: string): Promise<void>;
  waitFor(opts?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  filter(opts: { hasText: string | RegExp }): Locator;
  locator(selector: string): Locator;
  last(): Locator;
  nth(index: number): Locator;
  count(): Promise<number>;
  innerText(): Promise<string>;
  inputValue(): Promise<string>;
  allTextContents(): Promise<string[]>;
  selectOption(value: { label: string }): Promise<string[]>;
  setInputFiles(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void>;
  getAttribute(name: string): Promise<string | null>;
}
interface Route {
  abort(): Promise<void>;
  fulfill(opts: { status: number; contentType: string; body: string }): Promise<void>;
}
interface Page {
  goto(url: string): Promise<unknown>;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  getByLabel(text: string, opts?: { exact?: boolean }): Locator;
  getByRole(role: 'button', opts?: { name?: string | RegExp; exact?: boolean }): Locator;
  screenshot(opts: { path: string; fullPage?: boolean }): Promise<Buffer>;
  setDefaultTimeout(ms: number): void;
  waitForTimeout(ms: number): Promise<void>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  route(url: string, handler: (route: Route) => unknown): Promise<void>;
  unroute(url: string): Promise<void>;
  evaluate<R>(fn: () => R): Promise<R>;
  on(event: 'pageerror', fn: (err: Error) => void): void;
}
const SCREENSHOT = '/tmp/jianfu-sandbox.png';

describe('foundation: the sandbox chat page in a browser', function () {
  this.timeout(120_000);
  let h: Harness | undefined;
  let browser: Browser<Page> | null = null;
  let page: Page;
  let pageErrors: string[];

  beforeEach(async function () {
    const launched = await launchChromium<Page>();
    if ('reason' in launched) {
      // Mocha's skip takes no message, so the reason goes into the reported title.
      this.currentTest!.title += ` (skipped: ${launched.reason})`;
      this.skip();
    }
    browser = launched.browser;
    // A short outbox poll so replies reach the page without the test nudging the sender.
    h = await Harness.start({ listen: true, config: { outbox: { pollMs: 50 } } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`http://127.0.0.1:${h.app.port}/sandbox`);
    await page.locator('#me option').filter({ hasText: '王主任' }).waitFor({ state: 'attached' });
  });

  afterEach(async () => {
    // Close the browser first: its pending long-poll would otherwise hold the server open.
    await browser?.close();
    browser = null;
    await h?.stop();
    h = undefined;
    expect(pageErrors ?? [], 'errors thrown in the page').to.deep.equal([]);
  });

  async function actAs(name: string): Promise<void> {
    const labels = await page.locator('#me option').allTextContents();
    const label = labels.find((l) => l === name || l.startsWith(`${name} · `));
    expect(label, `person ${name} in the identity list`).to.be.a('string');
    await page.getByLabel('我是').selectOption({ label: label! });
  }

  async function openChat(title: string): Promise<void> {
    await page.locator('.chat-item').filter({ hasText: title }).click();
    await page.locator('#chatTitle').filter({ hasText: title }).waitFor();
  }

  async function send(text: string): Promise<void> {
    const input = page.getByLabel('消息');
    await input.fill(text);
    await input.press('Enter');
  }

  const botSays = (text: string | RegExp) => page.locator('#messages .msg.bot').filter({ hasText: text });
  const pushBot = (chatId: string, body: OutgoingBody) =>
    h!.app.sandbox!.send({ platform: 'sandbox', botId: 'sandbox', chatId, chatType: 'group', body, outboxId: 0 });

  it('binds a group as the admin, is refused as a worker, and answers in the 1:1 chat', async () => {
    await actAs('王主任');
    await openChat('新建群（未绑定）');
    await send('/绑定 社区 东湖村');
    await page.locator('#messages .msg.mine').filter({ hasText: '/绑定 社区 东湖村' }).waitFor();
    await botSays('已将本群绑定为「东湖村」（社区群）。').waitFor();
    expect(await page.getByLabel('消息').inputValue(), 'input cleared after sending').to.equal('');
    expect(await page.locator('#messages .msg.mine .meta').last().innerText()).to.contain('王主任');

    await actAs('张敏');
    await openChat('人民社区工作群');
    expect(await botSays('东湖村').count(), 'another group\'s messages stay in that group').to.equal(0);
    await send('/绑定 部门 民政科');
    await botSays('权限不足').waitFor();

    await page.locator('.chat-item').filter({ hasText: '与机器人单聊' }).click();
    await page.locator('#chatSub').filter({ hasText: '张敏' }).waitFor();
    await send('/我是谁');
    await botSays('张敏（zhangmin）：社区工作者 · 人民社区').waitFor();
    await page.screenshot({ path: SCREENSHOT });

    // The 1:1 chat belongs to the acting person: as someone else it is a different, empty chat.
    await actAs('李霞');
    await page.locator('#chatSub').filter({ hasText: '李霞' }).waitFor();
    expect(await page.locator('#messages .msg').count()).to.equal(0);
  });

  it('renders markdown without injecting HTML, shows unread counts, and sends card buttons as commands', async () => {
    await actAs('张敏');
    await page.locator('.chat-item').filter({ hasText: '与机器人单聊' }).click();
    await pushBot('g-renmin', { kind: 'markdown', title: '通知', text: '**本周待办**\n- 报送台账\n- 核对名单\n<img src=x onerror="window.hacked=1">' });
    const renmin = page.locator('.chat-item').filter({ hasText: '人民社区工作群' });
    await renmin.locator('.badge').filter({ hasText: '1' }).waitFor();

    await renmin.click();
    await renmin.locator('.badge').waitFor({ state: 'detached' });
    const md = botSays('本周待办');
    await md.waitFor();
    expect(await md.locator('strong').allTextContents()).to.deep.equal(['本周待办']);
    expect(await md.locator('li').allTextContents()).to.deep.equal(['报送台账', '核对名单']);
    expect(await md.locator('img').count(), 'raw HTML is shown as text, not parsed').to.equal(0);

    // A chart image from this server is shown; one from elsewhere stays text (no outside fetches).
    await pushBot('g-renmin', { kind: 'markdown', title: '周报', text: `周报图表\n![本周图表](http://127.0.0.1:${h!.app.port}/chart.png)\n![外部](http://evil.example/x.png)` });
    const chart = botSays('周报图表');
    await chart.waitFor();
    expect(await chart.locator('img.md-img').count()).to.equal(1);
    expect(await chart.locator('img.md-img').getAttribute('alt')).to.equal('本周图表');
    expect(await chart.innerText()).to.contain('外部');
    expect(await md.innerText()).to.contain('<img src=x');
    expect(await page.evaluate(() => (globalThis as { hacked?: number }).hacked)).to.equal(undefined);

    await pushBot('g-renmin', { kind: 'card', title: '请确认', body: '看看能用哪些命令', buttons: [{ label: '查看帮助', command: '/帮助' }] });
    const card = page.locator('#messages .card').filter({ hasText: '请确认' });
    await card.waitFor();
    await card.locator('button').filter({ hasText: '查看帮助' }).click();
    await page.locator('#messages .msg.mine').filter({ hasText: '/帮助' }).waitFor();
    await botSays('可用命令（社区工作者）').waitFor();
    const inbound = await h!.app.ds.manager.findOneOrFail(InboundMessage, { where: { chatId: 'g-renmin', text: '/帮助' } });
    expect((inbound.payload as IncomingMessage).isCardAction).to.equal(true);
    expect(inbound.senderId).to.equal('zhangmin');

    await page.getByRole('button', { name: '/我是谁', exact: true }).click();
    expect(await page.getByLabel('消息').inputValue()).to.equal('/我是谁');
  });

  it('sends a file with the text, shows server errors, and tells when the connection is lost', async () => {
    await actAs('李霞');
    await openChat('民政科工作群');
    await page.locator('#file').setInputFiles({ name: '通知.txt', mimeType: 'text/plain', buffer: Buffer.from('请于周五前报送', 'utf8') });
    await page.locator('#pending').filter({ hasText: '通知.txt' }).waitFor();
    await page.getByLabel('消息').fill('请看附件');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.locator('#messages .msg.mine').filter({ hasText: '附件：通知.txt' }).waitFor();
    await page.locator('#pending').waitFor({ state: 'hidden' });
    const inbound = await h!.app.ds.manager.findOneOrFail(InboundMessage, { where: { chatId: 'g-minzheng', text: '请看附件' } });
    const [attachment] = (inbound.payload as IncomingMessage).attachments;
    expect(attachment.name).to.equal('通知.txt');
    expect((await h!.app.sandbox!.download(attachment)).data.toString('utf8')).to.equal('请于周五前报送');

    // The page must show what the server says is wrong, not a generic failure.
    await page.route('**/sandbox/api/send', (route) => route.fulfill({
      status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'bad_request', message: '缺少 userId 或 chatId' }),
    }));
    await send('/帮助');
    await page.locator('#toast').filter({ hasText: '缺少 userId 或 chatId' }).waitFor();
    expect(await page.getByLabel('消息').inputValue(), 'a failed message stays in the input').to.equal('/帮助');
    await page.unroute('**/sandbox/api/send');

    // Cut the long-poll: the notice appears; restore it: the notice goes and messages flow again.
    await page.route('**/sandbox/api/messages*', (route) => route.abort());
    await pushBot('g-minzheng', { kind: 'text', text: '唤醒长轮询' });
    await page.locator('#offline').waitFor({ state: 'visible' });
    expect(await page.locator('#offline').innerText()).to.contain('连接中断，正在重试');
    await page.unroute('**/sandbox/api/messages*');
    await page.locator('#offline').waitFor({ state: 'hidden' });
    await pushBot('g-minzheng', { kind: 'text', text: '恢复后的消息' });
    await botSays('恢复后的消息').waitFor();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await actAs('李霞');
    await openChat('民政科工作群');
    await send('/我是谁');
    await botSays('李霞（lixia）').waitFor();
    // No DOM types in this project's lib, hence the loose global.
    const overflow = await page.evaluate(() => {
      const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
      return w.document.documentElement.scrollWidth - w.innerWidth;
    });
    expect(overflow).to.be.at.most(0);

    // A long conversation scrolls inside its pane; the input stays at the bottom; the newest is in view.
    for (let i = 0; i < 12; i++) await pushBot('g-minzheng', { kind: 'text', text: `第${i + 1}条较长的消息，用来把会话撑满屏幕。\n第二行\n第三行` });
    await botSays('第12条较长的消息').waitFor();
    await send('/我是谁');
    await page.locator('#messages .msg.bot').nth(13).waitFor({ state: 'attached' });
    await page.waitForTimeout(300);
    const layout = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number }; scrollHeight: number; clientHeight: number } | null; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { top: number; bottom: number } }>; documentElement: { scrollHeight: number } }; innerHeight: number });
      const list = d.document.querySelector('#messages')!;
      const msgs = d.document.querySelectorAll('#messages .msg');
      const last = msgs[msgs.length - 1].getBoundingClientRect();
      const box = list.getBoundingClientRect();
      return {
        pageScroll: d.document.documentElement.scrollHeight - d.innerHeight,
        listScrolls: list.scrollHeight > list.clientHeight,
        composerBottom: d.document.querySelector('#composer')!.getBoundingClientRect().bottom,
        innerHeight: d.innerHeight,
        lastInView: last.bottom <= box.bottom + 1 && last.top >= box.top - 1,
      };
    });
    expect(layout.pageScroll, 'the page itself does not scroll').to.be.at.most(0);
    expect(layout.listScrolls, 'the message list scrolls inside its pane').to.equal(true);
    expect(layout.composerBottom, 'the input sits at the bottom of the screen').to.be.within(layout.innerHeight - 2, layout.innerHeight + 1);
    expect(layout.lastInView, 'the newest message is in view').to.equal(true);
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-phone.png') });
  });
});
