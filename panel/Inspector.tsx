/**
 * The inspector UI for one log: toolbar, filters, headline, timeline and details, or the diagnosis.
 * Used live in the DevTools panel (App) and on imported files in the viewer page.
 *
 * Each part (timeline, details, diagnosis) is its own error boundary, and each analysis it needs is
 * computed guarded: a log the analysis chokes on costs one part, which says so, never the panel.
 * Every analysis reads one LogModel: the live log's (fed batch by batch), or one built for a file.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { diagnose } from '../src/analysis/diagnosis';
import { LogModel } from '../src/analysis/logModel';
import { filterRows, NO_FILTER, type RowFilter } from '../src/analysis/rows/filter';
import { counted, errorMessage } from '../src/analysis/model/format';
import { budgetStatus, BUDGET_TEXT } from '../src/analysis/model/invocations';
import { buildTimeline, rowStatsOf, type TimelineRow } from '../src/analysis/rows/timeline';
import type { LogEntry } from '../src/shared/events';
import type { LogState } from '../src/shared/messages';
import { NO_FAULTS, type FaultSet } from '../src/shared/faults';
import type { Diagnosis } from '../src/analysis/diagnosis';
import { Details } from './Details';
import { ErrorBoundary, PartFailed } from './ErrorBoundary';
import { ExportMenu } from './ExportMenu';
import { FilterBar } from './FilterBar';
import { Findings, Headline } from './Findings';
import { Pacer } from './pacing';
import { FaultBanner, ReproduceMenu } from './ReproduceMenu';
import { Timeline, type TimeMode } from './Timeline';
import { DEFAULT_MAX_ENTRIES, MAX_ENTRIES_CHOICES } from '../src/shared/constants';

export interface InspectorProps {
  entries: LogEntry[];
  /** The model of exactly `entries`, kept by the live log; without it, the Inspector builds one. */
  model?: LogModel;
  mode: 'live' | 'file';
  /** Right-hand status text, e.g. "tab 12: connected" or the file name. */
  status: string;
  statusClass?: string;
  logState?: LogState | null;
  onClear?(): void;
  onSetPreserveLog?(value: boolean): void;
  /** Changes the per-tab cap (live mode). */
  onSetMaxEntries?(value: number): void;
  /** Replaces the tab's injected faults (live mode; the Reproduce menu and the fault banner). */
  onSetFaults?(faults: FaultSet): void;
  extensionVersion: string;
  /** Shown when there is nothing to show. */
  empty: preact.ComponentChildren;
  /** Extra toolbar items (the viewer's "Open file"). */
  tools?: preact.ComponentChildren;
}

/** A computation's value, or its fallback and what went wrong. */
type Guarded<T> = { value: T; error?: string };

/** Runs an analysis; a failure gives `fallback` and the failure's message instead of an exception. */
function guard<T>(compute: () => T, fallback: T): Guarded<T> {
  try {
    return { value: compute() };
  } catch (e) {
    return { value: fallback, error: errorMessage(e) };
  }
}

const NO_ROWS: TimelineRow[] = [];

/**
 * The diagnosis runs its checks over the whole log (rows cost only what changed). After a quiet moment
 * it follows the log at once; during a stream of changes it follows at most every
 * DIAGNOSIS_MIN_INTERVAL_MS, and less often when it is slow, so that it takes at most DIAGNOSIS_SHARE
 * of the panel's time (and waits at most DIAGNOSIS_MAX_INTERVAL_MS).
 */
const DIAGNOSIS_SHARE = 0.05;
/** Diagnosis time a quiet moment saves up, ms. */
const DIAGNOSIS_BURST_MS = 50;
const DIAGNOSIS_MIN_INTERVAL_MS = 100;
const DIAGNOSIS_MAX_INTERVAL_MS = 2000;

/**
 * `version`, or during a stream of changes the one `pacer` last allowed (a timer catches up with the
 * latest). Without a pacer, always `version`. The caller reports each run's cost to the pacer.
 */
function usePacedVersion(version: number, pacer: Pacer | null): number {
  const shown = useRef(version);
  const [woken, wake] = useState(0);
  if (shown.current !== version && (!pacer || pacer.delay(performance.now()) === 0)) {
    shown.current = version;
    pacer?.started(performance.now());
  }
  const current = shown.current;
  useEffect(() => {
    if (current === version || !pacer) return;
    // Re-armed after each wake that still finds it too early (a timer may fire a little before its time).
    const id = setTimeout(() => wake((n) => n + 1), pacer.delay(performance.now()) + 1);
    return () => clearTimeout(id);
  }, [current, version, pacer, woken]);
  return current;
}
const NO_DIAGNOSIS: Diagnosis = { attempts: [], findings: [] };

