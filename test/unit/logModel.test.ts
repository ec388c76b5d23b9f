/**
 * The incremental model (src/analysis/model/logIndex.ts, rows/timeline.ts): a log fed in batches,
 * with coalesced counters updated in place and the clock ticking between batches, gives exactly the
 * rows, card attempts, widget cards and findings of a from-scratch build, on every captured fixture,
 * for random splits of the log (a seeded PRNG, so a failure names the seed that reproduces it).
 */
import { describe, expect, it } from 'vitest';
import { faultOfEvent, type LogEntry } from '../../src/shared/events';
import { diagnose } from '../../src/analysis/diagnosis';
import { LogModel } from '../../src/analysis/logModel';
import { collectInvocations } from '../../src/analysis/model/invocations';
import { LogIndex } from '../../src/analysis/model/logIndex';
import {
  CardLinks,
  collectActivities,
  collectCardAttempts,
  type ActivityRecord,
} from '../../src/analysis/model/webchat';
import { collectWidgetCards, linkCardInvocations, WidgetCardFold } from '../../src/analysis/model/widgetCards';
import { entryRows, type RowContext } from '../../src/analysis/rows/omnichannelRows';
import { buildTimeline, rowStatsOf, TimelineIndex } from '../../src/analysis/rows/timeline';
import { compareRows, type TimelineRow } from '../../src/analysis/rows/types';
import { CAPTURE_IDS, capture } from '../helpers/captures';
import { FAULT_SPECS, faultCapture } from '../helpers/faults';

/** mulberry32: a small seeded PRNG, [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The timeline as the panel built it before the model: batch collections, every entry's rows, one sort. */
function referenceTimeline(entries: readonly LogEntry[], nowMs: number): TimelineRow[] {
  const invocations = collectInvocations(entries);
  const widgetCards = collectWidgetCards(entries, nowMs);
  const cardOf = new Map<string, (typeof widgetCards)[number]>();
  for (const [cardId, inv] of linkCardInvocations(widgetCards, [...invocations.values()])) {
    cardOf.set(
      inv.invocationId,
      widgetCards.find((card) => card.id === cardId)!,
    );
  }
  const records = collectActivities(entries);
  const firstSeen = new Map<number, ActivityRecord[]>();
  for (const record of records) {
    const seq = record.sightings[0]!.entry.seq;
    firstSeen.set(seq, [...(firstSeen.get(seq) ?? []), record]);
  }
  const context: RowContext = {
    nowMs,
    firstTopSeq: entries.find((x) => x.event.kind === 'hook.installed' && x.event.top && x.frameId === 0)?.seq,
    invocation: (id) => invocations.get(id),
    widgetCardOf: (id) => cardOf.get(id),
    firstSeenAt: (seq) => firstSeen.get(seq),
    links: new CardLinks(collectCardAttempts(entries, records)),
  };
  return entries.flatMap((entry) => entryRows(entry, context)).sort(compareRows);
}

/** Random batch sizes: mostly small, sometimes large, so both the placing and the re-sorting paths run. */
function randomBatches<T>(items: readonly T[], random: () => number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length;) {
    const size = random() < 0.8 ? 1 + Math.floor(random() * 4) : 1 + Math.floor(random() * items.length);
    batches.push(items.slice(i, i + size));
    i += size;
  }
  return batches;
}

/** A copy of a coalesced counter entry with a higher count (what the background's `update` sends). */
function counted(entry: LogEntry, more: number): LogEntry | undefined {
  const e = entry.event;
  if (e.kind !== 'relay.rejected' && e.kind !== 'log.dropped') return undefined;
  return { ...entry, event: { ...e, count: e.count + more } };
}

const lastAt = (entries: readonly LogEntry[]) => entries.reduce((max, e) => Math.max(max, e.event.at), 0);
const SEEDS = [1, 2, 3, 4, 5, 6];
/** Every stored capture, and each with an injected fault written in ("fault:<name>", test/helpers/faults.ts). */
const LOG_IDS = [...CAPTURE_IDS, ...Object.keys(FAULT_SPECS).map((name) => `fault:${name}`)];
const logOf = (id: string) => (id.startsWith('fault:') ? faultCapture(id.slice('fault:'.length)) : capture(id));

