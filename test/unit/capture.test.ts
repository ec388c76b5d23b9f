/**
 * The export file: building it from captured logs, reading it back, and how the reader treats
 * files that are not captures, newer versions and invalid entries.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCaptureFile,
  CAPTURE_FORMAT,
  CAPTURE_VERSION,
  parseCaptureFile,
} from '../../src/analysis/formats/capture';
import { redactEntries } from '../../src/analysis/formats/redact';
import type { LogEntry } from '../../src/shared/events';
import { capture, CAPTURE_IDS } from '../helpers/captures';

const EXPORTED_AT = Date.UTC(2026, 10, 21, 3, 30, 0); // ms
const meta = { exportedAt: EXPORTED_AT, extensionVersion: '0.1.0', redaction: 'mask' as const };
/** A file as it comes back from disk. */
const roundTrip = (file: unknown) => JSON.parse(JSON.stringify(file)) as Record<string, unknown>;

describe('buildCaptureFile', () => {
  it('writes the envelope and redacts the entries and the tab URL', () => {
    const entries = capture('sso-success');
    const file = buildCaptureFile(entries, { ...meta, tabUrl: 'https://portal.test/chat?code=AUTHCODE&lang=en' });
    expect(file).toMatchObject({
      format: CAPTURE_FORMAT,
      version: CAPTURE_VERSION,
      exportedAt: '2026-11-21T03:30:00.000Z',
      extensionVersion: '0.1.0',
      redaction: 'mask',
      dropped: 0,
    });
    expect(file.source.tabUrl).toMatch(/^https:\/\/portal\.test\/chat\?code=•••[0-9a-f]{8}&lang=en$/);
    expect(file.entries).toEqual(redactEntries(entries, 'mask'));
  });

  it("keeps entries as they are with the 'none' profile, and records dropped entries", () => {
    const entries = capture('fast');
    const file = buildCaptureFile(entries, { ...meta, redaction: 'none', dropped: 12 });
    expect(file.entries).toEqual(entries);
    expect(file.dropped).toBe(12);
    expect(file.source).toEqual({});
  });

  it('throws RangeError for an invalid export time', () => {
    expect(() => buildCaptureFile([], { ...meta, exportedAt: Number.NaN })).toThrow(RangeError);
  });
});

describe('parseCaptureFile', () => {
  it.each(CAPTURE_IDS)('reads back the %s capture exactly, without warnings', (id) => {
    const file = buildCaptureFile(capture(id), { ...meta, tabUrl: 'https://portal.test/', dropped: 3 });
    const parsed = parseCaptureFile(roundTrip(file));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.entries).toEqual(file.entries);
    expect(parsed.meta).toEqual({
      version: 1,
      exportedAt: '2026-11-21T03:30:00.000Z',
      extensionVersion: '0.1.0',
      redaction: 'mask',
      tabUrl: 'https://portal.test/',
      dropped: 3,
    });
  });

  it('also accepts the file text', () => {
    const file = buildCaptureFile(capture('fast'), meta);
    expect(parseCaptureFile(JSON.stringify(file)).entries).toHaveLength(file.entries.length);
  });

  it('says so when the capture comes from a newer version', () => {
    const file = { ...roundTrip(buildCaptureFile(capture('fast'), meta)), version: 2 };
    expect(() => parseCaptureFile(file)).toThrow(/exported by a newer version \(v2\).*Update Chat SSO Inspector/);
  });

  it.each([
    ['text that is not JSON', '{oops', /not JSON/],
    ['a JSON array (a transcript)', [{ type: 'message' }], /JSON array.*transcript/],
    ['a number', 42, /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['an object without format', { entries: [] }, /no "format" field.*Export button/],
    ['another format', { format: 'saml-tracer', entries: [] }, /format is "saml-tracer"/],
    ['a capture without version', { format: CAPTURE_FORMAT, entries: [] }, /no valid "version"/],
    ['a capture without entries', { format: CAPTURE_FORMAT, version: 1 }, /no "entries" list/],
  ])('refuses %s with a message that says what to do', (_label, input, message) => {
    expect(() => parseCaptureFile(input)).toThrow(message);
  });

  it('skips invalid entries, counts them in a warning, and keeps the rest', () => {
    const file = roundTrip(buildCaptureFile(capture('fast'), meta));
    const entries = file.entries as LogEntry[];
    const good = entries.length;
    const bad: unknown[] = [
      { seq: 9001, frameId: 0, event: { kind: 'no.such.kind', t: 1, at: 2 } },
      { seq: 9002, frameId: 0, event: { kind: 'provider.invoke', t: 1, at: 2, role: 'auth' } }, // no invocationId
      'not an entry',
    ];
    const parsed = parseCaptureFile({ ...file, entries: [...entries, ...bad] });
    expect(parsed.entries).toHaveLength(good);
    expect(parsed.warnings).toEqual([
      expect.stringMatching(/^3 entries were not valid and were skipped \(first: entry \d+: event \(no\.such\.kind\)/),
    ]);
  });

  it('validates background events with their own schema', () => {
    const background: LogEntry[] = [
      {
        seq: 1,
        frameId: -1,
        event: { kind: 'budget.exceeded', at: 2, t: 10_100, invocationId: 'i-1', limitMs: 10_000 },
      },
      { seq: 2, frameId: 0, event: { kind: 'relay.rejected', at: 3, t: 0, count: 2, reasons: ['bad-event'] } },
    ];
    const broken = {
      seq: 3,
      frameId: -1,
      event: { kind: 'relay.rejected', at: 3, t: 0, count: -1, reasons: 'bad-event' },
    };
    const parsed = parseCaptureFile({
      ...roundTrip(buildCaptureFile(background, meta)),
      entries: [...background, broken],
    });
    expect(parsed.entries).toEqual(background);
    expect(parsed.warnings).toEqual([expect.stringMatching(/^1 entry was not valid and was skipped/)]);
  });

  it('drops repeated seqs and sorts entries by seq', () => {
    const [a, b, c] = capture('fast') as [LogEntry, LogEntry, LogEntry];
    const parsed = parseCaptureFile({ ...roundTrip(buildCaptureFile([], meta)), entries: [c, a, b, a] });
    expect(parsed.entries.map((e) => e.seq)).toEqual([a.seq, b.seq, c.seq]);
    expect(parsed.warnings).toEqual([
      '1 entry repeats a seq already used and was skipped.',
      'The entries were not in seq order; they were sorted by seq.',
    ]);
  });

  it('reads a file whose descriptive fields are wrong, with warnings instead of an error', () => {
    const parsed = parseCaptureFile({
      format: CAPTURE_FORMAT,
      version: 1,
      exportedAt: 'yesterday',
      redaction: 'hash',
      dropped: -2,
      entries: capture('fast'),
    });
    expect(parsed.entries).toHaveLength(capture('fast').length);
    expect(parsed.meta).toEqual({ version: 1, dropped: 0 });
    expect(parsed.warnings).toHaveLength(4);
    expect(parsed.warnings.join('\n')).toMatch(
      /export time is not valid[\s\S]*no extension version[\s\S]*redaction profile is not valid[\s\S]*dropped-entry count is not valid/,
    );
  });
});
