import { describe, expect, it } from 'vitest';
import { TabLogStore, type SessionArea } from '../../src/background/tabLog';
import type { CapturedEvent } from '../../src/shared/events';

/** An in-memory stand-in for storage.session that, like the real one, stores copies. */
function memoryArea(): SessionArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    async get(keys) {
      const list = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
}

const ev = (i: number): CapturedEvent => ({ kind: 'lcw.event', name: `lcw:e${i}`, t: i, at: 1_000 + i });

describe('TabLogStore', () => {
  it('survives a restart: a new store restores every entry in order', async () => {
    const area = memoryArea();
    const a = new TabLogStore(area);
    await a.restore();
    for (let i = 0; i < 600; i++) a.append(5, 0, [ev(i)]); // spans three chunks
    a.append(9, 2, [ev(1), ev(2)], 'batch-1');
    await a.flushed();
    const b = new TabLogStore(area);
    await b.restore();
    expect(b.entries(5)).toEqual(a.entries(5));
    expect(b.entries(5).map((e) => e.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(b.entries(9).map((e) => e.frameId)).toEqual([2, 2]);
    expect(b.hasBatch(9, 'batch-1')).toBe(true);
    b.append(5, 0, [ev(600)]);
    expect(b.entries(5).at(-1)!.seq).toBe(601);
  });

  it('clears and drops tabs in storage too', async () => {
    const area = memoryArea();
    const s = new TabLogStore(area);
    await s.restore();
    s.append(1, 0, [ev(1), ev(2)]);
    s.append(2, 0, [ev(3)]);
    s.clear(1);
    s.drop(2);
    await s.flushed();
    const r = new TabLogStore(area);
    await r.restore();
    expect(r.entries(1)).toEqual([]);
    expect(r.tabIds()).toEqual([1]);
    r.append(1, 0, [ev(9)]);
    expect(r.entries(1)[0]!.seq).toBe(3); // numbering continues after a clear
  });
});

describe('TabLogStore cap', () => {
  it('keeps at most maxEntries, counts what it dropped, and restores exactly that', async () => {
    const area = memoryArea();
    const s = new TabLogStore(area, 600);
    await s.restore();
    for (let i = 0; i < 1000; i++) s.append(3, 0, [ev(i)]);
    s.append(3, 0, [ev(1000), ev(1001), ev(1002)]);
    await s.flushed();
    expect(s.entries(3)).toHaveLength(600);
    expect(s.state(3)).toEqual({ dropped: 403, preserveLog: false, maxEntries: 600 });
    expect(s.entries(3)[0]!.seq).toBe(404);
    const r = new TabLogStore(area, 600);
    await r.restore();
    expect(r.entries(3)).toEqual(s.entries(3));
    expect(r.state(3).dropped).toBe(403);
    // Chunks wholly dropped are removed from storage: only the kept ones (plus meta) remain.
    const chunkKeys = [...area.data.keys()].filter((k) => /^log:3:\d+$/.test(k));
    expect(chunkKeys.length).toBeLessThanOrEqual(Math.ceil(600 / 250) + 1);
  });

  it('remembers preserveLog and restarts the dropped count on clear', async () => {
    const area = memoryArea();
    const s = new TabLogStore(area, 10);
    await s.restore();
    for (let i = 0; i < 15; i++) s.append(4, 0, [ev(i)]);
    s.setPreserveLog(4, true);
    s.clear(4);
    await s.flushed();
    const r = new TabLogStore(area, 10);
    await r.restore();
    expect(r.state(4)).toEqual({ dropped: 0, preserveLog: true, maxEntries: 10 });
    expect(r.entries(4)).toEqual([]);
    r.append(4, 0, [ev(99)]);
    expect(r.entries(4)[0]!.seq).toBe(16);
  });
});

describe('TabLogStore storage', () => {
  it('stores gzip chunks and restores them', async () => {
    const { gzipCodec } = await import('../../src/background/chunkCodec');
    const area = memoryArea();
    const s = new TabLogStore(area, 1000, gzipCodec);
    await s.restore();
    for (let i = 0; i < 700; i++) s.append(8, 0, [ev(i)]);
    await s.flushed();
    const stored = area.data.get('log:8:0') as { gz: string };
    expect(typeof stored.gz).toBe('string');
    expect(stored.gz.length).toBeLessThan(JSON.stringify(s.entries(8).slice(0, 250)).length / 3);
    const r = new TabLogStore(area, 1000, gzipCodec);
    await r.restore();
    expect(r.entries(8)).toEqual(s.entries(8));
  });

  it('never stalls on a full quota: drops the oldest chunk, counts it, and goes on', async () => {
    const area = memoryArea();
    const set = area.set.bind(area);
    area.set = async (items) => {
      const chunks = [...area.data.keys()].filter((k) => /^log:9:\d+$/.test(k)).length + Object.keys(items).filter((k) => /^log:9:\d+$/.test(k) && !area.data.has(k)).length;
      if (chunks > 3) throw new Error('Resource::kQuotaBytes quota exceeded');
      return set(items);
    };
    const s = new TabLogStore(area, 100_000);
    await s.restore();
    for (let i = 0; i < 2000; i++) s.append(9, 0, [ev(i)]);
    await s.flushed();
    const { dropped } = s.state(9);
    expect(dropped).toBeGreaterThan(0);
    expect(s.entries(9).length + dropped).toBe(2000);
    const r = new TabLogStore(area, 100_000);
    await r.restore();
    expect(r.entries(9)).toEqual(s.entries(9));
    expect(r.state(9).dropped).toBe(dropped);
  });
});
