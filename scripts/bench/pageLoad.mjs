// Page-load cost of the extension: the same small pages (demo/bench: fetch, XHR, WebSocket work) loaded
// in Chromium with the extension and in Chromium without it, in interleaved pairs.
import { median, round, spread } from './stats.mjs';

export const PAGE_KINDS = ['fetch', 'xhr', 'ws'];

/**
 * Loads `url` in a fresh tab of `context` and returns its timings (ms since navigation start):
 * `load` (loadEventEnd) and `done` (the later of load and the end of the page's network work); and
 * `cpu`, the page's main-thread CPU time until then (CDP TaskDuration in thread ticks, ms).
 */
async function loadOnce(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench?.doneAt != null || window.__bench?.error, null, {
      timeout: 30_000,
    });
    const t = await page.evaluate(() => ({
      load: performance.getEntriesByType('navigation')[0].loadEventEnd,
      doneAt: window.__bench.doneAt,
      error: window.__bench.error,
    }));
    if (t.error) throw new Error(`bench page ${url}: ${t.error}`);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const cpu = (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
    return { load: t.load, done: Math.max(t.load, t.doneAt), cpu };
  } finally {
    await page.close();
  }
}

/**
 * Runs `runs` pairs per page kind. Each pair loads the page once with and once without the extension,
 * alternating which goes first, so a busy moment of the machine hits both sides alike.
 * @param {{ withExt: import('playwright-core').BrowserContext, plain: import('playwright-core').BrowserContext, baseUrl: string, wsUrl: string, runs: number }} opts
 * @returns {Promise<{ pageLoadRatio: number, doneRatio: number, cpuRatio: number, perKind: Record<string, any>, pairRatios: number[] }>}
 *   pageLoadRatio: median over every pair of (loadEventEnd with ÷ without), pairRatios its samples;
 *   doneRatio: the same for the end of the page's network work; cpuRatio: for the main-thread CPU time until then.
 */
export async function measurePageLoad({ withExt, plain, baseUrl, wsUrl, runs }) {
  const urlOf = (kind) => `${baseUrl}/bench/?work=${kind}&ws=${encodeURIComponent(wsUrl)}`;
  // One unmeasured load each: the first load in a fresh profile pays for caches and the extension's start.
  for (const kind of PAGE_KINDS) {
    await loadOnce(withExt, urlOf(kind));
    await loadOnce(plain, urlOf(kind));
  }
  const perKind = {};
  const pairRatios = [];
  const loadRatios = [];
  const cpuRatios = [];
  for (const kind of PAGE_KINDS)
    perKind[kind] = {
      with: [],
      without: [],
      loadWith: [],
      loadWithout: [],
      ratios: [],
      loadRatios: [],
      cpuWith: [],
      cpuWithout: [],
    };
  for (let i = 0; i < runs; i++) {
    for (const kind of PAGE_KINDS) {
      const order = i % 2 ? [plain, withExt] : [withExt, plain];
      const [a, b] = [await loadOnce(order[0], urlOf(kind)), await loadOnce(order[1], urlOf(kind))];
      const [w, wo] = i % 2 ? [b, a] : [a, b];
      const k = perKind[kind];
      k.with.push(w.done);
      k.without.push(wo.done);
      k.loadWith.push(w.load);
      k.loadWithout.push(wo.load);
      k.ratios.push(w.done / wo.done);
      k.loadRatios.push(w.load / wo.load);
      k.cpuWith.push(w.cpu);
      k.cpuWithout.push(wo.cpu);
      pairRatios.push(w.done / wo.done);
      loadRatios.push(w.load / wo.load);
      cpuRatios.push(w.cpu / wo.cpu);
    }
  }
  const summary = {};
  for (const [kind, k] of Object.entries(perKind)) {
    summary[kind] = {
      loadWithMs: round(median(k.loadWith), 1),
      loadWithoutMs: round(median(k.loadWithout), 1),
      loadEventRatio: round(median(k.loadRatios), 3),
      loadRatioSpread: { min: round(spread(k.loadRatios).min, 3), max: round(spread(k.loadRatios).max, 3) },
      doneWithMs: round(median(k.with), 1),
      doneWithoutMs: round(median(k.without), 1),
      doneRatio: round(median(k.ratios), 3),
      cpuWithMs: round(median(k.cpuWith), 1),
      cpuWithoutMs: round(median(k.cpuWithout), 1),
    };
  }
  return {
    pageLoadRatio: round(median(loadRatios), 3),
    doneRatio: round(median(pairRatios), 3),
    cpuRatio: round(median(cpuRatios), 3),
    perKind: summary,
    pairRatios: loadRatios,
  };
}
