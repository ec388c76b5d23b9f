/**
 * Background (MV3 service worker in Chromium, event page in Firefox): keeps a
 * per-tab log of hook events in `storage.session`, flags auth token providers
 * that exceed the 10 s budget, and streams the log to open DevTools panels.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { AUTH_PROVIDER_BUDGET_MS } from '../shared/constants';
import type { CapturedEvent, LogEntry } from '../shared/events';
import { tabIdFromPortName, type PanelPortMessage, type PanelRequest, type RelayMessage } from '../shared/messages';
import { createBudgetWatch } from './budget';
import { TabLogStore } from './tabLog';

const store = new TabLogStore(browser.storage.session);
const ports = new Map<number, Set<Runtime.Port>>();

const budget = createBudgetWatch(
  {
    now: () => Date.now(),
    setTimer: (fn, ms) => {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    },
  },
  AUTH_PROVIDER_BUDGET_MS,
  (flag) => {
    append(flag.tabId, -1, [{ kind: 'budget.exceeded', invocationId: flag.invocationId, t: flag.t, at: flag.at, limitMs: flag.limitMs }]);
  },
);

// Everything waits for the restore, so events that wake the worker are appended after the old ones.
const ready = store.restore().then(
  () => {
    for (const tabId of store.tabIds()) budget.restore(tabId, store.entries(tabId));
  },
  (e) => console.error('Chat SSO Inspector: could not restore the session log', e),
);

function post(port: Runtime.Port, message: PanelPortMessage) {
  try {
    port.postMessage(message);
  } catch {
    // The panel went away between the check and the post; onDisconnect cleans up.
  }
}

function append(tabId: number, frameId: number, events: CapturedEvent[], batchId?: string): LogEntry[] {
  const entries = store.append(tabId, frameId, events, batchId);
  for (const entry of entries) budget.observe(tabId, entry);
  for (const port of ports.get(tabId) ?? []) post(port, { type: 'append', tabId, entries });
  return entries;
}

browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const tabId = sender.tab?.id;
  if (sender.id !== browser.runtime.id || tabId === undefined || !raw || typeof raw !== 'object') return undefined;
  const message = raw as RelayMessage;
  const frameId = sender.frameId ?? 0;
  return (async () => {
    await ready;
    switch (message.type) {
      case 'hook-events': {
        if (!Array.isArray(message.events) || typeof message.batchId !== 'string') return { ok: false };
        if (!store.hasBatch(tabId, message.batchId)) append(tabId, frameId, message.events, message.batchId);
        await store.flushed(); // acknowledge only what is stored: the relay resends otherwise
        return { ok: true };
      }
      case 'relay-rejected': {
        const now = Date.now();
        append(tabId, frameId, [{ kind: 'relay.rejected', at: now, t: 0, count: Number(message.count) || 0, reasons: (message.reasons ?? []).map(String).slice(0, 10) }]);
        await store.flushed();
        return { ok: true };
      }
      default:
        return { ok: false };
    }
  })();
});

browser.runtime.onConnect.addListener((port) => {
  const tabId = tabIdFromPortName(port.name);
  if (tabId === null || port.sender?.id !== browser.runtime.id) return;
  const set = ports.get(tabId) ?? new Set();
  ports.set(tabId, set);
  set.add(port);
  port.onDisconnect.addListener(() => {
    set.delete(port);
    if (set.size === 0) ports.delete(tabId);
  });
  port.onMessage.addListener(async (raw: unknown) => {
    const request = raw as PanelRequest;
    await ready;
    if (request?.type === 'clear') {
      store.clear(tabId);
      budget.forget(tabId);
      for (const p of ports.get(tabId) ?? []) post(p, { type: 'cleared', tabId });
    }
  });
  void ready.then(() => post(port, { type: 'snapshot', tabId, entries: store.entries(tabId) }));
});

browser.tabs.onRemoved.addListener((tabId) => {
  void ready.then(() => {
    store.drop(tabId);
    budget.forget(tabId);
  });
});

// Inspection handle for tests and for debugging from the service worker console.
(globalThis as Record<string, unknown>).__chatSsoInspector = { store, ready, ports };
