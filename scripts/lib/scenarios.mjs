// Runs simulator scenarios in Chromium tabs and reads what the panel shows for each.
import { entriesOf, openPanel, tabIdOf } from './chromium.mjs';
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
 * Opens a demo page, waits until its test global (`window[global].finished`) says it is done, then
 * opens the panel for its tab. Returns the page's state (a JSON copy of the global) and both pages.
 */
async function openAndInspect(browser, url, global, label, timeout) {
  const { context, extensionId, worker } = browser;
  const page = await context.newPage();
  await page.goto(url);
  await page
    .waitForFunction((g) => window[g]?.finished === true, global, { timeout, polling: 100 })
    .catch(async (e) => {
      const state = await page
        .evaluate((g) => JSON.stringify({ state: window[g], visibility: document.visibilityState }), global)
        .catch((x) => String(x));
      throw new Error(`${label} did not finish: ${e.message}\npage state: ${state}`);
    });
  const state = await page.evaluate((g) => JSON.parse(JSON.stringify(window[g])), global);
  const tabId = await tabIdOf(worker, url);
  const panel = await openPanel(context, extensionId, tabId);
  // Everything the background held once the page said it was done must be on screen before it is read.
  const lastSeq = (await entriesOf(worker, tabId)).at(-1)?.seq ?? 0;
  await panel.waitForFunction(
    (seq) => Number(document.querySelector('.app[data-last-seq]')?.getAttribute('data-last-seq') ?? 0) >= seq,
    lastSeq,
    { timeout: 60_000 },
  );
  return { page, panel, tabId, state };
}

/** Reads what the panel shows (rows, then the diagnosis), and closes both pages unless asked to keep them. */
async function readAndClose(r, keepOpen, beforeDiagnosis = async () => undefined) {
  const rows = await r.panel.evaluate(readRowsInPage);
  const extra = await beforeDiagnosis();
  const diagnosis = await readDiagnosis(r.panel);
  if (!keepOpen) {
    await r.panel.close();
    await r.page.close();
  }
  return { rows, diagnosis, extra };
}

/**
 * Opens one Omnichannel scenario page, waits until the page says it is finished, then reads the panel for its tab.
 * @returns {Promise<{ scenario: import('../../demo/omnichannel/scenarios.js').Scenario, tabId: number, url: string, rows: import('./panelReader.mjs').PanelRow[], diagnosis: any, measurements: any[], page: import('playwright-core').Page, panel: import('playwright-core').Page }>}
 */
export async function runScenario(browser, baseUrl, scenario, { keepOpen = false } = {}) {
  const url = `${baseUrl}/omnichannel/?scenario=${scenario.id}`;
  const r = await openAndInspect(browser, url, '__sim', `Scenario ${scenario.id}`, 30_000);
  const { rows, diagnosis } = await readAndClose(r, keepOpen);
  return {
    scenario,
    tabId: r.tabId,
    url,
    rows,
    diagnosis,
    measurements: r.state.measurements,
    page: r.page,
    panel: r.panel,
  };
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
  const url = `${baseUrl}/webchat/?${scenario.query}`;
  const r = await openAndInspect(browser, url, '__webchatDemo', `Web Chat scenario ${scenario.id}`, 90_000);
  const { panel } = r;
  await panel
    .waitForFunction(
      () => document.querySelector('.row[data-tag="oauthcard"]') || document.querySelectorAll('.row').length > 5,
      null,
      { timeout: 10_000 },
    )
    .catch(() => undefined);
  const {
    rows,
    diagnosis,
    extra: cardDetails,
  } = await readAndClose(r, keepOpen, async () => {
    if (!(await panel.$('.row[data-tag="oauthcard"]'))) return null;
    await panel.click('.row[data-tag="oauthcard"]');
    const text = await panel.textContent('[data-testid=card-details]');
    if (screenshot) {
      await panel.setViewportSize({ width: 1400, height: 820 });
      await panel.screenshot({ path: screenshot });
    }
    return text;
  });
  return { scenario, tabId: r.tabId, url, rows, diagnosis, demo: r.state, cardDetails, page: r.page, panel };
}

/**
 * Opens one real-code scenario (Microsoft's live chat packages, demo/realcode), waits until the page's
 * ground truth says it has settled, then reads the panel for its tab.
 * @param {{ context: import('playwright-core').BrowserContext, extensionId: string, worker: () => Promise<import('playwright-core').Worker> }} browser
 * @param {string} baseUrl
 * @param {import('../../demo/realcode/scenarios.js').RealcodeScenario} scenario
 * @param {{ keepOpen?: boolean }} [options]
 * @returns {Promise<{ scenario: any, tabId: number, url: string, rows: import('./panelReader.mjs').PanelRow[], diagnosis: any, truth: any, page: import('playwright-core').Page, panel: import('playwright-core').Page }>}
 */
export async function inspectRealcodeScenario(browser, baseUrl, scenario, { keepOpen = false } = {}) {
  const url = `${baseUrl}/realcode/?scenario=${scenario.id}`;
  const r = await openAndInspect(browser, url, '__realcode', `Real-code scenario ${scenario.id}`, 60_000);
  const { rows, diagnosis } = await readAndClose(r, keepOpen);
  return { scenario, tabId: r.tabId, url, rows, diagnosis, truth: r.state, page: r.page, panel: r.panel };
}

/** Runs every scenario, the long ones first so they overlap with the rest. */
export async function runAllScenarios(browser, baseUrl, scenarios, concurrency = 6) {
  const order = [...scenarios].sort((a, b) => Number(b.expect.overBudget) - Number(a.expect.overBudget));
  const results = await mapLimit(order, concurrency, (s) => runScenario(browser, baseUrl, s));
  return scenarios.map((s) => results.find((r) => r.scenario.id === s.id));
}
