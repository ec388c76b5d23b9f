/**
 * Records every `lcw:*` event raised on `window`, with its `detail`.
 *
 * There is no wildcard listener, and the widget raises undocumented events
 * (`lcw:signInCardReceived`, popout variants), so we observe
 * `EventTarget.prototype.dispatchEvent` for events dispatched on this window
 * (recorded before listeners run, so they precede what the listeners cause), and
 * also listen for the known names in case an event reaches the window some other way.
 * Before the page's listeners run, the hook looks for the SDK (discovery.ts), so a provider
 * registered inside an `lcw:ready` listener goes through a wrapped `setAuthTokenProvider`.
 * Events: https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/omnichannel-reference#events
 */
import type { HookContext } from './context';
import { clip, summarize } from '../shared/summarize';
import { createWrapper, replaceValue } from './wrap';
import type { PageWindow } from './natives';
import { hasOwn, protoOf } from '../shared/builtins';

/** Documented and known-undocumented `lcw:*` events. */
export const KNOWN_LCW_EVENTS = [
  'lcw:ready',
  'lcw:error',
  'lcw:startChat',
  'lcw:closeChat',
  'lcw:chatQueued',
  'lcw:chatRetrieved',
  'lcw:onClose',
  'lcw:onMinimize',
  'lcw:onMaximize',
  'lcw:onMessageReceived',
  'lcw:onMessageSent',
  'lcw:threadUpdate',
  'lcw:getAgentAvailability',
  'lcw:onHistoryMessageReceived',
  'lcw:signInCardReceived',
] as const;

/**
 * Installs the lcw:* observers on `win`; `beforeListeners` runs after each is recorded, before the page's listeners.
 */
export function installLcwEventCapture(
  ctx: HookContext,
  win: PageWindow,
  beforeListeners: (name: string) => void,
): void {
  const seen = new WeakSet<Event>();
  const record = (event: Event) => {
    if (seen.has(event)) return;
    seen.add(event);
    const name = clip(event.type, 200);
    const detail = 'detail' in event ? (event as CustomEvent).detail : undefined;
    ctx.emit({
      kind: 'lcw.event',
      name,
      ...(detail === undefined || detail === null ? {} : { detail: summarize(detail) }),
    });
    ctx.guard('lcw event follow-up', () => beforeListeners(name));
  };

  const EventCtor = win.Event; // captured now: a page may replace window.Event later
  // The object that really holds the window's dispatchEvent (EventTarget.prototype in browsers).
  let proto: object | null = win;
  while (proto && !hasOwn(proto, 'dispatchEvent')) proto = protoOf(proto) as object | null;
  if (proto) {
    const wrap = createWrapper(
      'dispatchEvent',
      () => (thisArg, args) => {
        // Hot path for every dispatchEvent on the page: two cheap checks before anything else.
        if (thisArg !== win) return;
        const event = args[0];
        if (
          event instanceof EventCtor &&
          typeof (event as Event).type === 'string' &&
          (event as Event).type.startsWith('lcw:')
        )
          record(event as Event);
      },
      ctx.natives,
      ctx.report,
    );
    replaceValue(proto, 'dispatchEvent', wrap, ctx.natives);
  }
  for (const name of KNOWN_LCW_EVENTS) {
    win.addEventListener(name, (e) => ctx.guard('lcw listener', () => record(e)), { capture: true });
  }
}
