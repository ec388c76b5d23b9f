/** The timeline table: one row per event, problems marked. Strings from the page are rendered as text. */
import type { TimelineRow } from '../src/analysis/timeline';
import { formatClock, formatDuration } from '../src/analysis/format';

const MARK = { info: '', warning: '⚠', error: '✖' } as const;

export function Timeline({ rows, selected, onSelect }: { rows: TimelineRow[]; selected: string | null; onSelect(id: string): void }) {
  const start = rows[0]?.at ?? 0;
  const move = (delta: number) => {
    const i = rows.findIndex((r) => r.id === selected);
    const next = rows[Math.max(0, Math.min(rows.length - 1, (i < 0 ? -1 : i) + delta))];
    if (next) onSelect(next.id);
  };
  return (
    <div
      class="timeline"
      role="grid"
      aria-label="Captured events"
      tabIndex={0}
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') (move(1), e.preventDefault());
        if (e.key === 'ArrowUp') (move(-1), e.preventDefault());
      }}
    >
      <div class="row head" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader" class="source">Source</span>
        <span role="columnheader">Kind</span>
        <span role="columnheader">Summary</span>
      </div>
      {rows.map((r) => (
        <div
          key={r.id}
          role="row"
          aria-selected={r.id === selected}
          class={`row sev-${r.severity}${r.id === selected ? ' selected' : ''}${r.tag === 'oauthcard' ? ' oauthcard' : ''}`}
          data-seq={r.seq}
          data-id={r.id}
          data-kind={r.entry.event.kind}
          data-tag={r.tag ?? ''}
          data-outcome={r.outcome ?? ''}
          data-activity={r.activityKey ?? ''}
          data-severity={r.severity}
          data-invocation={r.invocationId ?? ''}
          onClick={() => onSelect(r.id)}
        >
          <span role="gridcell" class="time" title={formatClock(r.at)}>
            +{formatDuration(r.at - start)}
          </span>
          <span role="gridcell" class="source">{r.source}</span>
          <span role="gridcell" class="kind">
            <span class="mark" aria-label={r.severity === 'info' ? undefined : r.severity}>{MARK[r.severity]}</span> {r.kind}
          </span>
          <span role="gridcell" class="summary">{r.summary}</span>
        </div>
      ))}
    </div>
  );
}
