/**
 * Pacing for work that follows a stream of changes (the live panel's flushes, its diagnosis): run it
 * at once after a quiet moment, and during a stream no more often than keeps it at `share` of the
 * time, measured from its own cost. A budget of work time (a token bucket) fills at `share` ms per ms
 * up to `burstMs`, and each run spends what it cost: a few runs after a quiet moment never wait, a
 * sustained stream is held to `share`. Pure (the caller passes the clock), so it is tested in Node.
 */
export class Pacer {
  private lastStart = Number.NEGATIVE_INFINITY;
  private budget: number;
  private filledAt = Number.NEGATIVE_INFINITY;

  /**
   * @param share the most of the time the work may take during a stream, 0 < share ≤ 1
   * @param burstMs work time a quiet moment saves up, ms
   * @param minGapMs the least time between two starts, ms
   * @param maxGapMs the most time a run waits, however slow the last ones were, ms
   */
  constructor(
    readonly share: number,
    readonly burstMs: number,
    readonly minGapMs = 0,
    readonly maxGapMs = Number.POSITIVE_INFINITY,
  ) {
    this.budget = burstMs;
  }

  private fill(nowMs: number): void {
    if (nowMs > this.filledAt) {
      this.budget = Math.min(this.burstMs, this.budget + (nowMs - this.filledAt) * this.share);
      this.filledAt = nowMs;
    }
  }

  /** How long to wait from `nowMs` before the next run may start, ms (0: now). */
  delay(nowMs: number): number {
    this.fill(nowMs);
    const forBudget = this.budget >= 0 ? 0 : -this.budget / this.share;
    const forGap = this.lastStart + this.minGapMs - nowMs;
    return Math.min(this.maxGapMs, Math.max(0, forBudget, forGap));
  }

  /** A run starts at `nowMs` (ms, any monotonic clock). */
  started(nowMs: number): void {
    this.fill(nowMs);
    this.lastStart = nowMs;
  }

  /** The run that started last took `costMs`. */
  finished(costMs: number): void {
    // The debt is bounded: once a stream stops, the next run waits at most `maxGapMs`.
    const floor = Number.isFinite(this.maxGapMs) ? -this.maxGapMs * this.share : Number.NEGATIVE_INFINITY;
    this.budget = Math.max(floor, this.budget - costMs);
  }
}
