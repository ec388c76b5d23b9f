/**
 * What the background does with a relay message before anything reaches the log: it checks every
 * event again (the relay runs in the page's process; the hook copies page values), applies the tab's
 * rate budgets, and coalesces what it refuses or drops into one counted entry per document
 * (`relay.rejected`, `log.dropped`) instead of one entry per message. Pure: the store and the clock
 * are injected.
 *
 * Order per event, cheapest first: the event-rate budget (a token each, so a flood costs a counter),
 * the nesting bound and the schema (`HookEventSchema`: known kind, field types, bounded strings), the
 * size bound (MAX_EVENT_CHARS of JSON), then the character-rate budget.
 */
import * as v from 'valibot';
import { HookEventSchema, type CapturedEvent, type HookEvent, type LogEntry } from '../shared/events';
import { MAX_EVENT_DEPTH, depthOver, type RelayDropReason } from '../shared/messages';
import {
  MAX_EVENT_CHARS,
  RATE_CHARS_BURST,
  RATE_CHARS_PER_S,
  RATE_EVENTS_BURST,
  RATE_EVENTS_PER_S,
  TokenBucket,
} from './limits';
import type { MarkerSlot, TabLogStore } from './tabLog';

/** Most events one relay message may carry; the rest are refused unread (the relay sends 500 at most). */
export const MAX_EVENTS_PER_BATCH = 5_000;
/** Most distinct reasons a coalesced entry lists. */
const MAX_REASONS = 16;
const MAX_COUNT = 1e12;

/** Reasons the background itself gives. */
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

/** Checks one event from the relay: the event as the schema reads it and its JSON, or why not. */
export function checkHookEvent(
  item: unknown,
  maxChars = MAX_EVENT_CHARS,
): { event: HookEvent; json: string } | { reason: 'background-check' | 'event-too-large' } {
  try {
    // The schemas recurse (summaries): bound the depth first, so validation never overflows the stack.
    if (depthOver(item, MAX_EVENT_DEPTH)) return { reason: 'background-check' };
    const parsed = v.safeParse(HookEventSchema, item);
    if (!parsed.success) return { reason: 'background-check' };
    // The schema's output holds only known fields: what is stored is what was checked.
    const json = JSON.stringify(parsed.output);
    if (json.length > maxChars) return { reason: 'event-too-large' };
    return { event: parsed.output, json };
  } catch {
    return { reason: 'background-check' };
  }
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
     * A batch of hook events from the relay (`raw`, unchecked). Stores what passes, counts the rest.
     * `batchId` is remembered even when nothing passed, so a resend is recognised.
     */
    hookEvents(tabId: number, frameId: number, raw: unknown, batchId: string): IngestResult {
      const result: IngestResult = { appended: [], updated: [] };
      const items = Array.isArray(raw) ? raw : [raw];
      const b = bucketsOf(tabId);
      const t = now();
      const events: HookEvent[] = [];
      const jsons: string[] = [];
      const rejected = new Map<string, number>();
      const dropped = new Map<string, number>();
      const count = (m: Map<string, number>, reason: string, n = 1) => m.set(reason, (m.get(reason) ?? 0) + n);
      if (!Array.isArray(raw)) count(rejected, 'background-check');
      const readable = Array.isArray(raw) ? Math.min(items.length, MAX_EVENTS_PER_BATCH) : 0;
      if (items.length > readable && Array.isArray(raw)) count(rejected, 'batch-too-long', items.length - readable);
      for (let i = 0; i < readable; i++) {
        if (!b.events.take(1, t)) {
          count(dropped, 'rate-events');
          continue;
        }
        const checked = checkHookEvent(items[i], limits.maxEventChars);
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
