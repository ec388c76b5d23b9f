/**
 * The relay (src/content/relay.ts) and what the background reads from it: the relay checks only the
 * bounds of the hook's strings and passes them on as they are; the background parses and validates them
 * (parsePageMessage, the same two steps as src/background/ingest.ts). And the relay's delivery queue.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeliveryQueue, defaultIsTooLarge } from '../../src/content/queue';
import { offerChannel, pageMessageRefusal } from '../../src/shared/channel';
import { FAULTS_EVENT_NAME, MAX_MESSAGE_CHARS, PAGE_EVENT_NAME } from '../../src/shared/constants';
import { FAULT_RENEW_MS } from '../../src/shared/faults';
import { parsePageMessage, type RelayMessage } from '../../src/shared/messages';
import { freshWindow } from '../helpers/hookHarness';
import { pageMessage } from '../helpers/pageMessages';

const ok = { kind: 'lcw.event', name: 'lcw:ready', t: 12.5, at: 1_700_000_000_000 };
const envelope = pageMessage;

/**
 * Starts the real relay on a happy-dom document, with a stand-in `chrome.runtime` that stores every batch
 * (`sent`; the relay's `faults-query` apart, in `queries`, answered with `faultsAnswer`) and keeps the
 * relay's runtime.onMessage listeners (`fromExtension` calls them as a background message would).
 */
async function startRelay(faultsAnswer?: unknown) {
  const win = await freshWindow();
  const sent: RelayMessage[] = [];
  const queries: RelayMessage[] = [];
  const listeners: ((message: unknown, sender: { id?: string }) => void)[] = [];
  const runtime = {
    id: 'inspector-extension-id' as string | undefined,
    sendMessage: async (message: RelayMessage) => {
      if (message.type === 'faults-query') {
        queries.push(message);
        return faultsAnswer;
      }
      sent.push(message);
      return { ok: true };
    },
    onMessage: { addListener: (l: (message: unknown, sender: { id?: string }) => void) => void listeners.push(l) },
  };
  vi.resetModules();
  vi.stubGlobal('document', win.document);
  vi.stubGlobal('chrome', { runtime });
  await import('../../src/content/relay');
  const doc = win.document;
  const node = offerChannel(doc, win.EventTarget.prototype.dispatchEvent.bind(doc), () => undefined);
  // What the hook receives on the channel node (it listens right after offering it): each FaultSet passed.
  const faultsSeen: unknown[] = [];
  node.addEventListener(FAULTS_EVENT_NAME, (e) => faultsSeen.push(JSON.parse((e as CustomEvent).detail as string)));
  const hookSends = (detail: unknown) => node.dispatchEvent(new win.CustomEvent(PAGE_EVENT_NAME, { detail }));
  const pageSends = (detail: unknown) => doc.dispatchEvent(new win.CustomEvent(PAGE_EVENT_NAME, { detail }));
  const fromExtension = (message: unknown, sender = { id: runtime.id }) => listeners.forEach((l) => l(message, sender));
  return { win, node, runtime, sent, queries, faultsSeen, hookSends, pageSends, fromExtension };
}

describe('relay', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("passes the hook's strings on as they are, in order, without parsing them", async () => {
    const r = await startRelay();
    const a = pageMessage([ok]);
    const notJson = '{not json'; // the background refuses it, counted; the relay does not read it
    r.hookSends(a);
    r.hookSends(notJson);
    r.hookSends(a);
    await vi.waitFor(() =>
      expect(r.sent.flatMap((m) => (m.type === 'hook-messages' ? m.messages : []))).toHaveLength(3),
    );
    const messages = r.sent.flatMap((m) => (m.type === 'hook-messages' ? m.messages : []));
    expect(messages).toEqual([a, notJson, a]);
    expect(r.sent.every((m) => m.type === 'hook-messages' && /^[a-z0-9]+-/.test(m.batchId))).toBe(true);
  });

  it('refuses what it can check on the string, and what a page dispatches on the document, in one counted report', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = await startRelay();
    r.hookSends({ events: [ok] }); // not a string
    r.hookSends('x'.repeat(MAX_MESSAGE_CHARS + 1));
    r.pageSends(pageMessage([ok]));
    r.pageSends(pageMessage([ok]));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.sent).toEqual([{ type: 'relay-rejected', count: 4, reasons: ['not-a-string', 'oversized', 'page-sent'] }]);
  });

  it('checks a string against the page-message bounds only', () => {
    expect(pageMessageRefusal(pageMessage([ok]))).toBeNull();
    expect(pageMessageRefusal('{not json')).toBeNull();
    expect(pageMessageRefusal('x'.repeat(MAX_MESSAGE_CHARS))).toBeNull();
    expect(pageMessageRefusal('x'.repeat(MAX_MESSAGE_CHARS + 1))).toBe('oversized');
    expect(pageMessageRefusal({ channel: 'chat-sso-inspector' })).toBe('not-a-string');
  });
});

