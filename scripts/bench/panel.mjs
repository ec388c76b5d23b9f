// The live panel at scale, with the built extension: per-event cost as the log grows, event → row
// latency, first render and filter at 50,000 events, and a burst of 2,000 events/s. Each figure's
// method is in docs/performance.md.
import { tabIdOf } from '../lib/chromium.mjs';
import {
  callsOf,
  emitCalls,
  logOf,
  openPanelPage,
  setMaxEntries,
  waitForCall,
  waitForCount,
  within,
  workerHeap,
} from './extension.mjs';
import { median, quantile, round, spread } from './stats.mjs';

/** The per-tab cap while benchmarking: room for 50,000 events and the batches appended after them. */
const BENCH_CAP = 100_000;

/** Opens an Omnichannel simulator page (scenario `fast`) and waits until its own chat flow is done. */
async function simulatorTab({ context, worker }, baseUrl, name) {
  const url = `${baseUrl}/omnichannel/?scenario=fast&bench=${name}`;
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__sim?.finished === true, null, { timeout: 60_000, polling: 100 });
  const tabId = await tabIdOf(worker, url, 30_000);
  return { page, tabId };
}

/**
 * Opens the panel and waits until it shows everything the background holds for the tab, rows and
 * diagnosis; returns it idle, with when its rows (`rowsAt`) and its whole view (`shownAt`) first
 * showed the log's newest entry (ms since the Unix epoch). `timeDomain`: of its CDP metrics (see openPanelPage).
 */
async function openCaughtUp(ext, tabId, timeDomain = 'threadTicks') {
  const log = await logOf(ext.worker, tabId);
  const panel = await openPanelPage(ext.context, ext.extensionId, tabId, timeDomain);
  const shownAt = await panel.arrival(log.lastSeq, 'all');
  const rowsAt = await panel.arrival(log.lastSeq, 'rows');
  await panel.idle();
  return { panel, log, shownAt, rowsAt };
}

/**
 * The panel's main-thread time per appended event: `batch` events emitted at once by the page, from
 * before the emit until the panel has rendered the last one and gone idle, `repeats` times.
 * @returns {Promise<{ taskMsPerEvent: number[], scriptMsPerEvent: number[] }>}
 */
async function appendCost(ext, tab, panel, batch, repeats) {
  const out = { taskMsPerEvent: [], scriptMsPerEvent: [] };
  for (let r = 0; r < repeats; r++) {
    const before = await logOf(ext.worker, tab.tabId);
    const m0 = await panel.metrics();
    await emitCalls(tab.page, `growth ${r}`, batch);
    const after = await waitForCount(ext.worker, tab.tabId, before.count + before.dropped + batch);
    await panel.arrival(after.lastSeq);
    await panel.idle();
    const m1 = await panel.metrics();
    out.taskMsPerEvent.push((m1.task - m0.task) / batch);
    out.scriptMsPerEvent.push((m1.script - m0.script) / batch);
  }
  return out;
}

/** Emits page calls until the tab's log holds `target` entries; returns the time until stored, ms. */
async function fillTo(ext, tab, target) {
  const log = await logOf(ext.worker, tab.tabId);
  const missing = target - log.count;
  const t0 = Date.now();
  if (missing > 0) {
    await emitCalls(tab.page, 'fill', missing);
    await waitForCount(ext.worker, tab.tabId, log.count + log.dropped + missing);
  }
  return { events: Math.max(0, missing), ms: Date.now() - t0 };
}

/**
 * Event → panel row latency, one event at a time with the panel idle before each, ms: `rows` until
 * its row is rendered (the figure), `all` until the diagnosis has taken it in too.
 */
async function latencySamples(ext, tab, panel, samples) {
  const out = { rows: [], all: [] };
  for (let i = 0; i < samples; i++) {
    await panel.idle();
    const before = await logOf(ext.worker, tab.tabId);
    await emitCalls(tab.page, `zqlatency-${i}`, 1);
    await waitForCount(ext.worker, tab.tabId, before.count + before.dropped + 1);
    const [call] = await callsOf(ext.worker, tab.tabId, `zqlatency-${i} `, before.lastSeq);
    if (!call) throw new Error(`bench: latency sample ${i} was not stored as an sdk.call`);
    out.rows.push((await panel.arrival(call.seq, 'rows')) - call.at);
    out.all.push((await panel.arrival(call.seq, 'all')) - call.at);
  }
  return out;
}

