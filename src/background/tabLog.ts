/**
 * Per-tab event logs, kept in memory and mirrored to a session storage area
 * (`storage.session`: memory only, never written to disk) so that a restarted
 * MV3 service worker resumes with every event. Pure logic: the storage area is
 * injected, so this runs in Node tests.
 *
 * Memory is capped per tab (`maxEntries`): past the cap the oldest entries are dropped and
 * counted in `dropped`, which the panel shows as "N older events dropped": never a silent loss.
 *
 * Layout: `log:<tabId>:meta` → TabMeta; `log:<tabId>:<n>` → the entries whose absolute index
 * (position since the log began) falls in [n*CHUNK, (n+1)*CHUNK), from `base` on. An append
 * rewrites only the chunks it touched and the meta, in one `set` call.
 */
import type { CapturedEvent, LogEntry } from '../shared/events';
import { plainCodec, type ChunkCodec } from './chunkCodec';

/** The subset of `storage.StorageArea` the log needs. */
export interface SessionArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export const CHUNK = 250;
const RECENT_BATCHES = 200;
/** Default cap of entries kept per tab. */
export const DEFAULT_MAX_ENTRIES = 20_000;

interface TabMeta {
  nextSeq: number;
  /** Absolute index of the first entry kept. */
  base: number;
  /** Entries kept. */
  count: number;
  /** Entries dropped because of the cap since the log began (or was last cleared). */
  dropped: number;
  /** Keep the log when the top frame navigates (like the Network panel's "Preserve log"). */
  preserveLog: boolean;
  /** Relay batch ids already stored, so a retried batch is stored once. */
  batches: string[];
}

interface TabLog {
  meta: TabMeta;
  entries: LogEntry[];
  /** Chunk numbers changed since the last write. */
  dirty: Set<number>;
  /** Chunk numbers wholly dropped since the last write. */
  gone: Set<number>;
  /** A write is queued and will pick up every change made before it runs. */
  writeQueued: boolean;
}

/** What the panel needs to know about a tab's log besides its entries. */
export interface TabLogState {
  dropped: number;
  preserveLog: boolean;
  maxEntries: number;
}

const metaKey = (tabId: number) => `log:${tabId}:meta`;
const chunkKey = (tabId: number, n: number) => `log:${tabId}:${n}`;
const chunkOf = (abs: number) => Math.floor(abs / CHUNK);

export class TabLogStore {
  private readonly tabs = new Map<number, TabLog>();
  private writes: Promise<void> = Promise.resolve();

  /** `maxEntries`: the cap per tab (at least 1); `codec`: how chunks are stored (gzip in the extension). */
  constructor(
    private readonly area: SessionArea,
    public maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly codec: ChunkCodec = plainCodec,
  ) {}

