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
