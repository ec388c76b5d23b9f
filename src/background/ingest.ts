/**
 * What the background does with a relay batch before anything reaches the log. The relay hands over the
 * hook's page messages as the strings the hook sent (it checks only their type and length, so the page's
 * thread neither parses nor serialises them again); here each one is parsed and every event validated
 * (the relay runs in the page's process; the hook copies page values), the tab's rate budgets apply, and
 * what is refused or dropped is coalesced into one counted entry per document (`relay.rejected`,
 * `log.dropped`) instead of one entry per message. Pure: the store and the clock are injected.
 *
 * Order, cheapest first: the batch bounds (MAX_MESSAGES_PER_BATCH strings, MAX_BATCH_CHARS characters),
 * per message its bounds, JSON and envelope (`readPageMessage`), then per event the event-rate budget (a
 * token each, so a flood costs a counter), the nesting bound and the check (`readPageEvent`: the
 * hand-written check held to `HookEventSchema` by test/unit/hookEventCheck.test.ts: known kind, field
 * types, bounded strings), the size bound (MAX_EVENT_CHARS of JSON), then the character-rate budget.
 */
import { MAX_BATCH_CHARS, MAX_MESSAGES_PER_BATCH } from '../shared/constants';
import type { CapturedEvent, HookEvent, LogEntry } from '../shared/events';
import { readPageEvent, readPageMessage, type RelayDropReason } from '../shared/messages';
import {
  MAX_EVENT_CHARS,
  RATE_CHARS_BURST,
  RATE_CHARS_PER_S,
  RATE_EVENTS_BURST,
  RATE_EVENTS_PER_S,
  TokenBucket,
} from './limits';
import type { MarkerSlot, TabLogStore } from './tabLog';

/** Most distinct reasons a coalesced entry lists. */
const MAX_REASONS = 16;
const MAX_COUNT = 1e12;

/**
 * Reasons the background gives besides the page-message ones (`RejectReason`): `background-check`, a
 * batch that is not a list of strings; `batch-too-long`, messages past the batch bounds (refused unread).
 */
export type IngestReason = 'background-check' | 'batch-too-long' | 'rate-events' | 'rate-chars' | 'event-too-large';

export interface IngestLimits {
  eventsPerSecond: number;
  eventsBurst: number;
  charsPerSecond: number;
  charsBurst: number;
  maxEventChars: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  eventsPerSecond: RATE_EVENTS_PER_S,
  eventsBurst: RATE_EVENTS_BURST,
  charsPerSecond: RATE_CHARS_PER_S,
  charsBurst: RATE_CHARS_BURST,
  maxEventChars: MAX_EVENT_CHARS,
};

/** What changed in the tab's log: entries to append in the panel, entries to replace (same seq). */
export interface IngestResult {
  appended: LogEntry[];
  updated: LogEntry[];
}

/**
 * Checks one event of a page message (`readPageEvent`: nesting, then the shapes): the event as the check
 * reads it and its JSON, or why not (`bad-event`, or `event-too-large` past `maxChars` characters of JSON).
 * Never throws.
 */
export function checkHookEvent(
  item: unknown,
  maxChars = MAX_EVENT_CHARS,
): { event: HookEvent; json: string } | { reason: 'bad-event' | 'event-too-large' } {
  try {
    const event = readPageEvent(item);
    if (!event) return { reason: 'bad-event' };
    // The check's output holds only known fields: what is stored is what was checked.
    const json = JSON.stringify(event);
    if (json.length > maxChars) return { reason: 'event-too-large' };
    return { event, json };
  } catch {
    return { reason: 'bad-event' };
  }
}

/**
 * The page messages of a relay batch that are read: at most MAX_MESSAGES_PER_BATCH strings and
 * MAX_BATCH_CHARS characters in all (what an honest relay sends); null when `raw` is not a list of strings.
 */
function batchMessages(raw: unknown): { read: string[]; unread: number } | null {
  if (!Array.isArray(raw) || !raw.every((m) => typeof m === 'string')) return null;
  let chars = 0;
  let end = 0;
  while (end < raw.length && end < MAX_MESSAGES_PER_BATCH && chars + (raw[end] as string).length <= MAX_BATCH_CHARS) {
    chars += (raw[end] as string).length;
    end += 1;
  }
  return { read: raw.slice(0, end) as string[], unread: raw.length - end };
}

/** A count a relay message claims: a positive integer, or null. */
function claimedCount(n: unknown): number | null {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? Math.min(n, MAX_COUNT) : null;
}

function mergeReasons(current: string[], add: Iterable<string>): string[] {
  const out = [...current];
  for (const r of add) if (out.length < MAX_REASONS && !out.includes(r)) out.push(r);
  return out;
}

