/**
 * The shareable report of a capture: what the panel's Diagnosis view shows (headline, SSO attempts with
 * their steps, findings with evidence, fix and doc) plus the timeline rows the evidence points at, with
 * every string redacted by an export profile (docs/capture-format.md, "Redaction"; 'mask' by default).
 * One model, three renderings: HTML (reportHtml.ts), Markdown (reportMarkdown.ts) and the command
 * line's text and JSON (src/cli). Pure: no browser or Node APIs.
 */
import { INJECTED_BADGE } from '../rows/faultRows';
import type { LogEntry } from '../../shared/events';
import { diagnose, type Finding, type FindingSeverity, type SsoAttempt } from '../diagnosis';
import { cut, formatDuration } from '../model/format';
import { LogIndex } from '../model/logIndex';
import { buildTimeline, tokenOneLiner, type RowSource, type Severity } from '../rows/timeline';
import { DEFAULT_REDACTION_PROFILE, redactString, type RedactionProfile } from '../formats/redact';
import { scanSecrets } from '../formats/tokenizer';

/** Most timeline rows a report lists; the rest are counted in `excerptOmitted`. */
export const REPORT_MAX_ROWS = 400;
/** Longest row summary a report keeps (characters). */
const MAX_SUMMARY = 600;

/** A timeline row as a report lists it (strings redacted). */
export interface ReportRow {
  /** Row id: the entry's seq, or `seq.n` when one entry gives several rows; anchors evidence links. */
  id: string;
  seq: number;
  /** Time since the first row, as the panel prints it ("+1.23 s"). */
  time: string;
  source: RowSource;
  kind: string;
  summary: string;
  severity: Severity;
}

/** Where the log came from, as the report's header tells it (strings redacted). */
export interface ReportSource {
  kind: 'capture' | 'HAR';
  /** File name, when read from a file. */
  name?: string;
  /** Page URL; defaults to the URL of the log's first top-level page. */
  url?: string;
}

/** Everything a report shows, redacted, ready to render. */
export interface ReportData {
  tool: 'chat-sso-inspector';
  /** The profile the strings were redacted with. */
  redaction: RedactionProfile;
  source: ReportSource;
  /** ISO 8601 (UTC), when given. */
  generatedAt?: string;
  /** Extension or package version that wrote the report, when given. */
  version?: string;
  /** Log entries analysed (count), and entries dropped before export (count). */
  events: number;
  dropped: number;
  /** Time from the first to the last row, as text; absent without rows. */
  span?: string;
  headline?: Finding;
  attempts: SsoAttempt[];
  findings: Finding[];
  /** The rows that the attempts' steps and the findings cite as evidence, in timeline order. */
  excerpt: ReportRow[];
  /** Cited rows left out of `excerpt` because of REPORT_MAX_ROWS (count). */
  excerptOmitted: number;
  /** What could not be read from the file, one sentence each. */
  warnings: string[];
  /** Per attempt id: the sequence diagram (SVG markup), when a renderer was given and drew one. */
  diagrams: Record<string, string>;
}

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Redaction of every page-derived string; defaults to DEFAULT_REDACTION_PROFILE ('mask'). */
  redaction?: RedactionProfile;
  source?: ReportSource;
  /** ms since the Unix epoch. */
  generatedAt?: number;
  version?: string;
  dropped?: number;
  warnings?: readonly string[];
  /**
   * The moment the diagnosis is made as of (ms since the Unix epoch); defaults to the last event's time,
   * as the viewer does for a file, so one capture always gives the same report.
   */
  nowMs?: number;
  /**
   * Draws one attempt's sequence diagram as SVG markup (or nothing). It is given the attempt as the
   * report shows it (redacted); its output is redacted again and embedded as is, so it must escape
   * what it draws. Optional: without it the report has no diagrams. In the HTML report, an arrow can
   * link to its timeline row with `href="#row-<row id>"` (rows listed in `excerpt`; see reportHtml.ts).
   */
  diagram?: (attempt: SsoAttempt) => string | undefined;
}

/** Severity order, most severe first (the diagnosis sorts findings the same way). */
export const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * One string of a report, redacted by `profile`. Under 'mask' each JOSE token becomes a one-line
 * description of its claims ("[JWT RS256, sub 1234…, exp in 1 h]"): a report is read by people, who
 * need the claims, not the base64, so no segment of a token (header, payload or signature) reaches a
 * ticket. Secret values are then masked as in an export; 'remove' is the export's 'remove'.
 * `atMs`: the moment claims are judged against (ms since the Unix epoch).
 */
