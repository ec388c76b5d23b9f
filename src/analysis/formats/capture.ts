/**
 * The export file of a tab's capture: a versioned JSON envelope around the (redacted) log entries,
 * and its reader, which validates every entry against the event schemas and skips bad ones.
 * Format, redaction profiles and versioning policy: docs/capture-format.md ("Export file").
 */
import * as v from 'valibot';
import { MAX_STRING } from '../../shared/constants';
import { HookEventSchema, type BackgroundEvent, type LogEntry } from '../../shared/events';
import { readFaultSet, type Fault } from '../../shared/faults';
import { depthOver, MAX_EVENT_DEPTH } from '../../shared/messages';
import { counted, safeText } from '../model/format';
import { REDACTION_PROFILES, redactEntries, redactString, type RedactionProfile } from './redact';

/** The `format` string every export file carries. */
export const CAPTURE_FORMAT = 'chat-sso-inspector.capture';
/** The format version this build writes and the newest it reads. */
export const CAPTURE_VERSION = 1;

/** An export file as written by {@link buildCaptureFile} (JSON). */
export interface CaptureFile {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  /** When the file was written, ISO 8601 (UTC). */
  exportedAt: string;
  /** The extension's manifest version that wrote it. */
  extensionVersion: string;
  /** How secrets were redacted (docs/capture-format.md, "Redaction"). */
  redaction: RedactionProfile;
  /** Where the capture came from; `tabUrl` redacted like the entries. */
  source: { tabUrl?: string };
  /** Entries the tab's log had dropped before export (count). */
  dropped: number;
  entries: LogEntry[];
}

/**
 * What {@link parseCaptureFile} knows about a file besides its entries. Fields the file got wrong are absent (with a
 * warning).
 */
export interface CaptureMeta {
  version: number;
  /** ISO 8601. */
  exportedAt?: string;
  extensionVersion?: string;
  redaction?: RedactionProfile;
  tabUrl?: string;
  /** Entries dropped before export (count); 0 when absent. */
  dropped: number;
}

const ms = v.pipe(v.number(), v.finite());
const text = v.pipe(v.string(), v.maxLength(MAX_STRING));

/** A coalesced, counted background entry (`relay.rejected`, `log.dropped`). */
const countedEntry = <K extends 'relay.rejected' | 'log.dropped'>(kind: K) =>
  v.object({
    kind: v.literal(kind),
    at: ms,
    t: ms,
    count: v.pipe(v.number(), v.integer(), v.minValue(0)),
    reasons: v.pipe(v.array(text), v.maxLength(100)),
  });

/** A list of injected faults (src/shared/faults.ts: readFaultSet's rules), with only their known fields kept. */
const faultsOf = (x: unknown) => readFaultSet({ faults: x, keepAcrossReload: false })?.faults;
const FaultListSchema = v.pipe(
  v.custom<Fault[]>((x) => faultsOf(x) !== undefined, 'is not a list of faults (at most one per id)'),
  v.transform((x) => faultsOf(x)!),
);

/** The events the background adds itself (`BackgroundEvent` in src/shared/events.ts). */
export const BackgroundEventSchema: v.GenericSchema<BackgroundEvent> = v.variant('kind', [
  v.object({
    kind: v.literal('budget.exceeded'),
    at: ms,
    t: ms,
    invocationId: v.pipe(v.string(), v.maxLength(64)),
    limitMs: ms,
  }),
  countedEntry('relay.rejected'),
  countedEntry('log.dropped'),
  v.object({
    kind: v.literal('faults.changed'),
    at: ms,
    t: ms,
    faults: FaultListSchema,
    keepAcrossReload: v.boolean(),
  }),
]);

const BACKGROUND_KINDS = new Set(['budget.exceeded', 'relay.rejected', 'log.dropped', 'faults.changed']);

const EntryShapeSchema = v.object({
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
  frameId: v.pipe(v.number(), v.integer(), v.minValue(-1)),
  event: v.object({ kind: v.string() }),
});

