/**
 * The private channel between the page hook (MAIN world) and the relay (isolated world).
 *
 * A page script must not be able to make the panel show something as captured. DOM events on `document`
 * reach page scripts too, so the two sides talk over a detached DOM node that only they hold: the hook
 * creates it and hands it over in the `relatedTarget` of a MouseEvent dispatched on `document`
 * (objects do not cross worlds in a CustomEvent's `detail`; a DOM node in `relatedTarget` does). Both
 * content scripts run at document_start, before any page script, in either order:
 *  - relay first: it listens for the offer; the hook's offer at start-up reaches it;
 *  - hook first: its offer goes unheard; the relay, starting, asks (CHANNEL_REQUEST_EVENT) and the hook
 *    offers again, synchronously.
 * Each side stops offering / accepting at the first DOM mutation (the parser's first node: from then on
 * page content, and so page scripts, can run) or once connected. A page can still dispatch events named
 * like ours on `document`: the relay never takes messages from there (it counts them as page-sent).
 * Kept free of imports beyond constants: the page hook and the relay pull this in.
 */
import { CHANNEL_OFFER_EVENT, CHANNEL_REQUEST_EVENT, MAX_MESSAGE_CHARS, RELAY_READY_EVENT } from './constants';

/** Runs `close` at the first mutation of `doc` (a microtask after the parser's first node). Returns a stop function. */
function untilFirstMutation(doc: Document, close: () => void): () => void {
  const Observer = doc.defaultView?.MutationObserver;
  if (typeof Observer !== 'function') return () => undefined;
  const observer = new Observer(() => close());
  observer.observe(doc, { childList: true, subtree: true });
  return () => observer.disconnect();
}

/**
 * Hook side: creates the channel node and offers it until a relay takes it or the window closes.
 * `onReady` runs once a relay listens on the node. Returns the node (dispatch messages on it).
 * `dispatchOnDocument` must be the native `document.dispatchEvent`, captured before any page script.
 */
export function offerChannel(
  doc: Document,
  dispatchOnDocument: (event: Event) => boolean,
  onReady: () => void,
): EventTarget {
  const win = doc.defaultView!;
  const node = doc.createElement('span'); // never inserted: no page script can find it
  let open = true;
  const offer = () => {
    if (open) dispatchOnDocument(new win.MouseEvent(CHANNEL_OFFER_EVENT, { relatedTarget: node }));
  };
  const close = () => {
    open = false;
    doc.removeEventListener(CHANNEL_REQUEST_EVENT, offer);
    stop();
  };
  node.addEventListener(
    RELAY_READY_EVENT,
    () => {
      close();
      onReady();
    },
    { once: true },
  );
  doc.addEventListener(CHANNEL_REQUEST_EVENT, offer);
  const stop = untilFirstMutation(doc, close);
  offer();
  return node;
}

/** The relay's end of the channel. */
export interface RelayChannel {
  /** True once the relay took a hook's channel node. */
  connected(): boolean;
  /**
   * Dispatches a CustomEvent `type` with a string `detail` on the channel node (to the hook only). Returns
   * false when no channel is connected yet.
   */
  send(type: string, detail: string): boolean;
}

/**
 * Relay side: takes the hook's channel node (the first offer within the window) and listens there with
 * `onMessage`; `onConnected` runs once it has the node. Returns the relay's end of the channel.
 */
export function acceptChannel(
  doc: Document,
  messageEvent: string,
  onMessage: (event: Event) => void,
  onConnected?: () => void,
): RelayChannel {
  const CustomEventCtor = doc.defaultView!.CustomEvent;
  let channel: EventTarget | null = null;
  let open = true;
  const close = () => {
    open = false;
    doc.removeEventListener(CHANNEL_OFFER_EVENT, onOffer);
    stop();
  };
  const onOffer = (event: Event) => {
    const node = (event as MouseEvent).relatedTarget;
    if (!open || channel || !node || typeof node.addEventListener !== 'function') return;
    channel = node;
    close();
    node.addEventListener(messageEvent, onMessage);
    node.dispatchEvent(new CustomEventCtor(RELAY_READY_EVENT));
    onConnected?.();
  };
  doc.addEventListener(CHANNEL_OFFER_EVENT, onOffer);
  const stop = untilFirstMutation(doc, close);
  doc.dispatchEvent(new CustomEventCtor(CHANNEL_REQUEST_EVENT)); // a hook that started first offers again now
  return {
    connected: () => channel !== null,
    send: (type, detail) => channel?.dispatchEvent(new CustomEventCtor(type, { detail })) ?? false,
  };
}

/**
 * The bounds the relay checks on a page message (the `detail` of a PAGE_EVENT_NAME event on the channel
 * node) without parsing it: a string of at most MAX_MESSAGE_CHARS characters. Returns why it is refused,
 * or null. The background parses and validates the rest (src/shared/messages.ts, readPageMessage).
 */
export function pageMessageRefusal(detail: unknown): 'not-a-string' | 'oversized' | null {
  if (typeof detail !== 'string') return 'not-a-string';
  return detail.length > MAX_MESSAGE_CHARS ? 'oversized' : null;
}
