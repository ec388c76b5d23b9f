/**
 * "What changed": two SSO attempts side by side (by default the latest one with an injected fault and the
 * latest without), each step's difference highlighted. The alignment is src/analysis/compare/attempts.ts;
 * this view only shows it. Page strings are rendered as text.
 */
import { useMemo, useState } from 'preact/hooks';
import {
  compareAttempts,
  defaultComparePair,
  TIMING_TOLERANCE_MS,
  type StepChange,
  type StepDiff,
  type StepView,
} from '../src/analysis/compare/attempts';
import type { SsoAttempt } from '../src/analysis/diagnosis';
import type { EntrySource } from '../src/analysis/diagram';
import { offsetText } from '../src/analysis/diagram';
import { formatDuration } from '../src/analysis/model/format';
import { INJECTED_BADGE } from '../src/analysis/rows/faultRows';

/** What the view says when there is nothing to compare. */
export const COMPARE_EMPTY =
  'Run the scenario once with a fault and once without, with Preserve log on, to compare the two attempts.';

const KIND_MARK: Record<StepDiff['kind'], string> = { same: '=', changed: '≠', 'only-a': '−', 'only-b': '+' };
const KIND_TEXT: Record<StepDiff['kind'], string> = {
  same: 'same',
  changed: 'changed',
  'only-a': 'only in A',
  'only-b': 'only in B',
};
const CHANGE_TEXT: Record<StepChange, string> = {
  status: 'result',
  text: 'details',
  timing: `timing (over ${formatDuration(TIMING_TOLERANCE_MS)} apart)`,
  visibility: 'card shown / hidden',
  injected: 'injected fault',
};

function attemptLabel(a: SsoAttempt): string {
  const faults = a.injected?.length ? ` (${INJECTED_BADGE}: ${a.injected.join(', ')})` : '';
  return `#${a.startSeq} ${a.title}: ${a.outcome}${faults}`;
}

function Picker({
  side,
  value,
  attempts,
  onChange,
}: {
  side: 'A' | 'B';
  value: string;
  attempts: readonly SsoAttempt[];
  onChange(id: string): void;
}) {
  const id = `compare-pick-${side}`;
  return (
    <label for={id} class="compare-pick">
      Attempt {side}{' '}
      <select
        id={id}
        data-testid={`compare-pick-${side.toLowerCase()}`}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {attempts.map((a) => (
          <option key={a.id} value={a.id}>
            {attemptLabel(a)}
          </option>
        ))}
      </select>
    </label>
  );
}

function StepCell({ step, onShow }: { step: StepView | undefined; onShow(seq: number): void }) {
  if (!step) return <span class="muted">(no such step)</span>;
  return (
    <>
      {step.injected && (
        <>
          <span class="injected-badge" title={`injected ${step.injected}`}>
            {INJECTED_BADGE}
          </span>{' '}
        </>
      )}
      <span class={`step-${step.status}`}>{step.text}</span>{' '}
      <span class="muted">{step.offsetMs === null ? '' : offsetText(step.offsetMs)}</span>{' '}
      {step.seq !== null && (
        <button type="button" class="link" onClick={() => onShow(step.seq!)} title="Show this event in the timeline">
          #{step.seq}
        </button>
      )}
    </>
  );
}

/** What the comparison reads: the log's attempts, the entries behind them, and where a step's event link goes. */
export interface CompareProps {
  attempts: readonly SsoAttempt[];
  log: EntrySource;
  /** Shows the entry with this seq in the timeline. */
  onShow(seq: number): void;
}

/**
 * The comparison of two of `attempts` (all from `log`). `onShow(seq)`: show an entry in the timeline.
 * With fewer than two attempts it shows COMPARE_EMPTY.
 */
export function CompareView({ attempts, log, onShow }: CompareProps) {
  const defaults = useMemo(() => defaultComparePair(attempts), [attempts]);
  const [picked, setPicked] = useState<{ a?: string; b?: string }>({});
  if (attempts.length < 2)
    return (
      <p class="muted" data-testid="compare-empty">
        {COMPARE_EMPTY}
      </p>
    );
  const byId = (id: string | undefined) => attempts.find((x) => x.id === id);
  const a = byId(picked.a) ?? byId(defaults.a) ?? attempts.at(-2)!;
  const b = byId(picked.b) ?? byId(defaults.b) ?? attempts.at(-1)!;
  const cmp = compareAttempts({ attempt: a, log }, { attempt: b, log });
  return (
    <div class="compare" data-testid="compare-view">
      <div class="compare-pickers">
        <Picker side="A" value={a.id} attempts={attempts} onChange={(id) => setPicked({ a: id, b: b.id })} />
        <Picker side="B" value={b.id} attempts={attempts} onChange={(id) => setPicked({ a: a.id, b: id })} />
        <button type="button" onClick={() => setPicked({ a: b.id, b: a.id })} data-testid="compare-swap">
          Swap A and B
        </button>
      </div>
      <p data-testid="compare-summary" role="status">
        {a.id === b.id
          ? 'A and B are the same attempt: pick another one to compare.'
          : cmp.outcomeChanged
            ? `Outcome changed: A ${cmp.a.outcome}, B ${cmp.b.outcome}. ${cmp.differences} step(s) differ.`
            : `Same outcome (${cmp.a.outcome}); ${cmp.differences} step(s) differ.`}
      </p>
      <div class="compare-sides">
        {(['a', 'b'] as const).map((side) => {
          const s = cmp[side];
          return (
            <div key={side} class="compare-side" data-testid={`compare-side-${side}`}>
              <strong>
                {side.toUpperCase()}: {s.title}
              </strong>{' '}
              {s.faults.length > 0 ? (
                <span class="injected-badge" title={`injected ${s.faults.join(', ')}`}>
                  {INJECTED_BADGE}: {s.faults.join(', ')}
                </span>
              ) : (
                <span class="muted">no injected fault</span>
              )}
              <p class="sentence">{s.sentence}</p>
            </div>
          );
        })}
      </div>
      <table class="compare-steps" data-testid="compare-steps">
        <caption class="muted">Steps of A and B, aligned by what each step is; differences highlighted</caption>
        <thead>
          <tr>
            <th scope="col">Δ</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
            <th scope="col">What differs</th>
          </tr>
        </thead>
        <tbody>
          {cmp.steps.map((d, i) => (
            <tr key={i} class={`cmp-${d.kind}`} data-testid="compare-step" data-diff={d.kind}>
              <td>
                <span aria-label={KIND_TEXT[d.kind]} title={KIND_TEXT[d.kind]}>
                  {KIND_MARK[d.kind]}
                </span>
              </td>
              <td>
                <StepCell step={d.a} onShow={onShow} />
              </td>
              <td>
                <StepCell step={d.b} onShow={onShow} />
              </td>
              <td data-testid="compare-changes">
                {d.kind === 'changed' ? d.changes.map((c) => CHANGE_TEXT[c]).join(', ') : KIND_TEXT[d.kind]}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
