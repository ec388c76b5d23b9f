/**
 * Known findings (test/fuzz/findings/*.json): minimal reproducers of crashes, slow inputs and leaks
 * the fuzzer found, kept until the code is fixed. The bounded fuzz in `npm test` requires every
 * open finding to still reproduce (so that a fix flips the test and the finding gets closed) and
 * allows, in its random inputs, only failures that an open finding's `match` covers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { record, emptyStats, runInput, type FailureKind, type TargetStats } from './engine';
import { targetByName } from './targets';

export interface Finding {
  /** The file name without .json. */
  id: string;
  /** open: reproduces today; fixed: kept as a regression test. */
  status: 'open' | 'fixed';
  title: string;
  target: string;
  /** The function that fails, with its file. */
  function: string;
  kind: FailureKind;
  /** The replay id of the random input it was first found with (`npm run fuzz -- --replay <id>`). */
  foundWith?: string;
  /** What happens: the error (name: message), the time, or the leaked part. */
  observed: string;
  /** Regular expression over failure signatures (engine.ts) that this finding accounts for. */
  match: string;
  /** The minimal input for the target's `run`. */
  input: unknown;
  notes?: string;
  /** The commit that fixed it, once `status` is fixed. */
  fixedBy?: string;
}

export const FINDINGS_DIR = 'test/fuzz/findings';

/** Every finding in the repository at `root`. */
export function loadFindings(root: string): Finding[] {
  const dir = join(root, FINDINGS_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Finding, 'id'>),
      id: f.replace(/\.json$/, ''),
    }));
}

/** Runs a finding's input once; the stats hold whatever failed (empty groups: it no longer reproduces). */
export function replayFinding(f: Finding, slowMs = 1000): TargetStats {
  const target = targetByName(f.target);
  if (!target) throw new Error(`finding ${f.id}: unknown target ${f.target}`);
  const stats = emptyStats(target.name);
  record(stats, f.id, runInput(target, f.input), slowMs);
  return stats;
}

/** True when an open finding of this target accounts for the failure signature. */
export const isKnown = (open: readonly Finding[], target: string, signature: string): boolean =>
  open.some((f) => f.status === 'open' && f.target === target && new RegExp(f.match).test(signature));
