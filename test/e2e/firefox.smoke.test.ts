/**
 * Smoke test in headless Firefox ESR (puppeteer-core over WebDriver BiDi, browser.installExtension):
 * the same extension build captures the fast scenario and the over-budget one, and the panel shows them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import {
  FIREFOX_EXTENSION_UUID,
  launchFirefoxWithExtension,
  openFirefoxPanel,
  waitForPanelToShowLog,
} from '../../scripts/lib/firefox.mjs';
import { parseDuration, readRowsInPage } from '../../scripts/lib/panelReader.mjs';

const root = join(import.meta.dirname, '../..');
let server: Awaited<ReturnType<typeof startDemoServer>>;
let ff: Awaited<ReturnType<typeof launchFirefoxWithExtension>>;

beforeAll(async () => {
  server = await startDemoServer();
  ff = await launchFirefoxWithExtension({ extensionDir: join(root, 'dist') });
}, 60_000);
afterAll(async () => {
  await ff?.close();
  await server?.close();
});

type Row = { kind: string; severity: string; summary: string };

async function scenarioInFirefox(id: string) {
  const page = await ff.browser.newPage();
  const url = `${server.url}/omnichannel/?scenario=${id}`;
  await page.goto(url);
  await page.waitForFunction(() => (window as any).__sim?.finished === true, { timeout: 30_000, polling: 100 });
  const measurements = await page.evaluate(() => (window as any).__sim.measurements);
  const { panel, tabId } = await openFirefoxPanel(ff.browser, url);
  await waitForPanelToShowLog(panel, tabId);
  const rows = (await panel.evaluate(readRowsInPage)) as Row[];
  return { page, panel, rows, measurements };
}

it('captures the fast scenario: SDK calls, provider timing and the decoded token', async () => {
  const { rows, measurements } = await scenarioInFirefox('fast');
  expect(rows.map((r) => r.kind)).toEqual(
    expect.arrayContaining([
      'hook.installed',
      'sdk.detected',
      'sdk.call',
      'provider.invoke',
      'provider.callback',
      'lcw.event',
    ]),
  );
  const invoke = rows.find((r) => r.kind === 'provider.invoke')!;
  const shown = parseDuration(/called back after (.+)$/.exec(invoke.summary)![1]!);
  expect(Math.abs(shown - measurements[0].elapsedMs)).toBeLessThanOrEqual(50);
  expect(rows.find((r) => r.kind === 'provider.callback')!.summary).toMatch(/JWT RS256/);
  expect(rows.some((r) => r.kind === 'budget.exceeded')).toBe(false);
});

it('flags the provider that never calls back', async () => {
  const { rows } = await scenarioInFirefox('never');
  expect(rows.filter((r) => r.kind === 'budget.exceeded')).toHaveLength(1);
  expect(rows.find((r) => r.kind === 'provider.invoke')).toMatchObject({
    severity: 'error',
    summary: expect.stringMatching(/never called back/),
  });
});

it('filters the timeline and shows the diagnosis', async () => {
  const { panel } = await scenarioInFirefox('hs256');
  expect(await panel.$eval('[data-testid=headline]', (h: Element) => h.getAttribute('data-check-id'))).toBe(
    'auth.alg-not-rs256',
  );
  await panel.type('[data-testid=search]', 'lcw:error');
  await panel.waitForFunction(() => document.querySelector('[data-testid=shown]')?.textContent?.startsWith('1 of'));
  const rows = (await panel.evaluate(readRowsInPage)) as Row[];
  expect(rows.map((r) => r.summary)).toEqual(['lcw:error code 4: Auth token provider provided invalid token']);
});

it('opens a HAR in the standalone viewer', async () => {
  const viewer = await ff.browser.newPage();
  await viewer
    .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/viewer.html`, { waitUntil: 'domcontentloaded', timeout: 10_000 })
    .catch(() => undefined);
  const input = (await viewer.waitForSelector('[data-testid=file-input]', { timeout: 10_000 })) as unknown as {
    uploadFile(path: string): Promise<void>;
  };
  await input.uploadFile(join(root, 'test/fixtures/har/sso-failure-502.har'));
  await viewer.waitForSelector('.row[data-tag="oauthcard"]', { timeout: 10_000 });
  expect(await viewer.$eval('[data-testid=headline]', (h: Element) => h.getAttribute('data-check-id'))).toBe(
    'bf.invoke-502',
  );
  expect(await viewer.$eval('.row[data-tag="oauthcard"]', (r: Element) => r.getAttribute('data-outcome'))).toBe(
    'shown',
  );
});
