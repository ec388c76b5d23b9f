// Runs simulator scenarios in Chromium tabs and reads what the panel shows for each.
import { openPanel, tabIdOf } from './chromium.mjs';
import { readDiagnosis, readRowsInPage } from './panelReader.mjs';

/**
 * Runs `items` through `fn` with at most `limit` running at once, keeping order in the result.
 * @template T, R
 * @param {readonly T[]} items
 * @param {number} limit
 * @param {(item: T, index: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Opens one scenario page, waits until the page says it is finished, then reads the panel for its tab.
 * @returns {Promise<{ scenario: import('../../demo/omnichannel/scenarios.js').Scenario, tabId: number, url: string, rows: import('./panelReader.mjs').PanelRow[], diagnosis: any, measurements: any[], page: import('playwright-core').Page, panel: import('playwright-core').Page }>}
 */
export async function runScenario(browser, baseUrl, scenario, { keepOpen = false } = {}) {
  const { context, extensionId, worker } = browser;
  const page = await context.newPage();
  const url = `${baseUrl}/omnichannel/?scenario=${scenario.id}`;
  await page.goto(url);
  await page
    .waitForFunction(() => window.__sim?.finished === true, null, { timeout: 30_000, polling: 100 })
    .catch(async (e) => {
      const state = await page.evaluate(() => JSON.stringify({ sim: window.__sim, visibility: document.visibilityState })).catch((x) => String(x));
      throw new Error(`Scenario ${scenario.id} did not finish: ${e.message}\npage state: ${state}`);
    });
  const measurements = await page.evaluate(() => window.__sim.measurements);
  const tabId = await tabIdOf(worker, url);
  const panel = await openPanel(context, extensionId, tabId);
  // Give late events (e.g. a background flag) a moment to arrive, then read what is shown.
  await panel.waitForTimeout(300);
  const rows = await panel.evaluate(readRowsInPage);
  const diagnosis = await readDiagnosis(panel);
  if (!keepOpen) {
    await panel.close();
    await page.close();
  }
  return { scenario, tabId, url, rows, diagnosis, measurements, page, panel };
}

/**
 * Opens one Web Chat demo scenario, waits until the page says the SSO outcome is settled, then reads
 * the panel for its tab (rows, and the OAuthCard's details when there is one).
 * @param {{ context: import('playwright-core').BrowserContext, extensionId: string, worker: () => Promise<import('playwright-core').Worker> }} browser
 * @param {string} baseUrl
 * @param {import('../../demo/webchat/scenarios.js').WebchatScenario} scenario
 * @param {{ keepOpen?: boolean, screenshot?: string }} [options]  screenshot: a PNG path for the panel with the card selected
 * @returns {Promise<{ scenario: import('../../demo/webchat/scenarios.js').WebchatScenario, tabId: number, url: string, rows: import('./panelReader.mjs').PanelRow[], diagnosis: any, demo: any, cardDetails: string | null, page: import('playwright-core').Page, panel: import('playwright-core').Page }>}
 */
export async function runWebChatScenario(browser, baseUrl, scenario, { keepOpen = false, screenshot = '' } = {}) {
  const { context, extensionId, worker } = browser;
  const page = await context.newPage();
  const url = `${baseUrl}/webchat/?${scenario.query}`;
  await page.goto(url);
  await page
    .waitForFunction(() => window.__webchatDemo?.finished === true, null, { timeout: 45_000, polling: 100 })
    .catch(async (e) => {
      const state = await page.evaluate(() => JSON.stringify(window.__webchatDemo)).catch((x) => String(x));
      throw new Error(`Web Chat scenario ${scenario.id} did not finish: ${e.message}\npage state: ${state}`);
    });
  const demo = await page.evaluate(() => JSON.parse(JSON.stringify(window.__webchatDemo)));
  const tabId = await tabIdOf(worker, url);
  const panel = await openPanel(context, extensionId, tabId);
  await panel.waitForFunction(() => document.querySelector('.row[data-tag="oauthcard"]') || document.querySelectorAll('.row').length > 5, null, { timeout: 10_000 }).catch(() => undefined);
  await panel.waitForTimeout(300);
  const rows = await panel.evaluate(readRowsInPage);
  let cardDetails = null;
  if (await panel.$('.row[data-tag="oauthcard"]')) {
    await panel.click('.row[data-tag="oauthcard"]');
    cardDetails = await panel.textContent('[data-testid=card-details]');
    if (screenshot) {
      await panel.setViewportSize({ width: 1400, height: 820 });
      await panel.screenshot({ path: screenshot });
    }
  }
  const diagnosis = await readDiagnosis(panel);
  if (!keepOpen) {
    await panel.close();
    await page.close();
  }
  return { scenario, tabId, url, rows, diagnosis, demo, cardDetails, page, panel };
}

/** Runs every scenario, the long ones first so they overlap with the rest. */
export async function runAllScenarios(browser, baseUrl, scenarios, concurrency = 6) {
  const order = [...scenarios].sort((a, b) => Number(b.expect.overBudget) - Number(a.expect.overBudget));
  const results = await mapLimit(order, concurrency, (s) => runScenario(browser, baseUrl, s));
  return scenarios.map((s) => results.find((r) => r.scenario.id === s.id));
}
