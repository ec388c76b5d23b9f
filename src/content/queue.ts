/**
 * An ordered, acknowledged delivery queue: batches are sent one at a time and removed only when the
 * receiver acknowledges them, so a background service worker that stops mid-send (MV3 suspension)
 * loses nothing: the batch is sent again, under the same id, after a short wait.
 *
 * Bounded, never silent: a batch is at most `maxBatch` items and `maxBatchBytes` (with `sizeOf`); a
 * batch the transport says is too large (`isTooLarge`, e.g. Chromium's "Message exceeded maximum
 * allowed size of 64MiB") is split in halves, and a single item that is still too large is dropped
 * (`oversized`); a batch that still fails after `maxAttempts` sends is given up (`undeliverable`);
 * past `maxQueued` items (or `maxQueuedBytes`) the oldest are dropped (`queue-overflow`). Every drop
 * is reported through `onDrop(count, reason)`, each item counting `weightOf(item)` (1 by default). Pure
 * logic: the transport and the clock are injected.
 */
import type { RelayDropReason } from '../shared/messages';

export type DropReason = RelayDropReason;

export interface DeliveryQueueOptions<T> {
  /** Sends one batch; resolves when the receiver has stored it, rejects otherwise. */
  send(batch: T[], batchId: string): Promise<void>;
  /** Waits `ms` milliseconds (injected for tests). */
  sleep(ms: number): Promise<void>;
  /** Largest batch, in items. */
  maxBatch?: number;
  /** Size of an item (e.g. the characters of its JSON), for `maxBatchBytes` and `maxQueuedBytes`. */
  sizeOf?(item: T): number;
  /** Largest batch, in `sizeOf` units (a single bigger item is still sent alone). */
  maxBatchBytes?: number;
  /** Retry delays in ms, the last one repeating. */
  retryDelaysMs?: number[];
  /** Sends of one batch before it is given up (`undeliverable`). */
  maxAttempts?: number;
  /** True when a failed send means "this batch is too large": it is split instead of retried. */
  isTooLarge?(error: unknown): boolean;
  /** Called when items are dropped, with how many (the sum of their `weightOf`) and why. */
  onDrop?(count: number, reason: DropReason): void;
  /** What one dropped item counts for in `onDrop` (the events a message holds); 1 by default. Called on drops only. */
  weightOf?(item: T): number;
  /** Most items held while the receiver is unreachable. */
  maxQueued?: number;
  /** Most `sizeOf` units held while the receiver is unreachable. */
  maxQueuedBytes?: number;
}

/**
 * Chromium: "Error in invocation of runtime.sendMessage(…): Message exceeded maximum allowed size of 64MiB."
 * (older versions: "Message length exceeded maximum allowed length."); also any error that says it is too large.
 */
export const defaultIsTooLarge = (error: unknown): boolean => {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /exceeded maximum allowed (size|length)|too large|too big/i.test(text);
};

export function createDeliveryQueue<T>(opts: DeliveryQueueOptions<T>) {
  const maxBatch = Math.max(1, opts.maxBatch ?? 500);
  const sizeOf = opts.sizeOf;
  const maxBatchBytes = opts.maxBatchBytes ?? Infinity;
  const delays = opts.retryDelaysMs ?? [50, 100, 250, 500, 1000, 2000, 4000];
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 10);
  const isTooLarge = opts.isTooLarge ?? defaultIsTooLarge;
  const maxQueued = opts.maxQueued ?? 200_000;
  const maxQueuedBytes = opts.maxQueuedBytes ?? Infinity;
  const weightOf = opts.weightOf ?? (() => 1);
  /** Reports the dropped `items`. */
  const drop = (dropped: readonly T[], reason: DropReason) => {
    let count = 0;
    for (const item of dropped) count += weightOf(item);
    if (count > 0) opts.onDrop?.(count, reason);
  };

  // Items (and their sizes) waiting; [head…] are live: removal at the front is O(1) amortised.
  let items: T[] = [];
  let sizes: number[] = [];
  let head = 0;
  let queuedBytes = 0;
  /** Items of the batch in flight: overflow never drops them (a resend must be exactly the first send). */
  let inFlight = 0;
  let running = false;
  let batchCounter = 0;
  let idle: Promise<void> = Promise.resolve();
  /** The batch limit now, in items: halved on "too large", grown back after each delivery. */
  let limit = maxBatch;

  const pending = () => items.length - head;

  const removeFront = (n: number) => {
    for (let i = head; i < head + n; i++) queuedBytes -= sizes[i]!;
    head += n;
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      sizes = sizes.slice(head);
      head = 0;
    }
  };

  /** The next batch: up to `limit` items and `maxBatchBytes`, at least one item. */
  const nextBatch = (): T[] => {
    let end = head;
    let bytes = 0;
    while (end < items.length && end - head < limit) {
      const size = sizes[end]!;
      if (end > head && bytes + size > maxBatchBytes) break;
      bytes += size;
      end += 1;
    }
    return items.slice(head, end);
  };

  const run = async () => {
    running = true;
    let attempt = 0;
    let batch: T[] = [];
    let batchId = '';
    while (pending() > 0) {
      // A retried batch must be exactly the batch first sent under its id: the receiver
      // recognises resends by id, so growing it would drop the newcomers as duplicates.
      if (attempt === 0) {
        batch = nextBatch();
        batchId = `${Date.now().toString(36)}-${(batchCounter += 1)}`;
        inFlight = batch.length; // until delivered or given up, overflow leaves these items alone
      }
      try {
        await opts.send(batch, batchId);
        inFlight = 0;
        removeFront(batch.length);
        attempt = 0;
        limit = Math.min(maxBatch, limit * 2);
      } catch (error) {
        if (isTooLarge(error)) {
          // Never stored (the message did not leave): split it under new ids, or drop a lone item.
          attempt = 0;
          inFlight = 0;
          if (batch.length > 1) limit = Math.ceil(batch.length / 2);
          else {
            removeFront(1);
            drop(batch, 'oversized');
          }
          continue;
        }
        attempt += 1;
        if (attempt >= maxAttempts) {
          inFlight = 0;
          removeFront(batch.length);
          drop(batch, 'undeliverable');
          attempt = 0;
          continue;
        }
        await opts.sleep(delays[Math.min(attempt - 1, delays.length - 1)]!);
      }
    }
    running = false;
  };

  return {
    /** Queues items for delivery, in order. */
    push(...newItems: T[]) {
      for (const item of newItems) {
        const size = sizeOf ? sizeOf(item) : 0;
        items.push(item);
        sizes.push(size);
        queuedBytes += size;
      }
      // Over the bounds: the oldest items go, except those of a batch in flight.
      let over = 0;
      while (pending() - inFlight - over > 0 && (pending() - over > maxQueued || queuedBytes > maxQueuedBytes)) {
        over += 1;
        queuedBytes -= sizes[head + inFlight + over - 1]!;
      }
      if (over > 0) {
        const start = head + inFlight;
        const gone = items.splice(start, over);
        sizes.splice(start, over);
        drop(gone, 'queue-overflow');
      }
      if (!running) idle = run();
    },
    /** Resolves when every queued item has been acknowledged or given up. */
    drained(): Promise<void> {
      return idle;
    },
    get pending(): number {
      return pending();
    },
  };
}
