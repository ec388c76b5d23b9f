/**
 * An ordered, acknowledged delivery queue: batches are sent one at a time and
 * removed only when the receiver acknowledges them, so a background service
 * worker that stops mid-send (MV3 suspension) loses nothing: the batch is sent
 * again after a short wait. Pure logic; the transport is injected.
 */

export interface DeliveryQueueOptions<T> {
  /** Sends one batch; resolves when the receiver has stored it, rejects otherwise. */
  send(batch: T[], batchId: string): Promise<void>;
  /** Waits `ms` milliseconds (injected for tests). */
  sleep(ms: number): Promise<void>;
  /** Largest batch, in items. */
  maxBatch?: number;
  /** Retry delays in ms, the last one repeating. */
  retryDelaysMs?: number[];
  /** Called when an item is dropped because the queue is over `maxQueued`. */
  onDrop?(count: number): void;
  /** Most items held while the receiver is unreachable. */
  maxQueued?: number;
}

export function createDeliveryQueue<T>(opts: DeliveryQueueOptions<T>) {
  const maxBatch = opts.maxBatch ?? 500;
  const delays = opts.retryDelaysMs ?? [50, 100, 250, 500, 1000];
  const maxQueued = opts.maxQueued ?? 200_000;
  const items: T[] = [];
  let running = false;
  let batchCounter = 0;
  let idle: Promise<void> = Promise.resolve();

  const run = async () => {
    running = true;
    let attempt = 0;
    let batch: T[] = [];
    let batchId = '';
    while (items.length > 0) {
      // A retried batch must be exactly the batch first sent under its id: the receiver
      // recognises resends by id, so growing it would drop the newcomers as duplicates.
      if (attempt === 0) {
        batch = items.slice(0, maxBatch);
        batchId = `${Date.now().toString(36)}-${(batchCounter += 1)}`;
      }
      try {
        await opts.send(batch, batchId);
        items.splice(0, batch.length);
        attempt = 0;
      } catch {
        await opts.sleep(delays[Math.min(attempt, delays.length - 1)]!);
        attempt += 1;
      }
    }
    running = false;
  };

  return {
    /** Queues items for delivery, in order. */
    push(...newItems: T[]) {
      items.push(...newItems);
      if (items.length > maxQueued) {
        const over = items.length - maxQueued;
        items.splice(0, over);
        opts.onDrop?.(over);
      }
      if (!running) idle = run();
    },
    /** Resolves when every queued item has been acknowledged. */
    drained(): Promise<void> {
      return idle;
    },
    get pending(): number {
      return items.length;
    },
  };
}
