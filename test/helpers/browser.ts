import fs from 'node:fs';

/*
 * Debian's Chromium driven by playwright-core, loaded at run time and typed by the slice of its
 * API the tests use, so type-checking and linting do not depend on it (see sandbox-page.test.ts).
 */
export interface Locator {
  waitFor(opts?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  click(): Promise<void>;
  first(): Locator;
}
export interface Page {
  goto(url: string): Promise<{ status(): number } | null>;
  locator(selector: string, opts?: { hasText?: string | RegExp }): Locator;
  screenshot(opts: { path?: string; fullPage?: boolean }): Promise<Buffer>;
  setDefaultTimeout(ms: number): void;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  evaluate<R>(fn: () => R): Promise<R>;
  on(event: 'pageerror', fn: (err: Error) => void): void;
}
/** P: the slice of playwright's Page a test uses (this one, or a larger one of its own). */
export interface Browser<P = Page> {
  newContext(opts: { viewport: { width: number; height: number }; locale: string; timezoneId: string }): Promise<{ newPage(): Promise<P> }>;
  close(): Promise<void>;
}
interface Playwright<P> {
  chromium: { launch(opts: { executablePath: string; args: string[] }): Promise<Browser<P>> };
}

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The browser, or why there is none (the test then says it skipped and why). */
export async function launchChromium<P = Page>(): Promise<{ browser: Browser<P> } | { reason: string }> {
  if (!fs.existsSync(CHROMIUM)) return { reason: `${CHROMIUM} not found (apt-get install -y chromium)` };
  let pw: Playwright<P>;
  try {
    const name = 'playwright-core';
    const mod = (await import(name)) as Playwright<P> & { default?: Playwright<P> };
    pw = mod.chromium ? mod : mod.default!;
  } catch {
    return { reason: 'playwright-core is not installed (npm install --no-save playwright-core)' };
  }
  return { browser: await pw.chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }) };
}
