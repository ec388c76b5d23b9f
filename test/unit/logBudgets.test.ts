/**
 * The background's budgets (src/background/limits.ts, tabLog.ts, ingest.ts): per-tab memory in entries
 * and characters, rate budgets in events and characters per second, one counted entry for what is
 * refused or dropped, fair eviction of storage.session between tabs, and appends whose cost does not
 * grow with the log (counted in encode calls and characters written, not in wall time).
 */
import { describe, expect, it } from 'vitest';
import { plainCodec, type ChunkCodec } from '../../src/background/chunkCodec';
import { DEFAULT_INGEST_LIMITS, checkHookEvent, createIngest, type IngestLimits } from '../../src/background/ingest';
import { CHUNK_CHARS, CHUNK_ENTRIES, MAX_EVENT_CHARS, TokenBucket } from '../../src/background/limits';
import { MAX_BATCH_CHARS, MAX_MESSAGE_CHARS, MAX_MESSAGES_PER_BATCH } from '../../src/shared/constants';
import { TabLogStore } from '../../src/background/tabLog';
import type { CapturedEvent, HookEvent } from '../../src/shared/events';
import { pageMessage, pageMessages } from '../helpers/pageMessages';
import { memoryArea, storedChars, type MemoryArea } from '../helpers/sessionArea';

const ev = (i: number, pad = 0): HookEvent => ({
  kind: 'lcw.event',
  name: `lcw:e${i}${'x'.repeat(pad)}`.slice(0, 4096),
  t: i,
  at: 1_000 + i,
});
/** A valid event of about `chars` characters of JSON (a big summary, like a large activity or token). */
const big = (i: number, chars: number): HookEvent => ({
  kind: 'lcw.event',
  name: `lcw:big${i}`,
  t: i,
  at: 1_000 + i,
  detail: 'y'.repeat(chars),
});

/** A valid event (each string within the schema's bounds) whose JSON is over MAX_EVENT_CHARS. */
const huge: HookEvent = {
  kind: 'lcw.event',
  name: 'lcw:huge',
  t: 0,
  at: 1,
  detail: Array.from({ length: 5 }, () => 'z'.repeat(60_000)),
};

/** A codec that counts its encode calls and the characters it was given. */
function counting(inner: ChunkCodec = plainCodec) {
  const stats = { encodes: 0, chars: 0 };
  const codec: ChunkCodec = {
    ...inner,
    encode: (json) => {
      stats.encodes += 1;
      stats.chars += json.length;
      return inner.encode(json);
    },
  };
  return { codec, stats };
}

/** Characters the store sent to the area in `set` calls. */
function meterWrites(area: MemoryArea) {
  const written = { chars: 0, calls: 0 };
  const set = area.set.bind(area);
  area.set = async (items) => {
    written.calls += 1;
    for (const v of Object.values(items)) written.chars += storedChars(v);
    return set(items);
  };
  return written;
}

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const limits = (over: Partial<IngestLimits>): IngestLimits => ({ ...DEFAULT_INGEST_LIMITS, ...over });

describe('per-tab memory budget', () => {
  it('keeps at most maxTabChars characters of JSON: the oldest go, counted, and the panel is told where the log starts', async () => {
    const s = new TabLogStore(memoryArea(), 100_000, plainCodec, { maxTabChars: 50_000 });
    await s.restore();
    for (let i = 0; i < 100; i++) s.append(1, 0, [big(i, 2_000)]);
    expect(s.chars(1)).toBeLessThanOrEqual(50_000);
    const kept = s.entries(1);
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length + s.state(1).dropped).toBe(100);
    expect(s.state(1).firstSeq).toBe(kept[0]!.seq);
    expect(kept.at(-1)!.seq).toBe(100);
  });
});

