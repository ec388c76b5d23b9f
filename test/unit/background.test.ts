/**
 * The background (src/background/index.ts) with a stand-in for the extension APIs: navigation and the
 * log reset come from the browser (webNavigation.onCommitted, the sender's documentId), never from what
 * a page sends; it checks what the relay sends; snapshots to the panel are cut below the message limit.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commitTopDocument, classifyTopFrameMessage } from '../../src/background/navigation';
import { PORT_MESSAGE_CHARS } from '../../src/background/limits';
import type { TabLogStore } from '../../src/background/tabLog';
import type { HookEvent, LogEntry } from '../../src/shared/events';
import type { PanelPortMessage } from '../../src/shared/messages';
import { pageMessages } from '../helpers/pageMessages';
import { memoryArea, type MemoryArea } from '../helpers/sessionArea';

type Listener = (...args: any[]) => any;
const event = () => {
  const listeners: Listener[] = [];
  return { addListener: (f: Listener) => void listeners.push(f), listeners };
};

interface Sender {
  tabId?: number;
  frameId?: number;
  documentId?: string;
}

/** Loads a fresh background over `session` (a worker start); returns handles to drive it. */
async function startBackground(session: MemoryArea = memoryArea()) {
  vi.resetModules();
  const runtime = {
    id: 'ext-id',
    onMessage: event(),
    onConnect: event(),
    getURL: (path: string) => `chrome-extension://ext-id/${path}`,
  };
  /** What the background sent to the tab's frames (tabs.sendMessage), in order. */
  const toTabs: { tabId: number; message: unknown }[] = [];
  const badges: { tabId: number; text: string }[] = [];
  const committed = event();
  const browser = {
    runtime,
    storage: { session, local: { get: async () => ({}) }, onChanged: event() },
    tabs: {
      onRemoved: event(),
      sendMessage: async (tabId: number, message: unknown) => void toTabs.push({ tabId, message }),
    },
    webNavigation: { onCommitted: committed },
    action: {
      setBadgeBackgroundColor: async () => undefined,
      setBadgeText: async ({ tabId, text }: { tabId: number; text: string }) => void badges.push({ tabId, text }),
      setTitle: async () => undefined,
    },
  };
  vi.doMock('webextension-polyfill', () => ({ default: browser }));
  await import('../../src/background/index');
  const handle = (globalThis as any).__chatSsoInspector as { store: TabLogStore; ready: Promise<void> };
  await handle.ready;
  const send = async (message: unknown, { tabId = 1, frameId = 0, documentId = 'doc-1' }: Sender = {}) =>
    runtime.onMessage.listeners[0]!(message, {
      id: 'ext-id',
      tab: { id: tabId },
      frameId,
      ...(documentId ? { documentId } : {}),
    });
  const commit = async (tabId: number, documentId?: string, frameId = 0) => {
    for (const f of committed.listeners)
      f({ tabId, frameId, url: 'https://example.test/', timeStamp: 0, ...(documentId ? { documentId } : {}) });
    await handle.ready;
    await new Promise((r) => setTimeout(r, 0));
  };
  /** Opens a panel port; `url`: the sender's page (the panel's by default; a content script's is the site's). */
  const connect = async (tabId: number, url = 'chrome-extension://ext-id/panel.html') => {
    const received: PanelPortMessage[] = [];
    const port = {
      name: `panel:${tabId}`,
      sender: { id: 'ext-id', url },
      postMessage: (m: PanelPortMessage) => void received.push(structuredClone(m)),
      onMessage: event(),
      onDisconnect: event(),
    };
    runtime.onConnect.listeners[0]!(port);
    await handle.ready;
    await new Promise((r) => setTimeout(r, 0));
    return { received, request: (r: unknown) => port.onMessage.listeners[0]!(r) };
  };
  const close = (tabId: number) => {
    for (const f of browser.tabs.onRemoved.listeners) f(tabId);
    return handle.ready.then(() => new Promise((r) => setTimeout(r, 0)));
  };
  return { store: handle.store, send, commit, connect, close, session, toTabs, badges };
}

const at = 1_800_000_000_000;
const installed = (url: string): HookEvent => ({
  kind: 'hook.installed',
  url,
  top: true,
  readyState: 'loading',
  t: 1,
  at,
});
const call = (i: number): HookEvent => ({ kind: 'lcw.event', name: `lcw:e${i}`, t: i, at: at + i });
let batch = 0;
/** A relay batch holding `list` as the hook's page messages. */
const events = (list: unknown[]) => ({
  type: 'hook-messages',
  batchId: `b-${(batch += 1)}`,
  messages: pageMessages(list),
});
const kinds = (entries: LogEntry[]) => entries.map((e) => e.event.kind);

afterEach(() => {
  vi.doUnmock('webextension-polyfill');
});

