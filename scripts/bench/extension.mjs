// The benchmark's handles on the built extension, through its public surfaces only: the background's
// test handle (`globalThis.__chatSsoInspector`), `storage.local` settings, the panel page
// (panel.html?tabId=N, its `.app[data-rows-seq]` and `[data-last-seq]`) and the Chrome DevTools Protocol.

/** Fails with `what` when `promise` has not settled within `ms`: a bench never hangs on a lost event. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} did not happen within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A tab's log in the background: how many entries it holds, the newest seq, the per-tab cap and how
 * many older entries were dropped.
 * @returns {Promise<{ count: number, lastSeq: number, maxEntries: number, dropped: number }>}
 */
export async function logOf(worker, tabId) {
  return (await worker()).evaluate(async (t) => {
    const { store, ready } = globalThis.__chatSsoInspector;
    await ready;
    const { dropped, maxEntries } = store.state(t);
    return { count: store.count(t), lastSeq: store.entries(t).at(-1)?.seq ?? 0, maxEntries, dropped };
  }, tabId);
}

/**
 * Waits (polling inside the service worker) until the tab's log holds `count` entries, then returns
 * the log as logOf does. Entries dropped by the cap count as held (they did arrive).
 */
export async function waitForCount(worker, tabId, count, timeoutMs = 120_000) {
  const w = await worker();
  await within(
    w.evaluate(
      async ([t, want]) => {
        const { store, ready } = globalThis.__chatSsoInspector;
        await ready;
        while (store.count(t) + store.state(t).dropped < want) await new Promise((r) => setTimeout(r, 20));
      },
      [tabId, count],
    ),
    timeoutMs,
    `the background holding ${count} entries for tab ${tabId}`,
  );
  return logOf(worker, tabId);
}

/**
 * The tab's `sdk.call` entries (docs/capture-format.md) whose arguments contain `text`, newer than
 * `afterSeq`: their seq and their `at` (ms since the Unix epoch, stamped by the hook at the call).
 * @returns {Promise<{ seq: number, at: number }[]>}
 */
export async function callsOf(worker, tabId, text, afterSeq = 0) {
  return (await worker()).evaluate(
    async ([t, needle, after]) => {
      const { store, ready } = globalThis.__chatSsoInspector;
      await ready;
      return store
        .entries(t)
        .filter(
          (e) => e.seq > after && e.event.kind === 'sdk.call' && JSON.stringify(e.event.args ?? '').includes(needle),
        )
        .map((e) => ({ seq: e.seq, at: e.event.at }));
    },
    [tabId, text, afterSeq],
  );
}