describe('incremental model = from-scratch build', () => {
  it.each(LOG_IDS)(
    '%s: rows, attempts, widget cards and findings, for random splits, updates and clock ticks',
    (id) => {
      const original = logOf(id);
      for (const seed of SEEDS) {
        const random = prng(seed * 7919 + id.length);
        const model = new LogModel();
        const fed: LogEntry[] = [];
        const end = lastAt(original);
        for (const batch of randomBatches(original, random)) {
          model.append(batch);
          fed.push(...batch);
          // Coalesced counters change in place now and then.
          if (random() < 0.3) {
            const i = Math.floor(random() * fed.length);
            const next = counted(fed[i]!, 1 + Math.floor(random() * 5));
            if (next) {
              fed[i] = next;
              model.update(next);
            }
          }
          // The panel reads the rows after some batches, at a clock that moves on.
          if (random() < 0.5) {
            const nowMs = lastAt(fed) + Math.floor(random() * 15_000);
            expect(model.rows(nowMs), `seed ${seed}, after ${fed.length} entries`).toEqual(
              referenceTimeline(fed, nowMs),
            );
          }
        }
        for (const nowMs of [end, end + 1_500, end + 60_000]) {
          const context = `seed ${seed}, now = last + ${nowMs - end} ms`;
          expect(model.rows(nowMs), context).toEqual(referenceTimeline(fed, nowMs));
          expect(model.rows(nowMs), context).toEqual(buildTimeline(fed, nowMs));
          expect(model.timeline.rowStats(), context).toEqual(rowStatsOf(model.rows(nowMs)));
          expect(model.index.cardAttempts, context).toEqual(collectCardAttempts(fed));
          expect(model.index.widgetCards(nowMs), context).toEqual(collectWidgetCards(fed, nowMs));
          expect(model.diagnose(nowMs), context).toEqual(diagnose(fed, { nowMs }));
          expect(model.index.faultMarked, context).toEqual(fed.filter((x) => faultOfEvent(x.event)));
          // Logs with a fault written in hold marked entries (fault.applied at least): the list is not vacuous.
          expect(model.index.faultMarked.length > 0, context).toBe(id.startsWith('fault:'));
        }
      }
    },
  );
});

describe('LogModel', () => {
  const entries = capture('sso-failure-502');

  it('returns the same rows array until something changes, and a new one after', () => {
    const model = LogModel.of(entries.slice(0, 10));
    const nowMs = lastAt(entries);
    const first = model.rows(nowMs);
    expect(model.rows(nowMs)).toBe(first);
    model.append(entries.slice(10));
    expect(model.rows(nowMs)).not.toBe(first);
    expect(model.rows(nowMs)).toEqual(buildTimeline(entries, nowMs));
  });

  it('ignores entries it already has and updates of seqs it does not have', () => {
    const model = LogModel.of(entries);
    const version = model.version;
    model.append(entries.slice(0, 5));
    model.update({ ...entries[0]!, seq: 99_999 });
    expect(model.version).toBe(version);
    expect(model.index.entries).toHaveLength(entries.length);
  });

  it('an update that is not a counter rebuilds, and gives the from-scratch rows', () => {
    const model = LogModel.of(entries);
    const nowMs = lastAt(entries);
    const generation = model.index.generation;
    const i = entries.findIndex((e) => e.event.kind === 'directline.http');
    const changed = structuredClone(entries);
    const http = changed[i]!.event;
    if (http.kind !== 'directline.http') throw new Error('fixture changed');
    http.status = 200;
    model.update(changed[i]!);
    expect(model.index.generation).toBe(generation + 1);
    expect(model.rows(nowMs)).toEqual(buildTimeline(changed, nowMs));
  });

  it('a trim hides the dropped rows at once and rebuilds once enough are dropped', () => {
    // A long log: the fixture repeated with fresh seqs.
    const long: LogEntry[] = [];
    while (long.length < 4_000) for (const e of entries) long.push({ ...e, seq: long.length + 1 });
    const model = LogModel.of(long);
    const nowMs = lastAt(long);
    const generation = model.index.generation;

    model.trimTo(11);
    expect(model.index.generation).toBe(generation); // a few dropped: no rebuild yet
    const shown = model.rows(nowMs);
    expect(shown.every((row) => row.seq >= 11)).toBe(true);
    expect(shown).toEqual(buildTimeline(long, nowMs).filter((row) => row.seq >= 11));
    expect(model.timeline.rowStats()).toEqual(rowStatsOf(shown));

    const firstKept = Math.floor(long.length / 2);
    model.trimTo(firstKept);
    expect(model.index.generation).toBe(generation + 1);
    const kept = long.filter((e) => e.seq >= firstKept);
    expect(model.index.entries).toEqual(kept);
    expect(model.rows(nowMs)).toEqual(buildTimeline(kept, nowMs));
  });

  it('a ticking clock recomputes the rows of the provider still waiting, and only those', () => {
    const slow = capture('never');
    const model = LogModel.of(slow);
    const start = lastAt(slow);
    const before = model.rows(start);
    const later = model.rows(start + 30_000);
    const changed = later.filter((row, i) => row !== before[i]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((row) => row.entry.event.kind === 'provider.invoke')).toBe(true);
    expect(later).toEqual(buildTimeline(slow, start + 30_000));
  });

  it('the widget card fold gives the batch result however its entries arrive', () => {
    const widget = capture('rc-bot-duplicate-signinid');
    const fold = new WidgetCardFold();
    for (const entry of widget) fold.add(entry);
    expect(fold.cards(lastAt(widget))).toEqual(collectWidgetCards(widget, lastAt(widget)));
  });

  it('buildTimeline reads a given index instead of indexing again', () => {
    const index = LogIndex.of(entries);
    const timeline = new TimelineIndex(index);
    expect(buildTimeline([], lastAt(entries), timeline)).toEqual(buildTimeline(entries, lastAt(entries)));
  });
});