describe('navigation from browser signals', () => {
  it('a forged top-frame hook.installed does not wipe the log; a committed navigation does', async () => {
    const bg = await startBackground();
    await bg.send(events([installed('https://example.test/'), call(1), call(2)]));
    // The page dispatches a hook.installed of its own (same document: the sender says so).
    expect(await bg.send(events([installed('https://evil.test/')]))).toEqual({ ok: true });
    expect(kinds(bg.store.entries(1))).toEqual(['hook.installed', 'lcw.event', 'lcw.event', 'hook.installed']);
    // The browser says the top frame committed a new document: a new log (Preserve log is off).
    await bg.commit(1, 'doc-2');
    expect(bg.store.entries(1)).toEqual([]);
    await bg.send(events([installed('https://example.test/next')]), { documentId: 'doc-2' });
    expect(kinds(bg.store.entries(1))).toEqual(['hook.installed']);
  });

  it('a message from a new document resets the log even before its commit is seen; a late one from the old page is ignored', async () => {
    const bg = await startBackground();
    await bg.send(events([installed('https://example.test/a'), call(1)]), { documentId: 'A' });
    await bg.send(events([installed('https://example.test/b')]), { documentId: 'B' });
    expect(bg.store.entries(1).map((e) => (e.event as { url?: string }).url)).toEqual(['https://example.test/b']);
    await bg.commit(1, 'B'); // the same navigation, seen now: nothing more happens
    expect(bg.store.count(1)).toBe(1);
    expect(await bg.send(events([call(2)]), { documentId: 'A' })).toEqual({ ok: true });
    expect(kinds(bg.store.entries(1))).toEqual(['hook.installed']);
    // Subframes are not top documents.
    await bg.send(events([call(3)]), { documentId: 'frame-doc', frameId: 3 });
    expect(bg.store.count(1)).toBe(2);
  });

  it('with Preserve log on, navigations keep the log (navigation markers) and start new counted entries', async () => {
    const bg = await startBackground();
    const panel = await bg.connect(1);
    panel.request({ type: 'set-preserve-log', value: true });
    await bg.send(events([installed('https://example.test/a'), { kind: 'nope' }]));
    await bg.send({ type: 'relay-rejected', count: 4, reasons: ['page-sent'] });
    await bg.commit(1, 'doc-2');
    await bg.send(events([installed('https://example.test/b')]), { documentId: 'doc-2' });
    await bg.send({ type: 'relay-rejected', count: 2, reasons: ['page-sent'] }, { documentId: 'doc-2' });
    const rows = bg.store.entries(1);
    expect(kinds(rows)).toEqual(['hook.installed', 'relay.rejected', 'hook.installed', 'relay.rejected']);
    expect(
      rows.filter((e) => e.event.kind === 'relay.rejected').map((e) => (e.event as { count: number }).count),
    ).toEqual([5, 2]);
    // The panel saw one append per new entry and updates for the counts that grew.
    expect(panel.received.some((m) => m.type === 'update')).toBe(true);
    expect(panel.received.filter((m) => m.type === 'cleared')).toEqual([]);
  });

  it('Firefox without documentIds: commits alone decide', async () => {
    const bg = await startBackground();
    await bg.send(events([installed('https://example.test/'), call(1)]), { documentId: '' });
    await bg.send(events([installed('https://evil.test/')]), { documentId: '' });
    expect(bg.store.count(1)).toBe(3);
    await bg.commit(1);
    expect(bg.store.count(1)).toBe(0);
  });

  it('a restarted worker still knows the current document: no reset on its next message', async () => {
    const session = memoryArea();
    let bg = await startBackground(session);
    await bg.send(events([installed('https://example.test/'), call(1)]));
    await bg.store.flushed();
    bg = await startBackground(session);
    await bg.send(events([call(2)]));
    expect(kinds(bg.store.entries(1))).toEqual(['hook.installed', 'lcw.event', 'lcw.event']);
    await bg.send(events([call(3)]), { documentId: 'doc-0' }); // unknown and not retired: a new document
    expect(kinds(bg.store.entries(1))).toEqual(['lcw.event']);
  });

  it('the pure rules', () => {
    expect(commitTopDocument(undefined, 'A')).toEqual({ state: { current: 'A', retired: [] }, isNew: true });
    const a = { current: 'A', retired: [] };
    expect(commitTopDocument(a, 'A')).toEqual({ state: a, isNew: false });
    expect(commitTopDocument(a, undefined)).toEqual({ state: { current: null, retired: ['A'] }, isNew: true });
    expect(classifyTopFrameMessage({ current: null, retired: ['A'] }, 'B')).toEqual({
      state: { current: 'B', retired: ['A'] },
      verdict: 'current',
    });
    expect(classifyTopFrameMessage({ current: 'B', retired: ['A'] }, 'A').verdict).toBe('stale');
    expect(classifyTopFrameMessage({ current: 'B', retired: ['A'] }, 'C')).toEqual({
      state: { current: 'C', retired: ['B', 'A'] },
      verdict: 'new',
    });
    expect(classifyTopFrameMessage(a, undefined)).toEqual({ state: a, verdict: 'current' });
  });
});