  /** Loads every tab's log from the storage area. Call once, before anything else. */
  async restore(): Promise<void> {
    const all = await this.area.get(null);
    for (const [key, value] of Object.entries(all)) {
      const m = /^log:(\d+):meta$/.exec(key);
      if (!m) continue;
      const tabId = Number(m[1]);
      const stored = value as Partial<TabMeta>;
      const meta: TabMeta = { nextSeq: 1, base: 0, count: 0, dropped: 0, preserveLog: false, batches: [], ...stored };
      const entries: LogEntry[] = [];
      if (meta.count > 0) {
        for (let n = chunkOf(meta.base); n <= chunkOf(meta.base + meta.count - 1); n++) {
          const stored = all[chunkKey(tabId, n)];
          if (stored !== undefined) entries.push(...(await this.codec.decode(stored).catch(() => [] as LogEntry[])));
        }
      }
      meta.count = entries.length;
      this.tabs.set(tabId, { meta: { ...meta, batches: [...meta.batches] }, entries, dirty: new Set(), gone: new Set(), writeQueued: false });
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

  /** Dropped count, preserve flag and cap of a tab's log. */
  state(tabId: number): TabLogState {
    const meta = this.tabs.get(tabId)?.meta;
    return { dropped: meta?.dropped ?? 0, preserveLog: meta?.preserveLog ?? false, maxEntries: this.maxEntries };
  }

  /** True when the batch id was already stored for this tab (a retry after a lost acknowledgement). */
  hasBatch(tabId: number, batchId: string): boolean {
    return this.tabs.get(tabId)?.meta.batches.includes(batchId) ?? false;
  }

  private logOf(tabId: number): TabLog {
    let log = this.tabs.get(tabId);
    if (!log) {
      log = { meta: { nextSeq: 1, base: 0, count: 0, dropped: 0, preserveLog: false, batches: [] }, entries: [], dirty: new Set(), gone: new Set(), writeQueued: false };
      this.tabs.set(tabId, log);
    }
    return log;
  }

  /**
   * Appends events to a tab's log and returns the new entries with their `seq`. Past `maxEntries`
   * the oldest entries are dropped (and counted). `batchId`, when given, is remembered so `hasBatch`
   * can refuse a duplicate. The storage write is queued; `flushed()` resolves once it is done.
   */
  append(tabId: number, frameId: number, events: CapturedEvent[], batchId?: string): LogEntry[] {
    const log = this.logOf(tabId);
    const { meta } = log;
    const oldBase = meta.base;
    const firstNewAbs = meta.base + log.entries.length;
    const added = events.map((event) => ({ seq: meta.nextSeq++, frameId, event }));
    log.entries.push(...added);
    const over = log.entries.length - this.maxEntries;
    if (over > 0) {
      log.entries.splice(0, over);
      meta.base += over;
      meta.dropped += over;
    }
    meta.count = log.entries.length;
    if (batchId) {
      meta.batches.push(batchId);
      if (meta.batches.length > RECENT_BATCHES) meta.batches.splice(0, meta.batches.length - RECENT_BATCHES);
    }
    // Mark what changed; the queued write reads the state as it is when it runs (appends coalesce).
    if (over > 0) {
      for (let n = chunkOf(oldBase); n < chunkOf(meta.base); n++) log.gone.add(n);
      log.dirty.add(chunkOf(meta.base));
    }
    if (meta.count > 0) for (let n = chunkOf(Math.max(firstNewAbs, meta.base)); n <= chunkOf(meta.base + meta.count - 1); n++) log.dirty.add(n);
    this.scheduleWrite(tabId, log);
    return added;
  }

  private scheduleWrite(tabId: number, log: TabLog): void {
    if (log.writeQueued) return;
    log.writeQueued = true;
    this.queue(async () => {
      log.writeQueued = false;
      if (this.tabs.get(tabId) !== log) return; // dropped meanwhile
      const first = chunkOf(log.meta.base);
      const gone = [...log.gone].filter((n) => n < first).map((n) => chunkKey(tabId, n));
      const dirty = [...log.dirty].filter((n) => n >= first && log.meta.count > 0 && n <= chunkOf(log.meta.base + log.meta.count - 1));
      log.gone.clear();
      log.dirty.clear();
      if (gone.length) await this.area.remove(gone);
      const items: Record<string, unknown> = {};
      for (const n of dirty) items[chunkKey(tabId, n)] = await this.codec.encode(this.chunkEntries(log, n));
      items[metaKey(tabId)] = { ...log.meta, batches: [...log.meta.batches] };
      await this.setWithinQuota(tabId, items);
    });
  }

  /**
   * Writes `items`; when the storage area is full, drops the tab's oldest chunk (counted in
   * `dropped`, so the panel says so) and tries again: the log must never stall on a full quota.
   */
  private async setWithinQuota(tabId: number, items: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.area.set(items);
        return;
      } catch (e) {
        const log = this.tabs.get(tabId);
        if (!log || attempt >= 20 || !/quota/i.test(String((e as Error)?.message ?? e)) || log.entries.length <= CHUNK) throw e;
        const firstChunk = chunkOf(log.meta.base);
        const drop = Math.min(log.entries.length, (firstChunk + 1) * CHUNK - log.meta.base);
        log.entries.splice(0, drop);
        log.meta.base += drop;
        log.meta.dropped += drop;
        log.meta.count = log.entries.length;
        for (const key of Object.keys(items)) if (key === chunkKey(tabId, firstChunk)) delete items[key];
        items[metaKey(tabId)] = { ...log.meta, batches: [...log.meta.batches] };
        await this.area.remove(chunkKey(tabId, firstChunk));
      }
    }
  }

  private chunkEntries(log: TabLog, n: number): LogEntry[] {
    const start = Math.max(n * CHUNK, log.meta.base) - log.meta.base;
    const end = (n + 1) * CHUNK - log.meta.base;
    return log.entries.slice(start, end);
  }

  /** Empties a tab's log (sequence numbers keep counting up; the dropped count restarts). */
  clear(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    const { meta } = log;
    const keys = meta.count > 0 ? Array.from({ length: chunkOf(meta.base + meta.count - 1) - chunkOf(meta.base) + 1 }, (_, i) => chunkKey(tabId, chunkOf(meta.base) + i)) : [];
    meta.base += log.entries.length;
    log.entries = [];
    meta.count = 0;
    meta.dropped = 0;
    log.dirty.clear();
    log.gone.clear();
    const snapshot = { ...meta, batches: [...meta.batches] };
    this.queue(async () => {
      if (keys.length) await this.area.remove(keys);
      await this.area.set({ [metaKey(tabId)]: snapshot });
    });
  }

  /** Sets whether the tab's log survives top-frame navigations. */
  setPreserveLog(tabId: number, preserve: boolean): void {
    const log = this.logOf(tabId);
    log.meta.preserveLog = preserve;
    const snapshot = { ...log.meta, batches: [...log.meta.batches] };
    this.queue(() => this.area.set({ [metaKey(tabId)]: snapshot }));
  }

  /** Forgets a tab entirely (the tab was closed). */
  drop(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    this.tabs.delete(tabId);
    const { meta } = log;
    const chunks = meta.count > 0 ? Array.from({ length: chunkOf(meta.base + meta.count - 1) - chunkOf(meta.base) + 1 }, (_, i) => chunkKey(tabId, chunkOf(meta.base) + i)) : [];
    this.queue(() => this.area.remove([metaKey(tabId), ...chunks]));
  }

  /** Resolves when every queued storage write has completed (rejects if the last one failed). */
  flushed(): Promise<void> {
    return this.writes;
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.catch(() => undefined).then(write);
  }
}