describe('rate budgets', () => {
  it('events per second: past the burst, events are dropped and counted in one log.dropped entry; the budget refills', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const c = clock();
    const ingest = createIngest(s, c.now, limits({ eventsBurst: 100, eventsPerSecond: 10 }));
    const r1 = ingest.hookMessages(1, 0, pageMessages(Array.from({ length: 150 }, (_, i) => ev(i))), 'b1');
    expect(r1.appended.filter((e) => e.event.kind === 'lcw.event')).toHaveLength(100);
    const marker = r1.appended.find((e) => e.event.kind === 'log.dropped')!;
    expect(marker.event).toMatchObject({ kind: 'log.dropped', count: 50, reasons: ['rate-events'] });
    // More over the budget: the same entry counts them, in place (an update, not a new entry).
    const r2 = ingest.hookMessages(1, 0, pageMessages(Array.from({ length: 30 }, (_, i) => ev(200 + i))), 'b2');
    expect(r2.appended).toEqual([]);
    expect(r2.updated).toEqual([
      expect.objectContaining({ seq: marker.seq, event: expect.objectContaining({ count: 80 }) }),
    ]);
    // A second later, 10 more fit.
    c.advance(1_000);
    const r3 = ingest.hookMessages(1, 0, pageMessages(Array.from({ length: 15 }, (_, i) => ev(300 + i))), 'b3');
    expect(r3.appended).toHaveLength(10);
    expect(r3.updated[0]!.event).toMatchObject({ count: 85 });
    expect(s.entries(1).filter((e) => e.event.kind === 'log.dropped')).toHaveLength(1);
    expect(s.entries(1)).toHaveLength(111);
  });

  it('characters per second, and one event over the size bound', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const c = clock();
    const ingest = createIngest(
      s,
      c.now,
      limits({ charsBurst: 100_000, charsPerSecond: 10_000, maxEventChars: 50_000 }),
    );
    // One event per message, as the hook cuts big ones; the last is within a page message, over maxEventChars.
    const events = [...Array.from({ length: 12 }, (_, i) => big(i, 10_000)), big(99, 60_000)];
    const r = ingest.hookMessages(
      1,
      0,
      events.map((e) => pageMessage([e])),
      'b',
    );
    expect(r.appended.filter((e) => e.event.kind === 'lcw.event')).toHaveLength(9);
    expect(r.appended.find((e) => e.event.kind === 'log.dropped')!.event).toMatchObject({
      count: 4,
      reasons: ['rate-chars', 'event-too-large'],
    });
    c.advance(1_000);
    expect(ingest.hookMessages(1, 0, pageMessages([big(100, 5_000)]), 'c').appended).toHaveLength(1);
  });

  it('the default bursts let a page log 50,000 small events at once (the scale test) without a drop', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const ingest = createIngest(s, clock().now);
    let dropped = 0;
    for (let b = 0; b < 100; b++) {
      const r = ingest.hookMessages(
        1,
        0,
        pageMessages(Array.from({ length: 500 }, (_, i) => ev(b * 500 + i))),
        `b${b}`,
      );
      dropped += r.appended.filter((e) => e.event.kind === 'log.dropped').length + r.updated.length;
    }
    expect(dropped).toBe(0);
    expect(s.count(1) + s.state(1).dropped).toBe(50_000);
  });

  it('a token bucket grants what it has and refills at its rate, capped', () => {
    const b = new TokenBucket(10, 100, 0);
    expect(b.take(100, 0)).toBe(true);
    expect(b.take(1, 0)).toBe(false);
    expect(b.take(5, 500)).toBe(true);
    expect(b.available(1_000_000)).toBe(100);
  });
});

