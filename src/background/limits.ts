/**
 * The background's budgets: what one tab may cost in memory, in `storage.session` and in CPU time.
 * Every number is here, so the docs, the tests and the code read the same values. Pure: no browser APIs.
 *
 * Sizes are characters of JSON (`JSON.stringify` of a log entry), which is also what the log writes to
 * `storage.session` (strings: see tabLog.ts) and what the browser's message size limits count.
 */

/** Largest event the background stores, in characters of JSON: the relay's per-message bound. */
export const MAX_EVENT_CHARS = 262_144;

/** Per tab, in memory: past this many characters of JSON the oldest entries are dropped and counted. */
export const MAX_TAB_CHARS = 32 * 1024 * 1024;

/**
 * All tabs together, in `storage.session` (the browser's quota is 10 MiB; the rest is headroom for the
 * metas and the browser's own bookkeeping). When a write would go over it, the tab that uses the most
 * loses its oldest stored chunk first (tabLog.ts). A real quota error lowers it to what was in use.
 */
export const STORAGE_BUDGET_CHARS = 8 * 1024 * 1024;

/** A stored chunk closes (and is compressed, once) at this many entries or characters, whichever comes first. */
export const CHUNK_ENTRIES = 250;
export const CHUNK_CHARS = 256 * 1024;

/**
 * Rate budgets per tab (token buckets): events, and characters of JSON, a tab's pages may add to its log.
 * The bursts let a page log tens of thousands of small events at once (50,000 SDK calls in a loop, the
 * scale test) or 128 events of 256 KiB; past them a flooding page gets the sustained rate, and what goes
 * over is dropped and counted in one `log.dropped` entry.
 */
export const RATE_EVENTS_PER_S = 5_000;
export const RATE_EVENTS_BURST = 60_000;
export const RATE_CHARS_PER_S = 2 * 1024 * 1024;
export const RATE_CHARS_BURST = 32 * 1024 * 1024;

/**
 * Largest message to a panel, in characters of JSON: snapshots and appends are cut into parts below it.
 * Chromium refuses extension messages over 64 MiB ("Message exceeded maximum allowed size of 64MiB.");
 * smaller parts also keep each structured clone short on both sides.
 */
export const PORT_MESSAGE_CHARS = 4 * 1024 * 1024;
/** Most entries in one message to a panel. */
export const PORT_MESSAGE_ENTRIES = 5_000;

/**
 * A token bucket: `capacity` tokens, refilled at `perSecond`; `take` grants what it can. Pure: the clock is passed in.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last)
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = Math.max(this.last, now);
  }

  /** Takes `n` tokens if there are that many; returns whether it did. */
  take(n: number, now: number): boolean {
    this.refill(now);
    if (n > this.tokens) return false;
    this.tokens -= n;
    return true;
  }

  /** Tokens available now. */
  available(now: number): number {
    this.refill(now);
    return this.tokens;
  }
}
