/**
 * When to look for page objects (the LCW SDK, Web Chat, the configured auth function, `Observable`).
 *
 * The hook may not trap a global before the page creates it (namespace.ts), so it looks at moments a
 * page cannot tell apart from normal running:
 *  - each script's `load` event, which fires right after that script ran and before the next
 *    parser-inserted script runs (a capturing listener on the document sees every element's `load`;
 *    one on window would not: `load` never propagates from a document to its window);
 *  - a mutation observer on the document until DOMContentLoaded: its callback is a microtask, run at
 *    the checkpoint the parser performs before each inline script, so what one script created is
 *    seen before the next one runs;
 *  - `DOMContentLoaded` and `load`;
 *  - `lcw:*` events, before the page's own listeners (lcwEvents.ts calls `now()`), so a provider the
 *    page registers inside its `lcw:ready` listener goes through a wrapped SDK;
 *  - before each `setTimeout` / `setInterval` callback: sites poll for the SDK
 *    (`setInterval(() => window.Microsoft?.Omnichannel?.LiveChatWidget?.SDK && …, 100)`) and call it
 *    from the callback that finds it, between the scripting layer building the SDK and `lcw:ready`;
 *  - after each wrapped SDK call, each message on the widget's bus and each watched response (`soon()`).
 * A look only reads property descriptors (namespace.ts), so it is cheap and runs no page code.
 */
import type { HookContext } from './context';
import type { PageWindow } from './natives';
import { createWrapper, replaceValue, wrapOnce } from './wrap';

export interface Discovery {
  /** Adds a look-up run at every moment (in the order added). */
  onLook(look: () => void): void;
  /** Looks now (used where page code is about to run, e.g. before `lcw:ready` listeners). */
  now(): void;
  /** Looks once at the next microtask (coalesced). */
  soon(): void;
}

export function installDiscovery(ctx: HookContext, win: PageWindow): Discovery {
  const looks: (() => void)[] = [];
  let queued = false;
  const discovery: Discovery = {
    onLook(look) {
      looks.push(look);
    },
    now() {
      for (const look of looks) ctx.guard('discovery', look);
    },
    soon() {
      if (queued) return;
      queued = true;
      ctx.natives.queueMicrotask(() => {
        queued = false;
        discovery.now();
      });
    },
  };
  const doc = win.document;
  ctx.guard('discovery: script load', () =>
    doc.addEventListener(
      'load',
      (event) => {
        if ((event.target as Element | null)?.nodeName === 'SCRIPT') discovery.now();
      },
      true,
    ),
  );
  ctx.guard('discovery: document', () => {
    const Observer = win.MutationObserver;
    if (typeof Observer !== 'function' || !doc) return;
    const observer = new Observer(() => discovery.now());
    observer.observe(doc, { childList: true, subtree: true });
    // After parsing, scripts added later still fire `load`; stop paying for every DOM change.
    win.addEventListener('DOMContentLoaded', () => observer.disconnect(), { once: true });
  });
  ctx.guard('discovery: timers', () => {
    // The page's callback runs as before (same this, arguments, return and errors), right after a look.
    const look = () => discovery.now();
    const wrapTimer = createWrapper(
      'timer',
      () => (_thisArg, args) => {
        if (typeof args[0] !== 'function') return; // a string is evaluated by the browser: leave it
        const planArgs = args.slice();
        planArgs[0] = wrapOnce(args[0] as Function, 'timer callback', look, ctx.natives, ctx.report);
        return { args: planArgs };
      },
      ctx.natives,
      ctx.report,
    );
    replaceValue(win, 'setTimeout', wrapTimer, ctx.natives);
    replaceValue(win, 'setInterval', wrapTimer, ctx.natives);
  });
  ctx.guard('discovery: page events', () => {
    win.addEventListener('DOMContentLoaded', () => discovery.now(), { once: true });
    win.addEventListener('load', () => discovery.now(), { once: true });
  });
  return discovery;
}
