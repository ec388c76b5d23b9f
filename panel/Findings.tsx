/** The diagnosis view: SSO attempts with their sequence diagrams and step chains, then findings sorted by severity. */
import { useState } from 'preact/hooks';
import type { EntrySource } from '../src/analysis/diagram';
import type { SsoAttempt, Diagnosis, Finding } from '../src/analysis/diagnosis';
import { CompareView, type CompareProps, COMPARE_EMPTY } from './CompareView';
import { ErrorBoundary } from './ErrorBoundary';
import { INJECTED_BADGE } from '../src/analysis/rows/faultRows';
import { outcomeTone } from '../src/analysis/diagnosis/types';
import { SequenceDiagram } from './SequenceDiagram';

const MARK = { error: '✖', warning: '⚠', info: 'ℹ' } as const;

/**
 * Attempts drawn as sequence diagrams at once; the others (a long session can hold hundreds) get a
 * button that draws theirs, so the view stays light and says what it left out.
 */
export const DIAGRAMS_DRAWN = 25;
const STEP_MARK = { ok: '✔', fail: '✖', info: '•' } as const;

function Evidence({ seqs, onShow }: { seqs: number[]; onShow(seq: number): void }) {
  if (seqs.length === 0) return null;
  return (
    <span class="evidence">
      evidence:{' '}
      {seqs.map((s) => (
        <button key={s} type="button" class="link" onClick={() => onShow(s)} title="Show this event in the timeline">
          #{s}
        </button>
      ))}
    </span>
  );
}

function AttemptCard({
  attempt,
  log,
  drawn,
  onShow,
}: {
  attempt: SsoAttempt;
  log: EntrySource | undefined;
  /** Draw its diagram without being asked. */
  drawn: boolean;
  onShow(seq: number): void;
}) {
  const [asked, setAsked] = useState(false);
  return (
    <li class="attempt" data-testid="attempt" data-kind={attempt.kind} data-outcome={attempt.outcome}>
      <div class="attempt-head">
        <span class={`badge badge-${outcomeTone(attempt.outcome)}`}>{attempt.outcome}</span>{' '}
        <strong>{attempt.title}</strong>
        {attempt.injected?.length ? (
          <>
            {' '}
            <span
              class="injected-badge"
              data-testid="attempt-injected"
              title={`injected ${attempt.injected.join(', ')}`}
            >
              {INJECTED_BADGE}: {attempt.injected.join(', ')}
            </span>
          </>
        ) : null}
      </div>
      <p class="sentence" data-testid="attempt-sentence">
        {attempt.sentence}
      </p>
      {attempt.observed && attempt.observed !== attempt.sentence && (
        <p class="muted" data-testid="attempt-observed">
          From the page's events alone: {attempt.observed}
        </p>
      )}
      {log &&
        (drawn || asked ? (
          <ErrorBoundary part="diagram" resetKey={attempt}>
            <SequenceDiagram attempt={attempt} log={log} onShow={onShow} />
          </ErrorBoundary>
        ) : (
          <button type="button" onClick={() => setAsked(true)} data-testid="draw-diagram">
            Draw the sequence diagram
          </button>
        ))}
      <ol class="steps">
        {attempt.steps.map((s, i) => (
          <li key={i} class={`step step-${s.status}`} data-injected={s.injected ?? ''}>
            <span class="step-mark">{STEP_MARK[s.status]}</span>{' '}
            {s.injected && (
              <>
                <span class="injected-badge" title={`injected ${s.injected}`}>
                  {INJECTED_BADGE}
                </span>{' '}
              </>
            )}
            {s.text} <Evidence seqs={s.evidence} onShow={onShow} />
          </li>
        ))}
      </ol>
    </li>
  );
}

function FindingCard({ finding, onShow }: { finding: Finding; onShow(seq: number): void }) {
  return (
    <li
      class={`finding sev-${finding.severity}`}
      data-testid="finding"
      data-check-id={finding.id}
      data-severity={finding.severity}
    >
      <div class="finding-title">
        <span class="mark">{MARK[finding.severity]}</span> <strong>{finding.title}</strong>{' '}
        <code class="check-id">{finding.id}</code>
      </div>
      <p>{finding.explanation}</p>
      <p>
        <b>Fix:</b> {finding.fix}
      </p>
      <p class="finding-links">
        <a href={finding.doc} target="_blank" rel="noreferrer noopener">
          Documentation
        </a>{' '}
        <Evidence seqs={finding.evidence} onShow={onShow} />
      </p>
    </li>
  );
}

export function Findings({
  diagnosis,
  onShowEvidence,
  log,
}: {
  diagnosis: Diagnosis;
  onShowEvidence(seq: number): void;
  /** The log the diagnosis read (its entries by seq), for the attempts' sequence diagrams; without it, none. */
  log?: EntrySource;
}) {
  const { attempts, findings } = diagnosis;
  return (
    <div class="findings-view" data-testid="findings-view">
      <section>
        <h2>SSO attempts ({attempts.length})</h2>
        {attempts.length === 0 ? (
          <p class="muted">No auth token provider invocation, bot sign-in card or OAuthCard in this capture.</p>
        ) : (
          <>
            {log && attempts.length > DIAGRAMS_DRAWN && (
              <p class="muted" data-testid="diagrams-left">
                Sequence diagrams are drawn for the first {DIAGRAMS_DRAWN} attempts; the other{' '}
                {attempts.length - DIAGRAMS_DRAWN} have a button that draws theirs.
              </p>
            )}
            <ul class="attempts">
              {attempts.map((a, i) => (
                <AttemptCard key={a.id} attempt={a} log={log} drawn={i < DIAGRAMS_DRAWN} onShow={onShowEvidence} />
              ))}
            </ul>
          </>
        )}
      </section>
      {log && <CompareSection attempts={attempts} log={log} onShow={onShowEvidence} />}
      <section>
        <h2>Findings ({findings.length})</h2>
        {findings.length === 0 ? (
          <p class="muted">No findings: nothing in this capture breaks a documented rule.</p>
        ) : (
          <ul class="findings">
            {findings.map((f, i) => (
              <FindingCard key={`${f.id}-${i}`} finding={f} onShow={onShowEvidence} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** "What changed": a button that opens the comparison of two attempts, or says how to get two. */
function CompareSection({ attempts, log, onShow }: CompareProps) {
  const [open, setOpen] = useState(false);
  return (
    <section class="compare-section" data-testid="compare-section">
      <h2>What changed</h2>
      {attempts.length < 2 ? (
        <p class="muted" data-testid="compare-empty">
          {COMPARE_EMPTY}
        </p>
      ) : (
        <>
          <button
            type="button"
            aria-expanded={open}
            aria-controls={open ? 'compare-view' : undefined}
            onClick={() => setOpen(!open)}
            data-testid="compare-open"
          >
            {open ? 'Hide the comparison' : 'Compare attempts…'}
          </button>
          {open && (
            <div id="compare-view">
              <ErrorBoundary part="comparison" resetKey={attempts}>
                <CompareView attempts={attempts} log={log} onShow={onShow} />
              </ErrorBoundary>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** The headline finding, above the timeline. */
export function Headline({ finding, onOpen }: { finding: Finding | undefined; onOpen(): void }) {
  if (!finding) return null;
  return (
    <div class={`headline sev-${finding.severity}`} data-testid="headline" data-check-id={finding.id}>
      <span class="mark">{MARK[finding.severity]}</span> {finding.title}{' '}
      <button type="button" class="link" onClick={onOpen}>
        see diagnosis
      </button>
    </div>
  );
}