describe('what the relay sends is checked', () => {
  it('refuses unreadable messages, counts bad events in one entry, stores the rest as the schema reads them', async () => {
    const bg = await startBackground();
    expect(await bg.send({ type: 'made-up' })).toEqual({ ok: false });
    expect(await bg.send({ type: 'hook-messages', batchId: 7, messages: [] })).toEqual({ ok: false });
    expect(await bg.send({ type: 'hook-messages', batchId: 'x'.repeat(500), messages: [] })).toEqual({ ok: false });
    // The relay's old message, events already parsed: not read (the background parses the hook's strings itself).
    expect(await bg.send({ type: 'hook-events', batchId: 'b-old', events: [call(0)] })).toEqual({ ok: false });
    expect(await bg.send({ type: 'relay-rejected', count: 'many' })).toEqual({ ok: false });
    expect(bg.store.count(1)).toBe(0);
    for (let i = 0; i < 1_000; i++)
      await bg.send(
        events([
          { kind: 'budget.exceeded', invocationId: 'x', t: 0, at: 0, limitMs: 1 },
          { ...call(i), extra: 'dropped' },
        ]),
      );
    const rows = bg.store.entries(1);
    expect(rows.filter((e) => e.event.kind === 'lcw.event')).toHaveLength(1_000);
    expect(rows.filter((e) => e.event.kind === 'budget.exceeded')).toEqual([]); // a background kind from the relay: refused
    expect(rows.filter((e) => e.event.kind === 'relay.rejected').map((e) => e.event)).toEqual([
      expect.objectContaining({ count: 1_000, reasons: ['bad-event'] }),
    ]);
    expect(rows.find((e) => e.event.kind === 'lcw.event')!.event).not.toHaveProperty('extra');
  });

  it('the same batch id twice is stored once', async () => {
    const bg = await startBackground();
    const message = events([call(1)]);
    await bg.send(message);
    await bg.send(message);
    expect(bg.store.count(1)).toBe(1);
  });
});

describe('snapshots to the panel', () => {
  it('come in parts below the message size limit, which the panel puts back together', async () => {
    const bg = await startBackground();
    // ~9.6 MB of valid events: 40 × 240 KB.
    for (let i = 0; i < 40; i++)
      await bg.send(events([{ ...call(i), detail: Array.from({ length: 4 }, () => 'q'.repeat(60_000)) }]));
    const panel = await bg.connect(1);
    const parts = panel.received.filter(
      (m): m is Extract<PanelPortMessage, { type: 'snapshot' }> => m.type === 'snapshot',
    );
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(JSON.stringify(p).length).toBeLessThan(PORT_MESSAGE_CHARS + 300_000);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i));
    expect(new Set(parts.map((p) => p.snapshotId)).size).toBe(1);
    expect(parts.flatMap((p) => p.entries)).toEqual(bg.store.entries(1));
  });
});

