/**
 * Export of the capture (versioned JSON), of the Web Chat transcript, and of the shareable report (HTML that runs
 * no script, or Markdown for a ticket); all redacted by the profile picked here ('mask' by default).
 */
import { useState } from 'preact/hooks';
import { buildCaptureFile } from '../src/analysis/formats/capture';
import { DEFAULT_REDACTION_PROFILE, type RedactionProfile } from '../src/analysis/formats/redact';
import { buildReport, type ReportOptions } from '../src/analysis/report/report';
import { reportHtml } from '../src/analysis/report/reportHtml';
import { reportMarkdown } from '../src/analysis/report/reportMarkdown';
import { buildTranscript } from '../src/analysis/formats/transcript';
import type { LogEntry } from '../src/shared/events';
import { reportDiagrams } from '../src/analysis/diagram';

/** Offers `text` (or a Blob's bytes) as a file download (an object URL on a temporary anchor). */
export function download(name: string, text: string | Blob, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/** The report's two renderings, each a button. */
const REPORT_EXPORTS = [
  {
    testId: 'export-report-html',
    label: 'Export report',
    title: 'Save a report to share: headline, SSO attempts, findings and the rows behind them (HTML, opens offline)',
    extension: 'html',
    type: 'text/html',
    render: reportHtml,
  },
  {
    testId: 'export-report-md',
    label: 'Report .md',
    title: 'Save the same report as Markdown, to paste into a ticket',
    extension: 'md',
    type: 'text/markdown',
    render: reportMarkdown,
  },
] as const;

export function ExportMenu({
  entries,
  extensionVersion,
  tabUrl,
  dropped,
}: {
  entries: LogEntry[];
  extensionVersion: string;
  tabUrl?: string;
  dropped?: number;
}) {
  const [profile, setProfile] = useState<RedactionProfile>(DEFAULT_REDACTION_PROFILE);
  const disabled = entries.length === 0;
  const report = () => {
    const opts: ReportOptions = {
      redaction: profile,
      generatedAt: Date.now(),
      version: extensionVersion,
      diagram: reportDiagrams(entries),
    };
    if (tabUrl) opts.source = { kind: 'capture', url: tabUrl };
    if (dropped) opts.dropped = dropped;
    return buildReport(entries, opts);
  };
  return (
    <span class="export" role="group" aria-label="Export">
      <select
        aria-label="Redaction of exports"
        value={profile}
        onChange={(e) => setProfile(e.currentTarget.value as RedactionProfile)}
        data-testid="redaction"
        title="Tokens: mask keeps claims and drops signatures; remove drops tokens; none keeps them (secrets!)"
      >
        <option value="mask">redact: mask</option>
        <option value="remove">redact: remove</option>
        <option value="none">redact: none ⚠ secrets</option>
      </select>
      <button
        type="button"
        disabled={disabled}
        data-testid="export-capture"
        title="Save this tab's capture as a JSON file"
        onClick={() => {
          const file = buildCaptureFile(entries, {
            exportedAt: Date.now(),
            extensionVersion,
            redaction: profile,
            ...(tabUrl ? { tabUrl } : {}),
            ...(dropped ? { dropped } : {}),
          });
          download(`chat-sso-capture-${stamp()}.json`, JSON.stringify(file, null, 1));
        }}
      >
        Export capture
      </button>
      <button
        type="button"
        disabled={disabled}
        data-testid="export-transcript"
        title="Save the Web Chat activities as a Bot Framework Emulator .transcript file"
        onClick={() =>
          download(`chat-sso-${stamp()}.transcript`, JSON.stringify(buildTranscript(entries, profile), null, 1))
        }
      >
        Export .transcript
      </button>
      {REPORT_EXPORTS.map((r) => (
        <button
          key={r.testId}
          type="button"
          disabled={disabled}
          data-testid={r.testId}
          title={r.title}
          onClick={() => download(`chat-sso-report-${stamp()}.${r.extension}`, r.render(report()), r.type)}
        >
          {r.label}
        </button>
      ))}
    </span>
  );
}
