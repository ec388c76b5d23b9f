/** Search and filters above the timeline. `/` focuses the search field (see Inspector). */
import type { Ref } from 'preact';
import type { RowFilter } from '../src/analysis/rows/filter';
import type { RowSource } from '../src/analysis/rows/timeline';

const SOURCES: RowSource[] = ['Omnichannel', 'Web Chat', 'Direct Line', 'network', 'page', 'extension'];

export function FilterBar({
  filter,
  onChange,
  kinds,
  searchRef,
  shown,
  total,
}: {
  filter: RowFilter;
  onChange(f: RowFilter): void;
  kinds: string[];
  searchRef: Ref<HTMLInputElement>;
  shown: number;
  total: number;
}) {
  // An empty list means "all": unchecking one source keeps the others.
  const toggleSource = (s: RowSource) => {
    const current = filter.sources.length === 0 ? SOURCES : filter.sources;
    const next = current.includes(s) ? current.filter((x) => x !== s) : [...current, s];
    onChange({ ...filter, sources: next.length === SOURCES.length ? [] : next });
  };
  return (
    <div class="filterbar" role="search">
      <input
        ref={searchRef}
        type="search"
        placeholder="Filter (press /)"
        aria-label="Filter events by text"
        value={filter.text}
        onInput={(e) => onChange({ ...filter, text: e.currentTarget.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onChange({ ...filter, text: '' });
        }}
        data-testid="search"
      />
      <span class="sources" role="group" aria-label="Sources">
        {SOURCES.map((s) => (
          <label key={s} class="chip">
            <input
              type="checkbox"
              checked={filter.sources.length === 0 || filter.sources.includes(s)}
              onChange={() => toggleSource(s)}
              data-testid={`source-${s}`}
            />{' '}
            {s}
          </label>
        ))}
      </span>
      <select
        aria-label="Kind"
        value={filter.kinds[0] ?? ''}
        onChange={(e) => onChange({ ...filter, kinds: e.currentTarget.value ? [e.currentTarget.value] : [] })}
        data-testid="kind"
      >
        <option value="">all kinds</option>
        {kinds.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <select
        aria-label="Severity"
        value={filter.severity}
        onChange={(e) => onChange({ ...filter, severity: e.currentTarget.value as RowFilter['severity'] })}
        data-testid="severity"
      >
        <option value="all">all severities</option>
        <option value="problems">warnings and errors</option>
        <option value="errors">errors</option>
      </select>
      <label class="chip">
        <input
          type="checkbox"
          checked={filter.severity !== 'all'}
          onChange={(e) => onChange({ ...filter, severity: e.currentTarget.checked ? 'problems' : 'all' })}
          data-testid="problems-only"
        />{' '}
        Problems only
      </label>
      <span class="muted" data-testid="shown">
        {shown === total
          ? `${total.toLocaleString('en-US')} rows`
          : `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows`}
      </span>
    </div>
  );
}
