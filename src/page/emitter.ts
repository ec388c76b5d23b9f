/**
 * Sends hook events to the isolated-world relay as CustomEvents on the private channel node
 * (src/shared/channel.ts: a detached node only the hook and the relay hold, so page scripts can neither
 * read nor forge this traffic), whose `detail` is a JSON string (strings cross the world boundary in
 * Chrome and Firefox alike; objects do not). Events are batched per microtask and held until the relay
 * has said it is listening, so nothing emitted at document_start is lost.
 */
import { offerChannel } from '../shared/channel';
import {
  MAX_EVENTS_PER_MESSAGE,
  MAX_MESSAGE_CHARS,
  PAGE_CHANNEL,
  PAGE_EVENT_NAME,
  PAGE_PROTOCOL,
} from '../shared/constants';
import type { HookEvent } from '../shared/events';
import type { Natives } from './natives';

/** Events held while no relay has answered; past this the oldest are dropped and counted. */
const MAX_PENDING = 5_000;

export interface Emitter {
  send(event: HookEvent): void;
  /** The private channel node (src/shared/channel.ts): the relay's fault sets arrive on it (src/page/faults.ts). */
  channel: EventTarget;
}

export function createEmitter(doc: Document, natives: Natives): Emitter {
  const CustomEventCtor = doc.defaultView!.CustomEvent;
  // Natives bound now, before any page script (and before the hook wraps dispatchEvent).
  const nativeDispatch = doc.defaultView!.EventTarget.prototype.dispatchEvent;
  let dispatch: (event: Event) => boolean = () => false;
  let queue: HookEvent[] = [];
  let dropped = 0;
  let relayReady = false;
  let scheduled = false;

  const post = (events: unknown[]) => {
    // The relay accepts at most MAX_EVENTS_PER_MESSAGE events and MAX_MESSAGE_CHARS characters per message.
    if (events.length > MAX_EVENTS_PER_MESSAGE) {
      for (let i = 0; i < events.length; i += MAX_EVENTS_PER_MESSAGE) post(events.slice(i, i + MAX_EVENTS_PER_MESSAGE));
      return;
    }
    const detail = natives.stringify({ channel: PAGE_CHANNEL, v: PAGE_PROTOCOL, events });
    if (detail.length > MAX_MESSAGE_CHARS && events.length > 1) {
      const half = Math.ceil(events.length / 2);
      post(events.slice(0, half));
      post(events.slice(half));
      return;
    }
    dispatch(new CustomEventCtor(PAGE_EVENT_NAME, { detail }));
  };

  const flush = () => {
    scheduled = false;
    if (!relayReady || queue.length === 0) return;
    const events: unknown[] = queue;
    queue = [];
    if (dropped > 0) {
      const t = natives.now();
      events.unshift({
        kind: 'hook.error',
        where: 'emitter',
        message: `${dropped} events dropped before the relay connected`,
        t,
        at: natives.timeOrigin + t,
      });
      dropped = 0;
    }
    post(events);
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    natives.queueMicrotask(flush);
  };

  const channel = offerChannel(doc, nativeDispatch.bind(doc), () => {
    relayReady = true;
    schedule();
  });
  dispatch = nativeDispatch.bind(channel);

  return {
    channel,
    send(event) {
      queue.push(event);
      if (queue.length > MAX_PENDING) {
        queue.shift();
        dropped += 1;
      }
      schedule();
    },
  };
}
