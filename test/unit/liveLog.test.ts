/**
 * The panel's side of the port (panel/connection.ts, panel/useLiveLog.ts): a snapshot in parts is put
 * back together before it is shown, messages that come meanwhile wait for it, a coalesced entry is
 * updated in place, and the panel keeps what the background keeps.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/shared/events';
import type { LogState, PanelPortMessage } from '../../src/shared/messages';

const entry = (seq: number, count?: number): LogEntry =>
  count === undefined
    ? { seq, frameId: 0, event: { kind: 'lcw.event', name: `lcw:e${seq}`, t: seq, at: seq } }
    : { seq, frameId: -1, event: { kind: 'relay.rejected', t: 0, at: seq, count, reasons: ['page-sent'] } };
const state = (over: Partial<LogState> = {}): LogState => ({
  dropped: 0,
  preserveLog: false,
  maxEntries: 20_000,
  firstSeq: 1,
  ...over,
});

async function load() {
  vi.resetModules();
  const listeners: ((m: unknown) => void)[] = [];
  const port = {
    postMessage: vi.fn(),
    disconnect: vi.fn(),
    onMessage: { addListener: (f: (m: unknown) => void) => void listeners.push(f) },
    onDisconnect: { addListener: () => undefined },
  };
  vi.doMock('webextension-polyfill', () => ({ default: { runtime: { connect: () => port } } }));
  const connection = await import('../../panel/connection');
  const live = await import('../../panel/useLiveLog');
  return { ...connection, ...live, deliver: (m: PanelPortMessage) => listeners.forEach((f) => f(m)) };
}

afterEach(() => vi.doUnmock('webextension-polyfill'));

describe('connection', () => {
  it('puts a snapshot in parts back together, and holds what comes meanwhile until it is complete', async () => {
    const m = await load();
    const seen: string[] = [];
    let snapshot: LogEntry[] = [];
    m.connectToBackground(7, {
      onStatus: (s) => seen.push(`status ${s}`),
      onSnapshot: (entries) => {
        snapshot = entries;
        seen.push(`snapshot ${entries.length}`);
      },
      onAppend: (entries) => seen.push(`append ${entries.map((e) => e.seq).join(',')}`),
      onUpdate: (entries) => seen.push(`update ${entries.map((e) => e.seq).join(',')}`),
      onCleared: () => seen.push('cleared'),
      onState: () => seen.push('state'),
    });
    const parts = [[entry(1), entry(2)], [entry(3)], [entry(4), entry(5)]];
    m.deliver({ type: 'snapshot', tabId: 7, snapshotId: 1, part: 0, parts: 3, entries: parts[0]!, state: state() });
    m.deliver({ type: 'snapshot', tabId: 7, snapshotId: 1, part: 1, parts: 3, entries: parts[1]!, state: state() });
    m.deliver({ type: 'append', tabId: 7, entries: [entry(6)], state: state() }); // (cannot happen in order, but must not be lost)
    m.deliver({ type: 'snapshot', tabId: 8, snapshotId: 9, part: 0, parts: 1, entries: [entry(99)], state: state() }); // another tab's
    expect(seen).toEqual(['status connecting']);
    m.deliver({ type: 'snapshot', tabId: 7, snapshotId: 1, part: 2, parts: 3, entries: parts[2]!, state: state() });
    expect(snapshot.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual(['status connecting', 'status connected', 'snapshot 5', 'append 6']);
  });

  it('a new snapshot (after a reconnect) replaces an incomplete one', async () => {
    const m = await load();
    const snapshots: number[][] = [];
    m.connectToBackground(7, {
      onStatus() {},
      onSnapshot: (e) => snapshots.push(e.map((x) => x.seq)),
      onAppend() {},
      onUpdate() {},
      onCleared() {},
      onState() {},
    });
    m.deliver({ type: 'snapshot', tabId: 7, snapshotId: 1, part: 0, parts: 2, entries: [entry(1)], state: state() });
    m.deliver({
      type: 'snapshot',
      tabId: 7,
      snapshotId: 2,
      part: 0,
      parts: 1,
      entries: [entry(1), entry(2)],
      state: state(),
    });
    expect(snapshots).toEqual([[1, 2]]);
  });
});

describe('mergeLive', () => {
  it('appends new entries once, updates a coalesced entry in place, and trims to what the background keeps', async () => {
    const { mergeLive } = await load();
    const old = [entry(1), entry(2, 10), entry(3)];
    const next = mergeLive(old, [entry(3), entry(4)], new Map([[2, entry(2, 5_000)]]), state());
    expect(next.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(next[1]!.event).toMatchObject({ count: 5_000 });
    expect(old[1]!.event).toMatchObject({ count: 10 }); // a new array: Preact sees the change
    expect(mergeLive(next, [], new Map(), state({ firstSeq: 3 })).map((e) => e.seq)).toEqual([3, 4]);
    expect(mergeLive(next, [], new Map(), state({ maxEntries: 1 })).map((e) => e.seq)).toEqual([4]);
    expect(mergeLive(next, [], new Map(), state())).toBe(next);
  });
});
