/**
 * Opening a file a user hands us: a capture exported by the panel (src/analysis/formats/capture.ts)
 * or a HAR saved from a browser's Network panel (src/analysis/formats/har.ts). One reader for every
 * place that opens files: the command-line analyzer and the viewer. Pure: takes
 * the file's text, reads nothing from disk.
 */
import type { LogEntry } from '../../shared/events';
import { parseCaptureFile } from './capture';
import { harToEntries, isHar } from './har';

/** A file read into log entries. */
export interface LoadedLog {
  /** The file's name as given (for messages and the report's header). */
  name: string;
  kind: 'capture' | 'HAR';
  entries: LogEntry[];
  /** What could not be read, one sentence each (skipped entries, missing bodies); the rest is still analysed. */
  warnings: string[];
  /** Entries the tab's log had dropped before a capture was exported (count), when any. */
  dropped?: number;
  /** The page the capture or HAR came from, when the file says. */
  pageUrl?: string;
}

/** The two kinds of file we open, for messages. */
export const OPENABLE_FILES = 'a capture exported by Chat SSO Inspector (.json) or a HAR file (.har)';

/**
 * Reads a capture or HAR file from its text. Throws an Error whose message says what is wrong and
 * what to open instead: not JSON, or JSON that is neither a capture nor a HAR (the capture reader's
 * and the HAR reader's own messages).
 */
export function readLogFile(name: string, text: string): LoadedLog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON. Open ${OPENABLE_FILES}.`);
  }
  if (isHar(json)) {
    const har = harToEntries(json);
    const skipped = har.skipped ? [`${har.skipped} HAR entries could not be read and were skipped.`] : [];
    return {
      name,
      kind: 'HAR',
      entries: har.entries,
      warnings: [...har.warnings, ...skipped],
      ...(har.pageUrl ? { pageUrl: har.pageUrl } : {}),
    };
  }
  const capture = parseCaptureFile(json);
  const { dropped, tabUrl } = capture.meta;
  return {
    name,
    kind: 'capture',
    entries: capture.entries,
    warnings: capture.warnings,
    ...(dropped ? { dropped } : {}),
    ...(tabUrl ? { pageUrl: tabUrl } : {}),
  };
}
