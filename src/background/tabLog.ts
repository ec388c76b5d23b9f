/**
 * Per-tab event logs, kept in memory and mirrored to a session storage area (`storage.session`:
 * memory only, never written to disk) so that a restarted MV3 service worker resumes with every
 * event. Pure logic: the storage area and the chunk codec are injected, so this runs in Node tests.
 *
 * Budgets (numbers in limits.ts), each drop counted in `dropped` ("N older events dropped" in the
 * panel), never a silent loss:
 *  - per tab, in memory: at most `maxEntries` entries and `maxTabChars` characters of JSON; past
 *    either the oldest entries go;
 *  - all tabs, in storage: at most `storageBudget` characters. A write that would go over it first
 *    evicts the oldest stored unit of the tab that uses the most storage (the writing tab included),
 *    again until it fits. That tab is over its fair share (budget / tabs) by construction, so a tab
 *    within its share never loses anything to another tab's writes. What is evicted from storage is
 *    dropped from memory too, so the log after a worker restart is the log before it.
 *
 * Storage layout (docs/capture-format.md, "Storage layout"): `log:<tabId>:meta` → TabMeta;
 * `log:<tabId>:<u>` → one stored unit, `u` increasing with each unit written:
 *  - a closed chunk `{ gz | json, first, last }`: up to CHUNK_ENTRIES entries or CHUNK_CHARS characters,
 *    encoded (gzip) once, when it closes, and never rewritten (except once, to refresh a coalesced
 *    marker entry when its document ends with "Preserve log" on);
 *  - a piece of the open chunk `{ json, first, last, open: true }`: the entries appended since the
 *    previous write, as JSON text. When the chunk closes, its compressed unit replaces its pieces.
 * So an append costs the JSON of its own entries plus the meta (bounded), and each entry is
 * compressed once: amortised O(1) per entry, whatever the size of the log.
 *
 * Coalesced markers (`relay.rejected`, `log.dropped`): one entry per slot and document, whose counts
 * are updated in place (`upsertMarker`); the current version lives in the meta until the slot closes.
 */
import type { CapturedEvent, LogEntry } from '../shared/events';
import type { LogState } from '../shared/messages';
import { plainCodec, type ChunkCodec } from './chunkCodec';
import { CHUNK_CHARS, CHUNK_ENTRIES, MAX_TAB_CHARS, STORAGE_BUDGET_CHARS } from './limits';
import type { DocState } from './navigation';
import { DEFAULT_MAX_ENTRIES } from '../shared/constants';

