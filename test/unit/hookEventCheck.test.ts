/**
 * The background's hand-written event check (src/shared/hookEventCheck.ts) against the schema it stands
 * in for (HookEventSchema, src/shared/events.ts): the same verdict and
 * the same output on every fixture event, on each of them with one field removed or given a value of
 * another type, and on the relay fuzz target's inputs (test/fuzz/targets.ts).
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../fuzz/corpus';
import { setQuick } from '../fuzz/gen';
import { Rng } from '../fuzz/prng';
import { relayTarget } from '../fuzz/targets';
import { MAX_STRING, MAX_TOKEN } from '../../src/shared/constants';
import { HookEventSchema } from '../../src/shared/events';
import { readHookEvent } from '../../src/shared/hookEventCheck';
import { depthOver, MAX_EVENT_DEPTH } from '../../src/shared/messages';

setQuick(true);
const corpus = loadCorpus(join(import.meta.dirname, '../..'));

/** What the schema makes of `item`: its output, or null. */
const bySchema = (item: unknown) => {
  const r = v.safeParse(HookEventSchema, item);
  return r.success ? r.output : null;
};

/** Both checks on one input; returns whether it passed. */
function agree(item: unknown, where: string): boolean {
  const expected = bySchema(item);
  expect(readHookEvent(item), where).toStrictEqual(expected);
  return expected !== null;
}

/** Values of other types (and over the bounds) for a field. */
const REPLACEMENTS: unknown[] = [
  null,
  true,
  0,
  -1.5,
  1e308 * 10, // Infinity, which JSON.parse can produce (1e999)
  'x',
  '',
  'x'.repeat(65),
  'x'.repeat(MAX_STRING + 1),
  'x'.repeat(MAX_TOKEN + 1),
  [],
  ['x'],
  Array(1_001).fill(1),
  {},
  { type: 'message' },
  { __proto__: null, constructor: 1 },
];

describe('readHookEvent agrees with HookEventSchema', () => {
  it('on every fixture event, as it is', () => {
    let passed = 0;
    for (const [i, event] of corpus.events.entries()) if (agree(event, `event ${i}`)) passed += 1;
    // The fixtures are real captures: almost all of them are valid hook events (the rest: background events).
    expect(passed).toBeGreaterThan(corpus.events.length / 2);
  }, 60_000);

  it('on every fixture event with one field removed, or replaced by a value of another type', () => {
    const seen = new Set<string>();
    let passed = 0;
    let failed = 0;
    for (const event of corpus.events) {
      if (!event || typeof event !== 'object') continue;
      const e = event as Record<string, unknown>;
      for (const key of Object.keys(e)) {
        const shape = `${String(e.kind)}.${key}`;
        if (seen.has(shape)) continue;
        seen.add(shape);
        const { [key]: _removed, ...without } = e;
        if (agree(without, `${shape} removed`)) passed += 1;
        else failed += 1;
        for (const [i, value] of REPLACEMENTS.entries()) {
          if (agree({ ...e, [key]: value }, `${shape} = replacement ${i}`)) passed += 1;
          else failed += 1;
        }
        // One level down too (an activity's fields, a summary's members).
        if (e[key] && typeof e[key] === 'object' && !Array.isArray(e[key])) {
          for (const inner of Object.keys(e[key] as object)) {
            for (const value of REPLACEMENTS) {
              const changed = { ...e, [key]: { ...(e[key] as object), [inner]: value } };
              if (agree(changed, `${shape}.${inner}`)) passed += 1;
              else failed += 1;
            }
          }
        }
      }
    }
    // Both verdicts happen, so the comparison means something.
    expect(passed).toBeGreaterThan(100);
    expect(failed).toBeGreaterThan(100);
  }, 60_000);

  it("on the relay fuzz target's inputs (mutated, hostile and deeply nested events)", () => {
    let compared = 0;
    for (let seed = 0; seed < 600; seed++) {
      const { detail } = relayTarget.generate(new Rng(seed), corpus);
      let data: unknown;
      try {
        data = typeof detail === 'string' ? JSON.parse(detail) : detail;
      } catch {
        continue;
      }
      const events = (data as { events?: unknown } | null)?.events;
      for (const item of Array.isArray(events) ? events.slice(0, 40) : [data]) {
        if (depthOver(item, MAX_EVENT_DEPTH)) continue; // refused before either check runs
        agree(item, `relay input ${seed}`);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  }, 60_000); // a busy machine: thousands of schema runs, no time goal here
});