describe('relay: injected faults', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
  const set = (faults: unknown[]) => ({ faults, keepAcrossReload: false });
  it("asks for the tab's faults at start and passes the answer to the hook on the channel node only", async () => {
    const r = await startRelay({ type: 'faults', faults: set([{ id: 'exchange-502' }]) });
    const got = r.faultsSeen;
    const onDocument: unknown[] = [];
    r.win.document.addEventListener(FAULTS_EVENT_NAME, (e) => onDocument.push(e));
    expect(r.queries).toEqual([{ type: 'faults-query' }]);
    await vi.waitFor(() => expect(got).toEqual([set([{ id: 'exchange-502' }])]));
    expect(onDocument).toEqual([]);
  });

  it('passes sets from the extension, ignores anything else, and renews a non-empty set until the extension goes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const r = await startRelay(undefined);
    const got = r.faultsSeen;
    r.fromExtension({ type: 'faults', faults: set([{ id: 'nope' }]) }); // invalid: ignored
    r.fromExtension({ type: 'hook-messages', faults: set([]) }); // not a faults message
    r.fromExtension({ type: 'faults', faults: set([{ id: 'exchange-502' }]) }, { id: 'another-extension' });
    expect(got).toEqual([]);
    r.fromExtension({ type: 'faults', faults: set([{ id: 'auth-delay', seconds: 11 }]) });
    expect(got).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(FAULT_RENEW_MS);
    expect(got).toHaveLength(2); // renewed
    r.fromExtension({ type: 'faults', faults: set([]) }); // all off: passed once, not renewed
    expect(got).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(FAULT_RENEW_MS * 3);
    expect(got).toHaveLength(3);
    r.fromExtension({ type: 'faults', faults: set([{ id: 'exchange-502' }]) });
    await vi.advanceTimersByTimeAsync(FAULT_RENEW_MS);
    expect(got).toHaveLength(5);
    r.runtime.id = undefined; // orphaned (the extension reloaded): renewals stop, the hook's lease runs out
    await vi.advanceTimersByTimeAsync(FAULT_RENEW_MS * 3);
    expect(got).toHaveLength(5);
  });
});

describe('page message validation (in the background)', () => {
  it('accepts well-formed events of known kinds', () => {
    const callback = {
      kind: 'provider.callback',
      invocationId: 'a1',
      role: 'auth',
      elapsedMs: 3,
      sync: false,
      callCount: 1,
      valueType: 'string',
      token: 'a.b.c',
      t: 1,
      at: 2,
    };
    const parsed = parsePageMessage(envelope([ok, callback]));
    expect(parsed.rejected).toEqual([]);
    expect(parsed.events).toEqual([ok, callback]);
  });

  it('drops unknown kinds and wrong shapes, keeping the valid events of the batch', () => {
    const parsed = parsePageMessage(
      envelope([
        ok,
        { kind: 'made.up', t: 1, at: 2 },
        { kind: 'lcw.event', name: 42, t: 1, at: 2 }, // name must be a string
        { kind: 'provider.invoke', invocationId: 'x', role: 'admin', t: 1, at: 2 }, // unknown role
        {
          kind: 'net.request',
          requestId: 'n',
          api: 'fetch',
          method: 'POST',
          url: 'u',
          status: '200',
          elapsedMs: 1,
          t: 1,
          at: 2,
        }, // status as string
        { kind: 'lcw.event', name: 'lcw:ready', t: Number.NaN, at: 2 }, // not finite
        'just a string',
      ]),
    );
    expect(parsed.events).toEqual([ok]);
    expect(parsed.rejected).toEqual(Array(6).fill('bad-event'));
  });

  it('drops messages that are not JSON strings, have a wrong envelope or are oversized', () => {
    expect(parsePageMessage({ channel: 'chat-sso-inspector' }).rejected).toEqual(['not-a-string']);
    expect(parsePageMessage('{not json').rejected).toEqual(['not-json']);
    expect(parsePageMessage(JSON.stringify({ channel: 'someone-else', v: 1, events: [ok] })).rejected).toEqual([
      'bad-envelope',
    ]);
    expect(parsePageMessage(JSON.stringify({ channel: 'chat-sso-inspector', v: 2, events: [ok] })).rejected).toEqual([
      'bad-envelope',
    ]);
    expect(parsePageMessage(envelope([])).rejected).toEqual(['bad-envelope']);
    const huge = envelope([{ ...ok, name: 'x'.repeat(MAX_MESSAGE_CHARS) }]);
    expect(parsePageMessage(huge)).toEqual({ events: [], rejected: ['oversized'] });
  });

  it('drops oversized strings inside an otherwise valid event', () => {
    const parsed = parsePageMessage(envelope([{ ...ok, name: 'lcw:' + 'y'.repeat(5000) }]));
    expect(parsed.events).toEqual([]);
    expect(parsed.rejected).toEqual(['bad-event']);
  });
});

