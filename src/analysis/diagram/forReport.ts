import type { LogEntry } from '../../shared/events';
import type { SsoAttempt } from '../diagnosis/types';
import { diagramOf } from './model';
import { diagramSvg } from './svg';

/**
 * The report's diagram renderer (`ReportOptions.diagram`, src/analysis/report/report.ts) for a log:
 * each attempt's sequence diagram as standalone SVG markup, light palette. The report redacts it and
 * skips an attempt whose diagram throws, so this adds no guard of its own.
 */
export function reportDiagrams(entries: readonly LogEntry[]): (attempt: SsoAttempt) => string {
  const bySeq = new Map(entries.map((e) => [e.seq, e] as const));
  return (attempt) => diagramSvg(diagramOf(attempt, { entryAt: (seq) => bySeq.get(seq) }));
}
