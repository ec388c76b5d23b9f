/**
 * Typed messages between the layers. Each channel has its own union so that a
 * handler's `switch (msg.type)` is exhaustive.
 *
 *   page hook ──CustomEvent(PAGE_EVENT_NAME, JSON string) on the private channel node──▶ relay (isolated world)
 *   relay ──runtime.sendMessage(RelayMessage: the page messages, as strings)──▶ background (parses, validates)
 *   panel ◀──runtime.Port(PanelPortMessage / PanelRequest)──▶ background
 */
import { pageMessageRefusal } from './channel';
import { MAX_EVENTS_PER_MESSAGE, PAGE_CHANNEL, PAGE_PROTOCOL } from './constants';
import type { HookEvent, LogEntry } from './events';
import type { FaultSet } from './faults';
import { readHookEvent } from './hookEventCheck';

/**
 * The envelope the page hook sends: `{ channel: PAGE_CHANNEL, v: PAGE_PROTOCOL, events }`, with 1 to
 * MAX_EVENTS_PER_MESSAGE events. Returns the events, or null for anything else.
 */
export function readPageEnvelope(data: unknown): unknown[] | null {
  if (!data || typeof data !== 'object') return null;
  const { channel, v, events } = data as Record<string, unknown>;
  if (channel !== PAGE_CHANNEL || v !== PAGE_PROTOCOL || !Array.isArray(events)) return null;
  return events.length >= 1 && events.length <= MAX_EVENTS_PER_MESSAGE ? events : null;
}

/**
 * Why (part of) a page message was refused. The relay refuses `not-a-string` and `oversized` (all it checks,
 * on the string) and `page-sent`; the background, which parses and validates, refuses the rest.
 */
export type RejectReason =
  'not-a-string' | 'oversized' | 'not-json' | 'bad-envelope' | 'bad-event' | 'queue-overflow' | 'page-sent';

/**
 * Reads a page message as far as its envelope: the string bounds (`pageMessageRefusal`), JSON, then
 * `readPageEnvelope`. Returns the envelope's items, still unchecked (see `readPageEvent`), or why the whole
 * message is refused. Never throws (JSON nested deeper than the parser's stack is `not-json`).
 */
export function readPageMessage(detail: unknown): { items: unknown[] } | { reason: RejectReason } {
  const refusal = pageMessageRefusal(detail);
  if (refusal) return { reason: refusal };
  let data: unknown;
  try {
    data = JSON.parse(detail as string);
  } catch {
    return { reason: 'not-json' }; // malformed, or nested deeper than the parser's stack
  }
  const items = readPageEnvelope(data);
  return items ? { items } : { reason: 'bad-envelope' };
}

/**
 * Checks one item of a page message: nesting bounded first (summaries recurse), then the hand-written
 * check `readHookEvent` (as strict as `HookEventSchema`). The event with only its known fields, or null.
 * Never throws.
 */
export function readPageEvent(item: unknown): HookEvent | null {
  return depthOver(item, MAX_EVENT_DEPTH) ? null : readHookEvent(item);
}

/** Result of parsing one page message: the valid events, plus one reason per rejected item. */
export interface ParsedPageMessage {
  events: HookEvent[];
  rejected: RejectReason[];
}

/**
 * Validates a whole page message: `readPageMessage`, then `readPageEvent` on each item. Never throws:
 * anything malformed is counted in `rejected` and dropped. The background reads the relay's batches
 * with the same two steps (src/background/ingest.ts), with its rate budget between them.
 */
export function parsePageMessage(detail: unknown): ParsedPageMessage {
  const read = readPageMessage(detail);
  if ('reason' in read) return { events: [], rejected: [read.reason] };
  const events: HookEvent[] = [];
  const rejected: RejectReason[] = [];
  for (const item of read.items) {
    const event = readPageEvent(item);
    if (event) events.push(event);
    else rejected.push('bad-event');
  }
  return { events, rejected };
}

/** Deepest nesting a hook event may have (summaries are 4 levels deep inside events of 3 or 4). */
export const MAX_EVENT_DEPTH = 24;

/**
 * True when `value` nests objects or arrays deeper than `limit`. Recursion stops at `limit`, so however
 * deep the input, the stack never grows past `limit` frames.
 */
export function depthOver(value: unknown, limit: number, depth = 0): boolean {
  if (!value || typeof value !== 'object') return false;
  if (depth >= limit) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (depthOver(child, limit, depth + 1)) return true;
  }
  return false;
}

