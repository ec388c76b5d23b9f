/**
 * The panel's link to the background: a long-lived port named `panel:<tabId>`
 * that delivers a snapshot, then appended entries. The port dies when the MV3
 * service worker stops; we reconnect and take a fresh snapshot (the background
 * restores the log from storage.session), so nothing is missed.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { LogEntry } from '../src/shared/events';
import { panelPortName, type LogState, type PanelPortMessage, type PanelRequest } from '../src/shared/messages';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionCallbacks {
  onStatus(status: ConnectionStatus): void;
  onSnapshot(entries: LogEntry[], state: LogState): void;
  onAppend(entries: LogEntry[], state: LogState): void;
  onCleared(state: LogState): void;
  onState(state: LogState): void;
}

/** Connects to the background for `tabId`; returns `send` for requests and `close`. */
export function connectToBackground(tabId: number, cb: ConnectionCallbacks) {
  let port: Runtime.Port | null = null;
  let closed = false;
  let retry = 0;

  const connect = () => {
    if (closed) return;
    cb.onStatus(retry === 0 ? 'connecting' : 'reconnecting');
    try {
      port = browser.runtime.connect({ name: panelPortName(tabId) });
    } catch {
      setTimeout(connect, Math.min(2000, 100 * 2 ** retry++));
      return;
    }
    port.onMessage.addListener((raw: unknown) => {
      const msg = raw as PanelPortMessage;
      if (msg.tabId !== tabId) return;
      if (msg.type === 'snapshot') {
        retry = 0;
        cb.onStatus('connected');
        cb.onSnapshot(msg.entries, msg.state);
      } else if (msg.type === 'append') cb.onAppend(msg.entries, msg.state);
      else if (msg.type === 'cleared') cb.onCleared(msg.state);
      else if (msg.type === 'state') cb.onState(msg.state);
    });
    port.onDisconnect.addListener(() => {
      port = null;
      if (closed) return;
      retry += 1;
      cb.onStatus('reconnecting');
      setTimeout(connect, Math.min(2000, 50 * 2 ** retry));
    });
  };
  connect();

  return {
    send(request: PanelRequest) {
      port?.postMessage(request);
    },
    close() {
      closed = true;
      port?.disconnect();
    },
  };
}

/** The inspected tab: `?tabId=` when the panel is opened as a page, else DevTools' inspected window. */
export function inspectedTabId(): number | null {
  const fromQuery = new URLSearchParams(location.search).get('tabId');
  if (fromQuery && /^\d+$/.test(fromQuery)) return Number(fromQuery);
  const devtools = (browser as { devtools?: typeof browser.devtools }).devtools;
  return devtools?.inspectedWindow?.tabId ?? null;
}
