/** The "Chat SSO" panel: toolbar, timeline and details of the selected event. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { buildTimeline } from '../src/analysis/timeline';
import { collectInvocations, budgetStatus } from '../src/analysis/invocations';
import { collectCardAttempts } from '../src/analysis/webchat';
import { diagnose } from '../src/analysis/diagnosis';
import { Findings, Headline } from './Findings';
import type { LogEntry } from '../src/shared/events';
import { connectToBackground, type ConnectionStatus } from './connection';
import { Details } from './Details';
import { Timeline } from './Timeline';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'background restarting, reconnecting…',
};

export function App({ tabId }: { tabId: number }) {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [selected, setSelected] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [view, setView] = useState<'timeline' | 'diagnosis'>('timeline');
  const link = useRef<ReturnType<typeof connectToBackground> | null>(null);

  useEffect(() => {
    const c = connectToBackground(tabId, {
      onStatus: setStatus,
      onSnapshot: (snapshot) => setEntries(snapshot),
      onAppend: (added) =>
        setEntries((old) => {
          const last = old.length ? old[old.length - 1]!.seq : 0;
          const fresh = added.filter((e) => e.seq > last);
          return fresh.length ? [...old, ...fresh] : old;
        }),
      onCleared: () => {
        setEntries([]);
        setSelected(null);
      },
    });
    link.current = c;
    return () => c.close();
  }, [tabId]);

  const invocations = useMemo(() => collectInvocations(entries), [entries]);
  const cards = useMemo(() => collectCardAttempts(entries), [entries]);
  // While an auth provider is still waiting, tick so the 10 s mark appears on time.
  const waiting = useMemo(
    () => [...invocations.values()].some((inv) => inv.role === 'auth' && !inv.callbacks.length && !inv.budgetFlag && !inv.end?.event.outcome.startsWith('threw')),
    [invocations],
  );
  useEffect(() => {
    if (!waiting) return;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [waiting]);

  const rows = useMemo(() => buildTimeline(entries, now), [entries, now]);
  const diagnosis = useMemo(() => diagnose(entries, { nowMs: now }), [entries, now]);
  const showEvidence = (seq: number) => {
    const row = rows.find((r) => r.seq === seq);
    if (row) setSelected(row.id);
    setView('timeline');
  };
  const errors = diagnosis.findings.filter((f) => f.severity === 'error').length;
  const warnings = diagnosis.findings.filter((f) => f.severity === 'warning').length;
  const problems = rows.filter((r) => r.severity !== 'info').length;
  const selectedRow = rows.find((r) => r.id === selected) ?? null;
  const overBudget = [...invocations.values()].filter((inv) => inv.role === 'auth' && budgetStatus(inv, now).state === 'over').length;

  return (
    <div class="app">
      <header class="toolbar" role="toolbar" aria-label="Chat SSO toolbar">
        <strong class="title">Chat SSO</strong>
        <div class="views" role="tablist" aria-label="Views">
          <button type="button" role="tab" aria-selected={view === 'timeline'} class={view === 'timeline' ? 'active' : ''} onClick={() => setView('timeline')} data-testid="view-timeline">
            Timeline
          </button>
          <button type="button" role="tab" aria-selected={view === 'diagnosis'} class={view === 'diagnosis' ? 'active' : ''} onClick={() => setView('diagnosis')} data-testid="view-diagnosis">
            Diagnosis{errors ? ` ✖${errors}` : ''}
            {warnings ? ` ⚠${warnings}` : ''}
          </button>
        </div>
        <button type="button" onClick={() => link.current?.send({ type: 'clear' })} disabled={entries.length === 0} title="Clear this tab's log">
          Clear
        </button>
        <span class="counts" data-testid="counts">
          {rows.length} events · {problems} problems{overBudget ? ` · ${overBudget} over the 10 s budget` : ''}
        </span>
        <span class={`status status-${status}`} data-testid="status">
          tab {tabId}: {STATUS_TEXT[status]}
        </span>
      </header>
      {rows.length === 0 ? (
        <div class="empty" data-testid="empty">
          <h2>No chat SSO activity captured in this tab yet</h2>
          <p>
            The inspector records the live chat widget's SDK calls (<code>Microsoft.Omnichannel.LiveChatWidget.SDK</code>), the auth token
            provider and bot auth token provider invocations, <code>lcw:*</code> events and token POSTs, and Bot Framework Web Chat's
            activities, OAuthCards, <code>signin/tokenExchange</code> invokes and Direct Line traffic, from the moment a page starts loading.
          </p>
          <p>Start a chat on the page. If the widget loaded before DevTools was opened, events are still here; if nothing shows up, reload the page.</p>
        </div>
      ) : view === 'diagnosis' ? (
        <main class="single">
          <Findings diagnosis={diagnosis} onShowEvidence={showEvidence} />
        </main>
      ) : (
        <>
          <Headline finding={diagnosis.headline} onOpen={() => setView('diagnosis')} />
          <main class="split">
            <Timeline rows={rows} selected={selected} onSelect={setSelected} />
            <Details row={selectedRow} rows={rows} invocations={invocations} cards={cards} now={now} />
          </main>
        </>
      )}
    </div>
  );
}