/**
 * Why the relay's delivery queue (src/content/queue.ts) dropped items it had accepted:
 * `queue-overflow`, it held too many while the background was unreachable; `undeliverable`, a batch
 * still failed after its bounded retries; `oversized`, one item alone was over the browser's message limit.
 */
export type RelayDropReason = 'queue-overflow' | 'undeliverable' | 'oversized';

/**
 * Relay → background (runtime.sendMessage). The background answers `{ ok: true }` once a batch is
 * stored (or knowingly not stored: over a budget, from a page the tab has left), `{ ok: false }` for a
 * message it cannot read. The relay runs in the page's process and the hook copies page values: the
 * background parses and validates everything itself (src/background/ingest.ts).
 *  - `hook-messages`: the hook's page messages, in order, as the strings the hook sent (each checked by
 *    the relay only against `pageMessageRefusal`): at most MAX_MESSAGES_PER_BATCH of them and
 *    MAX_BATCH_CHARS characters in all. `batchId` makes a resend recognisable.
 *  - `relay-rejected`: page messages the relay refused (coalesced by the background into one
 *    `relay.rejected` entry per document, with the background's own refusals).
 *  - `relay-dropped`: accepted items the relay's queue had to give up (coalesced into one `log.dropped`
 *    entry per document).
 */
export type RelayMessage =
  | { type: 'hook-messages'; batchId: string; messages: string[] }
  | { type: 'faults-query' }
  | { type: 'relay-rejected'; count: number; reasons: RejectReason[] }
  | { type: 'relay-dropped'; count: number; reason: RelayDropReason };

/** What the panel shows about a tab's log besides its entries. */
export interface LogState {
  /** Older entries dropped because of the per-tab cap. */
  dropped: number;
  /** Keep the log across top-frame navigations. */
  preserveLog: boolean;
  /** The per-tab cap, entries. */
  maxEntries: number;
  /** Seq of the oldest entry the background keeps: a live panel drops the entries it holds before it. */
  firstSeq?: number;
  /** The tab's injected faults (Reproduce menu); absent or empty when every fault is off. */
  faults?: FaultSet;
}

/**
 * Background → panel over the port. Every message stays below the browser's message size limit
 * (PORT_MESSAGE_CHARS in src/background/limits.ts): a snapshot comes in `parts` consecutive messages
 * (`part` 0 … parts-1, same `snapshotId`), and a big append in several `append` messages, in order.
 *  - `update`: entries already sent whose event changed (a coalesced counter: same seq, same place).
 */
export type PanelPortMessage =
  | {
      type: 'snapshot';
      tabId: number;
      snapshotId: number;
      part: number;
      parts: number;
      entries: LogEntry[];
      state: LogState;
    }
  | { type: 'append'; tabId: number; entries: LogEntry[]; state: LogState }
  | { type: 'update'; tabId: number; entries: LogEntry[]; state: LogState }
  | { type: 'cleared'; tabId: number; state: LogState }
  | { type: 'state'; tabId: number; state: LogState };

/**
 * Panel → background over the port. `set-faults` replaces the tab's injected faults (only a panel, on a
 * user's click, sends it; the background checks it with readFaultSet and keeps it in memory only).
 */
export type PanelRequest =
  { type: 'clear' } | { type: 'set-preserve-log'; value: boolean } | { type: 'set-faults'; faults: FaultSet };

/**
 * Background → relay (tabs.sendMessage, every frame of the tab): the tab's current injected faults. Also the
 * answer to the relay's `faults-query` (a new document asks once; it gets faults only when the user asked to
 * keep them across reloads). The relay passes the set to the hook over the private channel
 * (FAULTS_EVENT_NAME, src/shared/constants.ts).
 */
export type BackgroundToRelayMessage = { type: 'faults'; faults: FaultSet };

/** Settings kept in `storage.local` under SETTINGS_KEY (no captured data is ever stored there). */
export interface Settings {
  /** Per-tab cap, entries (≥ 1,000). */
  maxEntriesPerTab: number;
}
export const SETTINGS_KEY = 'settings';

/** Name of the panel's port: `panel:<tabId>`. */
export const panelPortName = (tabId: number): string => `panel:${tabId}`;

/** Parses a port name made by `panelPortName`; null when it is not one. */
export function tabIdFromPortName(name: string): number | null {
  const m = /^panel:(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}
