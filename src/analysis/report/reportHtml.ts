/**
 * The report as one self-contained HTML file: no script, no external resource, a CSP that forbids
 * both (`default-src 'none'`), inline CSS that follows the reader's light or dark scheme. Every string
 * from the report model is HTML-escaped (the model's strings come from the page: untrusted); evidence
 * links are in-page anchors to the timeline excerpt, so they work offline and without scripts.
 */
import { outcomeTone } from '../diagnosis/types';
import { docHref, type ReportData, type ReportRow } from './report';
import type { Finding, SsoAttempt, Step } from '../diagnosis';

/** The report page's Content Security Policy: nothing loads, nothing runs; inline styles and data: images only. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

import { SEVERITY_MARK as MARK, STEP_MARK } from './marks.mjs';

/** `text` with the five HTML-significant characters as entities: safe in element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c as '&' | '<' | '>' | '"' | "'"],
  );
}

const STYLE = `
:root {
  color-scheme:light dark;
  --fg:#1f1f1f;
  --bg:#fff;
  --muted:#5f6368;
  --line:#dadce0;
  --err:#c5221f;
  --warn:#a35f00;
  --ok:#137333;
  --card:#f8f9fa;
}
@media (prefers-color-scheme:dark) {
  :root {
    --fg:#e8eaed;
    --bg:#202124;
    --muted:#9aa0a6;
    --line:#3c4043;
    --err:#f28b82;
    --warn:#fdd663;
    --ok:#81c995;
    --card:#292a2d;
  }
}
body {
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
  color:var(--fg);
  background:var(--bg);
  margin:0 auto;
  max-width:1100px;
  padding:16px 24px;
}
h1 { font-size:20px;margin:0 0 4px }
h2 { font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px }
.meta,.muted { color:var(--muted) }
code { font:12px ui-monospace,Menlo,Consolas,monospace }
.headline {
  border:1px solid var(--line);
  border-left-width:4px;
  padding:8px 12px;
  margin:12px 0;
  background:var(--card);
}
.sev-error .mark { color:var(--err) }
.sev-warning .mark { color:var(--warn) }
ul.cards { list-style:none;padding:0 }
ul.cards>li { border:1px solid var(--line);border-left-width:4px;padding:8px 12px;margin:8px 0 }
.headline.sev-error,ul.cards>li.sev-error,ul.cards>li.attempt-bad { border-left-color:var(--err) }
.headline.sev-warning,ul.cards>li.sev-warning { border-left-color:var(--warn) }
ul.cards>li.attempt-good { border-left-color:var(--ok) }
.badge { display:inline-block;border-radius:8px;padding:0 8px;font-size:12px;border:1px solid currentColor }
.bad { color:var(--err) }
.good { color:var(--ok) }
.unknown { color:var(--muted) }
ol.steps { margin:4px 0;padding-left:20px }
.step-fail { color:var(--err) }
.evidence { white-space:nowrap }
svg { max-width:100%;height:auto }
table { border-collapse:collapse;width:100%;font-size:12px }
th,td { text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:3px 6px }
td { white-space:nowrap }
td.summary { white-space:normal;word-break:break-word }
tr.sev-error td:first-child { border-left:3px solid var(--err) }
tr.sev-warning td:first-child { border-left:3px solid var(--warn) }
tr:target { background:var(--card);outline:2px solid var(--muted) }
.warnings { color:var(--warn) }
`;

/** In-page link targets of a seq's rows: the first row of that seq in the excerpt. */
function anchorsOf(excerpt: readonly ReportRow[]): Map<number, string> {
  const anchors = new Map<number, string>();
  for (const r of excerpt) if (!anchors.has(r.seq)) anchors.set(r.seq, `row-${r.id}`);
  return anchors;
}

function evidence(seqs: readonly number[], anchors: Map<number, string>): string {
  if (seqs.length === 0) return '';
  const links = [...new Set(seqs)].map((s) => {
    const anchor = anchors.get(s);
    return anchor ? `<a href="#${escapeHtml(anchor)}">#${s}</a>` : `#${s}`;
  });
  return ` <span class="evidence muted">evidence: ${links.join(' ')}</span>`;
}

function stepHtml(s: Step, anchors: Map<number, string>): string {
  const text = `${STEP_MARK[s.status]} ${escapeHtml(s.text)}`;
  return `<li class="step-${s.status}">${text}${evidence(s.evidence, anchors)}</li>`;
}

function attemptHtml(a: SsoAttempt, svg: string | undefined, anchors: Map<number, string>): string {
  const tone = outcomeTone(a.outcome);
  return (
    `<li class="attempt-${tone}" data-outcome="${escapeHtml(a.outcome)}">` +
    `<div><span class="badge ${tone}">${escapeHtml(a.outcome)}</span> ` +
    `<strong>${escapeHtml(a.title)}</strong></div><p>${escapeHtml(a.sentence)}</p>` +
    `<ol class="steps">${a.steps.map((s) => stepHtml(s, anchors)).join('')}</ol>` +
    (svg ? `<figure class="diagram">${svg}</figure>` : '') +
    '</li>'
  );
}

