/**
 * Timeline filters: by source, kind, severity and free text (case-insensitive, on the source, kind
 * and summary shown, and "injected <fault id>" on rows an injected fault marked). Pure, so the panel and
 * the benchmark measure the same code.
 */
import type { RowSource, Severity, TimelineRow } from './timeline';
import { injectedText } from './faultRows';

export interface RowFilter {
  /** Free text; empty matches everything. */
  text: string;
  /** Sources to show; empty shows all. */
  sources: RowSource[];
  /** Kind labels to show (as in the Kind column); empty shows all. */
  kinds: string[];
  /** 'problems': warnings and errors only ("Problems only"); 'errors': errors only. */
  severity: 'all' | 'problems' | 'errors';
}

export const NO_FILTER: RowFilter = { text: '', sources: [], kinds: [], severity: 'all' };

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const MIN: Record<RowFilter['severity'], number> = { all: 0, problems: 1, errors: 2 };

/** The text a row is searched by (lower case). Cached per row object. */
const searchText = new WeakMap<TimelineRow, string>();
function textOf(row: TimelineRow): string {
  let t = searchText.get(row);
  if (t === undefined) {
    t = `${row.source} ${row.kind} ${row.summary}${row.injected ? ` ${injectedText(row.injected)}` : ''}`.toLowerCase();
    searchText.set(row, t);
  }
  return t;
}

/** True when the filter shows everything. */
export const isEmptyFilter = (f: RowFilter) =>
  !f.text.trim() && f.sources.length === 0 && f.kinds.length === 0 && f.severity === 'all';

/** The rows the filter keeps, in order. Every whitespace-separated word of `text` must appear. */
export function filterRows(rows: readonly TimelineRow[], f: RowFilter): TimelineRow[] {
  if (isEmptyFilter(f)) return rows as TimelineRow[];
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const sources = new Set(f.sources);
  const kinds = new Set(f.kinds);
  const min = MIN[f.severity];
  return rows.filter(
    (r) =>
      RANK[r.severity] >= min &&
      (sources.size === 0 || sources.has(r.source)) &&
      (kinds.size === 0 || kinds.has(r.kind)) &&
      (words.length === 0 || words.every((w) => textOf(r).includes(w))),
  );
}
