/**
 * The timeline: every entry's rows (omnichannelRows.ts, webchatRows.ts) in time order. A
 * TimelineIndex keeps the rows of a growing log (model/logIndex.ts): each change recomputes only the
 * rows that may read differently, and a tick of the clock only those of providers still waiting.
 */
import type { LogEntry } from '../../shared/events';
import { LogIndex, lowerBoundSeq } from '../model/logIndex';
import { entryRows, type RowContext } from './omnichannelRows';
import { compareRows, type TimelineRow } from './types';

export type { RowSource, Severity, TimelineRow } from './types';
export { shortUrl, tokenOneLiner } from './omnichannelRows';

/** A batch that changes more than this share of the rows re-sorts them all instead of placing each. */
const RESORT_SHARE = 0.125;

/** The rows of a LogIndex, kept up to date as it changes. */
export class TimelineIndex {
  private generation = -1;
  /** Each entry's rows, by its index in the log's entries. */
  private rowsAt: TimelineRow[][] = [];
  /** Every row, in timeline order. */
  private sorted: TimelineRow[] = [];
  private nowMs = Number.NaN;
  /** What `rows` last returned, until something changes. */
  private shown: TimelineRow[] | null = null;
  /** Some row has a time that does not compare (NaN): keep the order the way a full sort gives it. */
  private unordered = false;
  /** Rows per kind, and warning and error rows, kept as rows change. */
  private kindCounts = new Map<string, number>();
  private problems = 0;
  private stats: RowStats | null = null;

  constructor(readonly log: LogIndex) {}

  /**
   * The rows of the entries the log keeps, in time order (`at`, then log order). `nowMs`: the
   * current time (ms since the Unix epoch), for invocations still waiting. A new array after each change.
   */
  rows(nowMs: number): TimelineRow[] {
    const log = this.log;
    if (log.generation !== this.generation) {
      this.generation = log.generation;
      this.rowsAt = [];
      this.sorted = [];
      this.unordered = false;
      this.shown = null;
      this.kindCounts.clear();
      this.problems = 0;
    }
    const { from, seqs } = log.takeDirty();
    if (nowMs !== this.nowMs) {
      for (const seq of log.clockSeqs()) seqs.add(seq);
      this.nowMs = nowMs;
    }
    const entries = log.entries;
    // Older entries to redo (new ones are all redone from `from`).
    const older: number[] = [];
    for (const seq of seqs) {
      const i = lowerBoundSeq(entries, seq);
      if (i < from && entries[i]?.seq === seq) older.push(i);
    }
    if (older.length > 0 || from < entries.length) {
      this.recompute(
        older.sort((a, b) => a - b),
        from,
        nowMs,
      );
      this.shown = null;
      this.stats = null;
    }
    if (!this.shown) {
      const first = log.liveFrom;
      this.shown = log.hasDropped ? this.sorted.filter((row) => row.seq >= first) : this.sorted.slice();
    }
    return this.shown;
  }

  private recompute(older: readonly number[], from: number, nowMs: number): void {
    const log = this.log;
    const entries = log.entries;
    const context: RowContext = {
      nowMs,
      firstTopSeq: log.firstTopSeq,
      invocation: (id) => log.invocations.get(id),
      widgetCardOf: (id) => log.widgetCardOf(id),
      firstSeenAt: (seq) => log.firstSeenAt(seq),
      links: log.cardLinks,
    };
    const resort = this.unordered || older.length + entries.length - from > this.sorted.length * RESORT_SHARE;
    const redo = (i: number) => {
      const before = this.rowsAt[i];
      const after = entryRows(entries[i]!, context);
      this.rowsAt[i] = after;
      for (const row of after) if (!Number.isFinite(row.at)) this.unordered = true;
      this.count(before, -1);
      this.count(after, 1);
      if (!resort && !this.unordered) this.place(before, after);
    };
    for (const i of older) redo(i);
    for (let i = from; i < entries.length; i++) redo(i);
    if (!resort && !this.unordered) return;
    // A big batch of new entries that all come after the rows there are (a snapshot's parts, a burst)
    // is appended; anything else is sorted again.
    if (!this.unordered && older.length === 0 && this.appendInOrder(from)) return;
    this.sorted = inTimelineOrder(this.rowsAt);
  }