export function Inspector(props: InspectorProps) {
  const {
    entries,
    mode,
    status,
    statusClass,
    logState,
    onClear,
    onSetPreserveLog,
    onSetMaxEntries,
    onSetFaults,
    extensionVersion,
    empty,
    tools,
  } = props;
  const [selected, setSelected] = useState<string | null>(null);
  const [view, setView] = useState<'timeline' | 'diagnosis'>('timeline');
  const [filter, setFilter] = useState<RowFilter>(NO_FILTER);
  const [timeMode, setTimeMode] = useState<TimeMode>('relative');
  const searchRef = useRef<HTMLInputElement>(null);
  const detailsRef = useRef<HTMLElement>(null);
  const ownModel = useMemo(() => (props.model ? null : LogModel.of(entries)), [props.model, entries]);
  const model = props.model ?? ownModel!;
  const log = model.index;
  const version = model.version;
  // Files are analysed as of their last event; a live log as of now: the time of its latest change,
  // or of the clock's tick while a provider waits.
  const [tick, setTick] = useState(0);
  const now = useMemo(() => Date.now(), [model, version, tick]);
  const nowMs = mode === 'file' ? log.lastAt : now;

  const invocations = log.invocations;
  // Also while the live chat widget holds a card it has said nothing about (it becomes "dropped" after a second).
  const waiting = useMemo(
    () =>
      mode === 'live' &&
      ([...invocations.values()].some(
        (inv) =>
          inv.role === 'auth' &&
          !inv.callbacks.length &&
          !inv.budgetFlag &&
          !inv.end?.event.outcome.startsWith('threw'),
      ) ||
        guard(() => log.widgetCards(now), []).value.some(
          (c) => c.decision === 'pending' && c.held && c.entries.length === 1,
        )),
    [log, invocations, version, now, mode],
  );
  useEffect(() => {
    if (!waiting) return;
    const id = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(id);
  }, [waiting]);

  const timeline = useMemo(
    () => guard(() => buildTimeline(log.entries, nowMs, model.timeline), NO_ROWS),
    [model, version, nowMs],
  );
  const rows = timeline.value;
  const timelineError = timeline.error;
  const shownRows = useMemo(() => guard(() => filterRows(rows, filter), rows).value, [rows, filter]);
  // Kept by the model as rows change; counted here only when the timeline failed (its rows are then empty).
  const stats = useMemo(() => (timeline.error ? rowStatsOf(rows) : model.timeline.rowStats()), [rows]);
  const kinds = stats.kinds;
  const cards = guard(() => log.cardAttempts, []).value;
  const diagnosisPacer = useMemo(
    () =>
      mode === 'live'
        ? new Pacer(DIAGNOSIS_SHARE, DIAGNOSIS_BURST_MS, DIAGNOSIS_MIN_INTERVAL_MS, DIAGNOSIS_MAX_INTERVAL_MS)
        : null,
    [mode],
  );
  const diagnosisVersion = usePacedVersion(version, diagnosisPacer);
  // The clock the diagnosis reads moves with it (and with the ticks while something waits).
  const diagnosisNowMs = useMemo(() => nowMs, [diagnosisVersion, tick, mode === 'file' ? nowMs : 0]);
  const diagnosed = useMemo(() => {
    const t0 = performance.now();
    const result = guard(() => diagnose(log.entries, { nowMs: diagnosisNowMs, index: log }), NO_DIAGNOSIS);
    diagnosisPacer?.finished(performance.now() - t0);
    return { ...result, lastSeq: log.entries.at(-1)?.seq ?? 0 };
  }, [log, diagnosisVersion, diagnosisNowMs]);
  const diagnosis = diagnosed.value;
  // The newest entry the rendered rows include (the timeline follows the log frame by frame).
  const rowsSeq = entries.at(-1)?.seq ?? 0;
  // The newest entry both the rows and the diagnosis have taken in (tests wait on it, not on a delay).
  const lastSeq = Math.min(rowsSeq, diagnosed.lastSeq);
  const selectedRow = useMemo(
    () => (selected === null ? null : (rows.find((r) => r.id === selected) ?? null)),
    [rows, selected],
  );
  const problems = stats.problems;
  const overBudget = guard(
    () =>
      [...invocations.values()].filter((inv) => inv.role === 'auth' && budgetStatus(inv, nowMs).state === 'over')
        .length,
    0,
  ).value;
  const errors = diagnosis.findings.filter((f) => f.severity === 'error').length;
  const warnings = diagnosis.findings.filter((f) => f.severity === 'warning').length;
  const start = rows[0]?.at ?? 0;

  // "/" focuses the search field, as in DevTools.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !(target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
        e.preventDefault();
        setView('timeline');
        searchRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const showEvidence = (seq: number) => {
    const row = rows.find((r) => r.seq === seq);
    if (row) {
      setFilter(NO_FILTER);
      setSelected(row.id);
    }
    setView('timeline');
  };

  return (
    // data-last-seq: the newest log entry this view has rendered, rows and diagnosis (lets tests wait for a
    // condition, not a delay); data-rows-seq: the newest whose row is rendered (the bench's event → row).
    <div class="app" data-last-seq={lastSeq} data-rows-seq={rowsSeq}>
      {mode === 'live' && onSetFaults && (
        <FaultBanner faults={logState?.faults ?? NO_FAULTS} onTurnOff={() => onSetFaults(NO_FAULTS)} />
      )}
      <header class="toolbar" role="toolbar" aria-label="Chat SSO toolbar">
        <strong class="title">Chat SSO</strong>
        <div class="views" role="tablist" aria-label="Views">
          <button
            type="button"
            role="tab"
            aria-selected={view === 'timeline'}
            class={view === 'timeline' ? 'active' : ''}
            onClick={() => setView('timeline')}
            data-testid="view-timeline"
          >
            Timeline
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={view === 'diagnosis'}
            class={view === 'diagnosis' ? 'active' : ''}
            onClick={() => setView('diagnosis')}
            data-testid="view-diagnosis"
          >
            Diagnosis{errors ? ` ✖${errors}` : ''}
            {warnings ? ` ⚠${warnings}` : ''}
          </button>
        </div>
        {mode === 'live' && (
          <>
            <button
              type="button"
              onClick={onClear}
              disabled={entries.length === 0}
              title="Clear this tab's log"
              data-testid="clear"
            >
              Clear
            </button>
            <label class="chip" title="Keep the log when the page navigates or reloads">
              <input
                type="checkbox"
                checked={logState?.preserveLog ?? false}
                onChange={(e) => onSetPreserveLog?.(e.currentTarget.checked)}
                data-testid="preserve-log"
              />{' '}
              Preserve log
            </label>
            <select
              aria-label="Events kept per tab"
              title="How many events the background keeps per tab; older ones are dropped and counted"
              value={String(logState?.maxEntries ?? DEFAULT_MAX_ENTRIES)}
              onChange={(e) => onSetMaxEntries?.(Number(e.currentTarget.value))}
              data-testid="max-entries"
            >
              {[...new Set([...MAX_ENTRIES_CHOICES, logState?.maxEntries ?? DEFAULT_MAX_ENTRIES])]
                .sort((a, b) => a - b)
                .map((n) => (
                  <option key={n} value={String(n)}>
                    keep {n.toLocaleString('en-US')}
                  </option>
                ))}
            </select>
            {onSetFaults && <ReproduceMenu faults={logState?.faults ?? NO_FAULTS} onSetFaults={onSetFaults} />}
          </>
        )}
        <button
          type="button"
          onClick={() => setTimeMode(timeMode === 'relative' ? 'clock' : 'relative')}
          title="Switch between times relative to the first event and clock times"
          data-testid="time-mode"
        >
          {timeMode === 'relative' ? 'Times: relative' : 'Times: clock'}
        </button>
        <ExportMenu
          entries={entries}
          extensionVersion={extensionVersion}
          {...(logState?.dropped ? { dropped: logState.dropped } : {})}
        />
        {tools}
        <span class="counts" data-testid="counts">
          {counted(rows.length, 'event')} · {counted(problems, 'problem')}
          {overBudget ? ` · ${overBudget} over the ${BUDGET_TEXT} budget` : ''}
        </span>
        <span class={`status ${statusClass ?? ''}`} data-testid="status">
          {status}
        </span>
      </header>
      {rows.length === 0 && !logState?.dropped && !timelineError ? (
        <div class="empty" data-testid="empty">
          {empty}
        </div>
      ) : view === 'diagnosis' ? (
        <main class="single">
          <ErrorBoundary part="diagnosis" resetKey={diagnosis}>
            {diagnosed.error ? (
              <PartFailed part="diagnosis" message={diagnosed.error} />
            ) : (
              <Findings diagnosis={diagnosis} onShowEvidence={showEvidence} log={log} />
            )}
          </ErrorBoundary>
        </main>
      ) : (
        <>
          <ErrorBoundary part="headline" resetKey={diagnosis}>
            {diagnosed.error ? (
              <PartFailed part="diagnosis" message={diagnosed.error} />
            ) : (
              <Headline finding={diagnosis.headline} onOpen={() => setView('diagnosis')} />
            )}
          </ErrorBoundary>
          <FilterBar
            filter={filter}
            onChange={setFilter}
            kinds={kinds}
            searchRef={searchRef}
            shown={shownRows.length}
            total={rows.length}
          />
          <main class="split">
            <ErrorBoundary part="timeline" resetKey={shownRows}>
              {timelineError ? (
                <PartFailed part="timeline" message={timelineError} />
              ) : (
                <Timeline
                  rows={shownRows}
                  start={start}
                  timeMode={timeMode}
                  selected={selected}
                  onSelect={setSelected}
                  onOpen={() => detailsRef.current?.focus()}
                  dropped={logState?.dropped ?? 0}
                  {...(logState ? { maxEntries: logState.maxEntries } : {})}
                />
              )}
            </ErrorBoundary>
            <ErrorBoundary part="details" resetKey={selectedRow}>
              <Details
                elementRef={detailsRef}
                row={selectedRow}
                rows={rows}
                invocations={invocations}
                cards={cards}
                now={nowMs}
              />
            </ErrorBoundary>
          </main>
        </>
      )}
    </div>
  );
}
