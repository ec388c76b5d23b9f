/**
 * The live log of a tab, from the background: snapshot, then appends and updates, batched by
 * animation frame, so what arrives is on screen by the next frame and a burst of thousands of events
 * re-renders the panel once per frame, not once per event. A coalesced entry (rejected or dropped
 * messages) keeps its place and only its count changes (`update`); the panel keeps what the
 * background keeps (`firstSeq`, `maxEntries`). The log's model (src/analysis/logModel.ts) is fed the
 * same changes, so the panel's analyses cost what arrives, not the whole log.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LogModel } from '../src/analysis/logModel';
import { lowerBoundSeq } from '../src/analysis/model/logIndex';
import type { LogEntry } from '../src/shared/events';
import type { LogState, PanelRequest } from '../src/shared/messages';
import { connectToBackground, type ConnectionStatus } from './connection';

/**
 * A hidden DevTools panel gets no animation frames (Chromium pauses requestAnimationFrame there): a
 * timer flushes then, ms, so nothing waits for the panel to be shown and memory stays bounded.
 */
const HIDDEN_FLUSH_MS = 250;

export interface LiveLog {
  entries: LogEntry[];
  /** The model of `entries`, changed in place with them. */
  model: LogModel;
  status: ConnectionStatus;
  state: LogState | null;
  send(request: PanelRequest): void;
}

/**
 * The next log from the current one: `added` appended (those not already there), `updates` replacing
 * the entries with their seq, then trimmed to what the background keeps. Returns `old` when nothing changed.
 */
export function mergeLive(
  old: LogEntry[],
  added: LogEntry[],
  updates: ReadonlyMap<number, LogEntry>,
  state: LogState | null,
): LogEntry[] {
  let next = old;
  const last = old.length ? old[old.length - 1]!.seq : 0;
  const fresh = added.filter((e) => e.seq > last);
  if (fresh.length > 0) next = old.concat(fresh);
  if (updates.size > 0) {
    let copied = next !== old;
    for (const [seq, entry] of updates) {
      const i = lowerBoundSeq(next, seq);
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
  if (next.length > 0 && next[0]!.seq < firstSeq) next = next.slice(lowerBoundSeq(next, firstSeq));
  const max = state?.maxEntries ?? Infinity;
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Feeds `model` what `mergeLive` did to its log: the same appends and updates, then the same trim. */
export function feedModel(
  model: LogModel,
  next: readonly LogEntry[],
  added: readonly LogEntry[],
  updates: ReadonlyMap<number, LogEntry>,
): void {
  model.append(added);
  for (const entry of updates.values()) model.update(entry);
  const first = next[0];
  if (first) model.trimTo(first.seq);
  else if (model.index.entries.length > 0) model.clear();
}

export function useLiveLog(tabId: number): LiveLog {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [state, setState] = useState<LogState | null>(null);
  const model = useMemo(() => new LogModel(), [tabId]);
  const link = useRef<ReturnType<typeof connectToBackground> | null>(null);
  const pending = useRef<LogEntry[]>([]);
  const updates = useRef(new Map<number, LogEntry>());
  /** The log as last flushed (the flush reads it outside any render). */
  const current = useRef<LogEntry[]>([]);
  /** The latest state, read by the batched flush (which outlives the render that scheduled it). */
  const latestState = useRef<LogState | null>(null);

  useEffect(() => {
    let frame: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const cancel = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      frame = null;
      timer = null;
    };
    const show = (next: LogEntry[]) => {
      current.current = next;
      setEntries(next);
    };
    const flush = () => {
      cancel();
      const added = pending.current;
      const changed = updates.current;
      pending.current = [];
      updates.current = new Map();
      const next = mergeLive(current.current, added, changed, latestState.current);
      feedModel(model, next, added, changed);
      if (next !== current.current) show(next);
    };
    // The next frame, or the timer if frames do not come (hidden panel), whichever is first.
    const schedule = () => {
      if (frame === null) frame = requestAnimationFrame(flush);
      if (timer === null) timer = setTimeout(flush, HIDDEN_FLUSH_MS);
    };
    const reset = (snapshot: LogEntry[]) => {
      cancel();
      pending.current = [];
      updates.current = new Map();
      model.clear();
      model.append(snapshot);
      show(snapshot);
    };
    const takeState = (s: LogState) => {
      latestState.current = s;
      setState(s);
    };
    const c = connectToBackground(tabId, {
      onStatus: setStatus,
      onSnapshot: (snapshot, s) => {
        takeState(s);
        reset(snapshot);
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
        takeState(s);
        reset([]);
      },
      onState: (s) => {
        takeState(s);
        schedule(); // older entries may have been dropped (firstSeq moved)
      },
    });
    link.current = c;
    return () => {
      cancel();
      c.close();
    };
  }, [tabId, model]);

  return { entries, model, status, state, send: (r) => link.current?.send(r) };
}
