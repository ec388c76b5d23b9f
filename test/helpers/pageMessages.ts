/**
 * Page messages as the hook sends them (src/page/emitter.ts): JSON strings of the envelope
 * `{ channel, v, events }`, at most MAX_EVENTS_PER_MESSAGE events each. What the relay hands the
 * background in a `hook-messages` batch.
 */
import { MAX_EVENTS_PER_MESSAGE, PAGE_CHANNEL, PAGE_PROTOCOL } from '../../src/shared/constants';

/** One page message holding `events` (any items: the background checks them). */
export const pageMessage = (events: unknown[]): string =>
  JSON.stringify({ channel: PAGE_CHANNEL, v: PAGE_PROTOCOL, events });

/** `events` cut into page messages of at most MAX_EVENTS_PER_MESSAGE events, in order. */
export function pageMessages(events: unknown[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_MESSAGE)
    out.push(pageMessage(events.slice(i, i + MAX_EVENTS_PER_MESSAGE)));
  return out;
}