function docHtml(doc: string): string {
  const href = docHref(doc);
  return href
    ? `<a href="${escapeHtml(href)}" rel="noreferrer noopener" target="_blank">Documentation</a>`
    : `Documentation: <code>${escapeHtml(doc)}</code>`;
}

function findingHtml(f: Finding, anchors: Map<number, string>): string {
  return (
    `<li class="sev-${f.severity}" data-check-id="${escapeHtml(f.id)}">` +
    `<div><span class="mark">${MARK[f.severity]}</span> ` +
    `<strong>${escapeHtml(f.title)}</strong> <code>${escapeHtml(f.id)}</code></div>` +
    `<p>${escapeHtml(f.explanation)}</p><p><b>Fix:</b> ${escapeHtml(f.fix)}</p>` +
    `<p>${docHtml(f.doc)}${evidence(f.evidence, anchors)}</p></li>`
  );
}

function rowHtml(r: ReportRow): string {
  return (
    `<tr id="row-${escapeHtml(r.id)}" class="sev-${r.severity}"><td>#${r.seq}</td><td>${escapeHtml(r.time)}</td>` +
    `<td>${escapeHtml(r.source)}</td><td>${escapeHtml(r.kind)}</td>` +
    `<td class="summary">${escapeHtml(r.summary)}</td></tr>`
  );
}

/** The header line: where the log came from, its size, the redaction. */
export function sourceLine(report: ReportData): string {
  const { source } = report;
  const parts = [
    `${source.kind}${source.name ? ` ${source.name}` : ''}`,
    ...(source.url ? [source.url] : []),
    `${report.events} events${report.span ? ` over ${report.span}` : ''}`,
    ...(report.dropped ? [`${report.dropped} dropped before export`] : []),
    `redaction: ${report.redaction}`,
    ...(report.generatedAt ? [`generated ${report.generatedAt}`] : []),
    ...(report.version ? [`Chat SSO Inspector ${report.version}`] : []),
  ];
  return parts.join(' · ');
}

/** What the redaction profile means for a reader of the report. */
export function redactionNote(report: ReportData): string {
  switch (report.redaction) {
    case 'none':
      return (
        'Not redacted: this report may contain tokens and other secrets. ' +
        'Share it only with people who may see them.'
      );
    case 'mask':
      return (
        'Redacted (mask): tokens are shown only as a description of their claims; ' +
        'signatures and secret values are hidden.'
      );
    case 'remove':
      return 'Redacted (remove): tokens and secret values are hidden.';
  }
}

/**
 * The report as a self-contained HTML document (UTF-8 text). It opens offline, runs no script, and
 * loads nothing (see REPORT_CSP).
 */
export function reportHtml(report: ReportData): string {
  const anchors = anchorsOf(report.excerpt);
  const h = report.headline;
  const headline = h
    ? `<div class="headline sev-${h.severity}" data-testid="headline" data-check-id="${escapeHtml(h.id)}">` +
      `<span class="mark">${MARK[h.severity]}</span> <strong>${escapeHtml(h.title)}</strong> ` +
      `<code>${escapeHtml(h.id)}</code>` +
      `<div>${escapeHtml(h.explanation)}</div></div>`
    : '<div class="headline sev-info" data-testid="headline">' +
      'No findings: nothing in this capture breaks a documented rule.</div>';
  const attempts = report.attempts.length
    ? `<ul class="cards">${report.attempts.map((a) => attemptHtml(a, report.diagrams[a.id], anchors)).join('')}</ul>`
    : '<p class="muted">No auth token provider invocation, bot sign-in card or OAuthCard in this capture.</p>';
  const findings = report.findings.length
    ? `<ul class="cards">${report.findings.map((f) => findingHtml(f, anchors)).join('')}</ul>`
    : '<p class="muted">No findings.</p>';
  const omitted = report.excerptOmitted
    ? `<p class="muted">${report.excerptOmitted} more cited rows not shown.</p>`
    : '';
  const excerpt = report.excerpt.length
    ? `<table><thead><tr><th>#</th><th>time</th><th>source</th><th>event</th><th>summary</th></tr></thead>` +
      `<tbody>${report.excerpt.map(rowHtml).join('')}</tbody></table>${omitted}`
    : '<p class="muted">No evidence rows.</p>';
  const warnings = report.warnings.length
    ? `<ul class="warnings">${report.warnings.map((w) => `<li>⚠ ${escapeHtml(w)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat SSO Inspector report${h ? ` — ${escapeHtml(h.title)}` : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Chat SSO Inspector report</h1>
<p class="meta">${escapeHtml(sourceLine(report))}</p>
<p class="meta">${escapeHtml(redactionNote(report))}</p>
${warnings}${headline}
<h2>SSO attempts (${report.attempts.length})</h2>
${attempts}
<h2>Findings (${report.findings.length})</h2>
${findings}
<h2>Timeline excerpt (${report.excerpt.length} rows cited as evidence)</h2>
${excerpt}
</body>
</html>
`;
}
