import { describe, expect, it } from 'vitest';
import { gzipCodec, plainCodec, type ChunkCodec } from '../../src/background/chunkCodec';
import { TabLogStore } from '../../src/background/tabLog';
import type { CapturedEvent } from '../../src/shared/events';
import { memoryArea } from '../helpers/sessionArea';

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

  it('restores between writes too: the open chunk comes back from its pieces and keeps growing', async () => {
    const area = memoryArea();
    const a = new TabLogStore(area);
    await a.restore();
    for (let i = 0; i < 300; i++) {
      a.append(1, 0, [ev(i)]);
      if (i % 7 === 0) await a.flushed(); // a piece per write
    }
    await a.flushed();
    const b = new TabLogStore(area);
    await b.restore();
    expect(b.entries(1)).toEqual(a.entries(1));
    for (let i = 300; i < 600; i++) b.append(1, 0, [ev(i)]);
    await b.flushed();
    const c = new TabLogStore(area);
    await c.restore();
    expect(c.entries(1).map((e) => e.seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    // Closed chunks replaced their pieces: two closed chunks and the open chunk's pieces remain.
    const values = area.unitKeys(1).map((k) => area.data.get(k) as { open?: boolean });
    expect(values.filter((v) => !v.open)).toHaveLength(2);
  });

  it('ignores a piece its closed chunk replaced when the worker stopped between the two writes', async () => {
    const area = memoryArea();
    const a = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await a.restore();
    const pieces: [string, unknown][] = [];
    for (let i = 0; i < 10; i++) {
      a.append(2, 0, [ev(i)]);
      await a.flushed();
      pieces.push(
        ...area
          .unitKeys(2)
          .filter((k) => (area.data.get(k) as { open?: boolean }).open)
          .map((k) => [k, area.data.get(k)] as [string, unknown]),
      );
    }
    // Put the replaced pieces back, as if their removal never happened.
    for (const [k, v] of pieces) area.data.set(k, v);
    const b = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await b.restore();
    expect(b.entries(2).map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(area.unitKeys(2)).toHaveLength(1); // the stale pieces were removed
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
    expect(area.unitKeys(1)).toEqual([]);
    expect(area.unitKeys(2)).toEqual([]);
    r.append(1, 0, [ev(9)]);
    expect(r.entries(1)[0]!.seq).toBe(3); // numbering continues after a clear
  });

  it('a clear while a write is encoding leaves nothing of the old log in storage', async () => {
    const area = memoryArea();
    let release!: () => void;
    const slow: ChunkCodec = { ...plainCodec, encode: (json) => new Promise((r) => (release = () => r({ json }))) };
    const s = new TabLogStore(area, 20_000, slow, { chunkEntries: 5 });
    await s.restore();
    s.append(3, 0, [1, 2, 3, 4, 5, 6].map(ev)); // closes a chunk: the write waits in encode
    await new Promise((r) => setTimeout(r, 0));
    s.clear(3);
    s.append(3, 0, [ev(7)]);
    release();
    await s.flushed();
    const r = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 5 });
    await r.restore();
    expect(r.entries(3).map((e) => e.seq)).toEqual([7]);
  });
  it('a write that fails (not the quota) is made again by the next one: no hole after a restart', async () => {
    const area = memoryArea();
    const set = area.set.bind(area);
    let failures = 0;
    area.set = async (items) => {
      if (
        Object.values(items).some(
          (v) => v && typeof v === 'object' && 'first' in (v as object) && !('open' in (v as object)),
        ) &&
        failures++ === 0
      )
        throw new Error('IO error');
      return set(items);
    };
    const s = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await s.restore();
    for (let i = 0; i < 15; i++) s.append(6, 0, [ev(i)]); // closes a chunk: its first write fails
    await expect(s.flushed()).rejects.toThrow('IO error');
    s.append(6, 0, [ev(15)]);
    await s.flushed();
    const r = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await r.restore();
    expect(r.entries(6).map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
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
    expect(s.state(3)).toEqual({ dropped: 403, preserveLog: false, maxEntries: 600, firstSeq: 404 });
    expect(s.entries(3)[0]!.seq).toBe(404);
    const r = new TabLogStore(area, 600);
    await r.restore();
    expect(r.entries(3)).toEqual(s.entries(3));
    expect(r.state(3).dropped).toBe(403);
    // Units wholly dropped are removed from storage: only the kept chunks (one partly) and the open pieces remain.
    const closed = area.unitKeys(3).filter((k) => !(area.data.get(k) as { open?: boolean }).open);
    expect(closed.length).toBeLessThanOrEqual(Math.ceil(600 / 250) + 1);
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
    expect(r.state(4)).toEqual({ dropped: 0, preserveLog: true, maxEntries: 10, firstSeq: 16 });
    expect(r.entries(4)).toEqual([]);
    r.append(4, 0, [ev(99)]);
    expect(r.entries(4)[0]!.seq).toBe(16);
  });
});

describe('TabLogStore storage', () => {
  it('stores closed chunks gzip-compressed, the open chunk as JSON text, and restores them', async () => {
    const area = memoryArea();
    const s = new TabLogStore(area, 1000, gzipCodec);
    await s.restore();
    for (let i = 0; i < 700; i++) s.append(8, 0, [ev(i)]);
    await s.flushed();
    const values = area
      .unitKeys(8)
      .map((k) => area.data.get(k) as { gz?: string; json?: string; first: number; last: number; open?: boolean });
    const closed = values.filter((v) => !v.open);
    expect(closed.map((v) => [v.first, v.last])).toEqual([
      [1, 250],
      [251, 500],
    ]);
    expect(typeof closed[0]!.gz).toBe('string');
    expect(closed[0]!.gz!.length).toBeLessThan(JSON.stringify(s.entries(8).slice(0, 250)).length / 3);
    // Only strings are stored (a string costs about a byte of Chrome's quota per character; objects 3.5).
    for (const v of values.filter((x) => x.open)) expect(typeof v.json).toBe('string');
    const r = new TabLogStore(area, 1000, gzipCodec);
    await r.restore();
    expect(r.entries(8)).toEqual(s.entries(8));
  });

  it('never stalls on a full quota: evicts the oldest chunk, counts it, learns the real capacity', async () => {
    const area = memoryArea(60_000); // the browser's quota, lower than the store's budget
    const s = new TabLogStore(area, 100_000);
    await s.restore();
    for (let i = 0; i < 2000; i++) s.append(9, 0, [ev(i)]);
    await s.flushed();
    const { dropped } = s.state(9);
    expect(dropped).toBeGreaterThan(0);
    expect(s.entries(9).length + dropped).toBe(2000);
    expect(s.storageBudget).toBeLessThan(60_000);
    expect(area.used()).toBeLessThanOrEqual(60_000);
    const r = new TabLogStore(area, 100_000);
    await r.restore();
    expect(r.entries(9)).toEqual(s.entries(9));
    expect(r.state(9).dropped).toBe(dropped);
  });
});
