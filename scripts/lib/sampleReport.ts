/**
 * The sample report of the README (docs/sample-report.html and .md): the report of one stored live
 * capture, made with the default redaction profile. Written by `npm run docs:report`
 * (scripts/sample-report.mjs); a unit test fails when the committed files are not what this makes.
 */
import { reportDiagrams } from '../../src/analysis/diagram';
import { buildReport } from '../../src/analysis/report/report';
import { reportHtml } from '../../src/analysis/report/reportHtml';
import { reportMarkdown } from '../../src/analysis/report/reportMarkdown';
import type { LogEntry } from '../../src/shared/events';

/** The capture (test/fixtures/captures/<id>.json) the sample is made from: Web Chat SSO on the real bot stack, Direct Line 502. */
export const SAMPLE_CAPTURE = 'sso-failure-502';

/** Where the sample files go, relative to the repository root. */
export const SAMPLE_FILES = { html: 'docs/sample-report.html', md: 'docs/sample-report.md' } as const;

/**
 * The sample report from the capture fixture's text (JSON with `entries`) and the package version.
 * Dated at the capture's last event, so the files change only when the report does.
 */
export function sampleReports(fixtureText: string, version: string): { html: string; md: string } {
  const { entries } = JSON.parse(fixtureText) as { entries: LogEntry[] };
  const report = buildReport(entries, {
    source: { kind: 'capture', name: `${SAMPLE_CAPTURE}.json` },
    generatedAt: Math.round(Math.max(...entries.map((e) => e.event.at))),
    version,
    diagram: reportDiagrams(entries),
  });
  return { html: reportHtml(report), md: reportMarkdown(report) };
}
