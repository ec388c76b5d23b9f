/**
 * The per-tab store of injected faults (the panel's Reproduce menu; src/shared/faults.ts). Pure: no browser
 * API, the storage area is passed in, so it runs in Node tests.
 *
 * Safe by design (docs/architecture.md, "Fault injection: the control path"):
 *  - only `set` changes a tab's faults, and the background calls it only for a panel's `set-faults` request
 *    (the panel port, which only extension pages can open); the set is checked with readFaultSet;
 *  - kept in memory, and mirrored to `storage.session` (memory only, cleared when the extension reloads, not
 *    readable by content scripts) so that a restarted MV3 service worker still knows faults the hook applies;
 *    never in `storage.local`;
 *  - a new top-frame document gets faults only when the user ticked "Keep across reload"; a top-frame
 *    navigation clears them otherwise; a closed tab's are forgotten.
 */
import type { BackgroundEvent } from '../shared/events';
import { NO_FAULTS, readFaultSet, type FaultSet } from '../shared/faults';
import type { SessionArea } from './tabLog';

/** Key of a tab's fault set in `storage.session`: `faults:<tabId>` (the log's keys start with `log:`). */
export const faultsKey = (tabId: number): string => `faults:${tabId}`;
const KEY = /^faults:(\d+)$/;

/** True when at least one fault is on. */
export const faultsActive = (set: FaultSet | undefined): boolean => (set?.faults.length ?? 0) > 0;

/** The log entry that records a change of the tab's faults (`at`: ms since the epoch; `t` 0: no page clock). */
export function faultsChangedEvent(set: FaultSet, at: number): Extract<BackgroundEvent, { kind: 'faults.changed' }> {
  return { kind: 'faults.changed', at, t: 0, faults: set.faults, keepAcrossReload: set.keepAcrossReload };
}

/**
 * True when `senderUrl` is a page of this extension (`extensionBase`: runtime.getURL(''), e.g.
 * `chrome-extension://<id>/`): the panel, never a content script, whose sender URL is the page's.
 */
export function isExtensionPageUrl(senderUrl: string | undefined, extensionBase: string): boolean {
  return typeof senderUrl === 'string' && extensionBase.length > 0 && senderUrl.startsWith(extensionBase);
}

const sameSet = (a: FaultSet, b: FaultSet): boolean => JSON.stringify(a) === JSON.stringify(b);

export class FaultStore {
  private readonly tabs = new Map<number, FaultSet>();
  /** Tabs that have had faults on since this worker started: their documents may still hold a set. */
  private readonly touched = new Set<number>();

  /** `area`: where the sets are mirrored (the background passes `storage.session`). */
  constructor(private readonly area: SessionArea) {}

  /** Loads the sets a previous run of the worker mirrored. Unreadable ones are removed. Call once, first. */
  async restore(): Promise<void> {
    const all = await this.area.get(null);
    const garbage: string[] = [];
    for (const [key, value] of Object.entries(all)) {
      const m = KEY.exec(key);
      if (!m) continue;
      const set = readFaultSet(value);
      if (set && faultsActive(set)) {
        this.tabs.set(Number(m[1]), set);
        this.touched.add(Number(m[1]));
      } else garbage.push(key);
    }
    if (garbage.length) await this.area.remove(garbage);
  }

  /** The tab's current faults (NO_FAULTS when none is on). */
  get(tabId: number): FaultSet {
    return this.tabs.get(tabId) ?? NO_FAULTS;
  }

  /** Tabs with at least one fault on. */
  tabIds(): number[] {
    return [...this.tabs.keys()];
  }

  /**
   * Replaces the tab's faults with `raw` once checked by readFaultSet. Returns the new set when it changed
   * the tab's faults, `'unchanged'` when it is the current one, `null` (and nothing changes) when `raw` is
   * not a fault set.
   */
  set(tabId: number, raw: unknown): FaultSet | 'unchanged' | null {
    const next = readFaultSet(raw);
    if (!next) return null;
    // Every fault off: keep-across-reload has nothing to keep.
    const set = faultsActive(next) ? next : NO_FAULTS;
    if (sameSet(set, this.get(tabId))) return 'unchanged';
    this.put(tabId, set);
    return set;
  }

  /**
   * What a relay's `faults-query` gets. A new top-frame document (`frameId` 0) gets the tab's faults only
   * when the user asked to keep them across reloads (the navigation that made it clears them otherwise);
   * a subframe belongs to the document the user set them for, and gets the current set.
   */
  queryAnswer(tabId: number, frameId: number): FaultSet {
    const set = this.get(tabId);
    return frameId !== 0 || set.keepAcrossReload ? set : NO_FAULTS;
  }

  /**
   * The tab's top frame committed a new document. Clears its faults unless the user ticked "Keep across
   * reload". Returns the new set (NO_FAULTS) when it cleared some, else null.
   */
  topNavigation(tabId: number): FaultSet | null {
    const set = this.tabs.get(tabId);
    if (!set || set.keepAcrossReload) return null;
    this.put(tabId, NO_FAULTS);
    return NO_FAULTS;
  }

  /**
   * True when the tab has had faults on since the worker started. Its relays are then told the current set
   * after each top-frame commit, even an unchanged one: a page restored from the back/forward cache missed
   * the messages sent while it was cached and still holds the set it had.
   */
  hadFaults(tabId: number): boolean {
    return this.touched.has(tabId);
  }

  /** The tab closed: its faults are gone. */
  forget(tabId: number): void {
    if (this.tabs.has(tabId)) this.put(tabId, NO_FAULTS);
    this.touched.delete(tabId);
  }

  private put(tabId: number, set: FaultSet): void {
    const key = faultsKey(tabId);
    if (faultsActive(set)) {
      this.tabs.set(tabId, set);
      this.touched.add(tabId);
      this.area.set({ [key]: set }).catch(() => undefined); // memory stays the truth; the mirror is a help
    } else {
      this.tabs.delete(tabId);
      this.area.remove(key).catch(() => undefined);
    }
  }
}
