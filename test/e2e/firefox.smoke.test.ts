/**
 * Smoke test in headless Firefox ESR (puppeteer-core over WebDriver BiDi, browser.installExtension):
 * the same extension build captures the fast scenario and the over-budget one, and the panel shows them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { launchFirefoxWithExtension, openFirefoxPanel } from '../../scripts/lib/firefox.mjs';
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
  const { panel } = await openFirefoxPanel(ff.browser, url);
  await new Promise((r) => setTimeout(r, 300));
  const rows = (await panel.evaluate(readRowsInPage)) as Row[];
  return { page, panel, rows, measurements };
}

it('captures the fast scenario: SDK calls, provider timing and the decoded token', async () => {
  const { rows, measurements } = await scenarioInFirefox('fast');
  expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['hook.installed', 'sdk.detected', 'sdk.call', 'provider.invoke', 'provider.callback', 'lcw.event']));
  const invoke = rows.find((r) => r.kind === 'provider.invoke')!;
  const shown = parseDuration(/called back after (.+)$/.exec(invoke.summary)![1]!);
  expect(Math.abs(shown - measurements[0].elapsedMs)).toBeLessThanOrEqual(50);
  expect(rows.find((r) => r.kind === 'provider.callback')!.summary).toMatch(/JWT RS256/);
  expect(rows.some((r) => r.kind === 'budget.exceeded')).toBe(false);
});

it('flags the provider that never calls back', async () => {
  const { rows } = await scenarioInFirefox('never');
  expect(rows.filter((r) => r.kind === 'budget.exceeded')).toHaveLength(1);
  expect(rows.find((r) => r.kind === 'provider.invoke')).toMatchObject({ severity: 'error', summary: expect.stringMatching(/never called back/) });
});
