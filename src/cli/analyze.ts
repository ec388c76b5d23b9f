/**
 * `chat-sso-inspector analyze <capture.json | file.har>`: the panel's analysis from the command line.
 * Reads the file with the viewer's readers (src/analysis/formats/logFile.ts), diagnoses it with the
 * same checks, and prints the report (src/analysis/report/report.ts) as text, JSON, Markdown or HTML.
 * Exit codes: EXIT below. Usage: README ("Command-line analyzer").
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { FindingSeverity } from '../analysis/diagnosis';
import { readLogFile } from '../analysis/formats/logFile';
import { DEFAULT_REDACTION_PROFILE, REDACTION_PROFILES, type RedactionProfile } from '../analysis/formats/redact';
import { buildReport, findingsAtLeast, type ReportData } from '../analysis/report/report';
import { reportHtml, sourceLine } from '../analysis/report/reportHtml';
import { reportMarkdown } from '../analysis/report/reportMarkdown';
import { errorMessage } from '../analysis/model/format';
import { formatDiagnosis, terminalText } from './terminal.mjs';
import { reportDiagrams } from '../analysis/diagram';

/** The process exit codes. */
export const EXIT = {
  /** No finding at or above --fail-on. */
  clean: 0,
  /** At least one finding at or above --fail-on. */
  findings: 1,
  /** The file could not be read as a capture or HAR, or the command line was wrong. */
  unreadable: 2,
} as const;

export const FORMATS = ['text', 'json', 'md', 'html'] as const;
export type OutputFormat = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning'] as const satisfies readonly FindingSeverity[];
/**
 * Findings that fail the run unless --fail-on says otherwise: errors. Warnings are often expected (a HAR
 * cannot show everything), so failing on them is a choice (`--fail-on warning`).
 */
export const DEFAULT_FAIL_ON: (typeof FAIL_ON)[number] = 'error';

export const USAGE = `Usage: chat-sso-inspector analyze <capture.json | file.har> [options]

Diagnoses single sign-on in a capture exported by the Chat SSO Inspector panel, or in a HAR saved from
a browser's Network panel, with the panel's checks. Prints the headline, the SSO attempts, the findings.

Options:
  --format text|json|md|html   output (default text); md and html are the shareable report
  --fail-on error|warning      exit 1 when a finding is at least this severe (default ${DEFAULT_FAIL_ON})
  --redaction none|mask|remove hide token signatures and secrets (default ${DEFAULT_REDACTION_PROFILE})
  -h, --help                   this help
  -v, --version                the version

Exit codes: 0 no finding at or above --fail-on, 1 some, 2 unreadable input or bad options.`;

/** Where the command writes; `process` in the real bin, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads a file as UTF-8; throws Node's errors (ENOENT, EISDIR…). */
  readFile(path: string): string;
  /** ms since the Unix epoch. */
  now(): number;
  version: string;
}

/** A wrong command line: exit 2 with this message and the usage. */
class UsageError extends Error {}

function pick<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}").`);
}

/** Node's file errors in words. */
function readError(path: string, e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === 'ENOENT') return `${path}: no such file.`;
  if (code === 'EISDIR') return `${path} is a folder, not a file.`;
  if (code === 'EACCES' || code === 'EPERM') return `${path} cannot be read (permission denied).`;
  return `${path} cannot be read: ${errorMessage(e)}`;
}

/** The text output: a header line, the diagnosis (terminal printer), then what the file lacked. */
function textOutput(report: ReportData): string {
  const lines = [`Chat SSO Inspector: ${terminalText(sourceLine(report))}`, formatDiagnosis(report)];
  if (report.events === 0) lines.push('  Nothing to analyse: the file holds no chat or sign-in event.');
  if (report.warnings.length) lines.push(...report.warnings.map((w) => `  ⚠ ${terminalText(w)}`));
  return `${lines.join('\n')}\n`;
}

function render(report: ReportData, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return reportMarkdown(report);
    case 'html':
      return reportHtml(report);
    case 'text':
      return textOutput(report);
  }
}

/**
 * Runs the command line `argv` (without node and the script). Returns the exit code (EXIT); never
 * throws: a wrong command line or an unreadable file is reported on `io.err` with exit 2.
 */
export function runCli(argv: readonly string[], io: CliIo): number {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    io.err(`chat-sso-inspector: ${errorMessage(e, 500)}\n\n${USAGE}\n`);
    return EXIT.unreadable;
  }
  if (args.help) {
    io.out(`${USAGE}\n`);
    return EXIT.clean;
  }
  if (args.version) {
    io.out(`${io.version}\n`);
    return EXIT.clean;
  }
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    io.err(`chat-sso-inspector: ${readError(args.file, e)}\n`);
    return EXIT.unreadable;
  }
  let report: ReportData;
  try {
    const log = readLogFile(basename(args.file), text);
    report = buildReport(log.entries, {
      redaction: args.redaction,
      diagram: reportDiagrams(log.entries),
      source: { kind: log.kind, name: log.name, ...(log.pageUrl ? { url: log.pageUrl } : {}) },
      generatedAt: io.now(),
      version: io.version,
      warnings: log.warnings,
      ...(log.dropped ? { dropped: log.dropped } : {}),
    });
  } catch (e) {
    io.err(`chat-sso-inspector: cannot analyse ${args.file}: ${errorMessage(e, 1000)}\n`);
    return EXIT.unreadable;
  }
  io.out(render(report, args.format));
  return findingsAtLeast(report, args.failOn).length > 0 ? EXIT.findings : EXIT.clean;
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      redaction: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  const base = {
    format: pick('format', values.format, FORMATS, 'text'),
    failOn: pick('fail-on', values['fail-on'], FAIL_ON, DEFAULT_FAIL_ON),
    redaction: pick<RedactionProfile>('redaction', values.redaction, REDACTION_PROFILES, DEFAULT_REDACTION_PROFILE),
    help: values.help === true,
    version: values.version === true,
  };
  if (base.help || base.version) return { ...base, file: '' };
  const [command, file, ...extra] = positionals;
  if (command === undefined) throw new UsageError('no command given.');
  if (command !== 'analyze') throw new UsageError(`unknown command "${command}" (the command is "analyze").`);
  if (file === undefined) throw new UsageError('no file given: name a capture (.json) or a HAR (.har).');
  if (extra.length) throw new UsageError(`one file at a time (also got ${extra.join(' ')}).`);
  return { ...base, file };
}

/** The real process's io. */
export function processIo(version: string): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    readFile: (path) => readFileSync(path, 'utf8'),
    now: () => Date.now(),
    version,
  };
}
