// Runs real-code bench scenarios (/realcode/?scenario=<id>) in a browser and returns each page's ground truth
// (window.__realcode). Works with a Playwright BrowserContext (Chromium) or a Puppeteer Browser (Firefox),
// with or without the extension. Shared by the tests and `npm start`.
import { realcodeScenarioPath } from '../../demo/realcode/scenarios.js';

/** Upper bound for one scenario page to settle (the slowest scenario takes ~15 s; the bundle is ~7 MB). */
export const REALCODE_PAGE_TIMEOUT_MS = 60_000;

/**
 * Opens one scenario page, waits until its ground truth says `finished`, and returns it.
 * @param {{ newPage(): Promise<any> }} browserOrContext  a Playwright BrowserContext or a Puppeteer Browser
 * @param {string} baseUrl  the demo server's URL
 * @param {{ id: string }} scenario
 * @param {{ keepOpen?: boolean, timeoutMs?: number }} [opts]
 * @returns {Promise<{ url: string, truth: any, page: any, console: string[] }>}
 */
export async function runRealcodeScenario(
  browserOrContext,
  baseUrl,
  scenario,
  { keepOpen = false, timeoutMs = REALCODE_PAGE_TIMEOUT_MS } = {},
) {
  // Firefox over WebDriver BiDi can refuse a new tab while another tab navigates ("no such frame"): retry once.
  const page = await browserOrContext.newPage().catch(async (e) => {
    if (!/no such frame|BrowsingContext/i.test(String(e?.message ?? e))) throw e;
    await new Promise((r) => setTimeout(r, 500));
    return browserOrContext.newPage();
  });
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`.slice(0, 500)));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e?.message ?? e}`.slice(0, 500)));
  const url = `${baseUrl}${realcodeScenarioPath(scenario.id)}`;
  try {
    await page.goto(url);
    // Playwright: waitForFunction(fn, arg, options); Puppeteer: waitForFunction(fn, options, ...args).
    const isPlaywright = typeof page.context === 'function';
    const finished = () => window.__realcode?.finished === true;
    await (isPlaywright
      ? page.waitForFunction(finished, undefined, { timeout: timeoutMs, polling: 100 })
      : page.waitForFunction(finished, { timeout: timeoutMs, polling: 100 }));
  } catch (e) {
    const state = await page.evaluate(() => JSON.stringify(window.__realcode ?? null)).catch((x) => String(x));
    await page.close().catch(() => undefined);
    throw new Error(
      `${scenario.id} did not finish: ${e?.message ?? e}\npage state: ${String(state).slice(0, 4000)}\nconsole:\n${consoleLines.slice(-30).join('\n')}`,
      { cause: e },
    );
  }
  const truth = await page.evaluate(() => JSON.parse(JSON.stringify(window.__realcode)));
  if (!keepOpen) await page.close().catch(() => undefined);
  return { url, truth, page, console: consoleLines };
}

/** A one-line summary of a ground truth, for printing. */
export function formatRealcodeTruth(truth) {
  const d = truth.decisions;
  const cards = d.cards
    .map(
      (c, i) =>
        `card ${i + 1} ${c.decision.toUpperCase()} (${c.widgetEvent ?? 'no widget event'}${c.inWebChat ? ', in Web Chat' : ''})`,
    )
    .join('; ');
  return [
    `lcw: ${d.lcwEvents.join(' → ') || '—'}`,
    `initialize: ${d.initialize} · startChat: ${d.startChat ?? '—'}`,
    d.authClientCalls.length ? `auth client function: ${d.authClientCalls.join(', ')}` : null,
    `livechatconnector: ${d.connector.join(' · ') || '—'}`,
    cards ? `cards: ${cards}` : null,
    d.tokenPosts.length ? `postToken: ${d.tokenPosts.join(', ')}` : null,
    d.errors.length ? `ERRORS: ${d.errors.join(' | ')}` : null,
  ]
    .filter(Boolean)
    .join('\n  ');
}