/**
 * Types `text` into the panel's search box and waits until the shown count changes; returns the time
 * from the input event to the first frame that shows the result (ms) and the shown text.
 */
async function filterOnce(panel, text) {
  return within(
    panel.page.evaluate(async (t) => {
      const input = document.querySelector('[data-testid=search]');
      const shown = document.querySelector('[data-testid=shown]');
      const start = shown.textContent;
      const t0 = performance.now();
      input.value = t;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      while (document.querySelector('[data-testid=shown]').textContent === start)
        await new Promise((r) => requestAnimationFrame(r));
      return { ms: performance.now() - t0, shown: document.querySelector('[data-testid=shown]').textContent };
    }, text),
    60_000,
    `the panel filtering for "${text}"`,
  );
}

/** Empties the search box and waits until the full list is shown again. */
async function clearFilter(panel) {
  await within(
    panel.page.evaluate(async () => {
      const input = document.querySelector('[data-testid=search]');
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      while (/ of /.test(document.querySelector('[data-testid=shown]').textContent))
        await new Promise((r) => requestAnimationFrame(r));
    }),
    60_000,
    'the panel clearing its filter',
  );
}

/** "1,234 of 50,000 rows" or "50,000 rows" → 1234 / 50000. */
const shownCount = (text) => Number(/^([\d,]+)/.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);

/**
 * One tab grown to 1,000, 20,000 and 50,000 events: per-event panel cost at 1,000 and at 50,000,
 * latency at 20,000, first render and filter at 50,000, and the background's pipeline time, heap and
 * storage on the way.
 * @param {{ context: any, extensionId: string, worker: () => Promise<any> }} ext
 * @param {{ baseUrl: string, batch: number, growthRepeats: number, latencySamples: number, filterRepeats: number }} opts
 */
export async function measureGrowingLog(
  ext,
  { baseUrl, batch, growthRepeats, latencySamples: nLatency, filterRepeats },
) {
  await setMaxEntries(ext.worker, BENCH_CAP);
  const heap = await workerHeap(ext.context, ext.extensionId);
  const heapBefore = await heap();
  const tab = await simulatorTab(ext, baseUrl, 'log');
  const result = {};
  try {
    // ── 1,000 events: the panel's cost per appended event on a small log.
    await fillTo(ext, tab, 1_000);
    let { panel } = await openCaughtUp(ext, tab.tabId);
    result.at1k = await appendCost(ext, tab, panel, batch, growthRepeats);
    await panel.close();

    // ── 20,000 events: event → row latency.
    await fillTo(ext, tab, 20_000);
    ({ panel } = await openCaughtUp(ext, tab.tabId));
    result.latencyMs = await latencySamples(ext, tab, panel, nLatency);
    await panel.close();

    // ── 50,000 events: the pipeline, the background's footprint, then a panel opened on it.
    result.pipeline = await fillTo(ext, tab, 50_000);
    result.heapMb = ((await heap()) - heapBefore) / 1048576;
    result.storageKb = (await (await ext.worker()).evaluate(() => chrome.storage.session.getBytesInUse(null))) / 1024;
    const opened = await openCaughtUp(ext, tab.tabId);
    panel = opened.panel;
    result.eventsAtFirstRender = opened.log.count;
    const origin = await panel.page.evaluate(() => performance.timeOrigin);
    result.firstRenderMs = opened.shownAt - origin;
    result.firstRowsMs = opened.rowsAt - origin;
    result.filterMs = [];
    for (let i = 0; i < filterRepeats; i++) {
      result.filterMs.push((await filterOnce(panel, i % 2 ? 'fill 4999' : 'fill 31337')).ms);
      await clearFilter(panel);
    }
    await panel.idle();
    result.at50k = await appendCost(ext, tab, panel, batch, growthRepeats);
    await panel.close();
  } finally {
    await tab.page.close();
  }
  return result;
}

