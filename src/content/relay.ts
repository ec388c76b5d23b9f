/**
 * Isolated-world content script: the bridge between the page hook and the
 * background. Takes messages only from the hook's private channel (src/shared/channel.ts,
 * set up before any page script runs), validates them (see parsePageMessage), and
 * delivers them in order with acknowledgement so a restarting service worker loses nothing.
 * Messages a page script dispatches on the document under our event name are never taken:
 * they are counted and reported as page-sent.
 */
import { acceptChannel } from '../shared/channel';
import { PAGE_EVENT_NAME } from '../shared/constants';
import type { HookEvent } from '../shared/events';
import { parsePageMessage, type RejectReason, type RelayDropReason, type RelayMessage } from '../shared/messages';
import { createDeliveryQueue } from './queue';

/**
 * The extension API without webextension-polyfill (kept out of the script injected into every page):
 * Firefox's `browser` (Firefox has `chrome` too), else Chromium's `chrome`; both return a promise from
 * `runtime.sendMessage` when no callback is given (Chromium since MV3). `browser` must hold a real
 * runtime: in Chromium `window.browser` could be a page element with that id.
 */
type Runtime = { sendMessage(message: RelayMessage): Promise<unknown> };
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

/** Characters of JSON each accepted event accounts for (its page message's length shared among its events). */
const sizes = new WeakMap<HookEvent, number>();

const queue = createDeliveryQueue<HookEvent>({
  async send(events, batchId) {
    const message: RelayMessage = { type: 'hook-events', batchId: `${relayId}-${batchId}`, events };
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
  // Bounded in bytes too (characters of JSON): a batch stays well under the runtime's message limit.
  // An event's size is its share of the page message it came in (not serialised a second time).
  sizeOf: (event) => sizes.get(event) ?? JSON.stringify(event).length,
  maxBatchBytes: 1024 * 1024,
  maxQueuedBytes: 64 * 1024 * 1024,
  // Never a silent loss: what the queue had to give up is counted and reported.
  onDrop: (count, reason) => dropped.add(reason, count),
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

/** Counts rejected items (one reason per item). */
function reportRejected(reasons: readonly RejectReason[]) {
  for (const reason of reasons) rejected.add(reason);
}

// The hook's messages: only from the private channel. Their content is still validated (known kinds,
// right shapes, bounded size): the hook copies page values, which are untrusted.
acceptChannel(document, PAGE_EVENT_NAME, (event) => {
  const detail: unknown = (event as CustomEvent).detail;
  const { events, rejected } = parsePageMessage(detail);
  if (events.length > 0) {
    const share = Math.ceil((detail as string).length / events.length);
    for (const e of events) sizes.set(e, share);
    queue.push(...events);
  }
  if (rejected.length > 0) reportRejected(rejected);
});

// The same event name on the document can only come from a page script: never taken, only counted.
document.addEventListener(PAGE_EVENT_NAME, () => reportRejected(['page-sent']));