describe('coalescing', () => {
  it('5,000 malformed events, one per message, become one counted entry, not 5,000', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const ingest = createIngest(s, clock().now);
    const malformed: unknown[] = [
      { kind: 'made.up', t: 1, at: 2 },
      { kind: 'lcw.event', name: 42, t: 1, at: 2 },
      'text',
      null,
      { kind: 'hook.installed', top: 'yes' },
    ];
    for (let i = 0; i < 5_000; i++) ingest.hookMessages(1, 0, pageMessages([malformed[i % malformed.length]]), `m${i}`);
    const rows = s.entries(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.event).toMatchObject({ kind: 'relay.rejected', count: 5_000, reasons: ['bad-event'] });
  });

  it('page messages the background cannot read are counted in the same entry, by reason', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const ingest = createIngest(s, clock().now);
    const messages = [
      '{not json',
      JSON.stringify({ channel: 'someone-else', v: 1, events: [ev(1)] }),
      JSON.stringify({ channel: 'chat-sso-inspector', v: 2, events: [ev(1)] }),
      pageMessage([]),
      pageMessage([{ ...ev(1), name: 'x'.repeat(MAX_MESSAGE_CHARS) }]), // over the page-message bound
      pageMessage([ev(1), { kind: 'made.up', t: 1, at: 2 }, ev(2)]),
    ];
    const r = ingest.hookMessages(1, 0, messages, 'b');
    // The valid events of a message are kept, in order; every refusal is counted once.
    expect(r.appended.filter((e) => e.event.kind === 'lcw.event').map((e) => e.event)).toEqual([ev(1), ev(2)]);
    expect(s.entries(1).find((e) => e.event.kind === 'relay.rejected')!.event).toMatchObject({
      count: 6,
      reasons: ['not-json', 'bad-envelope', 'oversized', 'bad-event'],
    });
  });

  it("the relay's rejection reports add up in the same entry; a new document starts a new one", async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const ingest = createIngest(s, clock().now);
    for (let i = 0; i < 5_000; i++) ingest.rejected(1, 1, [i % 2 ? 'page-sent' : 'bad-event']);
    expect(s.entries(1)).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ kind: 'relay.rejected', count: 5_000, reasons: ['bad-event', 'page-sent'] }),
      }),
    ]);
    s.closeMarkers(1);
    ingest.rejected(1, 3, ['page-sent']);
    expect(s.entries(1).map((e) => (e.event as { count: number }).count)).toEqual([5_000, 3]);
    // Reports that are not counts are refused.
    expect(ingest.rejected(1, -1, [])).toBeNull();
    expect(ingest.rejected(1, '7', [])).toBeNull();
    expect(ingest.dropped(1, 5, 'made-up')).toBeNull();
    expect(ingest.dropped(1, 5, 'undeliverable')!.appended[0]!.event).toMatchObject({
      kind: 'log.dropped',
      count: 5,
      reasons: ['undeliverable'],
    });
  });

  it('a counted entry keeps its count across a worker restart, also after its document ended with Preserve log on', async () => {
    const area = memoryArea();
    const s = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await s.restore();
    s.setPreserveLog(1, true);
    const ingest = createIngest(s, clock().now);
    ingest.rejected(1, 1, ['page-sent']);
    for (let i = 0; i < 25; i++) s.append(1, 0, [ev(i)]); // the entry's chunk closes and is stored
    await s.flushed();
    for (let i = 0; i < 99; i++) ingest.rejected(1, 1, ['page-sent']);
    await s.flushed();
    let r = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await r.restore();
    expect(r.entries(1)[0]!.event).toMatchObject({ kind: 'relay.rejected', count: 100 });
    // The document ends (navigation, log preserved): its stored copy is refreshed, once.
    s.closeMarkers(1);
    ingest.rejected(1, 1, ['page-sent']);
    await s.flushed();
    r = new TabLogStore(area, 20_000, plainCodec, { chunkEntries: 10 });
    await r.restore();
    expect(
      r
        .entries(1)
        .filter((e) => e.event.kind === 'relay.rejected')
        .map((e) => (e.event as { count: number }).count),
    ).toEqual([100, 1]);
  });
});