  /** Appends the rows of the entries from `from` on, if they come after every row and in order; else false. */
  private appendInOrder(from: number): boolean {
    let previous = this.sorted.at(-1);
    for (let i = from; i < this.rowsAt.length; i++) {
      for (const row of this.rowsAt[i]!) {
        if (previous && !(compareRows(previous, row) <= 0)) return false;
        previous = row;
      }
    }
    for (let i = from; i < this.rowsAt.length; i++) for (const row of this.rowsAt[i]!) this.sorted.push(row);
    return true;
  }

  /**
   * The kinds of the rows `rows` last returned (sorted) and how many are warnings or errors: kept as
   * rows change, so reading them costs the number of kinds (a pass over the rows while dropped entries wait).
   */
  rowStats(): RowStats {
    if (this.stats) return this.stats;
    if (this.log.hasDropped) return (this.stats = rowStatsOf(this.shown ?? []));
    const kinds = [...this.kindCounts].filter(([, n]) => n > 0).map(([kind]) => kind);
    return (this.stats = { kinds: kinds.sort(), problems: this.problems });
  }

  private count(rows: readonly TimelineRow[] | undefined, by: 1 | -1): void {
    for (const row of rows ?? []) {
      this.kindCounts.set(row.kind, (this.kindCounts.get(row.kind) ?? 0) + by);
      if (row.severity !== 'info') this.problems += by;
    }
  }

  /** Replaces an entry's rows in the sorted list (they share the entry's time and seq). */
  private place(before: readonly TimelineRow[] | undefined, after: readonly TimelineRow[]): void {
    const sorted = this.sorted;
    let at = -1;
    if (before?.length) {
      at = this.lowerBound(before[0]!);
      if (sorted[at] !== before[0]) at = sorted.indexOf(before[0]!);
    }
    if (at >= 0 && after.length === before!.length && after[0]!.at === before![0]!.at) {
      for (let i = 0; i < after.length; i++) sorted[at + i] = after[i]!;
      return;
    }
    if (at >= 0) sorted.splice(at, before!.length);
    if (!after.length) return;
    const to = this.lowerBound(after[0]!);
    if (to === sorted.length) sorted.push(...after);
    else sorted.splice(to, 0, ...after);
  }

  /** Index of the first row not before `row` in timeline order. */
  private lowerBound(row: TimelineRow): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareRows(sorted[mid]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Every row of `rowsAt` (each entry's rows, in log order) in timeline order, as one stable sort of
 * them in log order gives. A log mostly comes in time order, so the sort is skipped when it would
 * change nothing (a 50,000-entry log is then one pass).
 */
function inTimelineOrder(rowsAt: readonly (readonly TimelineRow[])[]): TimelineRow[] {
  const all: TimelineRow[] = [];
  let ordered = true;
  let previous: TimelineRow | undefined;
  for (const rows of rowsAt) {
    for (const row of rows) {
      if (ordered && previous && !(compareRows(previous, row) <= 0)) ordered = false;
      all.push(row);
      previous = row;
    }
  }
  return ordered ? all : all.sort(compareRows);
}

/** The kinds of a list of rows (sorted), and how many are warnings or errors. */
export interface RowStats {
  kinds: string[];
  problems: number;
}

/** RowStats in one pass over the rows. */
export function rowStatsOf(rows: readonly TimelineRow[]): RowStats {
  const kinds = new Set<string>();
  let problems = 0;
  for (const row of rows) {
    kinds.add(row.kind);
    if (row.severity !== 'info') problems++;
  }
  return { kinds: [...kinds].sort(), problems };
}

/**
 * Builds the timeline rows for a tab's entries, in time order (`at`, then log order: an SDK call is
 * logged when it returns but stamped when it started, so it sorts before what it caused).
 * `nowMs`: the current time (ms since the Unix epoch), for invocations still waiting.
 * `timeline`: the live index of exactly these entries, to read instead of indexing them again.
 */
export function buildTimeline(entries: readonly LogEntry[], nowMs: number, timeline?: TimelineIndex): TimelineRow[] {
  return (timeline ?? new TimelineIndex(LogIndex.of(entries))).rows(nowMs);
}
