/**
 * 50,000 events injected into a page (SDK calls through the real hook, relay and background) are
 * all accounted for in the panel: shown, or counted in the "older events dropped" marker (the
 * background keeps the last 20,000 per tab). Filtering finds the right rows; the list is virtualized.
 */
import { useDemoAndExtension } from '../helpers/e2e';
import { expect, it } from 'vitest';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { runScenario } from '../../scripts/lib/scenarios.mjs';

const TOTAL = 50_000;
const env = useDemoAndExtension();

const count = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

it('accounts for all of 50,000 events and filters them', async () => {
  const {
    page,
    panel,
    tabId,
    rows: before,
  } = await runScenario(env.browser, env.server.url, scenarioById('fast'), { keepOpen: true });
  await page.evaluate(async (total) => {
    const SDK = (window as any).Microsoft.Omnichannel.LiveChatWidget.SDK;
    for (let i = 0; i < total; i++) {
      SDK.getContextProvider(`invitation ${i}`); // cheap in the simulator, so the hook and the pipeline are what is measured
      if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 0));
    }
  }, TOTAL);
  const expected = before.length + TOTAL;
  // The background has every event: kept or counted as dropped.
  const w = await env.browser.worker();
  await expect
    .poll(
      () =>
        w.evaluate((t) => {
          const { store } = (globalThis as any).__chatSsoInspector;
          return store.entries(t).length + store.state(t).dropped;
        }, tabId),
      { timeout: 60_000, interval: 250 },
    )
    .toBe(expected);

  // The panel shows the kept rows and the dropped count, which add up to everything sent. It shows 20,000
  // rows long before the last event arrives (older ones are trimmed), so wait until it has taken in all.
  await panel.waitForFunction(
    (n) =>
      Number(
        document
          .querySelector('[data-testid=counts]')
          ?.textContent?.replace(/ events.*/, '')
          .replace(/[^\d]/g, ''),
      ) +
        Number(document.querySelector('[data-testid=dropped]')?.getAttribute('data-dropped') ?? NaN) ===
      n,
    expected,
    { timeout: 60_000 },
  );
  const shown = count(await panel.textContent('[data-testid=counts]').then((t) => t!.replace(/ events.*/, '')));
  const dropped = Number(await panel.getAttribute('[data-testid=dropped]', 'data-dropped'));
  expect(shown).toBe(20_000);
  expect(shown + dropped).toBe(expected);
  expect(await panel.textContent('[data-testid=dropped]')).toContain(
    `${(expected - 20_000).toLocaleString('en-US')} older events dropped`,
  );

  // Virtualized: a few dozen rows in the DOM, not 20,000.
  expect(await panel.locator('.timeline .row[data-seq]').count()).toBeLessThan(200);

  // End jumps to the newest event.
  await panel.click('.timeline');
  await panel.keyboard.press('End');
  await panel.waitForSelector('.row.selected');
  expect(await panel.textContent('.row.selected .summary')).toBe(
    'SDK.getContextProvider("invitation 49999") returned null',
  );

  // Filtering finds exactly the right rows.
  await panel.keyboard.press('/');
  await panel.keyboard.type('invitation 49999');
  await panel.waitForFunction(() => document.querySelector('[data-testid=shown]')?.textContent?.startsWith('1 of'));
  expect(await panel.locator('.timeline .row[data-seq] .summary').allTextContents()).toEqual([
    'SDK.getContextProvider("invitation 49999") returned null',
  ]);
  // Every word must match: "invitation 4999" finds the kept invitations (30000–49999) whose number contains 4999.
  await panel.fill('[data-testid=search]', 'invitation 4999');
  const want = Array.from({ length: 20_000 }, (_, k) => 30_000 + k).filter((i) => String(i).includes('4999'));
  await panel.waitForFunction(
    (n) => document.querySelector('[data-testid=shown]')?.textContent?.startsWith(`${n} of`),
    want.length,
  );
  const hits = await panel.locator('.timeline .row[data-seq] .summary').allTextContents();
  expect(hits).toEqual(want.map((i) => `SDK.getContextProvider("invitation ${i}") returned null`));
  await panel.fill('[data-testid=search]', '');
  await panel.check('[data-testid=problems-only]');
  await panel.waitForFunction(() => document.querySelector('[data-testid=shown]')?.textContent?.startsWith('0 of'));
  expect(await panel.isVisible('[data-testid=no-rows]')).toBe(true);
  await panel.close();
  await page.close();
}, 180_000);