const MetaSchemas = {
  exportedAt: v.pipe(
    v.string(),
    v.check((s) => !Number.isNaN(Date.parse(s)), 'Expected an ISO 8601 time'),
  ),
  extensionVersion: v.pipe(v.string(), v.maxLength(64)),
  redaction: v.picklist(REDACTION_PROFILES),
  source: v.object({ tabUrl: v.optional(text) }),
  dropped: v.pipe(v.number(), v.integer(), v.minValue(0)),
};

/**
 * Builds the export file of a tab's log: entries redacted with `meta.redaction` (the source URL
 * too), `exportedAt` (ms since the Unix epoch) written as ISO 8601, `dropped` defaulting to 0.
 * Throws RangeError when `exportedAt` is not a valid time.
 */
export function buildCaptureFile(
  entries: readonly LogEntry[],
  meta: {
    exportedAt: number;
    extensionVersion: string;
    tabUrl?: string;
    dropped?: number;
    redaction: RedactionProfile;
  },
): CaptureFile {
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    exportedAt: new Date(meta.exportedAt).toISOString(),
    extensionVersion: meta.extensionVersion,
    redaction: meta.redaction,
    source: meta.tabUrl === undefined ? {} : { tabUrl: redactString(meta.tabUrl, meta.redaction) },
    dropped: meta.dropped ?? 0,
    entries: redactEntries(entries, meta.redaction),
  };
}

const OPEN_HINT = 'Open a file saved with the Export button of the Chat SSO Inspector panel.';

/** The first issue of a failed parse, as "path: message". */
function describeIssue(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = issue.path?.map((p) => safeText(p.key, 80)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Reads the envelope fields that decide whether this is a capture at all; throws when it is not. */
function readEnvelope(json: unknown): { record: Record<string, unknown>; version: number; rawEntries: unknown[] } {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Error(`This file is not JSON, so it is not a capture. ${OPEN_HINT}`);
    }
  }
  if (Array.isArray(value))
    throw new Error(`This file is a JSON array (a Bot Framework .transcript?), not a capture. ${OPEN_HINT}`);
  if (!value || typeof value !== 'object')
    throw new Error(`This file is not a JSON object, so it is not a capture. ${OPEN_HINT}`);
  const record = value as Record<string, unknown>;
  if (!v.is(v.literal(CAPTURE_FORMAT), record.format)) {
    const found =
      typeof record.format === 'string' ? `its format is "${record.format.slice(0, 80)}"` : 'it has no "format" field';
    throw new Error(
      `This file is not a Chat SSO Inspector capture (${found}; expected "${CAPTURE_FORMAT}"). ${OPEN_HINT}`,
    );
  }
  const version = record.version;
  if (!v.is(v.pipe(v.number(), v.integer(), v.minValue(1)), version)) {
    throw new Error(
      `This capture has no valid "version" (found ${version === undefined ? 'nothing' : safeText(version, 80)}); ` +
        'the file may be damaged. Export the capture again.',
    );
  }
  if (version > CAPTURE_VERSION) {
    throw new Error(
      `This capture was exported by a newer version (v${version}) of the capture format; ` +
        `this extension reads up to v${CAPTURE_VERSION}. Update Chat SSO Inspector to open it.`,
    );
  }
  if (!Array.isArray(record.entries))
    throw new Error('This capture has no "entries" list; the file may be damaged. Export the capture again.');
  return { record, version, rawEntries: record.entries };
}

