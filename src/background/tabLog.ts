/**
 * Per-tab event logs, kept in memory and mirrored to a session storage area
 * (`storage.session`: memory only, never written to disk) so that a restarted
 * MV3 service worker resumes with every event. Pure logic: the storage area is
 * injected, so this runs in Node tests.
 *
 * Layout: `log:<tabId>:meta` → TabMeta, `log:<tabId>:<n>` → LogEntry[] (chunks of CHUNK entries).
 * An append rewrites only the last chunk(s) and the meta, in one `set` call.
 */
import type { CapturedEvent, LogEntry } from '../shared/events';

/** The subset of `storage.StorageArea` the log needs. */
export interface SessionArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const CHUNK = 250;
const RECENT_BATCHES = 200;

interface TabMeta {
  nextSeq: number;
  chunks: number;
  /** Relay batch ids already stored, so a retried batch is stored once. */
  batches: string[];
}

interface TabLog {
  meta: TabMeta;
  entries: LogEntry[];
}

const metaKey = (tabId: number) => `log:${tabId}:meta`;
const chunkKey = (tabId: number, n: number) => `log:${tabId}:${n}`;

export class TabLogStore {
  private readonly tabs = new Map<number, TabLog>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly area: SessionArea) {}

  /** Loads every tab's log from the storage area. Call once, before anything else. */
  async restore(): Promise<void> {
    const all = await this.area.get(null);
    for (const [key, value] of Object.entries(all)) {
      const m = /^log:(\d+):meta$/.exec(key);
      if (!m) continue;
      const tabId = Number(m[1]);
      const meta = value as TabMeta;
      const entries: LogEntry[] = [];
      for (let n = 0; n < meta.chunks; n++) entries.push(...((all[chunkKey(tabId, n)] as LogEntry[] | undefined) ?? []));
      this.tabs.set(tabId, { meta: { ...meta, batches: [...meta.batches] }, entries });
    }
  }

  /** Tab ids that have a log. */
  tabIds(): number[] {
    return [...this.tabs.keys()];
  }

  /** The tab's entries in log order (a copy). */
  entries(tabId: number): LogEntry[] {
    return [...(this.tabs.get(tabId)?.entries ?? [])];
  }

  /** True when the batch id was already stored for this tab (a retry after a lost acknowledgement). */
  hasBatch(tabId: number, batchId: string): boolean {
    return this.tabs.get(tabId)?.meta.batches.includes(batchId) ?? false;
  }

  /**
   * Appends events to a tab's log and returns the new entries with their `seq`.
   * `batchId`, when given, is remembered so `hasBatch` can refuse a duplicate.
   * The storage write is queued; `flushed()` resolves once it is done.
   */
  append(tabId: number, frameId: number, events: CapturedEvent[], batchId?: string): LogEntry[] {
    const log = this.tabs.get(tabId) ?? { meta: { nextSeq: 1, chunks: 0, batches: [] }, entries: [] };
    this.tabs.set(tabId, log);
    const firstChunk = Math.floor(log.entries.length / CHUNK);
    const added = events.map((event) => ({ seq: log.meta.nextSeq++, frameId, event }));
    log.entries.push(...added);
    if (batchId) {
      log.meta.batches.push(batchId);
      if (log.meta.batches.length > RECENT_BATCHES) log.meta.batches.splice(0, log.meta.batches.length - RECENT_BATCHES);
    }
    log.meta.chunks = Math.ceil(log.entries.length / CHUNK);
    const items: Record<string, unknown> = { [metaKey(tabId)]: { ...log.meta, batches: [...log.meta.batches] } };
    for (let n = firstChunk; n < log.meta.chunks; n++) items[chunkKey(tabId, n)] = log.entries.slice(n * CHUNK, (n + 1) * CHUNK);
    this.queue(() => this.area.set(items));
    return added;
  }

  /** Empties a tab's log (sequence numbers keep counting up). */
  clear(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    const oldChunks = log.meta.chunks;
    log.entries = [];
    log.meta.chunks = 0;
    const keys = Array.from({ length: oldChunks }, (_, n) => chunkKey(tabId, n));
    const meta = { ...log.meta, batches: [...log.meta.batches] };
    this.queue(async () => {
      await this.area.remove(keys);
      await this.area.set({ [metaKey(tabId)]: meta });
    });
  }

  /** Forgets a tab entirely (the tab was closed). */
  drop(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    this.tabs.delete(tabId);
    const keys = [metaKey(tabId), ...Array.from({ length: log.meta.chunks }, (_, n) => chunkKey(tabId, n))];
    this.queue(() => this.area.remove(keys));
  }

  /** Resolves when every queued storage write has completed (rejects if the last one failed). */
  flushed(): Promise<void> {
    return this.writes;
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.catch(() => undefined).then(write);
  }
}
