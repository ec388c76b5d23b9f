/** Installs the real page hook on a happy-dom window and collects what it emits. */
import type { HookEvent } from '../../src/shared/events';
import { installHook } from '../../src/page/install';
import { listenForFaults } from '../../src/page/faults';
import { FAULTS_EVENT_NAME } from '../../src/shared/constants';
import type { Fault } from '../../src/shared/faults';

/**
 * The real hook on `win`. Its injected-fault state listens on a private node as in the browser
 * (src/page/faults.ts): `setFaults` passes a set there as the relay does (a FaultSet, or any raw `detail`).
 */
export function hookOn(win: Window & typeof globalThis = window) {
  const events: HookEvent[] = [];
  const channel = win.document.createElement('span');
  const installed = installHook(
    win,
    (e) => events.push(e),
    (natives) => listenForFaults(channel, natives),
  );
  /** Passes a fault set on the channel node, as the relay does: `faults` as a set, or a raw `detail`. */
  const setFaults = (faults: Fault[] | { raw: unknown }) =>
    channel.dispatchEvent(
      new win.CustomEvent(FAULTS_EVENT_NAME, {
        detail: 'raw' in faults ? faults.raw : JSON.stringify({ faults, keepAcrossReload: false }),
      }),
    );
  const kinds = () => events.map((e) => e.kind);
  const ofKind = <K extends HookEvent['kind']>(kind: K) =>
    events.filter((e): e is Extract<HookEvent, { kind: K }> => e.kind === kind);
  return { events, installed, kinds, ofKind, setFaults };
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

/**
 * A stand-in for the LCW SDK's provider registration on `win` (`Microsoft.Omnichannel.LiveChatWidget.SDK`),
 * then `lcw:ready`, a discovery moment where the hook wraps it. `widget.auth` / `widget.bot` are the
 * providers as the widget receives them (wrapped by the hook): call them as the widget does.
 */
/** Any page function the widget is handed (a provider, a callback). */
type PageFn = (...args: any[]) => any;

export function lcwSdkStandIn(win: Window & typeof globalThis) {
  const widget: { auth?: PageFn; bot?: PageFn } = {};
  const SDK = {
    setAuthTokenProvider: (p: PageFn) => void (widget.auth = p),
    setBotAuthTokenProvider: (p: PageFn) => void (widget.bot = p),
  };
  (win as unknown as { Microsoft: unknown }).Microsoft = { Omnichannel: { LiveChatWidget: { SDK } } };
  win.dispatchEvent(new win.CustomEvent('lcw:ready'));
  return { widget, SDK: (win as any).Microsoft.Omnichannel.LiveChatWidget.SDK as typeof SDK & Record<string, any> };
}