/** Reads the descriptive envelope fields; a bad one is left out with a warning rather than failing the file. */
function readMeta(record: Record<string, unknown>, version: number, warnings: string[]): CaptureMeta {
  const meta: CaptureMeta = { version, dropped: 0 };
  const read = <K extends keyof typeof MetaSchemas>(
    key: K,
    label: string,
  ): v.InferOutput<(typeof MetaSchemas)[K]> | undefined => {
    if (record[key] === undefined) {
      warnings.push(`The file has no ${label}.`);
      return undefined;
    }
    const result = v.safeParse(MetaSchemas[key], record[key]);
    if (!result.success)
      warnings.push(`The file's ${label} is not valid (${describeIssue(result.issues)}); it was ignored.`);
    return result.success ? (result.output as v.InferOutput<(typeof MetaSchemas)[K]>) : undefined;
  };
  const exportedAt = read('exportedAt', 'export time');
  const extensionVersion = read('extensionVersion', 'extension version');
  const redaction = read('redaction', 'redaction profile');
  const source = record.source === undefined ? undefined : read('source', 'source');
  const dropped = record.dropped === undefined ? undefined : read('dropped', 'dropped-entry count');
  if (exportedAt !== undefined) meta.exportedAt = exportedAt;
  if (extensionVersion !== undefined) meta.extensionVersion = extensionVersion;
  if (redaction !== undefined) meta.redaction = redaction;
  if (source?.tabUrl !== undefined) meta.tabUrl = source.tabUrl;
  if (dropped !== undefined) meta.dropped = dropped;
  return meta;
}

/** Validates one entry: its shape, then its event against the hook or background schema. */
function readEntry(raw: unknown): { ok: true; entry: LogEntry } | { ok: false; reason: string } {
  const shape = v.safeParse(EntryShapeSchema, raw);
  if (!shape.success) return { ok: false, reason: describeIssue(shape.issues) };
  const event = (raw as { event: unknown }).event;
  // The schemas recurse (summaries): bound the depth first, as the relay does, so validation cannot overflow.
  if (depthOver(event, MAX_EVENT_DEPTH))
    return {
      ok: false,
      reason: `event (${shape.output.event.kind.slice(0, 40)}) nested deeper than ${MAX_EVENT_DEPTH} levels`,
    };
  const parsed = BACKGROUND_KINDS.has(shape.output.event.kind)
    ? v.safeParse(BackgroundEventSchema, event)
    : v.safeParse(HookEventSchema, event);
  if (!parsed.success)
    return { ok: false, reason: `event (${shape.output.event.kind.slice(0, 40)}) ${describeIssue(parsed.issues)}` };
  return { ok: true, entry: { seq: shape.output.seq, frameId: shape.output.frameId, event: parsed.output } };
}

/**
 * Reads an export file (parsed JSON, or its text). Entries that fail their schema, or repeat a
 * `seq`, are skipped and reported in `warnings` (with the first reason); entries come back in
 * `seq` order. Throws an Error saying what to do only when the file is not a capture at all: not
 * JSON, not an object, another `format`, no valid `version`, a newer `version`, or no `entries` list.
 */
export function parseCaptureFile(json: unknown): { entries: LogEntry[]; meta: CaptureMeta; warnings: string[] } {
  const { record, version, rawEntries } = readEnvelope(json);
  const warnings: string[] = [];
  const meta = readMeta(record, version, warnings);
  const entries: LogEntry[] = [];
  const seen = new Set<number>();
  let invalid = 0;
  let firstReason = '';
  let repeated = 0;
  for (const [index, raw] of rawEntries.entries()) {
    const result = readEntry(raw);
    if (!result.ok) {
      if (invalid++ === 0) firstReason = `entry ${index + 1}: ${result.reason}`;
      continue;
    }
    if (seen.has(result.entry.seq)) {
      repeated++;
      continue;
    }
    seen.add(result.entry.seq);
    entries.push(result.entry);
  }
  if (invalid)
    warnings.push(
      `${counted(invalid, 'entry was', 'entries were')} not valid and ` +
        `${invalid === 1 ? 'was' : 'were'} skipped (first: ${firstReason}).`,
    );
  if (repeated)
    warnings.push(
      `${counted(repeated, 'entry repeats', 'entries repeat')} a seq ` +
        `already used and ${repeated === 1 ? 'was' : 'were'} skipped.`,
    );
  if (entries.some((e, i) => i > 0 && e.seq < entries[i - 1]!.seq)) {
    entries.sort((a, b) => a.seq - b.seq);
    warnings.push('The entries were not in seq order; they were sorted by seq.');
  }
  return { entries, meta, warnings };
}
