// The diagnosis for a terminal: headline first, then the attempts (with their steps, when known) and the
// other findings (with explanation and fix, when known). One printer for the command-line analyzer
// (src/cli/analyze.ts) and for scripts that read the panel (scripts/lib/panelReader.mjs). Plain
// JavaScript so that both Node scripts and the bundled CLI can load it.

import { SEVERITY_MARK as MARK, STEP_MARK } from '../analysis/report/marks.mjs';

/**
 * A page string made safe for a terminal: control characters (ANSI escape sequences, carriage returns,
 * bells) and line breaks become spaces, so a hostile page cannot rewrite or hide what is printed.
 * @param {unknown} text
 * @returns {string}
 */
export function terminalText(text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * @typedef {{ id: string | null, severity: 'error' | 'warning' | 'info', title: string, explanation?: string, fix?: string, evidence?: number[] }} PrintedFinding
 * @typedef {{ outcome: string, sentence: string, title?: string, steps?: { text: string, status: 'ok' | 'fail' | 'info', evidence: number[] }[] }} PrintedAttempt
 */

/**
 * The diagnosis as terminal lines: `findings[0]` is the headline (findings come sorted, most severe first).
 * @param {{ attempts: PrintedAttempt[], findings: PrintedFinding[] }} d
 * @returns {string}
 */
export function formatDiagnosis(d) {
  const t = terminalText;
  const refs = (seqs) => (seqs?.length ? `  (${[...new Set(seqs)].map((s) => `#${s}`).join(' ')})` : '');
  const details = (f) => [
    ...(f.explanation !== undefined ? [`        ${t(f.explanation)}`] : []),
    ...(f.fix !== undefined ? [`        fix: ${t(f.fix)}`] : []),
  ];
  const lines = [];
  const [head, ...rest] = d.findings;
  if (head)
    lines.push(
      `  ${MARK[head.severity]} HEADLINE ${t(head.title)} [${t(head.id)}]${refs(head.evidence)}`,
      ...details(head),
    );
  else lines.push('  No findings.');
  for (const a of d.attempts) {
    lines.push(`  → ${t(a.outcome).toUpperCase()}: ${t(a.sentence)}`);
    for (const s of a.steps ?? []) lines.push(`      ${STEP_MARK[s.status] ?? '•'} ${t(s.text)}${refs(s.evidence)}`);
  }
  for (const f of rest)
    lines.push(`    ${MARK[f.severity]} ${t(f.title)} [${t(f.id)}]${refs(f.evidence)}`, ...details(f));
  return lines.join('\n');
}