/**
 * A burst of `rate` events/s for `seconds` from a page whose panel is open: the panel's busy share
 * during the burst (CDP TaskDuration delta ÷ wall time) and the events lost on the way (emitted by the
 * page vs stored by the background vs shown by the panel's search for them).
 * @param {{ baseUrl: string, rate: number, seconds: number }} opts
 */
export async function measureBurst(ext, { baseUrl, rate, seconds }) {
  const tab = await simulatorTab(ext, baseUrl, 'burst');
  const { panel } = await openCaughtUp(ext, tab.tabId, 'timeTicks');
  try {
    const m0 = await panel.metrics();
    const wall0 = Date.now();
    const emitted = await tab.page.evaluate(
      ([r, s]) =>
        new Promise((resolve) => {
          const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
          const total = r * s;
          const t0 = performance.now();
          let sent = 0;
          const tick = () => {
            const due = Math.min(total, Math.floor(((performance.now() - t0) * r) / 1000));
            while (sent < due) SDK.getContextProvider(`zqburst ${sent++}`);
            if (sent >= total) resolve({ sent, ms: performance.now() - t0 });
            else setTimeout(tick, 4);
          };
          tick();
        }),
      [rate, seconds],
    );
    const m1 = await panel.metrics();
    const burstEnd = Date.now();
    // Everything the page sent before the sentinel is stored (or counted as dropped) before it: the relay delivers in order.
    await emitCalls(tab.page, 'zqsentinel', 1);
    const sentinel = await waitForCall(ext.worker, tab.tabId, 'zqsentinel');
    const caughtUpAt = await panel.arrival(sentinel.seq, 'rows');
    const diagnosedAt = await panel.arrival(sentinel.seq, 'all');
    const stored = (await callsOf(ext.worker, tab.tabId, 'zqburst ')).length;
    await panel.idle();
    const shownText = (await filterOnce(panel, 'zqburst')).shown;
    const shown = shownCount(shownText);
    return {
      emitted: emitted.sent,
      emitMs: emitted.ms,
      stored,
      shown,
      lost: emitted.sent - Math.min(stored, shown),
      panelBusy: (m1.task - m0.task) / (burstEnd - wall0),
      panelScriptShare: (m1.script - m0.script) / (burstEnd - wall0),
      catchUpMs: caughtUpAt - burstEnd,
      diagnosisCatchUpMs: diagnosedAt - burstEnd,
    };
  } finally {
    await panel.close();
    await tab.page.close();
  }
}

/** Medians (and spreads) of the growing-log samples, in the bench-results.json shape. */
export function summariseGrowingLog(r) {
  const per1k = median(r.at1k.taskMsPerEvent);
  const per50k = median(r.at50k.taskMsPerEvent);
  const rows = r.latencyMs.rows;
  return {
    latencyP95Ms: round(quantile(rows, 0.95), 1),
    latencyMedianMs: round(median(rows), 1),
    latencySpreadMs: { min: round(spread(rows).min, 1), max: round(spread(rows).max, 1) },
    diagnosisLatencyP95Ms: round(quantile(r.latencyMs.all, 0.95), 1),
    panelTaskMsPerEventAt1k: round(per1k, 3),
    panelTaskMsPerEventAt50k: round(per50k, 3),
    panelScriptMsPerEventAt1k: round(median(r.at1k.scriptMsPerEvent), 3),
    panelScriptMsPerEventAt50k: round(median(r.at50k.scriptMsPerEvent), 3),
    perEventGrowth: round(per50k / per1k, 2),
    firstRender50kMs: Math.round(r.firstRenderMs),
    firstRows50kMs: Math.round(r.firstRowsMs),
    eventsAtFirstRender: r.eventsAtFirstRender,
    filter50kMs: round(median(r.filterMs), 1),
    filterSpreadMs: { min: round(spread(r.filterMs).min, 1), max: round(spread(r.filterMs).max, 1) },
    pipelineMs: r.pipeline.ms,
    pipelineEvents: r.pipeline.events,
    backgroundHeapMb: round(r.heapMb, 1),
    storageSessionKb: Math.round(r.storageKb),
  };
}
