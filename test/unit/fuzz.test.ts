/**
 * The bounded fuzz (issue 9, item 6): every fuzz target (test/fuzz/targets.ts) on a few thousand
 * inputs from a fixed seed, in the quick profile (long inputs capped at 8,192 characters), in this
 * process. No crash, no hang, no redaction leak and no input over 1 s is allowed, except what an
 * open finding in test/fuzz/findings accounts for; and every open finding must still reproduce, so
 * that the fix of one flips its test here (then set its "status" to "fixed": it stays as a
 * regression test). The full run is `npm run fuzz` (100,000 inputs per target, worker threads with a
 * watchdog); replay any input below with `npm run fuzz -- --quick --replay <target:seed>`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../fuzz/corpus';
import { generateInput, runInput, runRange, type FailureGroup } from '../fuzz/engine';
import { isKnown, loadFindings, replayFinding } from '../fuzz/findings';
import { setQuick } from '../fuzz/gen';
import { parseSeed } from '../fuzz/prng';
import { targetByName, TARGETS } from '../fuzz/targets';

const root = join(import.meta.dirname, '../..');
const SEED = 0x5eed0009;
/** An input over this many ms is slow (the 1 s). A slow input is run again and counted only if slow twice. */
const SLOW_MS = 1_000;
/** Inputs per target, sized so that the whole file takes ~15–20 s on one idle core. */
const COUNTS: Record<string, number> = {
  jwt: 3_000,
  lwicontexts: 2_000,
  relay: 2_000,
  har: 2_000,
  capture: 2_000,
  diagnosis: 2_000,
  redaction: 4_000,
};

setQuick(true);
const corpus = loadCorpus(root);
const findings = loadFindings(root);
const open = findings.filter((f) => f.status === 'open');

const describeGroup = (g: FailureGroup) =>
  `${g.count}× ${g.signature} — first: ${g.message.slice(0, 200)} — replay: npm run fuzz -- --quick --replay ${g.seeds[0]}`;

/** Still slow when run again (a busy machine can stretch one run). */
function slowAgain(id: string): boolean {
  const [name, hex] = id.split(':') as [string, string];
  const target = targetByName(name)!;
  return runInput(target, generateInput(target, parseSeed(hex), corpus)).ms > SLOW_MS;
}

describe('fuzz findings (test/fuzz/findings/*.json)', () => {
  it('are well-formed', () => {
    for (const f of findings) {
      expect(targetByName(f.target), `${f.id}: target`).toBeDefined();
      expect(['open', 'fixed'], `${f.id}: status`).toContain(f.status);
      expect(() => new RegExp(f.match), `${f.id}: match`).not.toThrow();
    }
  });

  for (const f of findings) {
    if (f.status === 'open') {
      it(`open: ${f.id} still reproduces (${f.kind}: ${f.observed.slice(0, 60)})`, () => {
        const signatures = replayFinding(f, SLOW_MS).groups.map((g) => g.signature);
        const hint = `test/fuzz/findings/${f.id}.json no longer reproduces: if it was fixed, set its "status" to "fixed"`;
        expect(
          signatures.some((s) => new RegExp(f.match).test(s)),
          `${hint} (failures now: ${JSON.stringify(signatures)})`,
        ).toBe(true);
      }, 30_000);
    } else {
      it(`fixed: ${f.id} stays fixed (${f.kind})`, () => {
        expect(replayFinding(f, SLOW_MS).groups.map(describeGroup)).toEqual([]);
      }, 30_000);
    }
  }
});

describe(`bounded fuzz, seed ${SEED.toString(16)}, quick profile`, () => {
  for (const target of TARGETS) {
    const count = COUNTS[target.name] ?? 2_000;
    it(`${target.name}: ${count} inputs, no crash, hang, leak or slow input beyond the open findings`, () => {
      const stats = runRange(target, SEED, 0, count, corpus, { slowMs: SLOW_MS });
      expect(stats.inputs).toBe(count);
      const unexplained = stats.groups.filter(
        (g) => !isKnown(open, target.name, g.signature) && (g.kind !== 'slow' || g.seeds.some(slowAgain)),
      );
      expect(unexplained.map(describeGroup)).toEqual([]);
    }, 120_000);
  }
});
