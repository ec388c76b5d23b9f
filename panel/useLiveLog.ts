/**
 * The live log of a tab, from the background: snapshot, then appends and updates, batched so a burst
 * of thousands of events re-renders the panel a few times a second, not once per event. A coalesced
 * entry (rejected or dropped messages) keeps its place and only its count changes (`update`); the
 * panel keeps what the background keeps (`firstSeq`, `maxEntries`).
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

/** Index of the first entry of the seq-sorted `entries` whose seq is ≥ `seq`. */
function lowerBound(entries: LogEntry[], seq: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The next log from the current one: `added` appended (those not already there), `updates` replacing
 * the entries with their seq, then trimmed to what the background keeps. Returns `old` when nothing changed.
 */
export function mergeLive(old: LogEntry[], added: LogEntry[], updates: ReadonlyMap<number, LogEntry>, state: LogState | null): LogEntry[] {
  let next = old;
  const last = old.length ? old[old.length - 1]!.seq : 0;
  const fresh = added.filter((e) => e.seq > last);
  if (fresh.length > 0) next = old.concat(fresh);
  if (updates.size > 0) {
    let copied = next !== old;
    for (const [seq, entry] of updates) {
      const i = lowerBound(next, seq);
      if (next[i]?.seq !== seq || next[i] === entry) continue;
      if (!copied) {
        next = next.slice();
        copied = true;
      }
      next[i] = entry;
    }
  }
  // Keep what the background keeps: its budgets drop the oldest entries.
  const firstSeq = state?.firstSeq ?? 0;
  if (next.length > 0 && next[0]!.seq < firstSeq) next = next.slice(lowerBound(next, firstSeq));
  const max = state?.maxEntries ?? Infinity;
  return next.length > max ? next.slice(next.length - max) : next;
}

export function useLiveLog(tabId: number): LiveLog {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [state, setState] = useState<LogState | null>(null);
  const link = useRef<ReturnType<typeof connectToBackground> | null>(null);
  const pending = useRef<LogEntry[]>([]);
  const updates = useRef(new Map<number, LogEntry>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** The latest state, read by the batched flush (which outlives the render that scheduled it). */
  const latestState = useRef<LogState | null>(null);

  useEffect(() => {
    const flush = () => {
      timer.current = null;
      const added = pending.current;
      const changed = updates.current;
      pending.current = [];
      updates.current = new Map();
      setEntries((old) => mergeLive(old, added, changed, latestState.current));
    };
    const schedule = () => {
      if (!timer.current) timer.current = setTimeout(flush, FLUSH_MS);
    };
    const takeState = (s: LogState) => {
      latestState.current = s;
      setState(s);
    };
    const c = connectToBackground(tabId, {
      onStatus: setStatus,
      onSnapshot: (snapshot, s) => {
        pending.current = [];
        updates.current = new Map();
        takeState(s);
        setEntries(snapshot);
      },
      onAppend: (added, s) => {
        takeState(s);
        pending.current.push(...added);
        schedule();
      },
      onUpdate: (changed, s) => {
        takeState(s);
        for (const entry of changed) {
          // Not flushed yet: replace it in the batch; else at the next flush.
          const i = pending.current.findIndex((e) => e.seq === entry.seq);
          if (i >= 0) pending.current[i] = entry;
          else updates.current.set(entry.seq, entry);
        }
        schedule();
      },
      onCleared: (s) => {
        pending.current = [];
        updates.current = new Map();
        takeState(s);
        setEntries([]);
      },
      onState: (s) => {
        takeState(s);
        schedule(); // older entries may have been dropped (firstSeq moved)
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