export function createIngest(
  store: TabLogStore,
  now: () => number = Date.now,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
) {
  const buckets = new Map<number, { events: TokenBucket; chars: TokenBucket }>();
  const bucketsOf = (tabId: number) => {
    let b = buckets.get(tabId);
    if (!b) {
      const t = now();
      b = {
        events: new TokenBucket(limits.eventsPerSecond, limits.eventsBurst, t),
        chars: new TokenBucket(limits.charsPerSecond, limits.charsBurst, t),
      };
      buckets.set(tabId, b);
    }
    return b;
  };

  /** Adds `count` under `reasons` to the tab's coalesced `slot` entry (a new one per document). */
  const coalesce = (tabId: number, slot: MarkerSlot, count: number, reasons: Iterable<string>, into: IngestResult) => {
    if (count <= 0) return;
    const kind = slot === 'rejected' ? 'relay.rejected' : 'log.dropped';
    const list = [...reasons];
    const { entry, created } = store.upsertMarker(tabId, slot, (current): CapturedEvent => {
      const prev = current && current.kind === kind ? current : undefined;
      return {
        kind,
        at: prev?.at ?? now(),
        t: 0,
        count: Math.min(MAX_COUNT, (prev?.count ?? 0) + count),
        reasons: mergeReasons(prev?.reasons ?? [], list),
      };
    });
    (created ? into.appended : into.updated).push(entry);
  };

  return {
    /**
     * A relay batch: the hook's page messages (`raw`, unchecked; see `RelayMessage` `hook-messages`).
     * Stores the events that pass, counts the rest. `batchId` is remembered even when nothing passed, so
     * a resend is recognised.
     */
    hookMessages(tabId: number, frameId: number, raw: unknown, batchId: string): IngestResult {
      const result: IngestResult = { appended: [], updated: [] };
      const b = bucketsOf(tabId);
      const t = now();
      const events: HookEvent[] = [];
      const jsons: string[] = [];
      const rejected = new Map<string, number>();
      const dropped = new Map<string, number>();
      const count = (m: Map<string, number>, reason: string, n = 1) => m.set(reason, (m.get(reason) ?? 0) + n);
      const batch = batchMessages(raw);
      if (!batch) count(rejected, 'background-check');
      else if (batch.unread > 0) count(rejected, 'batch-too-long', batch.unread);
      for (const message of batch?.read ?? []) {
        const read = readPageMessage(message);
        if ('reason' in read) {
          count(rejected, read.reason);
          continue;
        }
        for (const item of read.items) {
          if (!b.events.take(1, t)) {
            count(dropped, 'rate-events');
            continue;
          }
          const checked = checkHookEvent(item, limits.maxEventChars);
          if ('reason' in checked) {
            if (checked.reason === 'event-too-large') count(dropped, checked.reason);
            else count(rejected, checked.reason);
            continue;
          }
          if (!b.chars.take(checked.json.length, t)) {
            count(dropped, 'rate-chars');
            continue;
          }
          events.push(checked.event);
          jsons.push(checked.json);
        }
      }
      result.appended.push(...store.append(tabId, frameId, events, batchId, jsons));
      coalesce(
        tabId,
        'rejected',
        [...rejected.values()].reduce((a, n) => a + n, 0),
        rejected.keys(),
        result,
      );
      coalesce(
        tabId,
        'dropped',
        [...dropped.values()].reduce((a, n) => a + n, 0),
        dropped.keys(),
        result,
      );
      return result;
    },

    /** The relay's report of page messages it refused. Null when the report itself is unreadable. */
    rejected(tabId: number, count: unknown, reasons: unknown): IngestResult | null {
      const n = claimedCount(count);
      if (n === null) return null;
      const list = (Array.isArray(reasons) ? reasons : [])
        .filter((r): r is string => typeof r === 'string')
        .map((r) => r.slice(0, 40))
        .slice(0, MAX_REASONS);
      const result: IngestResult = { appended: [], updated: [] };
      coalesce(tabId, 'rejected', n, list.length ? list : ['unspecified'], result);
      return result;
    },

    /** The relay's report of items its queue gave up. Null when the report itself is unreadable. */
    dropped(tabId: number, count: unknown, reason: unknown): IngestResult | null {
      const n = claimedCount(count);
      const reasons: RelayDropReason[] = ['queue-overflow', 'undeliverable', 'oversized'];
      if (n === null || !reasons.includes(reason as RelayDropReason)) return null;
      const result: IngestResult = { appended: [], updated: [] };
      coalesce(tabId, 'dropped', n, [reason as string], result);
      return result;
    },

    /** Forgets a tab's rate budgets (closed). */
    forget(tabId: number): void {
      buckets.delete(tabId);
    },
  };
}
