/**
 * The one model of a log that the panel and the viewer read: its index (invocations, activities,
 * cards, attempts: model/logIndex.ts), its timeline rows (rows/timeline.ts) and its diagnosis
 * (diagnosis/), all kept by one object that a live log feeds batch by batch.
 *
 * Costs: `append` amortised O(batch); `rows(nowMs)` recomputes the rows the changes touched (plus, when
 * the clock moved, those of providers still waiting) and copies the row list once per change;
 * `diagnose(nowMs)` runs the checks over the index (no re-indexing), memoised per version and time.
 */
import type { LogEntry } from '../shared/events';
import { diagnose, type Diagnosis } from './diagnosis';
import { LogIndex } from './model/logIndex';
import { buildTimeline, TimelineIndex, type TimelineRow } from './rows/timeline';

export class LogModel {
  readonly index = new LogIndex();
  readonly timeline = new TimelineIndex(this.index);
  private diagnosed: { version: number; nowMs: number; diagnosis: Diagnosis } | null = null;

  /** A model of `entries` (seq-sorted). */
  static of(entries: readonly LogEntry[]): LogModel {
    const model = new LogModel();
    model.append(entries);
    return model;
  }

  /** Changes with every change of the log. */
  get version(): number {
    return this.index.version;
  }

  /** Adds entries newer than the last one. */
  append(batch: readonly LogEntry[]): void {
    this.index.append(batch);
  }

  /** Replaces the entry with `entry`'s seq (a coalesced counter changed). */
  update(entry: LogEntry): void {
    this.index.update(entry);
  }

  /** Drops the entries before `firstSeq`. */
  trimTo(firstSeq: number): void {
    this.index.trimTo(firstSeq);
  }

  clear(): void {
    this.index.clear();
  }

  /** The timeline rows as of `nowMs` (ms since the Unix epoch). */
  rows(nowMs: number): TimelineRow[] {
    return buildTimeline(this.index.entries, nowMs, this.timeline);
  }

  /** The diagnosis as of `nowMs` (ms since the Unix epoch), computed once per version and time. */
  diagnose(nowMs: number): Diagnosis {
    const memo = this.diagnosed;
    if (memo && memo.version === this.version && memo.nowMs === nowMs) return memo.diagnosis;
    const diagnosis = diagnose(this.index.entries, { nowMs, index: this.index });
    this.diagnosed = { version: this.version, nowMs, diagnosis };
    return diagnosis;
  }
}