describe('delivery queue', () => {
  it('delivers in order, retries failed batches, and removes items only once acknowledged', async () => {
    const delivered: number[][] = [];
    const ids: string[] = [];
    let failures = 2;
    const q = createDeliveryQueue<number>({
      maxBatch: 3,
      sleep: async () => undefined,
      async send(batch, batchId) {
        ids.push(batchId);
        if (failures-- > 0) throw new Error('worker restarting');
        delivered.push(batch);
      },
    });
    q.push(1, 2, 3, 4);
    q.push(5);
    await q.drained();
    expect(delivered.flat()).toEqual([1, 2, 3, 4, 5]);
    // The failed attempts reused the first batch's id, so the receiver can recognise a resend.
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(q.pending).toBe(0);
  });

  it('caps what it holds while the receiver is unreachable and says how much it dropped', async () => {
    let dropped = 0;
    let allow = false;
    const got: number[] = [];
    const q = createDeliveryQueue<number>({
      maxQueued: 3,
      maxBatch: 10,
      sleep: async () => void (allow = true),
      onDrop: (n) => (dropped += n),
      async send(batch) {
        if (!allow) throw new Error('down');
        got.push(...batch);
      },
    });
    q.push(1, 2, 3, 4, 5);
    await q.drained();
    expect(dropped).toBe(2);
    expect(got).toEqual([3, 4, 5]);
  });
});

describe('delivery queue resends', () => {
  it('resends exactly the same batch under the same id, even when items arrived meanwhile', async () => {
    const sent: { id: string; batch: number[] }[] = [];
    let fail = true;
    const q: ReturnType<typeof createDeliveryQueue<number>> = createDeliveryQueue<number>({
      maxBatch: 10,
      sleep: async () => {
        q.push(3, 4); // arrives while the first attempt is failing
      },
      async send(batch, id) {
        sent.push({ id, batch: [...batch] });
        if (fail) {
          fail = false;
          throw new Error('ack lost');
        }
      },
    });
    q.push(1, 2);
    await q.drained();
    expect(sent[0]).toEqual(sent[1]); // same id, same items
    expect(sent[2]!.batch).toEqual([3, 4]);
    expect(sent[2]!.id).not.toBe(sent[0]!.id);
  });
});

