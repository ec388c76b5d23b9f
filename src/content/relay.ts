/**
 * Isolated-world content script: the bridge between the page hook and the
 * background. Takes messages only from the hook's private channel (src/shared/channel.ts,
 * set up before any page script runs), checks only what it can check on the string (see
 * pageMessageRefusal), and delivers the strings in order with acknowledgement so a restarting service
 * worker loses nothing. It never parses them: the background does, and validates every event
 * (src/background/ingest.ts), off the page's thread. Messages a page script dispatches on the document
 * under our event name are never taken: they are counted and reported as page-sent.
 */
import { acceptChannel, pageMessageRefusal } from '../shared/channel';
import { FAULTS_EVENT_NAME, MAX_BATCH_CHARS, MAX_MESSAGES_PER_BATCH, PAGE_EVENT_NAME } from '../shared/constants';
import { FAULT_RENEW_MS, readFaultSet, type FaultSet } from '../shared/faults';
import type { RejectReason, RelayDropReason, RelayMessage } from '../shared/messages';
import { createDeliveryQueue } from './queue';

/**
 * The extension API without webextension-polyfill (kept out of the script injected into every page):
 * Firefox's `browser` (Firefox has `chrome` too), else Chromium's `chrome`; both return a promise from
 * `runtime.sendMessage` when no callback is given (Chromium since MV3). `browser` must hold a real
 * runtime: in Chromium `window.browser` could be a page element with that id.
 */
type Runtime = {
  sendMessage(message: RelayMessage): Promise<unknown>;
  /** The extension's id; undefined in Chromium once this script is orphaned (the extension reloaded or removed). */
  id?: string;
  onMessage?: { addListener(listener: (message: unknown, sender: { id?: string }) => void): void };
};
const runtimeOf = (api: unknown): Runtime | undefined => {
  const runtime = (api as { runtime?: Runtime } | undefined)?.runtime;
  return typeof runtime?.sendMessage === 'function' ? runtime : undefined;
};
const api = globalThis as { browser?: unknown; chrome?: unknown };
const runtime = (runtimeOf(api.browser) ?? runtimeOf(api.chrome))!;

// Random per document, so retried batches can be recognised (and stored once) by the background.
const relayId = Math.random().toString(36).slice(2, 10);

/** How long to wait for the background's acknowledgement before resending (same batch id). */
const ACK_TIMEOUT_MS = 2_000;

/**
 * How many events a page message holds, read only when the queue gives the message up (rare: the
 * background unreachable for long, or a message the browser cannot carry), so drops count events.
 */
function eventsIn(message: string): number {
  try {
    const events = (JSON.parse(message) as { events?: unknown }).events;
    return Array.isArray(events) ? events.length : 1;
  } catch {
    return 1;
  }
}

const queue = createDeliveryQueue<string>({
  async send(messages, batchId) {
    const message: RelayMessage = { type: 'hook-messages', batchId: `${relayId}-${batchId}`, messages };
    // A worker stopped while handling the message may leave sendMessage unsettled: never wait forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no acknowledgement')), ACK_TIMEOUT_MS);
    });
    try {
      const answer = (await Promise.race([runtime.sendMessage(message), timeout])) as { ok?: boolean } | undefined;
      if (!answer?.ok) throw new Error('background did not store the batch');
    } finally {
      clearTimeout(timer);
    }
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // Bounded in characters too: a batch stays well under the runtime's message limit.
  maxBatch: MAX_MESSAGES_PER_BATCH,
  sizeOf: (message) => message.length,
  maxBatchBytes: MAX_BATCH_CHARS,
  maxQueuedBytes: 64 * 1024 * 1024,
  // Never a silent loss: what the queue had to give up is counted, in events, and reported.
  onDrop: (count, reason) => dropped.add(reason, count),
  weightOf: eventsIn,
});

/**
 * Counts by reason, reported at most once a second however many arrive (a flooding page, a queue that
 * keeps overflowing), so reporting never becomes the load.
 */
function coalesced<K>(report: (counts: Map<K, number>) => void) {
  const counts = new Map<K, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    add(key: K, count = 1) {
      counts.set(key, (counts.get(key) ?? 0) + count);
      timer ??= setTimeout(() => {
        timer = undefined;
        const batch = new Map(counts);
        counts.clear();
        report(batch);
      }, 1_000);
    },
  };
}

const send = (message: RelayMessage) => void runtime.sendMessage(message).catch(() => undefined);
const rejected = coalesced<RejectReason>((counts) =>
  send({ type: 'relay-rejected', count: [...counts.values()].reduce((a, b) => a + b, 0), reasons: [...counts.keys()] }),
);
const dropped = coalesced<RelayDropReason>((counts) => {
  for (const [reason, count] of counts) send({ type: 'relay-dropped', count, reason });
});

// The hook's messages: only from the private channel. Their content (known kinds, right shapes, bounded
// strings: the hook copies page values, which are untrusted) is validated by the background; here only
// the bounds of the string, so nothing is parsed or serialised again on the page's thread.
const channel = acceptChannel(
  document,
  PAGE_EVENT_NAME,
  (event) => {
    const detail: unknown = (event as CustomEvent).detail;
    const refusal = pageMessageRefusal(detail);
    if (refusal) rejected.add(refusal);
    else queue.push(detail as string);
  },
  // A set already known when the hook connects: passed once the hook (which listens on the node right
  // after offering it, in the same task) is ready.
  () => queueMicrotask(() => faults && passFaults()),
);

// Injected faults (the panel's Reproduce menu, src/shared/faults.ts): the tab's set comes only from the
// extension (the answer to `faults-query`, and `faults` messages on runtime.onMessage, which no page can
// send) and goes only to the hook, on the private channel node. The hook applies a set for FAULT_LEASE_MS:
// while one is on, it is passed again every FAULT_RENEW_MS as long as the extension lives, so faults end by
// themselves when the extension is reloaded or removed.
let faults: FaultSet | null = null;
let renewal: ReturnType<typeof setInterval> | undefined;
const passFaults = () => channel.send(FAULTS_EVENT_NAME, JSON.stringify(faults));
/** Takes a `{type: 'faults', faults}` message from the extension; anything else is ignored. */
const takeFaults = (message: unknown) => {
  if ((message as { type?: unknown } | undefined)?.type !== 'faults') return;
  const set = readFaultSet((message as { faults?: unknown }).faults);
  if (!set) return;
  faults = set;
  passFaults();
  clearInterval(renewal);
  renewal = undefined;
  if (set.faults.length === 0) return; // all off: passed once, nothing to renew
  renewal = setInterval(() => {
    if (!runtime.id)
      clearInterval(renewal); // orphaned: the hook's lease runs out by itself
    else passFaults();
  }, FAULT_RENEW_MS);
};
runtime.onMessage?.addListener((message, sender) => {
  if (sender?.id === runtime.id) takeFaults(message);
});
// A new document asks once (it gets a set only when the user asked to keep faults across reloads).
void runtime.sendMessage({ type: 'faults-query' }).then(takeFaults, () => undefined);

// The same event name on the document can only come from a page script: never taken, only counted.
document.addEventListener(PAGE_EVENT_NAME, () => rejected.add('page-sent'));