describe('injected faults (the Reproduce menu)', () => {
  const delay = { id: 'auth-delay', seconds: 10.5 } as const;
  const on = { faults: [delay, { id: 'exchange-502' }], keepAcrossReload: false };
  const NONE = { faults: [], keepAcrossReload: false };
  const answer = (faults: unknown) => ({ type: 'faults', faults });
  const faultEntries = (entries: LogEntry[]) =>
    entries.filter((e) => e.event.kind === 'faults.changed').map((e) => (e.event as { faults: unknown }).faults);

  it("a panel's set-faults reaches every frame, is logged, shown to the panels and mirrored in storage.session", async () => {
    const bg = await startBackground();
    const panel = await bg.connect(1);
    await panel.request({ type: 'set-faults', faults: on });
    expect(bg.toTabs).toEqual([{ tabId: 1, message: answer(on) }]);
    expect(faultEntries(bg.store.entries(1))).toEqual([on.faults]);
    const last = panel.received.at(-1)!;
    expect(last.type === 'append' && last.state.faults).toEqual(on);
    expect(bg.session.data.get('faults:1')).toEqual(on);
    await vi.waitFor(() => expect(bg.badges.filter((b) => b.tabId === 1).at(-1)?.text).toBe('FI'));
    // The same set again changes nothing; all off clears the mirror and is logged.
    await panel.request({ type: 'set-faults', faults: on });
    expect(bg.toTabs).toHaveLength(1);
    await panel.request({ type: 'set-faults', faults: NONE });
    expect(bg.toTabs.at(-1)).toEqual({ tabId: 1, message: answer(NONE) });
    expect(faultEntries(bg.store.entries(1))).toEqual([on.faults, []]);
    expect(bg.session.data.has('faults:1')).toBe(false);
  });

  it('refuses malformed sets, and sets from a port a content script opened', async () => {
    const bg = await startBackground();
    const panel = await bg.connect(1);
    for (const bad of [
      { faults: [{ id: 'auth-delay', seconds: 1e9 }], keepAcrossReload: false },
      { faults: [delay, delay], keepAcrossReload: false },
      { faults: [{ id: 'rm -rf' }], keepAcrossReload: false },
      { faults: [delay] },
    ])
      await panel.request({ type: 'set-faults', faults: bad });
    const script = await bg.connect(1, 'https://evil.test/');
    await script.request({ type: 'set-faults', faults: on });
    expect(bg.toTabs).toEqual([]);
    expect(await bg.send({ type: 'faults-query' }, { frameId: 2 })).toEqual(answer(NONE));
    // A relay cannot set faults by message either.
    expect(await bg.send({ type: 'set-faults', faults: on })).toEqual({ ok: false });
    expect(await bg.send({ type: 'faults-query' }, { frameId: 2 })).toEqual(answer(NONE));
  });

  it('faults-query: a subframe gets the current faults; a new top document only those kept across reloads', async () => {
    const bg = await startBackground();
    const panel = await bg.connect(1);
    await panel.request({ type: 'set-faults', faults: on });
    expect(await bg.send({ type: 'faults-query' }, { frameId: 3 })).toEqual(answer(on));
    expect(await bg.send({ type: 'faults-query' }, { frameId: 0 })).toEqual(answer(NONE));
    const kept = { ...on, keepAcrossReload: true };
    await panel.request({ type: 'set-faults', faults: kept });
    expect(await bg.send({ type: 'faults-query' }, { frameId: 0 })).toEqual(answer(kept));
  });

  it('a top-frame navigation clears the faults (logged) unless kept; a subframe navigation does not', async () => {
    const bg = await startBackground();
    const panel = await bg.connect(1);
    await panel.request({ type: 'set-faults', faults: on });
    await bg.commit(1, 'doc-1b', 4);
    expect(await bg.send({ type: 'faults-query' }, { frameId: 4 })).toEqual(answer(on));
    await bg.commit(1, 'doc-2');
    expect(await bg.send({ type: 'faults-query' }, { frameId: 4, documentId: 'doc-2' })).toEqual(answer(NONE));
    expect(faultEntries(bg.store.entries(1))).toEqual([[]]);
    expect(bg.toTabs.at(-1)).toEqual({ tabId: 1, message: answer(NONE) });

    // Back to doc-1 (from the back/forward cache: its relay missed the clearing): it is told again.
    const pushes = bg.toTabs.length;
    await bg.commit(1, 'doc-1');
    expect(bg.toTabs.slice(pushes)).toEqual([{ tabId: 1, message: answer(NONE) }]);

    const kept = { ...on, keepAcrossReload: true };
    await panel.request({ type: 'set-faults', faults: kept });
    await bg.commit(1, 'doc-3');
    expect(await bg.send({ type: 'faults-query' }, { documentId: 'doc-3' })).toEqual(answer(kept));
    expect(bg.toTabs.at(-1)).toEqual({ tabId: 1, message: answer(kept) });
    // The new log (the old one went with doc-2... and doc-1) starts by saying which faults are kept, with their
    // settings, so the diagnosis can name them ("the injected 12 s delay").
    expect(
      bg.store
        .entries(1)
        .filter((e) => e.event.kind === 'faults.changed')
        .map((e) => e.event),
    ).toEqual([expect.objectContaining({ faults: kept.faults, keepAcrossReload: true })]);
  });

  it('per tab: another tab has none; a closed tab forgets its faults; a restarted worker remembers them', async () => {
    const session = memoryArea();
    const bg = await startBackground(session);
    await (await bg.connect(1)).request({ type: 'set-faults', faults: on });
    await (await bg.connect(2)).request({ type: 'set-faults', faults: { faults: [delay], keepAcrossReload: true } });
    expect(await bg.send({ type: 'faults-query' }, { tabId: 3, frameId: 1 })).toEqual(answer(NONE));
    await bg.close(2);
    expect(session.data.has('faults:2')).toBe(false);
    expect(await bg.send({ type: 'faults-query' }, { tabId: 2, frameId: 0 })).toEqual(answer(NONE));

    const again = await startBackground(session);
    expect(await again.send({ type: 'faults-query' }, { frameId: 1 })).toEqual(answer(on));
    const panel = await again.connect(1);
    expect(panel.received[0]!.state.faults).toEqual(on);
  });
});