/** The subset of `storage.StorageArea` the log needs. */
export interface SessionArea {
  get(keys: null | string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

const RECENT_BATCHES = 200;
/** Storage the budget counts for each stored key besides its value (key, bookkeeping). */
const PER_KEY_CHARS = 64;
/** A real quota error never lowers the storage budget below this. */
const MIN_STORAGE_BUDGET = 4 * 1024;
/** Sends of one write when the browser keeps saying the quota is full (each lowers the budget by 10 %). */
const QUOTA_ATTEMPTS = 20;
const LAYOUT = 2;

/** The coalesced entries a tab's log can hold, one of each per document. */
export type MarkerSlot = 'rejected' | 'dropped';

interface TabMeta {
  v: typeof LAYOUT;
  nextSeq: number;
  /** Seq of the oldest entry kept: stored entries before it are gone. */
  firstSeq: number;
  /** Number of the next stored unit. */
  nextUnit: number;
  /** Entries dropped by a budget since the log began (or was last cleared). */
  dropped: number;
  /** Keep the log when the top frame navigates (like the Network panel's "Preserve log"). */
  preserveLog: boolean;
  /** Relay batch ids already stored, so a retried batch is stored once. */
  batches: string[];
  /** The current version of each open marker entry (their stored copies may be older). */
  markers: Partial<Record<MarkerSlot, LogEntry>>;
  /** The tab's top-frame documents (navigation.ts). */
  docs?: DocState;
}

/** One entry's JSON, while its chunk is open or closing. */
interface Part {
  seq: number;
  json: string;
}

/** A value in the storage area: a closed chunk or a piece of the open chunk. */
interface Unit {
  u: number;
  first: number;
  last: number;
  chars: number;
  open: boolean;
}

/** A unit a write is about to store; `rewrite`: it replaces a stored unit (same key, same range). */
interface Add {
  unit: Unit;
  value: Record<string, unknown>;
  rewrite: boolean;
}

interface TabLog {
  meta: TabMeta;
  /** Live entries are entries[head…]; sizes[i] is entries[i]'s JSON length. A deque: O(1) drops at the front. */
  entries: LogEntry[];
  sizes: number[];
  head: number;
  chars: number;
  batchSet: Set<string>;
  /** The open chunk's parts; the first `openWritten` are in stored pieces. */
  open: Part[];
  openChars: number;
  openWritten: number;
  /** Closed chunks waiting for their (one) encoding. */
  closing: Part[][];
  /** Seqs of marker entries whose stored copies must be refreshed. */
  rewrite: Set<number>;
  /** What is in the storage area, in seq order; only the write queue changes it. */
  units: Unit[];
  /** Characters stored for this tab (units, per-key overhead, meta). */
  stored: number;
  metaChars: number;
  writeQueued: boolean;
  /** The storage must be emptied (clear) before the next write. */
  wipe: boolean;
}

/** What the panel needs to know about a tab's log besides its entries (LogState), with `firstSeq` always known. */
export type TabLogState = LogState & Required<Pick<LogState, 'firstSeq'>>;

export interface TabLogOptions {
  maxTabChars?: number;
  storageBudget?: number;
  chunkEntries?: number;
  chunkChars?: number;
  /** Entries of `tabId` were dropped to make room for another tab's write (tell its panels). */
  onTrimmed?(tabId: number): void;
}

const metaKey = (tabId: number) => `log:${tabId}:meta`;
const unitKey = (tabId: number, u: number) => `log:${tabId}:${u}`;

/** JSON of an entry from the JSON of its event (no second stringify of the event). */
export const entryJson = (seq: number, frameId: number, eventJson: string) =>
  `{"seq":${seq},"frameId":${frameId},"event":${eventJson}}`;

/** Index of the first element of sorted `arr[from…]` whose key is ≥ `seq`. */
function lowerBound<T>(arr: T[], from: number, seq: number, key: (x: T) => number): number {
  let lo = from;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(arr[mid]!) < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class TabLogStore {
  private readonly tabs = new Map<number, TabLog>();
  private writes: Promise<void> = Promise.resolve();
  readonly maxTabChars: number;
  /** Characters all tabs may keep in the storage area; lowered when the browser says the quota is full. */
  storageBudget: number;
  private readonly chunkEntries: number;
  private readonly chunkChars: number;
  private readonly onTrimmed: (tabId: number) => void;

  /** `maxEntries`: the cap per tab (at least 1); `codec`: how closed chunks are stored (gzip in the extension). */
  constructor(
    private readonly area: SessionArea,
    public maxEntries = DEFAULT_MAX_ENTRIES,
    private readonly codec: ChunkCodec = plainCodec,
    options: TabLogOptions = {},
  ) {
    this.maxTabChars = options.maxTabChars ?? MAX_TAB_CHARS;
    this.storageBudget = options.storageBudget ?? STORAGE_BUDGET_CHARS;
    this.chunkEntries = options.chunkEntries ?? CHUNK_ENTRIES;
    this.chunkChars = options.chunkChars ?? CHUNK_CHARS;
    this.onTrimmed = options.onTrimmed ?? (() => undefined);
  }

  // ── Restore ────────────────────────────────────────────────────────────────────────────────────

  /** Loads every tab's log from the storage area. Call once, before anything else. */
  async restore(): Promise<void> {
    const all = await this.area.get(null);
    const byTab = new Map<number, { meta?: Partial<TabMeta>; units: { u: number; key: string; value: unknown }[] }>();
    const group = (tabId: number) => {
      let g = byTab.get(tabId);
      if (!g) byTab.set(tabId, (g = { units: [] }));
      return g;
    };
    for (const [key, value] of Object.entries(all)) {
      const m = /^log:(\d+):(meta|\d+)$/.exec(key);
      if (!m) continue;
      const g = group(Number(m[1]));
      if (m[2] === 'meta') g.meta = value as Partial<TabMeta>;
      else g.units.push({ u: Number(m[2]), key, value });
    }
    const garbage: string[] = [];
    for (const [tabId, g] of byTab) {
      if (!g.meta) {
        garbage.push(...g.units.map((x) => x.key)); // a dropped tab's leftovers
        continue;
      }
      const stored = g.meta;
      const current = stored.v === LAYOUT;
      const nextSeq = Number.isInteger(stored.nextSeq) && stored.nextSeq! >= 1 ? stored.nextSeq! : 1;
      const meta: TabMeta = {
        v: LAYOUT,
        nextSeq,
        firstSeq: current && Number.isInteger(stored.firstSeq) ? stored.firstSeq! : nextSeq,
        nextUnit: current && Number.isInteger(stored.nextUnit) ? stored.nextUnit! : 0,
        dropped: current && Number.isInteger(stored.dropped) ? stored.dropped! : 0,
        preserveLog: stored.preserveLog === true,
        batches: Array.isArray(stored.batches)
          ? stored.batches.filter((b) => typeof b === 'string').slice(-RECENT_BATCHES)
          : [],
        markers: current && stored.markers && typeof stored.markers === 'object' ? { ...stored.markers } : {},
        ...(current && stored.docs ? { docs: stored.docs } : {}),
      };
      const log = this.emptyLog(meta);
      this.tabs.set(tabId, log);
      if (!current) {
        garbage.push(...g.units.map((x) => x.key)); // an older layout: start afresh, numbering continues
        continue;
      }
      // Newest unit first: a unit inside the range of a newer one is a piece its closed chunk replaced
      // (the worker stopped between the two writes): stale.
      g.units.sort((a, b) => b.u - a.u);
      const accepted: { unit: Unit; entries: LogEntry[] }[] = [];
      let lowestFirst = Infinity;
      for (const { u, key, value } of g.units) {
        let entries: LogEntry[];
        try {
          entries = await this.codec.decode(value);
        } catch {
          garbage.push(key);
          continue;
        }
        const v = value as { first?: unknown; last?: unknown; open?: unknown };
        const first = typeof v.first === 'number' ? v.first : (entries[0]?.seq ?? 0);
        const last = typeof v.last === 'number' ? v.last : (entries.at(-1)?.seq ?? 0);
        if (entries.length === 0 || last >= lowestFirst || last < meta.firstSeq) {
          garbage.push(key);
          continue;
        }
        lowestFirst = Math.min(lowestFirst, first);
        accepted.push({
          unit: { u, first, last, chars: this.codec.sizeOf(value) + PER_KEY_CHARS, open: v.open === true },
          entries,
        });
        meta.nextUnit = Math.max(meta.nextUnit, u + 1);
      }
      accepted.reverse();
      const patches = new Map<number, LogEntry>();
      for (const e of Object.values(meta.markers)) if (e && typeof e.seq === 'number') patches.set(e.seq, e);
      let lastSeq = meta.firstSeq - 1;
      // Trailing pieces are the open chunk: their entries become its parts again.
      let firstOpen = accepted.length;
      while (firstOpen > 0 && accepted[firstOpen - 1]!.unit.open) firstOpen--;
      accepted.forEach(({ unit, entries }, i) => {
        log.units.push(unit);
        for (const stored of entries) {
          if (stored.seq < meta.firstSeq || stored.seq <= lastSeq) continue;
          lastSeq = stored.seq;
          const entry = patches.get(stored.seq) ?? stored;
          const json = JSON.stringify(entry);
          log.entries.push(entry);
          log.sizes.push(json.length);
          log.chars += json.length;
          if (i >= firstOpen) {
            log.open.push({ seq: entry.seq, json });
            log.openChars += json.length;
          }
        }
      });
      log.openWritten = log.open.length;
      // A marker whose entry is gone (dropped before the restart) is closed.
      for (const [slot, e] of Object.entries(meta.markers))
        if (!e || e.seq < meta.firstSeq || e.seq > lastSeq) delete meta.markers[slot as MarkerSlot];
      meta.nextSeq = Math.max(meta.nextSeq, lastSeq + 1);
      meta.firstSeq = log.entries.length === 0 ? meta.nextSeq : log.entries[0]!.seq;
      log.stored = log.units.reduce((n, x) => n + x.chars, 0) + JSON.stringify(meta).length + PER_KEY_CHARS;
      for (const b of meta.batches) log.batchSet.add(b);
    }
    if (garbage.length) await this.area.remove(garbage);
  }

  private emptyLog(meta: TabMeta): TabLog {
    return {
      meta,
      entries: [],
      sizes: [],
      head: 0,
      chars: 0,
      batchSet: new Set(meta.batches),
      open: [],
      openChars: 0,
      openWritten: 0,
      closing: [],
      rewrite: new Set(),
      units: [],
      stored: 0,
      metaChars: 0,
      writeQueued: false,
      wipe: false,
    };
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────────

  /** Tab ids that have a log. */
  tabIds(): number[] {
    return [...this.tabs.keys()];
  }

  has(tabId: number): boolean {
    return this.tabs.has(tabId);
  }

  /** The tab's entries in log order (a copy). */
  entries(tabId: number): LogEntry[] {
    const log = this.tabs.get(tabId);
    return log ? log.entries.slice(log.head) : [];
  }

  /** How many entries the tab's log holds. */
  count(tabId: number): number {
    const log = this.tabs.get(tabId);
    return log ? log.entries.length - log.head : 0;
  }

  /** Characters of JSON the tab's entries take in memory. */
  chars(tabId: number): number {
    return this.tabs.get(tabId)?.chars ?? 0;
  }

  /** Characters the tab takes in the storage area (as of the last write). */
  storedChars(tabId: number): number {
    return this.tabs.get(tabId)?.stored ?? 0;
  }

  /**
   * The tab's entries cut into consecutive parts of at most `maxChars` characters of JSON and
   * `maxEntries` entries (an entry bigger than `maxChars` is a part of its own). Always at least one part.
   */
  parts(tabId: number, maxChars: number, maxEntries: number): LogEntry[][] {
    const log = this.tabs.get(tabId);
    if (!log) return [[]];
    const out: LogEntry[][] = [];
    let start = log.head;
    let chars = 0;
    for (let i = log.head; i < log.entries.length; i++) {
      const size = log.sizes[i]!;
      if (i > start && (chars + size > maxChars || i - start >= maxEntries)) {
        out.push(log.entries.slice(start, i));
        start = i;
        chars = 0;
      }
      chars += size;
    }
    if (start < log.entries.length || out.length === 0) out.push(log.entries.slice(start));
    return out;
  }

  /** Dropped count, preserve flag, cap and first kept seq of a tab's log. */
  state(tabId: number): TabLogState {
    const meta = this.tabs.get(tabId)?.meta;
    return {
      dropped: meta?.dropped ?? 0,
      preserveLog: meta?.preserveLog ?? false,
      maxEntries: this.maxEntries,
      firstSeq: meta?.firstSeq ?? 1,
    };
  }

  /** True when the batch id was already stored for this tab (a retry after a lost acknowledgement). */
  hasBatch(tabId: number, batchId: string): boolean {
    return this.tabs.get(tabId)?.batchSet.has(batchId) ?? false;
  }

  /** The tab's top-frame documents, as last set. */
  docState(tabId: number): DocState | undefined {
    return this.tabs.get(tabId)?.meta.docs;
  }

  private logOf(tabId: number): TabLog {
    let log = this.tabs.get(tabId);
    if (!log) {
      log = this.emptyLog({
        v: LAYOUT,
        nextSeq: 1,
        firstSeq: 1,
        nextUnit: 0,
        dropped: 0,
        preserveLog: false,
        batches: [],
        markers: {},
      });
      this.tabs.set(tabId, log);
    }
    return log;
  }

  // ── Writing ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Appends events to a tab's log and returns the new entries with their `seq`. `eventJsons[i]`, when
   * given, is `JSON.stringify(events[i])` (the caller measured it already). Past the memory budgets the
   * oldest entries are dropped (and counted). `batchId`, when given, is remembered so `hasBatch` can
   * refuse a duplicate. The storage write is queued; `flushed()` resolves once it is done.
   */
  append(tabId: number, frameId: number, events: CapturedEvent[], batchId?: string, eventJsons?: string[]): LogEntry[] {
    const log = this.logOf(tabId);
    const { meta } = log;
    const added: LogEntry[] = [];
    events.forEach((event, i) => {
      const entry: LogEntry = { seq: meta.nextSeq++, frameId, event };
      const json = entryJson(entry.seq, frameId, eventJsons?.[i] ?? JSON.stringify(event));
      added.push(entry);
      log.entries.push(entry);
      log.sizes.push(json.length);
      log.chars += json.length;
      log.open.push({ seq: entry.seq, json });
      log.openChars += json.length;
      if (log.open.length >= this.chunkEntries || log.openChars >= this.chunkChars) this.closeChunk(log);
    });
    if (batchId) {
      meta.batches.push(batchId);
      log.batchSet.add(batchId);
      if (meta.batches.length > RECENT_BATCHES)
        for (const old of meta.batches.splice(0, meta.batches.length - RECENT_BATCHES)) log.batchSet.delete(old);
    }
    this.trimToBudgets(tabId, log);
    this.scheduleWrite(tabId, log);
    return added;
  }

  private closeChunk(log: TabLog): void {
    if (log.open.length) log.closing.push(log.open);
    log.open = [];
    log.openChars = 0;
    log.openWritten = 0;
  }

  /** Drops the oldest entries past `maxEntries` / `maxTabChars`. Amortised O(1) per dropped entry. */
  private trimToBudgets(tabId: number, log: TabLog): void {
    let over = 0;
    while (
      log.entries.length - log.head - over > 0 &&
      (log.entries.length - log.head - over > this.maxEntries || log.chars > this.maxTabChars)
    ) {
      log.chars -= log.sizes[log.head + over]!;
      over += 1;
    }
    if (over > 0) this.dropFront(tabId, log, log.head + over, false);
  }

  /** Drops the live entries before index `end` (counted), compacting the deque now and then. */
  private dropFront(_tabId: number, log: TabLog, end: number, adjustChars = true): void {
    const n = end - log.head;
    if (n <= 0) return;
    if (adjustChars) for (let i = log.head; i < end; i++) log.chars -= log.sizes[i]!;
    log.head = end;
    log.meta.dropped += n;
    log.meta.firstSeq = log.head < log.entries.length ? log.entries[log.head]!.seq : log.meta.nextSeq;
    if (log.head > 1024 && log.head * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.sizes = log.sizes.slice(log.head);
      log.head = 0;
    }
    for (const [slot, e] of Object.entries(log.meta.markers))
      if (e && e.seq < log.meta.firstSeq) delete log.meta.markers[slot as MarkerSlot];
  }

  /** Drops the entries with seq ≤ `lastSeq` (the storage budget evicted them). */
  private dropThrough(tabId: number, log: TabLog, lastSeq: number): void {
    this.dropFront(
      tabId,
      log,
      lowerBound(log.entries, log.head, lastSeq + 1, (e) => e.seq),
    );
  }

  /**
   * Adds or updates the tab's coalesced `slot` entry for the current document: `update` gets the
   * current event (undefined for a new one) and returns the new one. A new entry is appended; an
   * existing one keeps its seq and place. Returns the entry and whether it is new.
   */
  upsertMarker(
    tabId: number,
    slot: MarkerSlot,
    update: (current: CapturedEvent | undefined) => CapturedEvent,
  ): { entry: LogEntry; created: boolean } {
    const log = this.logOf(tabId);
    const current = log.meta.markers[slot];
    if (current && current.seq >= log.meta.firstSeq) {
      const i = lowerBound(log.entries, log.head, current.seq, (e) => e.seq);
      const old = log.entries[i];
      if (old && old.seq === current.seq) {
        const entry: LogEntry = { seq: old.seq, frameId: old.frameId, event: update(old.event) };
        log.entries[i] = entry;
        const size = JSON.stringify(entry).length;
        log.chars += size - log.sizes[i]!;
        log.sizes[i] = size;
        log.meta.markers[slot] = entry;
        // Its copy in the open chunk, if not written yet, is simply replaced; stored copies are patched
        // from the meta on restore, and refreshed when the slot closes (closeMarkers).
        const p = lowerBound(log.open, log.openWritten, entry.seq, (x) => x.seq);
        if (log.open[p]?.seq === entry.seq) {
          log.openChars += size - log.open[p]!.json.length;
          log.open[p] = { seq: entry.seq, json: JSON.stringify(entry) };
        }
        this.scheduleWrite(tabId, log);
        return { entry, created: false };
      }
    }
    const [entry] = this.append(tabId, -1, [update(undefined)]);
    log.meta.markers[slot] = entry!;
    return { entry: entry!, created: true };
  }

  /** The tab's current `slot` entry, if any. */
  marker(tabId: number, slot: MarkerSlot): LogEntry | undefined {
    return this.tabs.get(tabId)?.meta.markers[slot];
  }

  /** A new document: the next markers are new entries. Stored copies of the closing ones are refreshed. */
  closeMarkers(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    for (const entry of Object.values(log.meta.markers))
      if (entry && entry.seq >= log.meta.firstSeq) this.refreshStoredCopy(log, entry);
    log.meta.markers = {};
    this.scheduleWrite(tabId, log);
  }

  private refreshStoredCopy(log: TabLog, entry: LogEntry): void {
    const json = JSON.stringify(entry);
    for (const parts of [log.open, ...log.closing]) {
      const p = lowerBound(parts, 0, entry.seq, (x) => x.seq);
      if (parts[p]?.seq === entry.seq) parts[p] = { seq: entry.seq, json };
    }
    // Its stored unit, if any, is written again by the next write (which knows every unit written before it).
    log.rewrite.add(entry.seq);
  }

  /** Records the tab's top-frame documents (persisted with the log). */
  setDocState(tabId: number, docs: DocState): void {
    const log = this.logOf(tabId);
    log.meta.docs = docs;
    this.scheduleWrite(tabId, log);
  }

  /** Empties a tab's log (sequence numbers keep counting up; the dropped count restarts). */
  clear(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    const { meta } = log;
    log.entries = [];
    log.sizes = [];
    log.head = 0;
    log.chars = 0;
    log.open = [];
    log.openChars = 0;
    log.openWritten = 0;
    log.closing = [];
    log.rewrite.clear();
    meta.firstSeq = meta.nextSeq;
    meta.dropped = 0;
    meta.markers = {};
    log.wipe = true;
    this.scheduleWrite(tabId, log);
  }

  /** Sets whether the tab's log survives top-frame navigations. */
  setPreserveLog(tabId: number, preserve: boolean): void {
    const log = this.logOf(tabId);
    log.meta.preserveLog = preserve;
    this.scheduleWrite(tabId, log);
  }

  /** Forgets a tab entirely (the tab was closed). */
  drop(tabId: number): void {
    const log = this.tabs.get(tabId);
    if (!log) return;
    this.tabs.delete(tabId);
    // Queued after any write in progress, so whatever that write adds is removed too.
    this.queue(() => this.area.remove([metaKey(tabId), ...log.units.map((x) => unitKey(tabId, x.u))]));
  }

  /** Resolves when every queued storage write has completed (rejects if the last one failed). */
  flushed(): Promise<void> {
    return this.writes;
  }

  private queue(write: () => Promise<void>): void {
    this.writes = this.writes.catch(() => undefined).then(write);
  }

  private scheduleWrite(tabId: number, log: TabLog): void {
    if (log.writeQueued) return;
    log.writeQueued = true;
    this.queue(() => this.write(tabId, log));
  }

  /**
   * One write of a tab: encodes the chunks that closed (once each), the open chunk's new entries as one
   * piece, refreshed units and the meta; removes what is gone; evicts fairly to stay within the budget.
   * Reads the state as it is when it runs, so appends coalesce.
   */
  private async write(tabId: number, log: TabLog): Promise<void> {
    log.writeQueued = false;
    if (this.tabs.get(tabId) !== log) return; // dropped meanwhile
    const removals: string[] = [];
    if (log.wipe) {
      log.wipe = false;
      removals.push(...log.units.map((x) => unitKey(tabId, x.u)));
      log.units = [];
    }
    // What to write, taken now: later appends schedule another write.
    const closing = log.closing.splice(0);
    const closedThrough = closing.reduce((n, parts) => Math.max(n, parts.at(-1)?.seq ?? 0), 0);
    const openAtStart = log.open;
    const writtenAtStart = log.openWritten;
    const pieceParts = log.open.slice(log.openWritten);
    log.openWritten = log.open.length;
    const refresh = [...log.rewrite];
    log.rewrite.clear();
    /** The write failed for good: what it took goes back, so the next write stores it. */
    const giveBack = () => {
      log.closing.unshift(...closing);
      if (log.open === openAtStart) log.openWritten = Math.min(log.openWritten, writtenAtStart);
      for (const seq of refresh) log.rewrite.add(seq);
    };

    const adds: Add[] = [];
    for (const parts of closing) {
      const kept = parts.filter((p) => p.seq >= log.meta.firstSeq);
      if (kept.length === 0) continue;
      const first = kept[0]!.seq;
      const last = kept.at(-1)!.seq;
      const encoded = await this.codec.encode(`[${kept.map((p) => p.json).join(',')}]`);
      adds.push({
        unit: { u: log.meta.nextUnit++, first, last, chars: this.codec.sizeOf(encoded) + PER_KEY_CHARS, open: false },
        value: { ...encoded, first, last },
        rewrite: false,
      });
    }
    // Stored copies of closed markers: the units that hold them are written again, same key, same range.
    const rewrites = new Set<Unit>();
    for (const seq of refresh) {
      const unit = log.units.find((x) => x.first <= seq && seq <= x.last && !(x.open && x.last <= closedThrough));
      if (unit) rewrites.add(unit);
    }
    for (const unit of rewrites) {
      const from = lowerBound(log.entries, log.head, unit.first, (e) => e.seq);
      const to = lowerBound(log.entries, log.head, unit.last + 1, (e) => e.seq);
      if (from >= to) continue;
      const json = `[${log.entries
        .slice(from, to)
        .map((e) => JSON.stringify(e))
        .join(',')}]`;
      const encoded = unit.open ? { json } : await this.codec.encode(json);
      adds.push({
        unit: { ...unit, chars: this.codec.sizeOf(encoded) + PER_KEY_CHARS },
        value: { ...encoded, first: unit.first, last: unit.last, ...(unit.open ? { open: true } : {}) },
        rewrite: true,
      });
    }
    const keptPiece = pieceParts.filter((p) => p.seq >= log.meta.firstSeq);
    if (keptPiece.length > 0) {
      const first = keptPiece[0]!.seq;
      const last = keptPiece.at(-1)!.seq;
      const json = `[${keptPiece.map((p) => p.json).join(',')}]`;
      adds.push({
        unit: { u: log.meta.nextUnit++, first, last, chars: json.length + PER_KEY_CHARS, open: true },
        value: { json, first, last, open: true },
        rewrite: false,
      });
    }
    if (this.tabs.get(tabId) !== log) return;

    // Gone: units before the first kept entry (their entries left memory already: removed first, which
    // frees room). Replaced: the pieces of the chunks that closed, removed only once those are stored.
    const keep: Unit[] = [];
    const replaced: Unit[] = [];
    for (const unit of log.units) {
      if (unit.last < log.meta.firstSeq) removals.push(unitKey(tabId, unit.u));
      else if (unit.open && unit.last <= closedThrough) replaced.push(unit);
      else keep.push(unit);
    }
    log.units = keep;
    const replacedChars = replaced.reduce((n, x) => n + x.chars, 0);
    log.stored = keep.reduce((n, x) => n + x.chars, 0) + replacedChars + log.metaChars;

    const trimmed = new Set<number>();
    for (let attempt = 0; ; attempt++) {
      this.makeRoom(tabId, log, adds, removals, trimmed);
      const items: Record<string, unknown> = {};
      for (const a of adds) items[unitKey(tabId, a.unit.u)] = a.value;
      for (const other of trimmed) {
        const l = this.tabs.get(other);
        if (l) items[metaKey(other)] = this.metaValue(l);
      }
      items[metaKey(tabId)] = this.metaValue(log);
      try {
        if (removals.length) await this.area.remove(removals.splice(0));
        await this.area.set(items);
        if (replaced.length) await this.area.remove(replaced.splice(0).map((x) => unitKey(tabId, x.u)));
        for (const a of adds) {
          if (!a.rewrite) log.units.push(a.unit);
          else {
            const at = log.units.findIndex((x) => x.u === a.unit.u);
            if (at >= 0) log.units[at] = a.unit;
          }
        }
        log.units.sort((a, b) => a.first - b.first);
        log.stored = log.units.reduce((n, x) => n + x.chars, 0) + log.metaChars;
        for (const other of trimmed) if (other !== tabId) this.onTrimmed(other);
        return;
      } catch (e) {
        if (attempt >= QUOTA_ATTEMPTS || !/quota/i.test(String((e as Error)?.message ?? e))) {
          giveBack();
          throw e;
        }
        // The browser counts differently from our estimate: what is stored now is the real capacity.
        this.storageBudget = Math.max(MIN_STORAGE_BUDGET, Math.floor(this.totalStored() * 0.9));
      }
    }
  }

  private metaValue(log: TabLog): TabMeta {
    const value: TabMeta = { ...log.meta, batches: [...log.meta.batches], markers: { ...log.meta.markers } };
    log.metaChars = JSON.stringify(value).length + PER_KEY_CHARS;
    return value;
  }

  private totalStored(): number {
    let n = 0;
    for (const log of this.tabs.values()) n += log.stored;
    return n;
  }

  /**
   * Fair eviction before a write of `adds` for `tabId`: while everything stored plus the write is over
   * the budget, the tab using the most storage (counting the write for `tabId`) loses its oldest unit,
   * from storage and from memory (counted as dropped). Adds the tabs that lost entries to `trimmed`.
   */
  private makeRoom(tabId: number, log: TabLog, adds: Add[], removals: string[], trimmed: Set<number>): void {
    const usage = (id: number, l: TabLog) =>
      id === tabId ? l.stored + adds.reduce((n, a) => n + a.unit.chars, 0) + (l.metaChars ? 0 : 256) : l.stored;
    for (;;) {
      let total = 0;
      let victim: [number, TabLog] | undefined;
      let most = -1;
      for (const [id, l] of this.tabs) {
        const used = usage(id, l);
        total += used;
        const evictable = l.units.length > 0 || (id === tabId && adds.some((a) => !a.rewrite));
        if (evictable && used > most) {
          most = used;
          victim = [id, l];
        }
      }
      if (total <= this.storageBudget || !victim) return;
      const [vid, vlog] = victim;
      // Its oldest unit: stored first, then (the writing tab) what it is about to write.
      const stored = vlog.units[0];
      const pending =
        vid === tabId ? adds.filter((a) => !a.rewrite).sort((a, b) => a.unit.first - b.unit.first)[0] : undefined;
      let through: number;
      if (stored && (!pending || stored.first <= pending.unit.first)) {
        vlog.units.shift();
        vlog.stored -= stored.chars;
        removals.push(unitKey(vid, stored.u));
        if (vid === tabId)
          for (let i = adds.length - 1; i >= 0; i--)
            if (adds[i]!.rewrite && adds[i]!.unit.u === stored.u) adds.splice(i, 1);
        through = stored.last;
      } else {
        adds.splice(adds.indexOf(pending!), 1);
        through = pending!.unit.last;
      }
      this.dropThrough(vid, vlog, through);
      trimmed.add(vid);
    }
  }
}