export function redactReportText(text: string, profile: RedactionProfile, atMs: number): string {
  if (profile !== 'mask') return redactString(text, profile);
  const pieces: string[] = [];
  let at = 0;
  for (const token of scanSecrets(text).tokens) {
    if (token.start < at) continue; // overlaps the token before it, already replaced
    const about = token.kind === 'jws' ? tokenOneLiner(token.text, atMs).text : 'JWE, encrypted';
    pieces.push(text.slice(at, token.start), `[${about}]`);
    at = token.end;
  }
  pieces.push(text.slice(at));
  return redactString(pieces.join(''), profile);
}

/** A deep copy of a JSON-shaped value with every string redacted by {@link redactReportText}. */
function redactDeep<T>(value: T, profile: RedactionProfile, atMs: number): T {
  if (profile === 'none') return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactReportText(v, profile, atMs);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The report's source: as given, with the first top-level page's URL when none is given. */
function sourceOf(entries: readonly LogEntry[], given: ReportSource = { kind: 'capture' }): ReportSource {
  if (given.url) return given;
  for (const { event } of entries)
    if (event.kind === 'hook.installed' && event.top && event.url) return { ...given, url: event.url };
  return given;
}

/** Every seq the attempts' steps and the findings cite. */
function citedSeqs(attempts: readonly SsoAttempt[], findings: readonly Finding[]): Set<number> {
  const seqs = new Set<number>();
  for (const a of attempts) {
    seqs.add(a.startSeq);
    for (const s of a.steps) for (const e of s.evidence) seqs.add(e);
  }
  for (const f of findings) for (const e of f.evidence) seqs.add(e);
  return seqs;
}

/**
 * Builds a report of a log: diagnoses the original entries (so redaction cannot change the verdict),
 * then redacts every string of the result with `opts.redaction` ('mask' unless told). Never throws on
 * a log the panel can show (the diagnosis reports a failing check as a finding).
 */
export function buildReport(entries: readonly LogEntry[], opts: ReportOptions = {}): ReportData {
  const redaction = opts.redaction ?? DEFAULT_REDACTION_PROFILE;
  const index = LogIndex.of(entries);
  const nowMs = opts.nowMs ?? index.lastAt;
  const diagnosis = diagnose(index.entries, { nowMs, index });
  const rows = buildTimeline(index.entries, nowMs);
  const start = rows[0]?.at ?? 0;
  const cited = citedSeqs(diagnosis.attempts, diagnosis.findings);
  const citedRows = rows.filter((r) => cited.has(r.seq));
  const excerpt = citedRows.slice(0, REPORT_MAX_ROWS).map((r): ReportRow => ({
    id: r.id,
    seq: r.seq,
    time: `+${formatDuration(r.at - start)}`,
    source: r.source,
    kind: r.kind,
    // A row an injected fault changed says so, as the panel's badge does.
    summary: cut(r.injected ? `${INJECTED_BADGE} ${r.injected}: ${r.summary}` : r.summary, MAX_SUMMARY),
    severity: r.severity,
  }));
  const attempts = redactDeep(diagnosis.attempts, redaction, nowMs);
  const diagrams: Record<string, string> = {};
  for (const attempt of opts.diagram ? attempts : []) {
    try {
      const svg = opts.diagram!(attempt);
      if (svg) diagrams[attempt.id] = redactReportText(svg, redaction, nowMs);
    } catch {
      // A diagram is an extra: the report goes on without it.
    }
  }
  const findings = redactDeep(diagnosis.findings, redaction, nowMs);
  const last = rows.at(-1);
  return {
    tool: 'chat-sso-inspector',
    redaction,
    source: redactDeep(sourceOf(index.entries, opts.source), redaction, nowMs),
    ...(opts.generatedAt !== undefined ? { generatedAt: new Date(opts.generatedAt).toISOString() } : {}),
    ...(opts.version ? { version: opts.version } : {}),
    events: entries.length,
    dropped: opts.dropped ?? 0,
    ...(last ? { span: formatDuration(last.at - start) } : {}),
    ...(findings[0] ? { headline: findings[0] } : {}),
    attempts,
    findings,
    excerpt: redactDeep(excerpt, redaction, nowMs),
    excerptOmitted: citedRows.length - excerpt.length,
    warnings: redactDeep([...(opts.warnings ?? [])], redaction, nowMs),
    diagrams,
  };
}

/** The findings at or above `level` (e.g. 'warning': warnings and errors). */
export function findingsAtLeast(report: Pick<ReportData, 'findings'>, level: FindingSeverity): Finding[] {
  return report.findings.filter((f) => SEVERITY_RANK[f.severity] <= SEVERITY_RANK[level]);
}

/** A doc reference as a link target: only http(s) URLs are linked; anything else is shown as text. */
export function docHref(doc: string): string | undefined {
  return /^https?:\/\//i.test(doc) ? doc : undefined;
}