/** Waits until the tab's log holds a `sdk.call` whose arguments contain `text`; returns its seq and `at`. */
export async function waitForCall(worker, tabId, text, afterSeq = 0, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await callsOf(worker, tabId, text, afterSeq);
    if (found.length > 0) return found[0];
    if (Date.now() > deadline)
      throw new Error(`bench: no SDK call with "${text}" reached the background within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Sets the per-tab cap (the panel toolbar's "keep N" setting, `storage.local` → settings.maxEntriesPerTab)
 * and waits until the background applies it.
 */
export async function setMaxEntries(worker, maxEntries) {
  const w = await worker();
  await within(
    w.evaluate(async (n) => {
      const { store, ready } = globalThis.__chatSsoInspector;
      await ready;
      const got = (await chrome.storage.local.get('settings')).settings ?? {};
      await chrome.storage.local.set({ settings: { ...got, maxEntriesPerTab: n } });
      while (store.state(-1).maxEntries !== n) await new Promise((r) => setTimeout(r, 10));
    }, maxEntries),
    15_000,
    `the per-tab cap of ${maxEntries}`,
  );
}

/**
 * The service worker's JS heap after a garbage collection, bytes, through a browser-level CDP session
 * (Playwright opens CDP sessions on pages only).
 * @param {import('playwright-core').BrowserContext} context
 * @returns {Promise<() => Promise<number>>}
 */
export async function workerHeap(context, extensionId) {
  const session = await context.browser().newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(extensionId));
  const { sessionId } = await session.send('Target.attachToTarget', { targetId: sw.targetId, flatten: false });
  let id = 0;
  const waiting = new Map();
  session.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  const call = (method) =>
    new Promise((resolve) => {
      const i = ++id;
      waiting.set(i, resolve);
      void session.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id: i, method, params: {} }),
      });
    });
  return async () => {
    await call('HeapProfiler.collectGarbage');
    return (await call('Runtime.getHeapUsage')).usedSize;
  };
}

/**
 * Makes `page` call the wrapped SDK method `getContextProvider` `count` times with `${label} ${i}`
 * (one `sdk.call` event each), yielding to the page's tasks every 1,000 calls as a busy site would.
 * Resolves when the calls are made (not yet delivered).
 */
export async function emitCalls(page, label, count) {
  await page.evaluate(
    async ([text, n]) => {
      const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
      for (let i = 0; i < n; i++) {
        SDK.getContextProvider(`${text} ${i}`);
        if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 0));
      }
    },
    [label, count],
  );
}

/**
 * Runs in a panel page from its first script: records when the panel's root (`#app .app`) changes
 * either of its two marks, as [seq, ms since the Unix epoch] per mark, and lets the bench wait for a seq:
 * `rows` (`data-rows-seq`), the newest log entry whose timeline row is rendered, and `all`
 * (`data-last-seq`), the newest the rows and the diagnosis have both taken in. Observes only those
 * attributes and the root's direct children, so it adds no work per rendered row.
 */
function recordArrivals() {
  const MARKS = { rows: 'data-rows-seq', all: 'data-last-seq' };
  const arrivals = { rows: [], all: [] };
  const waiters = new Set();
  const last = { rows: -1, all: -1 };
  const note = () => {
    const app = document.querySelector('#app .app');
    const at = performance.timeOrigin + performance.now();
    for (const [mark, attribute] of Object.entries(MARKS)) {
      const seq = Number(app?.getAttribute(attribute) ?? -1);
      if (seq === last[mark]) continue;
      last[mark] = seq;
      arrivals[mark].push([seq, at]);
      for (const w of waiters) w(mark, seq, at);
    }
  };
  const watchRoot = (root) => {
    new MutationObserver(note).observe(root, { childList: true });
    new MutationObserver(note).observe(root, {
      subtree: true,
      attributes: true,
      attributeFilter: Object.values(MARKS),
    });
    note();
  };
  const findRoot = new MutationObserver(() => {
    const root = document.getElementById('app');
    if (!root) return;
    findRoot.disconnect();
    watchRoot(root);
  });
  findRoot.observe(document, { childList: true, subtree: true });
  Object.defineProperty(window, '__benchPanel', {
    value: {
      arrivals,
      /** Resolves with the epoch ms at which the panel's `mark` ('rows' or 'all') first reached a seq ≥ `seq`. */
      arrival: (seq, mark) =>
        new Promise((resolve) => {
          const hit = arrivals[mark].find(([s]) => s >= seq);
          if (hit) return resolve(hit[1]);
          const w = (m, s, at) => {
            if (m !== mark || s < seq) return;
            waiters.delete(w);
            resolve(at);
          };
          waiters.add(w);
        }),
    },
  });
}

/**
 * Opens the panel for `tabId` as a page, with the arrival recorder and a CDP session for its
 * Performance metrics, in `timeDomain`: `threadTicks` counts the panel thread's CPU time (a cost that a
 * busy machine does not inflate), `timeTicks` wall time spent in tasks (how long the panel could not
 * respond). Does not wait for anything.
 * @returns {Promise<{ page: import('playwright-core').Page, navigatedAt: number, metrics(): Promise<{ task: number, script: number }>, arrival(seq: number, mark?: 'rows' | 'all', timeoutMs?: number): Promise<number>, idle(): Promise<void>, close(): Promise<void> }>}
 *   metrics: the panel's main-thread TaskDuration and ScriptDuration so far, ms; arrival: when the
 *   panel's `mark` reached `seq` (see recordArrivals; `all` unless told), ms since the Unix epoch.
 */
export async function openPanelPage(context, extensionId, tabId, timeDomain = 'timeTicks') {
  const page = await context.newPage();
  await page.addInitScript(recordArrivals);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain });
  const navigatedAt = Date.now();
  await page.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}`, { waitUntil: 'commit' });
  return {
    page,
    navigatedAt,
    async metrics() {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const get = (name) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { task: get('TaskDuration'), script: get('ScriptDuration') };
    },
    arrival: (seq, mark = 'all', timeoutMs = 120_000) =>
      within(
        page.evaluate(([s, m]) => window.__benchPanel.arrival(s, m), [seq, mark]),
        timeoutMs,
        `the panel showing seq ${seq} (${mark})`,
      ),
    // The panel has finished the work an arrival started (effects, timers that ran at once): the next idle period.
    idle: () => page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 10_000 }))),
    async close() {
      await cdp.detach().catch(() => undefined);
      await page.close();
    },
  };
}