describe('background validation', () => {
  it('stores only what the schema reads: unknown fields are stripped, wrong shapes and deep nesting refused', () => {
    const ok = checkHookEvent({ kind: 'lcw.event', name: 'lcw:ready', t: 1, at: 2, injected: '<script>' });
    if (!('event' in ok)) throw new Error('refused');
    expect(ok.event).toEqual({ kind: 'lcw.event', name: 'lcw:ready', t: 1, at: 2 });
    expect(JSON.parse(ok.json)).toEqual(ok.event);
    expect(checkHookEvent({ kind: 'relay.rejected', count: 1, reasons: [], t: 0, at: 0 })).toEqual({
      reason: 'bad-event',
    }); // the background's own kinds never come from the relay
    expect(checkHookEvent({ kind: 'lcw.event', name: 'x'.repeat(5_000), t: 1, at: 2 })).toEqual({
      reason: 'bad-event',
    });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkHookEvent({ kind: 'lcw.event', name: 'lcw:x', t: 1, at: 2, detail: deep })).toEqual({
      reason: 'bad-event',
    });
    expect(checkHookEvent(huge)).toEqual({ reason: 'event-too-large' });
    expect(JSON.stringify(huge).length).toBeGreaterThan(MAX_EVENT_CHARS);
  });

  it('a batch that is not a list of strings, or over its bounds, is counted, not stored', async () => {
    const s = new TabLogStore(memoryArea());
    await s.restore();
    const ingest = createIngest(s, clock().now);
    ingest.hookMessages(1, 0, { kind: 'lcw.event' }, 'a');
    ingest.hookMessages(1, 0, [pageMessage([ev(1)]), { kind: 'lcw.event' }], 'a2');
    // More messages than a batch holds: the first MAX_MESSAGES_PER_BATCH are read, the rest refused unread.
    const many = Array.from({ length: MAX_MESSAGES_PER_BATCH + 3 }, (_, i) => pageMessage([ev(i)]));
    expect(ingest.hookMessages(1, 0, many, 'b').appended.filter((e) => e.event.kind === 'lcw.event')).toHaveLength(
      MAX_MESSAGES_PER_BATCH,
    );
    // More characters than a batch holds: refused from the message that goes over.
    const long = pageMessage([{ ...ev(0), detail: Array(4).fill('y'.repeat(50_000)) }]);
    const count = Math.floor(MAX_BATCH_CHARS / long.length);
    const r = ingest.hookMessages(1, 0, Array(count + 2).fill(long), 'c');
    expect(r.appended.filter((e) => e.event.kind === 'lcw.event')).toHaveLength(count);
    const rejected = s.entries(1).find((e) => e.event.kind === 'relay.rejected')!;
    expect(rejected.event).toMatchObject({ count: 7, reasons: ['background-check', 'batch-too-long'] });
    expect(s.hasBatch(1, 'a')).toBe(true);
  });
});

describe('fair eviction in storage.session', () => {
  const budget = 120_000;
  const store = async (area = memoryArea()) => {
    const s = new TabLogStore(area, 100_000, plainCodec, { storageBudget: budget, chunkEntries: 20 });
    await s.restore();
    return s;
  };

  it('a tab that floods loses its own oldest entries, never those of a tab within its share', async () => {
    const area = memoryArea();
    const s = await store(area);
    for (let i = 0; i < 100; i++) s.append(1, 0, [big(i, 300)]); // tab 1: ~40,000 characters, within its share (60,000)
    await s.flushed();
    const quiet = s.entries(1);
    for (let i = 0; i < 2_000; i++) {
      s.append(2, 0, [big(i, 300)]); // tab 2: ~800,000 characters
      if (i % 50 === 0) await s.flushed();
    }
    await s.flushed();
    expect(s.entries(1)).toEqual(quiet);
    expect(s.state(1).dropped).toBe(0);
    expect(s.state(2).dropped).toBeGreaterThan(1_000);
    expect(s.count(2) + s.state(2).dropped).toBe(2_000);
    expect(s.storedChars(1) + s.storedChars(2)).toBeLessThanOrEqual(budget);
    expect(area.used()).toBeLessThanOrEqual(budget);
    // After a restart, each tab has exactly what it had.
    const r = await store(area);
    expect(r.entries(1)).toEqual(quiet);
    expect(r.entries(2)).toEqual(s.entries(2));
  });

  it('the tab that uses the most loses first; both end within the budget, the quiet one keeping its share', async () => {
    const area = memoryArea();
    const trimmed: number[] = [];
    const s = new TabLogStore(area, 100_000, plainCodec, {
      storageBudget: budget,
      chunkEntries: 20,
      onTrimmed: (t) => trimmed.push(t),
    });
    await s.restore();
    for (let i = 0; i < 280; i++) s.append(1, 0, [big(i, 300)]); // tab 1 alone: ~110,000, under the budget
    await s.flushed();
    expect(s.state(1).dropped).toBe(0);
    // Tab 2 starts writing: tab 1, now over its share (60,000), loses its oldest chunks first.
    for (let i = 0; i < 60; i++) {
      s.append(2, 0, [big(i, 300)]);
      await s.flushed();
    }
    expect(s.state(1).dropped).toBeGreaterThan(0);
    expect(s.state(2).dropped).toBe(0);
    expect(trimmed).toContain(1);
    // Tab 1 never goes below its share (less one chunk, the unit of eviction).
    const chunk = 20 * 400;
    expect(s.storedChars(1)).toBeGreaterThanOrEqual(budget / 2 - chunk);
    for (let i = 60; i < 1_000; i++) {
      s.append(2, 0, [big(i, 300)]);
      if (i % 10 === 0) await s.flushed();
    }
    await s.flushed();
    expect(s.storedChars(1)).toBeGreaterThanOrEqual(budget / 2 - chunk);
    expect(s.state(2).dropped).toBeGreaterThan(0);
    expect(area.used()).toBeLessThanOrEqual(budget);
  });
});

