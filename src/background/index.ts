/**
 * Background (MV3 service worker in Chromium, event page in Firefox): keeps a
 * per-tab log of hook events in `storage.session`, flags auth token providers
 * that exceed the 10 s budget, and streams the log to open DevTools panels.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { AUTH_PROVIDER_BUDGET_MS } from '../shared/constants';
import type { CapturedEvent, LogEntry } from '../shared/events';
import { SETTINGS_KEY, tabIdFromPortName, type PanelPortMessage, type PanelRequest, type RelayMessage, type Settings } from '../shared/messages';
import { createBadge } from './badge';
import { createBudgetWatch } from './budget';
import { gzipCodec } from './chunkCodec';
import { DEFAULT_MAX_ENTRIES, TabLogStore } from './tabLog';

const store = new TabLogStore(browser.storage.session, DEFAULT_MAX_ENTRIES, gzipCodec);
const badge = createBadge(store);
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

/** The per-tab cap from the settings (storage.local), at least 1,000 entries. */
async function loadSettings(): Promise<void> {
  try {
    const got = (await browser.storage.local.get(SETTINGS_KEY))[SETTINGS_KEY] as Partial<Settings> | undefined;
    const max = Number(got?.maxEntriesPerTab);
    store.maxEntries = Number.isFinite(max) && max >= 1000 ? Math.floor(max) : DEFAULT_MAX_ENTRIES;
  } catch {
    store.maxEntries = DEFAULT_MAX_ENTRIES;
  }
}

// Everything waits for the restore, so events that wake the worker are appended after the old ones.
const ready = Promise.all([store.restore(), loadSettings()]).then(
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

function broadcast(tabId: number, message: PanelPortMessage) {
  for (const port of ports.get(tabId) ?? []) post(port, message);
}

function clearTab(tabId: number) {
  store.clear(tabId);
  budget.forget(tabId);
  broadcast(tabId, { type: 'cleared', tabId, state: store.state(tabId) });
  badge.update(tabId);
}

function append(tabId: number, frameId: number, events: CapturedEvent[], batchId?: string): LogEntry[] {
  // A new top-frame document: like the Network panel, start a new log unless "Preserve log" is on.
  const navigation = frameId === 0 && events.some((e) => e.kind === 'hook.installed' && e.top);
  if (navigation && !store.state(tabId).preserveLog && store.entries(tabId).length > 0) clearTab(tabId);
  const entries = store.append(tabId, frameId, events, batchId);
  for (const entry of entries) budget.observe(tabId, entry);
  broadcast(tabId, { type: 'append', tabId, entries, state: store.state(tabId) });
  badge.update(tabId);
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
        // Acknowledge only what is stored: the relay resends otherwise. A storage failure other than a
        // full quota (handled by dropping the oldest events) must not stall the page's events forever.
        await store.flushed().catch((e) => console.warn('Chat SSO Inspector: could not persist the log', e));
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
    if (request?.type === 'clear') clearTab(tabId);
    if (request?.type === 'set-preserve-log' && typeof request.value === 'boolean') {
      store.setPreserveLog(tabId, request.value);
      broadcast(tabId, { type: 'state', tabId, state: store.state(tabId) });
    }
  });
  void ready.then(() => post(port, { type: 'snapshot', tabId, entries: store.entries(tabId), state: store.state(tabId) }));
});

browser.tabs.onRemoved.addListener((tabId) => {
  void ready.then(() => {
    store.drop(tabId);
    budget.forget(tabId);
    badge.forget(tabId);
  });
});

browser.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
  // Tell open panels the new cap; it applies from the next event on.
  void loadSettings().then(() => {
    for (const tabId of ports.keys()) broadcast(tabId, { type: 'state', tabId, state: store.state(tabId) });
  });
});

// Inspection handle for tests and for debugging from the service worker console.
(globalThis as Record<string, unknown>).__chatSsoInspector = { store, ready, ports };
