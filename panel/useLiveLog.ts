/**
 * The live log of a tab, from the background: snapshot, then appends and updates, batched by
 * animation frame, so what arrives after a quiet moment is on screen by the next frame. During a
 * stream the flushes are paced by their own cost (FLUSH_SHARE), so a burst of thousands of events a
 * second re-renders the panel about ten times a second, not once per event or per frame. A coalesced
 * entry (rejected or dropped messages) keeps its place and only its count changes (`update`); the
 * panel keeps what the background keeps (`firstSeq`, `maxEntries`). The log's model
 * (src/analysis/logModel.ts) is fed the same changes, so the panel's analyses cost what arrives, not
 * the whole log; a snapshot's model and rows are built part by part as its parts arrive.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { LogModel } from '../src/analysis/logModel';
import { lowerBoundSeq } from '../src/analysis/model/logIndex';
import type { LogEntry } from '../src/shared/events';
import type { LogState, PanelRequest } from '../src/shared/messages';
import { connectToBackground, type ConnectionStatus } from './connection';
import { Pacer } from './pacing';

/**
 * A hidden DevTools panel gets no animation frames (Chromium pauses requestAnimationFrame there): a
 * timer flushes then, ms, so nothing waits for the panel to be shown and memory stays bounded.
 */
const HIDDEN_FLUSH_MS = 250;

/**
 * During a stream of changes, applying them (the flush, its render and its frame) takes at most this
 * share of the panel's time: the rest is left for the messages themselves and the user's input.
 */
const FLUSH_SHARE = 0.1;

/** Flush time a quiet moment saves up, ms: after one, arrivals are flushed at the next frame. */
const FLUSH_BURST_MS = 100;

/** However slow a flush was, the next one during a stream waits at most this long, ms. */
const MAX_FLUSH_GAP_MS = 100;

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

/** Whether two log states say the same (the background sends a new object with every message). */
function sameState(a: LogState | null, b: LogState | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a) as (keyof LogState)[];
  // `faults` is a new object in every message: compared by value.
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => (k === 'faults' ? JSON.stringify(a[k]) === JSON.stringify(b[k]) : a[k] === b[k]))
  );
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
  /** The model of `entries`: replaced by the one built from a snapshot, fed in place by appends. */
  const model = useRef<LogModel | null>(null);
  model.current ??= new LogModel();
  const link = useRef<ReturnType<typeof connectToBackground> | null>(null);
  const pending = useRef<LogEntry[]>([]);
  const updates = useRef(new Map<number, LogEntry>());
  /** The log as last flushed (the flush reads it outside any render). */
  const current = useRef<LogEntry[]>([]);
  /** The latest state, read by the batched flush (which outlives the render that scheduled it). */
  const latestState = useRef<LogState | null>(null);

  // Before the first paint: the snapshot's round trip to the background starts a frame sooner.
  useLayoutEffect(() => {
    const pacer = new Pacer(FLUSH_SHARE, FLUSH_BURST_MS, 0, MAX_FLUSH_GAP_MS);
    let frame: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let paced: ReturnType<typeof setTimeout> | null = null;
    const cancel = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (timer !== null) clearTimeout(timer);
      if (paced !== null) clearTimeout(paced);
      frame = null;
      timer = null;
      paced = null;
    };
    /** The state as last rendered: a message whose state says nothing new costs no render. */
    let stateShown: LogState | null = null;
    const showState = () => {
      const s = latestState.current;
      if (sameState(s, stateShown)) return;
      stateShown = s;
      setState(s);
    };
    const show = (next: LogEntry[]) => {
      current.current = next;
      setEntries(next);
    };
    const afterFrame = new MessageChannel();
    let startedAt = 0;
    afterFrame.port1.onmessage = () => pacer.finished(performance.now() - startedAt);
    const flush = () => {
      cancel();
      const flushStart = performance.now();
      pacer.started(flushStart);
      const added = pending.current;
      const changed = updates.current;
      pending.current = [];
      updates.current = new Map();
      const next = mergeLive(current.current, added, changed, latestState.current);
      feedModel(model.current!, next, added, changed);
      showState();
      if (next !== current.current) show(next);
      // A task queued during a frame's callbacks runs after the frame's style, layout and paint: it
      // times the flush, its render and its frame (and any port messages queued before it: the pacer
      // bounds what one overestimate costs to one MAX_FLUSH_GAP_MS).
      startedAt = flushStart;
      afterFrame.port2.postMessage(null);
    };
    // The next frame, or the timer if frames do not come (hidden panel), whichever is first; during a
    // stream, not before the pacer allows.
    const schedule = () => {
      if (frame !== null || paced !== null) return;
      const arm = () => {
        paced = null;
        frame = requestAnimationFrame(flush);
        timer = setTimeout(flush, HIDDEN_FLUSH_MS);
      };
      const delay = pacer.delay(performance.now());
      if (delay > 0) paced = setTimeout(arm, delay);
      else arm();
    };
    /** The model of the snapshot whose parts are arriving, with its rows, built part by part. */
    let building: LogModel | null = null;
    const takePart = (part: LogEntry[], first: boolean) => {
      if (first || !building) building = new LogModel();
      building.append(part);
      building.rows(Date.now());
    };
    const reset = (snapshot: LogEntry[]) => {
      cancel();
      pending.current = [];
      updates.current = new Map();
      const built = building;
      building = null;
      const has = built?.index.entries;
      const ready = has?.length === snapshot.length && has[0] === snapshot[0] && has.at(-1) === snapshot.at(-1);
      model.current = ready ? built! : LogModel.of(snapshot);
      showState();
      show(snapshot);
    };
    // Rendered at the next flush (or reset), with what arrived with it.
    const takeState = (s: LogState) => {
      latestState.current = s;
    };
    const c = connectToBackground(tabId, {
      onStatus: setStatus,
      onSnapshotPart: takePart,
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
      afterFrame.port1.close();
      c.close();
    };
  }, [tabId]);

  return { entries, model: model.current, status, state, send: (r) => link.current?.send(r) };
}
