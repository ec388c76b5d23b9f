/**
 * The report as Markdown to paste into a ticket (GitHub, Azure DevOps): the same content as the HTML
 * report, compact. Page-derived strings are escaped so that they show as typed: no markup, no raw
 * HTML, no links or images of the page's choosing, no broken table cells.
 */
import type { Finding, SsoAttempt } from '../diagnosis';
import { docHref, type ReportData } from './report';
import { redactionNote, sourceLine } from './reportHtml';

import { SEVERITY_MARK as MARK, STEP_MARK } from './marks.mjs';

/**
 * `text` as literal Markdown inline text (CommonMark, https://spec.commonmark.org/0.31.2/#backslash-escapes):
 * line breaks become spaces; emphasis, code, link, HTML, table and strikethrough characters are
 * backslash-escaped, and so is a leading block marker (heading, list, quote); `://` and `www.` are
 * broken up so that GFM does not turn a page's URL into a link.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .replace(/^(\s*)([#>+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);
}

const evidence = (seqs: readonly number[]) =>
  seqs.length ? ` (evidence ${[...new Set(seqs)].map((s) => `#${s}`).join(', ')})` : '';

function attemptMd(a: SsoAttempt): string {
  const steps = a.steps.map(
    (s, i) => `${i + 1}. ${STEP_MARK[s.status]} ${escapeMarkdown(s.text)}${evidence(s.evidence)}`,
  );
  return [
    `### ${escapeMarkdown(a.outcome)}: ${escapeMarkdown(a.title)}`,
    '',
    escapeMarkdown(a.sentence),
    '',
    ...steps,
  ].join('\n');
}

function findingMd(f: Finding): string {
  const href = docHref(f.doc);
  const doc = href
    ? `[Documentation](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)`
    : `Documentation: ${escapeMarkdown(f.doc)}`;
  return (
    `- ${MARK[f.severity]} **${escapeMarkdown(f.title)}** \`${f.id.replace(/`/g, '')}\`${evidence(f.evidence)}  \n` +
    `  ${escapeMarkdown(f.explanation)}  \n  **Fix:** ${escapeMarkdown(f.fix)} ${doc}`
  );
}

/** The report as GitHub-flavoured Markdown (UTF-8 text). */
export function reportMarkdown(report: ReportData): string {
  const h = report.headline;
  const lines = [
    '## Chat SSO Inspector report',
    '',
    escapeMarkdown(sourceLine(report)),
    '',
    `_${escapeMarkdown(redactionNote(report))}_`,
    '',
    ...report.warnings.map((w) => `> ⚠ ${escapeMarkdown(w)}`),
    ...(report.warnings.length ? [''] : []),
    h
      ? `**Headline:** ${MARK[h.severity]} ${escapeMarkdown(h.title)} \`${h.id.replace(/`/g, '')}\``
      : '**Headline:** no findings: nothing in this capture breaks a documented rule.',
    '',
    `### SSO attempts (${report.attempts.length})`,
    '',
    ...(report.attempts.length
      ? report.attempts.flatMap((a) => [attemptMd(a).replace(/^### /, '#### '), ''])
      : ['No auth token provider invocation, bot sign-in card or OAuthCard in this capture.', '']),
    `### Findings (${report.findings.length})`,
    '',
    ...(report.findings.length ? report.findings.map(findingMd) : ['No findings.']),
    '',
    `### Timeline excerpt (${report.excerpt.length} rows cited as evidence)`,
    '',
  ];
  if (report.excerpt.length) {
    lines.push('| # | time | source | event | summary |', '|---|---|---|---|---|');
    for (const r of report.excerpt)
      lines.push(`| ${[String(r.seq), r.time, r.source, r.kind, r.summary].map(escapeMarkdown).join(' | ')} |`);
    if (report.excerptOmitted) lines.push('', `${report.excerptOmitted} more cited rows not shown.`);
  } else {
    lines.push('No evidence rows.');
  }
  return `${lines.join('\n')}\n`;
}
