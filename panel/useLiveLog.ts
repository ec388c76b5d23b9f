/**
 * The live log of a tab, from the background: snapshot, then appends, batched so a burst of
 * thousands of events re-renders the panel a few times a second, not once per event.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogEntry } from '../src/shared/events';
import type { LogState, PanelRequest } from '../src/shared/messages';
import { connectToBackground, type ConnectionStatus } from './connection';

const FLUSH_MS = 100;

export interface LiveLog {
  entries: LogEntry[];
  status: ConnectionStatus;
  state: LogState | null;
  send(request: PanelRequest): void;
}

export function useLiveLog(tabId: number): LiveLog {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [state, setState] = useState<LogState | null>(null);
  const link = useRef<ReturnType<typeof connectToBackground> | null>(null);
  const pending = useRef<LogEntry[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** The latest state, read by the batched flush (which outlives the render that scheduled it). */
  const latestState = useRef<LogState | null>(null);

  useEffect(() => {
    const flush = () => {
      timer.current = null;
      const added = pending.current;
      pending.current = [];
      if (added.length === 0) return;
      setEntries((old) => {
        const last = old.length ? old[old.length - 1]!.seq : 0;
        const fresh = added.filter((e) => e.seq > last);
        if (fresh.length === 0) return old;
        // Keep what the background keeps: its cap drops the oldest entries.
        const max = latestState.current?.maxEntries ?? Infinity;
        const next = old.concat(fresh);
        return next.length > max ? next.slice(next.length - max) : next;
      });
    };
    const c = connectToBackground(tabId, {
      onStatus: setStatus,
      onSnapshot: (snapshot, s) => {
        pending.current = [];
        latestState.current = s;
        setState(s);
        setEntries(snapshot);
      },
      onAppend: (added, s) => {
        latestState.current = s;
        setState(s);
        pending.current.push(...added);
        if (!timer.current) timer.current = setTimeout(flush, FLUSH_MS);
      },
      onCleared: (s) => {
        pending.current = [];
        latestState.current = s;
        setState(s);
        setEntries([]);
      },
      onState: (s) => {
        latestState.current = s;
        setState(s);
      },
    });
    link.current = c;
    return () => {
      if (timer.current) clearTimeout(timer.current);
      c.close();
    };
  }, [tabId]);

  return { entries, status, state, send: (r) => link.current?.send(r) };
}
