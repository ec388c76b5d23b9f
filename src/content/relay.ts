/**
 * Isolated-world content script: the bridge between the page hook and the
 * background. Accepts only well-formed messages of known types dispatched on its
 * own document (see parsePageMessage), and delivers them in order with
 * acknowledgement so a restarting service worker loses nothing.
 */
import browser from 'webextension-polyfill';
import { HOOK_HELLO_EVENT, PAGE_EVENT_NAME, RELAY_READY_EVENT } from '../shared/constants';
import type { HookEvent } from '../shared/events';
import { parsePageMessage, type RejectReason, type RelayMessage } from '../shared/messages';
import { createDeliveryQueue } from './queue';

// Random per document, so retried batches can be recognised (and stored once) by the background.
const relayId = Math.random().toString(36).slice(2, 10);

/** How long to wait for the background's acknowledgement before resending (same batch id). */
const ACK_TIMEOUT_MS = 2_000;

const queue = createDeliveryQueue<HookEvent>({
  async send(events, batchId) {
    const message: RelayMessage = { type: 'hook-events', batchId: `${relayId}-${batchId}`, events };
    // A worker stopped while handling the message may leave sendMessage unsettled: never wait forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no acknowledgement')), ACK_TIMEOUT_MS);
    });
    try {
      const answer = (await Promise.race([browser.runtime.sendMessage(message), timeout])) as { ok?: boolean } | undefined;
      if (!answer?.ok) throw new Error('background did not store the batch');
    } finally {
      clearTimeout(timer);
    }
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  // Never a silent loss: if the background stayed unreachable that long, say how much was dropped.
  onDrop: (count) => reportRejected(count, ['queue-overflow']),
});

function reportRejected(count: number, reasons: RejectReason[]) {
  const message: RelayMessage = { type: 'relay-rejected', count, reasons: [...new Set(reasons)] };
  browser.runtime.sendMessage(message).catch(() => undefined);
}

document.addEventListener(PAGE_EVENT_NAME, (event) => {
  // Only events dispatched on this document, in this frame, by anyone: the page is untrusted, so the
  // content is validated (known kinds, right shapes, bounded size) rather than trusted by origin.
  if (event.target !== document) return;
  const { events, rejected } = parsePageMessage((event as CustomEvent).detail);
  if (events.length > 0) queue.push(...events);
  if (rejected.length > 0) reportRejected(rejected.length, rejected);
});

// Handshake: the hook holds its events until a relay answers (either may start first).
document.addEventListener(HOOK_HELLO_EVENT, () => document.dispatchEvent(new CustomEvent(RELAY_READY_EVENT)));
document.dispatchEvent(new CustomEvent(RELAY_READY_EVENT));
