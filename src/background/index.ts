/**
 * Background (MV3 service worker in Chromium, event page in Firefox): keeps a per-tab log of hook
 * events in `storage.session`, flags auth token providers that exceed the 10 s budget, and streams
 * the log to open DevTools panels.
 *
 * Trust: the relay runs in the page's process and passes the hook's messages on unparsed, so every
 * message is parsed and every event validated here (ingest.ts), and the tab's budgets apply
 * (limits.ts). Navigation, and with it the log reset, is decided from browser signals only
 * (navigation.ts: webNavigation.onCommitted and the sender's documentId), never from an event a page
 * could have sent.
 *
 * Injected faults (the panel's Reproduce menu, faults.ts): only a panel's `set-faults` request changes a tab's
 * faults; they are pushed to the tab's relays, which pass them to the hook (docs/architecture.md, "Fault
 * injection: the control path").
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { AUTH_PROVIDER_BUDGET_MS } from '../shared/constants';
import type { LogEntry } from '../shared/events';
import { NO_FAULTS, type FaultSet } from '../shared/faults';
import {
  SETTINGS_KEY,
  tabIdFromPortName,
  type BackgroundToRelayMessage,
  type LogState,
  type PanelPortMessage,
  type PanelRequest,
  type Settings,
} from '../shared/messages';
import { createBadge } from './badge';
import { FaultStore, faultsChangedEvent, isExtensionPageUrl } from './faults';
import { createBudgetWatch } from './budget';
import { gzipCodec } from './chunkCodec';
import { createIngest, type IngestResult } from './ingest';
import { PORT_MESSAGE_CHARS, PORT_MESSAGE_ENTRIES } from './limits';
import { classifyTopFrameMessage, commitTopDocument } from './navigation';
import { DEFAULT_MAX_ENTRIES } from '../shared/constants';
import { TabLogStore } from './tabLog';

const ports = new Map<number, Set<Runtime.Port>>();
const store = new TabLogStore(browser.storage.session, DEFAULT_MAX_ENTRIES, gzipCodec, {
  // Another tab's write evicted some of this tab's oldest entries (fair eviction): tell its panels.
  onTrimmed: (tabId) => broadcast(tabId, { type: 'state', tabId, state: stateOf(tabId) }),
});
const faults = new FaultStore(browser.storage.session);
const ingest = createIngest(store);
const badge = createBadge(store, (tabId) => faults.get(tabId));

/** What the tab's panels show besides the entries: the log's state and the injected faults. */
function stateOf(tabId: number): LogState {
  return { ...store.state(tabId), faults: faults.get(tabId) };
}

// Faults are mirrored to storage.session: content scripts must not read it (Chromium's default, made sure
// here; Firefox keeps it from content scripts by default and may lack the call).
void (browser.storage.session as { setAccessLevel?(o: { accessLevel: string }): Promise<void> })
  .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
  ?.catch(() => undefined);
