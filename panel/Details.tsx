/** Details of the selected event: its invocation's chain, a decoded token, and the raw event. */
import type { Ref } from 'preact';
import type { Invocation } from '../src/analysis/model/invocations';
import { copyText } from './clipboard';
import { budgetStatus, BUDGET_TEXT } from '../src/analysis/model/invocations';
import { formatClock, formatDuration, safeJson } from '../src/analysis/model/format';
import type { TimelineRow } from '../src/analysis/rows/timeline';
import type { OAuthCardOutcome } from '../src/analysis/model/webchat';
import { CardDetails } from './CardDetails';
import { ErrorBoundary } from './ErrorBoundary';
import { JwtDetails } from './JwtDetails';

function tokenOf(row: TimelineRow, invocations: ReadonlyMap<string, Invocation>): { token: string; at: number } | null {
  const e = row.entry.event;
  if (e.kind === 'provider.callback' && e.token !== undefined) return { token: e.token, at: e.at };
  // The customer's JWT as livechatconnector received it (AuthenticatedUserToken request header).
  if (e.kind === 'omnichannel.http' && e.authenticatedUserToken !== undefined)
    return { token: e.authenticatedUserToken, at: e.at };
  if (row.invocationId) {
    const cb = invocations.get(row.invocationId)?.callbacks.find((c) => c.event.token !== undefined);
    if (cb?.event.token !== undefined) return { token: cb.event.token, at: cb.event.at };
  }
  return null;
}

function BudgetLine({ inv, now }: { inv: Invocation; now: number }) {
  if (inv.role !== 'auth') return null;
  const s = budgetStatus(inv, now);
  const text =
    s.state === 'within'
      ? `Called back after ${formatDuration(s.elapsedMs)}: within the ${BUDGET_TEXT} budget.`
      : s.state === 'waiting'
        ? `Waiting for the callback: ${formatDuration(s.elapsedMs)} so far.`
        : s.calledBack
          ? `Over the ${BUDGET_TEXT} budget: called back after ${formatDuration(s.elapsedMs)}.`
          : `Over the ${BUDGET_TEXT} budget: never called back (${formatDuration(s.elapsedMs)} so far).`;
  return (
    <p class={`budget budget-${s.state}`} data-testid="budget">
      {text}
    </p>
  );
}

type DetailsProps = {
  row: TimelineRow | null;
  rows: TimelineRow[];
  invocations: ReadonlyMap<string, Invocation>;
  cards: readonly OAuthCardOutcome[];
  now: number;
  /** The details element (the timeline's Enter moves focus to it). */
  elementRef?: Ref<HTMLElement>;
};

// A ref prop of its own, not forwardRef: preact/compat would hook every vnode of the panel.
export function Details({ row, rows, invocations, cards, now, elementRef: ref }: DetailsProps) {
  if (!row) {
    return (
      <aside class="details empty-details" aria-label="Event details" ref={ref} tabIndex={-1}>
        <p>Select an event to see its details. Use ↑ and ↓ to move through the timeline.</p>
      </aside>
    );
  }
  const inv = row.invocationId ? invocations.get(row.invocationId) : undefined;
  const chain = inv ? rows.filter((r) => r.invocationId === inv.invocationId) : [];
  const token = tokenOf(row, invocations);
  const card = row.activityKey
    ? cards.find((c) => c.record.key === row.activityKey || c.invokes.some((i) => i.record.key === row.activityKey))
    : undefined;
  return (
    <aside class="details" aria-label="Event details" data-testid="details" ref={ref} tabIndex={-1}>
      <h2>
        {row.kind} <span class="when">{formatClock(row.at)}</span>
      </h2>
      <p class={`summary sev-${row.severity}`}>{row.summary}</p>
      {inv && (
        <section>
          <h3>{inv.role === 'auth' ? 'Auth token provider invocation' : 'Bot auth token provider invocation'}</h3>
          <BudgetLine inv={inv} now={now} />
          {inv.role === 'bot' && (
            <dl class="kv">
              <dt>botTokenUrl</dt>
              <dd>{inv.invoke.event.botTokenUrl ?? '(not a string)'}</dd>
              <dt>signInId (state)</dt>
              <dd>{inv.invoke.event.signInId ?? '(none)'}</dd>
            </dl>
          )}
          <ol class="chain">
            {chain.map((r) => (
              <li key={r.id} class={`sev-${r.severity}`}>
                <span class="time">+{formatDuration(r.at - inv.invoke.event.at)}</span> {r.summary}
              </li>
            ))}
          </ol>
        </section>
      )}
      {card && (
        <ErrorBoundary part="card details" resetKey={row}>
          <CardDetails
            card={card}
            {...(row.tag === 'invoke' && row.activityKey ? { focusKey: row.activityKey } : {})}
          />
        </ErrorBoundary>
      )}
      {token && (
        <ErrorBoundary part="token" resetKey={row}>
          <JwtDetails token={token.token} capturedAt={token.at} />
        </ErrorBoundary>
      )}
      <section>
        <h3>
          Event{' '}
          <button
            type="button"
            class="link"
            onClick={() => void copyText(safeJson(row.entry, { indent: 2, max: 10_000_000 }))}
            data-testid="copy-event"
          >
            copy JSON
          </button>
        </h3>
        <pre class="json">
          {safeJson(row.entry, {
            indent: 2,
            max: 200_000,
            replace: (k, v) =>
              k === 'token' && typeof v === 'string' && v.length > 80 ? `${v.slice(0, 40)}…(${v.length} chars)` : v,
          })}
        </pre>
      </section>
    </aside>
  );
}
