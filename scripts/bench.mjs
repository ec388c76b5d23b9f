// `npm run bench`: performance figures for 10,000 and 50,000 events, in headless Chromium with the
// built extension (run `npm run build` first, or use `npm run bench` which builds):
//   - hook cost per SDK call in the page (ms),
//   - pipeline time until the background holds every event (ms),
//   - panel first render of the tab's log (ms),
//   - filter keystroke to result (ms, median of 5),
//   - background memory per tab (JS heap of the service worker, MB, after GC, minus its baseline),
//   - storage.session bytes in use (gzip chunks).
// Figures are printed and written to test-results/bench.json; docs/performance.md records them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startDemoServer } from '../demo/server.mjs';
import { chromiumPath } from './lib/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ext = join(root, 'dist');
const SIZES = (process.argv[2] ?? '10000,50000').split(',').map(Number);
const CAP = 20_000;

const server = await startDemoServer();
const browser = await puppeteer.launch({
  executablePath: chromiumPath(),
  headless: true,
  pipe: true,
  ignoreDefaultArgs: ['--disable-extensions'],
  args: [`--disable-extensions-except=${ext}`, `--load-extension=${ext}`, '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1400,900'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
try {
  const swTarget = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  const extensionId = new URL(swTarget.url()).host;
  for (const n of SIZES) {
    const sw = await swTarget.worker();
    const cdp = await swTarget.createCDPSession();
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    const page = await browser.newPage();
    const url = `${server.url}/omnichannel/?scenario=fast&bench=${n}`;
    await page.goto(url);
    await page.waitForFunction(() => window.__sim?.finished === true);
    const tabId = await sw.evaluate(async (u) => {
      const { store, ready } = globalThis.__chatSsoInspector;
      await ready;
      return store.tabIds().find((t) => store.entries(t).some((e) => e.event.kind === 'hook.installed' && e.event.url === u));
    }, url);
    const before = await sw.evaluate((t) => globalThis.__chatSsoInspector.store.entries(t).length, tabId);
    const baseline = await heap();
    const t0 = Date.now();
    const injectMs = await page.evaluate(async (total) => {
      const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
      const t = performance.now();
      for (let i = 0; i < total; i++) {
        SDK.getContextProvider(`invitation ${i}`);
        if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 0));
      }
      return performance.now() - t;
    }, n);
    await sw.evaluate(
      async (t, want) => {
        const { store } = globalThis.__chatSsoInspector;
        while (store.entries(t).length + store.state(t).dropped < want) await new Promise((r) => setTimeout(r, 50));
      },
      tabId,
      before + n,
    );
    const pipelineMs = Date.now() - t0;
    const heapMb = ((await heap()) - baseline) / 1048576;
    const storageBytes = await sw.evaluate(() => chrome.storage.session.getBytesInUse(null));
    const kept = Math.min(before + n, CAP);

    const panel = await browser.newPage();
    await panel.setViewport({ width: 1400, height: 900 });
    const r0 = Date.now();
    await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`);
    await panel.waitForFunction((k) => document.querySelector('[data-testid=counts]')?.textContent?.startsWith(`${k.toLocaleString('en-US')} events`), { timeout: 120_000 }, kept);
    const firstRenderMs = Date.now() - r0;
    const filterMs = [];
    for (let i = 0; i < 5; i++) {
      filterMs.push(
        await panel.evaluate(async (text) => {
          const input = document.querySelector('[data-testid=search]');
          const shown = document.querySelector('[data-testid=shown]');
          const start = shown.textContent;
          const t = performance.now();
          input.value = text;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          while (shown.textContent === start) await new Promise((r) => requestAnimationFrame(r));
          const ms = performance.now() - t;
          input.value = '';
          input.dispatchEvent(new Event('input', { bubbles: true }));
          while (shown.textContent !== start) await new Promise((r) => requestAnimationFrame(r));
          return ms;
        }, i % 2 ? 'invitation 4999' : 'invitation 31337'),
      );
    }
    const row = {
      events: n,
      keptRows: kept,
      hookMsPerCall: +(injectMs / n).toFixed(4),
      pipelineMs,
      panelFirstRenderMs: firstRenderMs,
      filterKeystrokeMs: +median(filterMs).toFixed(1),
      backgroundHeapMbPerTab: +heapMb.toFixed(1),
      storageSessionKb: Math.round(storageBytes / 1024),
    };
    results.push(row);
    console.log(JSON.stringify(row));
    await panel.close();
    await page.close();
    await cdp.detach();
  }
} finally {
  await browser.close();
  await server.close();
}
console.log('\n| Events injected | Rows kept | Hook cost per SDK call | Until stored | Panel first render | Filter keystroke | Background heap per tab | storage.session |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.events.toLocaleString('en-US')} | ${r.keptRows.toLocaleString('en-US')} | ${r.hookMsPerCall} ms | ${r.pipelineMs} ms | ${r.panelFirstRenderMs} ms | ${r.filterKeystrokeMs} ms | ${r.backgroundHeapMbPerTab} MB | ${r.storageSessionKb} KB |`);
}
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results/bench.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