describe('appends cost O(1), amortised', () => {
  it('compresses each chunk once, when it closes: 10,000 appends, 40 encode calls', async () => {
    const { codec, stats } = counting();
    const area = memoryArea();
    const written = meterWrites(area);
    const s = new TabLogStore(area, 20_000, codec);
    await s.restore();
    let total = 0;
    for (let i = 0; i < 10_000; i++) {
      total += JSON.stringify(s.append(1, 0, [ev(i)])[0]).length;
      if (i % 10 === 0) await s.flushed(); // a write every 10 appends: no coalescing to hide the cost
    }
    await s.flushed();
    expect(stats.encodes).toBe(10_000 / CHUNK_ENTRIES);
    // Each entry is encoded once: what the codec was given is the log's JSON, not a multiple of it.
    expect(stats.chars).toBeLessThan(total * 1.05);
    // What was written (pieces, chunks, metas) grows linearly: about twice the log (piece, then chunk) plus a small meta per write.
    expect(written.chars).toBeLessThan(2 * total + written.calls * 400);
  });

  it('the cost of an append does not grow with the log: the 30th 240 KB event costs what the first did', async () => {
    const { codec, stats } = counting();
    const area = memoryArea();
    const written = meterWrites(area);
    const s = new TabLogStore(area, 20_000, codec);
    await s.restore();
    const perAppend: { encoded: number; written: number }[] = [];
    for (let i = 0; i < 30; i++) {
      const before = { encoded: stats.chars, written: written.chars };
      s.append(1, 0, [big(i, 240_000)]);
      await s.flushed();
      perAppend.push({ encoded: stats.chars - before.encoded, written: written.chars - before.written });
    }
    // Each append writes its own entry (a piece) and, every other one, a chunk of two: never the whole log.
    for (const p of perAppend) {
      expect(p.encoded).toBeLessThanOrEqual(2 * 240_100 + 10);
      expect(p.written).toBeLessThanOrEqual(3 * 240_100 + 2_000);
    }
    expect(stats.encodes).toBeLessThanOrEqual(15);
    expect(CHUNK_CHARS).toBeGreaterThan(240_000);
  });
});

describe('budget entries are background events', () => {
  it('log.dropped has the shape of relay.rejected (count, reasons)', () => {
    const e: CapturedEvent = { kind: 'log.dropped', at: 1, t: 0, count: 3, reasons: ['rate-events'] };
    expect(Object.keys(e).sort()).toEqual(['at', 'count', 'kind', 'reasons', 't']);
  });
});