describe('delivery queue bounds', () => {
  it('recognises the browser\'s "too large" errors, and only those', () => {
    expect(defaultIsTooLarge(new Error('Message exceeded maximum allowed size of 64MiB.'))).toBe(true);
    expect(defaultIsTooLarge(new Error('Message length exceeded maximum allowed length.'))).toBe(true);
    expect(defaultIsTooLarge(new Error('no acknowledgement'))).toBe(false);
    expect(defaultIsTooLarge(new Error('Could not establish connection. Receiving end does not exist.'))).toBe(false);
  });

  // What Chromium 156's runtime.sendMessage throws for a message over 64 MiB (seen in the e2e browser).
  const tooLarge = () =>
    new Error(
      'Error in invocation of runtime.sendMessage(optional string extensionId, any message, optional object options, optional function callback): Message exceeded maximum allowed size of 64MiB.',
    );

  it('splits a batch the browser says is too large, in halves, until it goes through, in order', async () => {
    const sent: { id: string; batch: number[] }[] = [];
    const delivered: number[] = [];
    const q = createDeliveryQueue<number>({
      maxBatch: 8,
      sleep: async () => undefined,
      async send(batch, id) {
        sent.push({ id, batch: [...batch] });
        if (batch.length > 2) throw tooLarge(); // the transport's limit: 2 items
        delivered.push(...batch);
      },
    });
    q.push(...Array.from({ length: 11 }, (_, i) => i));
    await q.drained();
    expect(delivered).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(sent.slice(0, 3).map((s) => s.batch.length)).toEqual([8, 4, 2]);
    // A split batch was never stored: its halves go under new ids.
    expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);
  });

  it('drops, and reports, a single item that is too large on its own; the rest goes on', async () => {
    const drops: [number, string][] = [];
    const delivered: string[] = [];
    const q = createDeliveryQueue<string>({
      maxBatch: 10,
      sleep: async () => undefined,
      onDrop: (n, reason) => drops.push([n, reason]),
      async send(batch) {
        if (batch.some((x) => x.length > 100)) throw tooLarge();
        delivered.push(...batch);
      },
    });
    q.push('a', 'x'.repeat(1_000), 'b');
    await q.drained();
    expect(delivered).toEqual(['a', 'b']);
    expect(drops).toEqual([[1, 'oversized']]);
  });

  it('gives up a batch it cannot deliver after bounded retries, says so, and delivers the next', async () => {
    const drops: [number, string][] = [];
    const sleeps: number[] = [];
    const delivered: number[] = [];
    let attempts = 0;
    const q = createDeliveryQueue<number>({
      maxBatch: 3,
      maxAttempts: 4,
      retryDelaysMs: [10, 20],
      sleep: async (ms) => void sleeps.push(ms),
      onDrop: (n, reason) => drops.push([n, reason]),
      async send(batch) {
        if (batch.includes(1)) {
          attempts += 1;
          throw new Error('background did not store the batch');
        }
        delivered.push(...batch);
      },
    });
    q.push(1, 2, 3, 4, 5);
    await q.drained();
    expect(attempts).toBe(4);
    expect(sleeps).toEqual([10, 20, 20]);
    expect(drops).toEqual([[3, 'undeliverable']]);
    expect(delivered).toEqual([4, 5]);
    expect(q.pending).toBe(0);
  });

  it('counts a dropped item as its weight (the relay: the events a page message holds)', async () => {
    const drops: [number, string][] = [];
    const q = createDeliveryQueue<string>({
      maxBatch: 1,
      maxAttempts: 1,
      sleep: async () => undefined,
      weightOf: (s) => s.length,
      onDrop: (n, reason) => drops.push([n, reason]),
      async send(batch) {
        if (batch[0] === 'lost') throw new Error('background did not store the batch');
      },
    });
    q.push('lost', 'ok');
    await q.drained();
    expect(drops).toEqual([[4, 'undeliverable']]);
  });

  it('bounds a batch in bytes as well as in items (a lone big item still goes alone)', async () => {
    const batches: string[][] = [];
    const q = createDeliveryQueue<string>({
      maxBatch: 100,
      sizeOf: (s) => s.length,
      maxBatchBytes: 10,
      sleep: async () => undefined,
      async send(batch) {
        batches.push([...batch]);
      },
    });
    q.push('aaaa', 'bbbb', 'cccc', 'x'.repeat(25), 'd');
    await q.drained();
    expect(batches).toEqual([['aaaa', 'bbbb'], ['cccc'], ['x'.repeat(25)], ['d']]);
  });

  it('overflow drops the oldest waiting items, never those of the batch being resent', async () => {
    const sent: number[][] = [];
    const drops: [number, string][] = [];
    let fail = 2;
    const q: ReturnType<typeof createDeliveryQueue<number>> = createDeliveryQueue<number>({
      maxBatch: 2,
      maxQueued: 4,
      sleep: async () => {
        q.push(10, 11, 12, 13); // arrives while the batch [1, 2] is failing
      },
      onDrop: (n, reason) => drops.push([n, reason]),
      async send(batch) {
        sent.push([...batch]);
        if (fail-- > 0) throw new Error('worker restarting');
      },
    });
    q.push(1, 2, 3);
    await q.drained();
    expect(sent[0]).toEqual([1, 2]);
    expect(sent[2]).toEqual([1, 2]); // resent whole
    expect(sent.slice(3).flat()).toEqual([12, 13]);
    // First wait: 3, 10, 11 go (the queue keeps [1, 2] + the two newest); second wait: the four older waiting ones.
    expect(drops).toEqual([
      [3, 'queue-overflow'],
      [4, 'queue-overflow'],
    ]);
  });
});
