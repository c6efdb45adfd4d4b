import { expect } from 'chai';
import { Department, GateDecision, Notice } from '../../entities';
import { parseLocal } from '../../src/calendar/time';
import { simulateWeek, WEEK_START } from '../../bench/simulate-week';
import { type Browser, launchChromium } from '../helpers/browser';
import { Harness } from '../helpers/harness';
import { colourCount, decodePng, inkShare } from '../helpers/png';

const EVIL = '<img src=x onerror="window.hacked=1">科';
const TOKEN = 'test-dashboard-token-0123456789';

describe('monitoring: dashboard and metrics', function () {
  this.timeout(120_000);
  let h: Harness;
  let link: string;
  const base = () => `http://127.0.0.1:${h.app.port}`;

  before(async () => {
    process.env.JIANFU_DASHBOARD_TOKEN = TOKEN;
    try {
      h = await Harness.start({ now: `${WEEK_START}T08:00:00+08:00`, listen: true });
    } finally {
      delete process.env.JIANFU_DASHBOARD_TOKEN;
    }
    await simulateWeek({ at: (iso) => h.advanceTo(iso), say: (u, c, t) => h.say(u, c, t) });
    // A department name written to attack the page: it must show as text.
    const em = h.app.ds.manager;
    const dept = await em.save(em.create(Department, { name: EVIL, createdAt: parseLocal(WEEK_START) }));
    await em.save(em.create(Notice, {
      departmentId: dept.id, senderId: 1, platform: 'sandbox', botId: 'sandbox', sourceChatId: 'x', sourceChatType: 'group',
      text: '<script>window.hacked=2</script>请报送名单', targets: { all: true, communityIds: [] }, deadline: null, deadlineSource: '',
      proposedDeadline: null, basisItemId: '', emergencyCategory: '', emergencyReason: '', approved: false, status: 'held', deliverAt: null,
      createdAt: parseLocal('2026-11-27', '23:00'),
    }));
  });

  after(async () => {
    await h.stop();
  });

  it('sends admins a signed link in private with /看板, and refuses everyone else', async () => {
    expect(await h.say('admin', 'g-admin', '/看板')).to.deep.equal(['看板链接已私信发给你。']);
    const dm = h.botMessages('admin').at(-1)!;
    link = /(http\S+\/dashboard\?\S+)/.exec(dm)![1].replace(/^http:\/\/[^/]+/, base());
    expect((await h.say('zhangmin', 'g-renmin', '/看板'))[0]).to.contain('权限不足');

    expect((await fetch(`${base()}/dashboard`)).status).to.equal(403);
    expect((await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'))).status).to.equal(403);
    expect((await fetch(link.replace(/exp=\d+/, (m) => `exp=${Number(m.slice(4)) + 3600}`))).status, 'expiry is signed').to.equal(403);
    expect((await fetch(`${base()}/dashboard`, { headers: { authorization: 'Bearer wrong' } })).status).to.equal(403);
    expect((await fetch(`${base()}/dashboard`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 'admin token').to.equal(200);

    const page = await fetch(link);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.contain("script-src 'self'");
    const html = await page.text();
    expect(html).to.contain('2026年11月');
    expect(html).to.contain('近8周');
    expect(html).to.not.contain('<img src=x');
    expect(html).to.not.contain('<script>window');
    expect(html).to.contain('&lt;img src=x onerror=&quot;window.hacked=1&quot;&gt;科');
    const js = await fetch(`${base()}/dashboard/echarts.min.js`);
    expect(js.status).to.equal(200);
    expect((await js.text()).length, 'the real ECharts bundle, served locally').to.be.greaterThan(500_000);
  });

  it('renders the charts in headless Chromium, with the ranking as text and no injected markup', async function () {
    const launched = await launchChromium();
    if ('reason' in launched) {
      this.test!.title += ` (skipped: ${launched.reason})`;
      this.skip();
    }
    const browser: Browser = launched.browser;
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      expect((await page.goto(link))!.status()).to.equal(200);
      // trend, weeks, ranking and heat map; no whistle tickets yet, so that panel says 暂无.
      await page.locator('body[data-charts="4"]').waitFor({ state: 'attached' });
      expect(await page.locator('#trend canvas').count()).to.be.greaterThan(0);
      expect(await page.locator('#heat canvas').count()).to.be.greaterThan(0);
      expect(await page.locator('#weeks canvas').count()).to.be.greaterThan(0);
      expect(await page.locator('section', { hasText: '吹哨响应' }).innerText()).to.contain('暂无');
      expect(await page.locator('#departments tbody tr', { hasText: '民政科' }).count()).to.equal(1);
      expect(await page.locator('#departments td', { hasText: 'onerror' }).first().innerText()).to.equal(EVIL);
      expect(await page.locator('img').count(), 'no element injected').to.equal(0);
      expect(await page.evaluate(() => (globalThis as { hacked?: number }).hacked)).to.equal(undefined);

      const shot = decodePng(await page.screenshot({ path: '/tmp/jianfu-dashboard.png', fullPage: true }));
      expect(inkShare(shot), 'the page is not blank').to.be.greaterThan(0.05);
      expect(colourCount(shot), 'charts drawn, not one flat fill').to.be.greaterThan(200);

      await page.setViewportSize({ width: 390, height: 844 });
      const overflow = await page.evaluate(() => {
        const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
        return w.document.documentElement.scrollWidth - w.innerWidth;
      });
      expect(overflow, 'fits a phone without sideways scrolling').to.be.at.most(0);

      await page.locator('nav a', { hasText: '本周' }).click();
      await page.locator('h1', { hasText: '2026年第49周' }).waitFor();
      expect(errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });

  it('serves Prometheus metrics read from the stored rows', async () => {
    const res = await fetch(`${base()}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    const held = await h.app.ds.manager.countBy(GateDecision, { verdict: 'held' });
    expect(held).to.be.greaterThan(0);
    expect(value('jianfu_gate_verdicts{verdict="held"}')).to.equal(held);
    expect(value('jianfu_gate_rule_findings{rule="quiet_time",outcome="defer"}')).to.equal(3);
    expect(value('jianfu_messages_in{status="processed"}')).to.be.greaterThan(15);
    expect(value('jianfu_outbox_depth{status="parked"}')).to.equal(0);
    expect(value('jianfu_send_failures')).to.equal(0);
    expect(value('jianfu_complaints{status="open"}')).to.equal(1);
    expect(text).to.match(/^jianfu_nodejs_eventloop_lag_seconds \S+$/m);
    // The whistle desk is a unit of this service, so its SLA figures are scraped too (no tickets yet).
    expect(value('jianfu_sla_breaches{stage="report"}')).to.equal(0);
    expect(value('jianfu_sla_breaches{stage="done"}')).to.equal(0);
    expect((await fetch(`${base()}/metrics`, { headers: { 'x-request-id': 'scrape-42' } })).headers.get('x-request-id')).to.equal('scrape-42');
  });

  it('lets a link expire after 24 hours', async () => {
    h.clock.advance(24 * 3_600_000 + 60_000);
    expect((await fetch(link)).status).to.equal(403);
  });
});
