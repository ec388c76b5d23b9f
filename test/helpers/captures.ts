/**
 * Loads event logs captured from the Omnichannel simulator and the real Bot Framework stack
 * (test/fixtures/captures, written by scripts/capture-fixtures.mjs), and derives variants from them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedEvent, LogEntry } from '../../src/shared/events';

const dir = join(import.meta.dirname, '../fixtures/captures');

/** Ids of every stored capture. */
export const CAPTURE_IDS = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

/** A fresh copy of a captured log. */
export function capture(id: string): LogEntry[] {
  return (JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as { entries: LogEntry[] }).entries;
}

/**
 * When a capture was taken (ms since the Unix epoch), for diagnosing it as of that moment; older
 * fixtures without `capturedAt` fall back to their last event's time (the diagnosis default).
 */
export function capturedAt(id: string): number | undefined {
  return (JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as { capturedAt?: number }).capturedAt;
}

/** A copy of `entries` with every event of `kind` passed through `edit` (which mutates or returns a new event). */
export function editEvents<K extends CapturedEvent['kind']>(
  entries: LogEntry[],
  kind: K,
  edit: (e: Extract<CapturedEvent, { kind: K }>, entry: LogEntry) => void,
): LogEntry[] {
  const copy = structuredClone(entries);
  for (const entry of copy)
    if (entry.event.kind === kind) edit(entry.event as Extract<CapturedEvent, { kind: K }>, entry);
  return copy;
}
