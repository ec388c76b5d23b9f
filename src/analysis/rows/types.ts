/**
 * The shape of a timeline row, shared by the row builders (timeline.ts, webchatRows.ts), the filters
 * and the panel.
 */
import type { LogEntry } from '../../shared/events';
import type { FaultId } from '../../shared/faults';

export type Severity = 'info' | 'warning' | 'error';
export type RowSource = 'Omnichannel' | 'Web Chat' | 'Direct Line' | 'network' | 'page' | 'extension';

export interface TimelineRow {
  /** Unique within the timeline: the entry's seq, or `seq.n` when one entry gives several rows. */
  id: string;
  seq: number;
  /** ms since the Unix epoch. */
  at: number;
  source: RowSource;
  /** Short label of the event kind, e.g. "SDK call", "auth provider", "lcw:error". */
  kind: string;
  summary: string;
  severity: Severity;
  entry: LogEntry;
  invocationId?: string;
  /** Web Chat rows: what the row is about. */
  tag?: 'oauthcard' | 'invoke' | 'activity';
  /** OAuthCard rows: the card's final outcome. */
  outcome?: 'hidden' | 'shown';
  /** Activity rows: the merged activity record key. */
  activityKey?: string;
  /** A fault the user switched on in the Reproduce menu changed (or is) this row's event: the panel marks it. */
  injected?: FaultId;
}

/** A row without what its entry gives (id, seq, at, entry). */
export type RowBody = Omit<TimelineRow, 'id' | 'seq' | 'at' | 'entry'>;

/** Timeline order: `at`, then log order (an SDK call is logged when it returns but stamped when it started). */
export const compareRows = (a: TimelineRow, b: TimelineRow): number => a.at - b.at || a.seq - b.seq;
