/** Installs the real page hook on a happy-dom window and collects what it emits. */
import type { HookEvent } from '../../src/shared/events';
import { installHook } from '../../src/page/install';

export function hookOn(win: Window & typeof globalThis = window) {
  const events: HookEvent[] = [];
  const installed = installHook(win, (e) => events.push(e));
  const kinds = () => events.map((e) => e.kind);
  const ofKind = <K extends HookEvent['kind']>(kind: K) =>
    events.filter((e): e is Extract<HookEvent, { kind: K }> => e.kind === kind);
  return { events, installed, kinds, ofKind };
}

/** A fresh happy-dom window per test, so traps and patches do not leak between tests. */
export async function freshWindow(url = 'http://127.0.0.1:5555/page'): Promise<Window & typeof globalThis> {
  const { Window } = await import('happy-dom');
  const win = new Window({ url, settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true } });
  return win as unknown as Window & typeof globalThis;
}

/**
 * What the browser does right after an external script ran: a `load` event on its element, one of the
 * hook's discovery moments (src/page/discovery.ts). Call it after "the script" assigned its globals.
 */
export function scriptRan(win: Window & typeof globalThis): void {
  const script = win.document.createElement('script');
  win.document.head.appendChild(script);
  script.dispatchEvent(new win.Event('load'));
}
