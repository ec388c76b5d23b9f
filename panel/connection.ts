/**
 * The panel's link to the background: a long-lived port named `panel:<tabId>`
 * that delivers a snapshot (in parts, each below the browser's message size limit), then appended
 * and updated entries. The port dies when the MV3
 * service worker stops; we reconnect and take a fresh snapshot (the background
 * restores the log from storage.session), so nothing is missed.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { LogEntry } from '../src/shared/events';
import { panelPortName, type LogState, type PanelPortMessage, type PanelRequest } from '../src/shared/messages';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionCallbacks {
  onStatus(status: ConnectionStatus): void;
  /**
   * Each part of a snapshot as it arrives (`first`: a new snapshot starts with it), so the panel can
   * do its work on the parts while the next ones are on the way. The parts of a snapshot that
   * completes are, in order, exactly the entries onSnapshot then gets.
   */
  onSnapshotPart?(entries: LogEntry[], first: boolean): void;
  /** The whole log, once every part of a snapshot has arrived. */
  onSnapshot(entries: LogEntry[], state: LogState): void;
  onAppend(entries: LogEntry[], state: LogState): void;
  /** Entries already delivered whose event changed (same seq): a coalesced counter grew. */
  onUpdate(entries: LogEntry[], state: LogState): void;
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
    // A snapshot arrives in parts (each below the browser's message size limit); messages that come
    // while one is incomplete are held and delivered after it, in order.
    let snapshot: { id: number; parts: number; entries: LogEntry[][] } | null = null;
    let held: PanelPortMessage[] = [];
    const deliver = (msg: PanelPortMessage) => {
      if (msg.type === 'append') cb.onAppend(msg.entries, msg.state);
      else if (msg.type === 'update') cb.onUpdate(msg.entries, msg.state);
      else if (msg.type === 'cleared') cb.onCleared(msg.state);
      else if (msg.type === 'state') cb.onState(msg.state);
    };
    port.onMessage.addListener((raw: unknown) => {
      const msg = raw as PanelPortMessage;
      if (!msg || msg.tabId !== tabId) return;
      if (msg.type !== 'snapshot') {
        if (snapshot) held.push(msg);
        else deliver(msg);
        return;
      }
      let first = false;
      if (msg.part === 0 || !snapshot || snapshot.id !== msg.snapshotId) {
        snapshot = { id: msg.snapshotId, parts: msg.parts, entries: [] };
        held = [];
        first = true;
      }
      snapshot.entries.push(msg.entries);
      cb.onSnapshotPart?.(msg.entries, first);
      if (snapshot.entries.length < snapshot.parts) return;
      const entries = snapshot.entries.length === 1 ? snapshot.entries[0]! : snapshot.entries.flat();
      snapshot = null;
      retry = 0;
      cb.onStatus('connected');
      cb.onSnapshot(entries, msg.state);
      const later = held;
      held = [];
      for (const m of later) deliver(m);
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
