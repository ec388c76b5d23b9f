/**
 * The real DevTools panel, headless: Chromium opens DevTools for the tab, we select the extension's
 * "Chat SSO" panel and read what it shows. Uses DevTools frontend internals (`InspectorView`), which
 * may change between Chromium versions: this is the one smoke test on that route; the rest of the
 * panel tests open panel.html as a tab.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { chromiumPath } from '../../scripts/lib/chromium.mjs';
import { readRowsInPage } from '../../scripts/lib/panelReader.mjs';

const root = join(import.meta.dirname, '../..');
const ext = join(root, 'dist');
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    devtools: true, // --auto-open-devtools-for-tabs
    pipe: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--window-size=1500,900',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('shows the inspected tab’s events in the real DevTools panel', async () => {
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  await page.goto(`${server.url}/omnichannel/?scenario=slow`);
  const devtoolsTarget = await browser.waitForTarget(
    (t) => t.url().startsWith('devtools://devtools/bundled/devtools_app.html'),
    { timeout: 20_000 },
  );
  const devtools = (await devtoolsTarget.asPage())!;
  // Passed as source text: the test runner would otherwise rewrite the dynamic import.
  const tabIds = (await devtools.evaluate(`(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    const deadline = Date.now() + 15000;
    for (;;) {
      try {
        const view = UI.InspectorView.InspectorView.instance();
        const id = view.tabbedPane.tabIds().find((x) => x.startsWith('chrome-extension://'));
        if (id) {
          await view.showPanel(id);
          return view.tabbedPane.tabIds();
        }
      } catch (e) {
        if (Date.now() > deadline) throw e; // the frontend was still starting
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })()`)) as string[];
  expect(tabIds.some((id) => id.endsWith('ChatSSO'))).toBe(true);
  await page.waitForFunction(() => (window as any).__sim?.finished === true, { timeout: 30_000 });
  const panelFrame = await (async () => {
    for (let i = 0; i < 50; i++) {
      const f = devtools.frames().find((x) => x.url().includes('/panel.html'));
      if (f) return f;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('panel frame not found');
  })();
  await panelFrame.waitForFunction(
    () =>
      document.querySelectorAll('.row[data-kind="budget.exceeded"]').length === 1 &&
      document.querySelectorAll('.row[data-kind="provider.callback"]').length === 1,
    { timeout: 10_000 },
  );
  const rows = await panelFrame.evaluate(readRowsInPage);
  expect(rows.find((r) => r.kind === 'provider.invoke')!.summary).toMatch(
    /over the 10 s budget, called back after 10\.\d\d s/,
  );
  // The panel found the inspected tab through devtools.inspectedWindow.tabId.
  expect(await panelFrame.evaluate(() => document.querySelector('[data-testid=status]')!.textContent)).toMatch(
    /^tab \d+: connected$/,
  );
  await panelFrame.click('.row[data-kind="provider.callback"]');
  mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
  await devtools.screenshot({ path: join(root, 'docs/screenshots/devtools.png') });
});

it("explains a sign-in card shown by Microsoft's real live chat widget, in the real DevTools panel", async () => {
  // Same tab and DevTools as above: the log restarts when the tab navigates (Preserve log is off).
  const page = (await browser.pages()).find((p) => p.url().includes('/omnichannel/'))!;
  await page.goto(`${server.url}/realcode/?scenario=rc-bot-late-callback`);
  await page.waitForFunction(() => (window as any).__realcode?.finished === true, { timeout: 60_000 });
  const devtools = (await (
    await browser.waitForTarget((t) => t.url().startsWith('devtools://devtools/bundled/devtools_app.html'))
  ).asPage())!;
  const panelFrame = devtools.frames().find((x) => x.url().includes('/panel.html'))!;
  await panelFrame.waitForFunction(
    () =>
      document.querySelector('[data-testid=headline]')?.getAttribute('data-check-id') ===
      'widget.card-shown-after-window',
    { timeout: 15_000 },
  );
  const rows = await panelFrame.evaluate(readRowsInPage);
  expect(rows.map((r) => r.kind)).toEqual(
    expect.arrayContaining(['bus.message', 'adapter.activity', 'provider.invoke', 'net.request']),
  );
  expect(rows.find((r) => r.kind === 'provider.callback')!.summary).toMatch(
    /asks to hide the card; the widget showed the card: no answer within its ~2 s window$/,
  );
  await panelFrame.click('[data-testid=view-diagnosis]');
  const attempt = await panelFrame.waitForSelector('[data-testid=attempt][data-kind="bot-signin"]');
  expect(await attempt!.evaluate((a) => a.getAttribute('data-outcome'))).toBe('card shown');
  expect(await attempt!.evaluate((a) => a.querySelector('[data-testid=attempt-sentence]')!.textContent)).toMatch(
    /past the widget's ~2 s window, although the token was posted \(200\)\.$/,
  );
  await devtools.screenshot({ path: join(root, 'docs/screenshots/devtools-realcode.png') });
});
