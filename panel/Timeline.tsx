/**
 * The timeline table: one row per event, problems marked. Strings from the page are rendered as
 * text. Long logs are virtualized (only rows in view are in the DOM); short ones render whole.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { TimelineRow } from '../src/analysis/rows/timeline';
import { formatClock, formatDuration } from '../src/analysis/model/format';
import { describeFaultId, injectedText, INJECTED_BADGE } from '../src/analysis/rows/faultRows';
import { useVirtualizer } from './useVirtualizer';

const MARK = { info: '', warning: '⚠', error: '✖' } as const;
const ROW_HEIGHT = 22;
/** Below this many rows everything is rendered (cheap, and simpler for assistive technology). */
export const VIRTUALIZE_FROM = 300;

export type TimeMode = 'relative' | 'clock';

interface Props {
  rows: TimelineRow[];
  /** Time origin for relative times (ms since epoch): the first event of the whole log, not of the filtered rows. */
  start: number;
  timeMode: TimeMode;
  selected: string | null;
  onSelect(id: string | null): void;
  /** Enter on a row: move focus to the details. */
  onOpen(): void;
  dropped: number;
  maxEntries?: number;
}

function Row({
  r,
  start,
  timeMode,
  selected,
  onSelect,
  style,
}: {
  r: TimelineRow;
  start: number;
  timeMode: TimeMode;
  selected: boolean;
  onSelect(id: string): void;
  style?: Record<string, string | number>;
}) {
  const time = timeMode === 'relative' ? `+${formatDuration(r.at - start)}` : formatClock(r.at);
  const rowClass =
    `row sev-${r.severity}` +
    (selected ? ' selected' : '') +
    (r.tag === 'oauthcard' ? ' oauthcard' : '') +
    (r.kind === 'navigation' ? ' navigation' : '') +
    (r.injected ? ' injected' : '');
  return (
    <div
      role="row"
      aria-selected={selected}
      id={`row-${r.id}`}
      class={rowClass}
      style={style}
      data-seq={r.seq}
      data-id={r.id}
      data-kind={r.entry.event.kind}
      data-tag={r.tag ?? ''}
      data-outcome={r.outcome ?? ''}
      data-activity={r.activityKey ?? ''}
      data-severity={r.severity}
      data-invocation={r.invocationId ?? ''}
      data-injected={r.injected ?? ''}
      onClick={() => onSelect(r.id)}
    >
      <span
        role="gridcell"
        class="time"
        title={timeMode === 'relative' ? formatClock(r.at) : `+${formatDuration(r.at - start)}`}
      >
        {time}
      </span>
      <span role="gridcell" class="source">
        {r.source}
      </span>
      <span role="gridcell" class="kind">
        <span class="mark" aria-label={r.severity === 'info' ? undefined : r.severity}>
          {MARK[r.severity]}
        </span>{' '}
        {r.kind}
      </span>
      <span role="gridcell" class="summary">
        {r.injected && (
          <>
            <span
              class="injected-badge"
              data-testid="injected-badge"
              data-fault={r.injected}
              title={`${injectedText(r.injected)}: ${describeFaultId(r.injected)}`}
            >
              {INJECTED_BADGE}
            </span>{' '}
          </>
        )}
        {r.summary}
      </span>
    </div>
  );
}

export function Timeline({ rows, start, timeMode, selected, onSelect, onOpen, dropped, maxEntries }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = rows.length >= VIRTUALIZE_FROM;
  const virtualizer = useVirtualizer({
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    getScrollElement: () => scroller.current,
    enabled: virtual,
  });
  const index = selected === null ? -1 : rows.findIndex((r) => r.id === selected);

  // Keep the selected row in view (keyboard navigation, evidence links).
  useEffect(() => {
    const el = scroller.current;
    if (index < 0 || !el) return;
    if (!virtual) {
      el.querySelector(`#row-${CSS.escape(rows[index]!.id)}`)?.scrollIntoView({ block: 'nearest' });
      return;
    }
    // Rows have a fixed height, so the offset is exact; scroll only when the row is out of view.
    const body = el.querySelector<HTMLElement>('.virtual-body');
    const top = (body?.offsetTop ?? 0) + index * ROW_HEIGHT;
    const header = el.querySelector<HTMLElement>('.row.head')?.offsetHeight ?? ROW_HEIGHT;
    if (top < el.scrollTop + header) el.scrollTop = top - header;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selected, virtual]);

  const move = (to: number) => {
    const next = rows[Math.max(0, Math.min(rows.length - 1, to))];
    if (next) onSelect(next.id);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(index + 1),
      ArrowUp: () => move(index < 0 ? 0 : index - 1),
      PageDown: () => move(index + 20),
      PageUp: () => move(index - 20),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      Enter: () => index >= 0 && onOpen(),
      Escape: () => onSelect(null),
    };
    const act = keys[e.key];
    if (act) {
      act();
      e.preventDefault();
    }
  };

  return (
    <div
      class="timeline"
      ref={scroller}
      role="grid"
      aria-label="Captured events"
      aria-rowcount={rows.length}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="timeline"
    >
      <div class="row head" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader" class="source">
          Source
        </span>
        <span role="columnheader">Kind</span>
        <span role="columnheader">Summary</span>
      </div>
      {dropped > 0 && (
        <div class="dropped" role="row" data-testid="dropped" data-dropped={dropped}>
          <span role="gridcell">
            ⚠ {dropped.toLocaleString('en-US')} older events dropped
            {maxEntries ? ` (this tab keeps the last ${maxEntries.toLocaleString('en-US')})` : ''}
          </span>
        </div>
      )}
      {rows.length === 0 && (
        <p class="muted no-rows" data-testid="no-rows">
          No event matches the filters.
        </p>
      )}
      {virtual ? (
        <div class="virtual-body" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index]!;
            return (
              <Row
                key={r.id}
                r={r}
                start={start}
                timeMode={timeMode}
                selected={r.id === selected}
                onSelect={onSelect}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: `${ROW_HEIGHT}px`,
                  transform: `translateY(${item.start}px)`,
                }}
              />
            );
          })}
        </div>
      ) : (
        rows.map((r) => (
          <Row key={r.id} r={r} start={start} timeMode={timeMode} selected={r.id === selected} onSelect={onSelect} />
        ))
      )}
    </div>
  );
}