let snapshots = 0;

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
    const entries = store.append(flag.tabId, -1, [
      { kind: 'budget.exceeded', invocationId: flag.invocationId, t: flag.t, at: flag.at, limitMs: flag.limitMs },
    ]);
    published(flag.tabId, { appended: entries, updated: [] });
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
const ready = Promise.all([store.restore(), loadSettings(), faults.restore()]).then(
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

/** Cuts `entries` into consecutive parts below the port message limit. */
function cut(entries: LogEntry[]): LogEntry[][] {
  const parts: LogEntry[][] = [];
  let start = 0;
  let chars = 0;
  for (let i = 0; i < entries.length; i++) {
    const size = JSON.stringify(entries[i]).length;
    if (i > start && (chars + size > PORT_MESSAGE_CHARS || i - start >= PORT_MESSAGE_ENTRIES)) {
      parts.push(entries.slice(start, i));
      start = i;
      chars = 0;
    }
    chars += size;
  }
  if (start < entries.length) parts.push(entries.slice(start));
  return parts;
}

/** Tells the tab's panels what changed, and feeds the budget watch and the badge. */
function published(tabId: number, { appended, updated }: IngestResult) {
  if (appended.length === 0 && updated.length === 0) return;
  for (const entry of appended) budget.observe(tabId, entry);
  const state = stateOf(tabId);
  if (ports.has(tabId)) {
    for (const entries of cut(appended)) broadcast(tabId, { type: 'append', tabId, entries, state });
    if (updated.length) broadcast(tabId, { type: 'update', tabId, entries: updated, state });
  }
  badge.update(tabId);
}

function sendSnapshot(port: Runtime.Port, tabId: number) {
  const state = stateOf(tabId);
  const parts = store.parts(tabId, PORT_MESSAGE_CHARS, PORT_MESSAGE_ENTRIES);
  const snapshotId = (snapshots += 1);
  // Posted back to back in one task: no append can come between the parts.
  parts.forEach((entries, part) =>
    post(port, { type: 'snapshot', tabId, snapshotId, part, parts: parts.length, entries, state }),
  );
}

function clearTab(tabId: number) {
  store.clear(tabId);
  budget.forget(tabId);
  broadcast(tabId, { type: 'cleared', tabId, state: stateOf(tabId) });
  badge.update(tabId);
}

/**
 * The tab's faults changed to `set`: tell every frame's relay (which tells the hook), log when, and show it
 * in the tab's panels and badge.
 */
function faultsChanged(tabId: number, set: FaultSet) {
  pushFaults(tabId, set);
  const entries = store.append(tabId, -1, [faultsChangedEvent(set, Date.now())]);
  published(tabId, { appended: entries, updated: [] });
}

/** Tells every frame's relay of the tab the tab's faults (each passes them to its hook). */
function pushFaults(tabId: number, set: FaultSet) {
  const message: BackgroundToRelayMessage = { type: 'faults', faults: set };
  browser.tabs.sendMessage(tabId, message).catch(() => undefined); // no relay there (yet): it asks on start
}

/** The tab's top frame shows a new document: its faults end unless the user ticked "Keep across reload". */
function topDocumentFaults(tabId: number) {
  const cleared = faults.topNavigation(tabId);
  if (cleared) faultsChanged(tabId, cleared);
  // A page back from the back/forward cache may still hold an older set: tell it the current one.
  else if (faults.hadFaults(tabId)) pushFaults(tabId, faults.get(tabId));
}

/** The tab shows a new top-frame document: new coalesced entries, and a new log unless "Preserve log" is on. */
function newTopDocument(tabId: number) {
  store.closeMarkers(tabId);
  const cleared = !store.state(tabId).preserveLog && store.count(tabId) > 0;
  if (cleared) clearTab(tabId);
  const kept = faults.get(tabId);
  topDocumentFaults(tabId);
  // Faults kept across the reload: the new log says which, with their settings, as its first word on them (the
  // diagnosis reads a fault's setting from the latest faults.changed, and the one that said it went with the old log).
  if (cleared && kept.keepAcrossReload && faults.get(tabId).faults.length > 0)
    published(tabId, { appended: store.append(tabId, -1, [faultsChangedEvent(kept, Date.now())]), updated: [] });
}

browser.webNavigation?.onCommitted.addListener((details) => {
  if (details.frameId !== 0) return;
  const documentId = (details as { documentId?: string }).documentId;
  void ready.then(() => {
    if (!store.has(details.tabId)) {
      topDocumentFaults(details.tabId); // a tab whose faults were set before any event
      return; // no log yet: the document's first message starts it
    }
    const { state, isNew } = commitTopDocument(store.docState(details.tabId), documentId);
    store.setDocState(details.tabId, state);
    if (isNew) newTopDocument(details.tabId);
  });
});

const ok = { ok: true } as const;
const refused = { ok: false } as const;
const relayFaults = (set: FaultSet): BackgroundToRelayMessage => ({ type: 'faults', faults: set });

browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
  const tabId = sender.tab?.id;
  if (sender.id !== browser.runtime.id || typeof tabId !== 'number' || tabId < 0 || !raw || typeof raw !== 'object')
    return undefined;
  const message = raw as Record<string, unknown>;
  const frameId = typeof sender.frameId === 'number' && sender.frameId >= 0 ? sender.frameId : 0;
  const documentId = (sender as { documentId?: string }).documentId;
  return (async () => {
    await ready;
    if (frameId === 0) {
      const { state, verdict } = classifyTopFrameMessage(store.docState(tabId), documentId);
      if (state && state !== store.docState(tabId)) store.setDocState(tabId, state);
      if (verdict === 'new') newTopDocument(tabId);
      // A late message from a page the tab has left belongs to a log that is gone (unless preserved); and it
      // gets no faults.
      if (verdict === 'stale' && message.type === 'faults-query') return relayFaults(NO_FAULTS);
      if (verdict === 'stale' && !store.state(tabId).preserveLog) return ok;
    }
    switch (message.type) {
      case 'faults-query':
        return relayFaults(faults.queryAnswer(tabId, frameId));
      case 'hook-messages': {
        const batchId = message.batchId;
        if (typeof batchId !== 'string' || batchId.length === 0 || batchId.length > 128) return refused;
        if (!store.hasBatch(tabId, batchId))
          published(tabId, ingest.hookMessages(tabId, frameId, message.messages, batchId));
        // Acknowledge only what is stored: the relay resends otherwise. A storage failure other than a
        // full quota (handled by fair eviction) must not stall the page's events forever.
        await store.flushed().catch((e) => console.warn('Chat SSO Inspector: could not persist the log', e));
        return ok;
      }
      case 'relay-rejected':
      case 'relay-dropped': {
        const result =
          message.type === 'relay-rejected'
            ? ingest.rejected(tabId, message.count, message.reasons)
            : ingest.dropped(tabId, message.count, message.reason);
        if (!result) return refused;
        published(tabId, result);
        await store.flushed().catch(() => undefined);
        return ok;
      }
      default:
        return refused;
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
      broadcast(tabId, { type: 'state', tabId, state: stateOf(tabId) });
    }
    // Only an extension page (the panel) may switch faults: a content script could open a port by this name.
    if (request?.type === 'set-faults' && isExtensionPageUrl(port.sender?.url, browser.runtime.getURL(''))) {
      const changed = faults.set(tabId, request.faults);
      if (changed === null) console.warn('Chat SSO Inspector: refused a malformed set-faults request');
      else if (changed !== 'unchanged') faultsChanged(tabId, changed);
    }
  });
  void ready.then(() => sendSnapshot(port, tabId));
});

browser.tabs.onRemoved.addListener((tabId) => {
  void ready.then(() => {
    store.drop(tabId);
    ingest.forget(tabId);
    budget.forget(tabId);
    badge.forget(tabId);
    faults.forget(tabId);
  });
});

browser.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
  // Tell open panels the new cap; it applies from the next event on.
  void loadSettings().then(() => {
    for (const tabId of ports.keys()) broadcast(tabId, { type: 'state', tabId, state: stateOf(tabId) });
  });
});

// Inspection handle for tests and for debugging from the service worker console.
(globalThis as Record<string, unknown>).__chatSsoInspector = { store, ready, ports, faults };
