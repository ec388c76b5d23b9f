/**
 * "What changed" between two SSO attempts (from one log or from two): their steps aligned by what each
 * step is (its words before its values), not by position, with a longest common subsequence; then, in
 * each gap between aligned steps, a step only in A and one only in B that cite the same kinds of entry are
 * paired as one changed step. Typical use: the same scenario run once
 * with an injected fault and once without. Pure.
 */
import type { FaultId } from '../../shared/faults';
import type { EntrySource } from '../diagram/model';
import type { SsoAttempt, Step } from '../diagnosis/types';

/** Two step times closer than this are the same timing, ms. */
export const TIMING_TOLERANCE_MS = 500;

/** One attempt to compare, and the log its steps cite (a LogIndex fits). */
export interface CompareSide {
  attempt: SsoAttempt;
  log: EntrySource;
}

/** A step as the comparison shows it. */
export interface StepView {
  /** Index in `attempt.steps`. */
  index: number;
  text: string;
  status: Step['status'];
  /** ms from the attempt's start entry to the step's first cited entry; null when either is not in the log. */
  offsetMs: number | null;
  /** The step's first cited entry, if it is in the log. */
  seq: number | null;
  injected?: FaultId;
}

/**
 * What differs in a changed step: `status` (ok/fail/info), `text` (its words or values), `timing` (its
 * offset from the attempt's start moved by more than the tolerance), `visibility` (one side shows the
 * sign-in card, the other hides it), `injected` (an injected fault changed one side's step only).
 */
export type StepChange = 'status' | 'text' | 'timing' | 'visibility' | 'injected';

/** One row of the comparison. `a`/`b`: the step on each side (absent on the side that lacks it). */
export interface StepDiff {
  kind: 'same' | 'changed' | 'only-a' | 'only-b';
  a?: StepView;
  b?: StepView;
  /** Empty unless `kind` is 'changed'. */
  changes: StepChange[];
}

/** One side's summary. `faults`: the injected faults the attempt took part in (empty: none). */
export interface AttemptSummary {
  id: string;
  title: string;
  outcome: SsoAttempt['outcome'];
  sentence: string;
  faults: FaultId[];
}

/** The comparison of two attempts. */
export interface AttemptComparison {
  a: AttemptSummary;
  b: AttemptSummary;
  outcomeChanged: boolean;
  /** In the order of A's steps, with B's steps placed where they fall between the aligned ones. */
  steps: StepDiff[];
  /** How many rows are not 'same'. */
  differences: number;
}

/** The kinds of the entries a step cites (those still in the log). */
function entryKindsOf(step: Step, log: EntrySource): Set<string> {
  const kinds = new Set<string>();
  for (const seq of step.evidence) {
    const kind = log.entryAt(seq)?.event.kind;
    if (kind) kinds.add(kind);
  }
  return kinds;
}

/**
 * What a step is: its words up to its first value (a digit, a bracket, a colon, a quote), lower case, so
 * "The token POST … was answered 200" and "… answered 500" are the same step. (Not the entries it cites:
 * the same step cites its entries in a different order when the page used fetch rather than XHR.)
 */
export function stepKey(step: Step): string {
  return step.text
    .split(/[\d({[:"'’“]/, 1)[0]!
    .trim()
    .toLowerCase();
}

function viewOf(step: Step, index: number, side: CompareSide): StepView {
  const start = side.log.entryAt(side.attempt.startSeq);
  const seq = step.evidence.find((s) => side.log.entryAt(s)) ?? null;
  const at = seq === null ? undefined : side.log.entryAt(seq)?.event.at;
  const view: StepView = {
    index,
    text: step.text,
    status: step.status,
    offsetMs: start && at !== undefined ? at - start.event.at : null,
    seq,
  };
  if (step.injected) view.injected = step.injected;
  return view;
}

const SHOWN = /\b(showed|shown|show: true)\b/i;
const HIDDEN = /\b(hid|hidden|show: false)\b/i;
const visibilityOf = (text: string) => (SHOWN.test(text) ? 'shown' : HIDDEN.test(text) ? 'hidden' : undefined);

/** The fields that differ between two aligned steps; `toleranceMs`: timing differences up to this are ignored. */
export function stepChanges(a: StepView, b: StepView, toleranceMs = TIMING_TOLERANCE_MS): StepChange[] {
  const changes: StepChange[] = [];
  if (a.status !== b.status) changes.push('status');
  if (a.text !== b.text) changes.push('text');
  if (a.offsetMs !== null && b.offsetMs !== null && Math.abs(a.offsetMs - b.offsetMs) > toleranceMs)
    changes.push('timing');
  const va = visibilityOf(a.text);
  const vb = visibilityOf(b.text);
  if (va && vb && va !== vb) changes.push('visibility');
  if (a.injected !== b.injected) changes.push('injected');
  return changes;
}

/** Index pairs of a longest common subsequence of two key lists (O(n·m); attempts have a few dozen steps). */
export function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  // len[i][j]: LCS length of a[i..] and b[j..].
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      len[i]![j] = a[i] === b[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) pairs.push([i++, j++]);
    else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function summaryOf(attempt: SsoAttempt): AttemptSummary {
  return {
    id: attempt.id,
    title: attempt.title,
    outcome: attempt.outcome,
    sentence: attempt.sentence,
    faults: attempt.injected ?? [],
  };
}

/**
 * Compares two attempts step by step. `toleranceMs`: step timing differences up to this are not a change
 * (ms, default TIMING_TOLERANCE_MS). Never throws on steps whose entries are gone (their timing is unknown).
 */
export function compareAttempts(
  sideA: CompareSide,
  sideB: CompareSide,
  toleranceMs = TIMING_TOLERANCE_MS,
): AttemptComparison {
  const stepsA = sideA.attempt.steps;
  const stepsB = sideB.attempt.steps;
  const keysA = stepsA.map(stepKey);
  const keysB = stepsB.map(stepKey);
  const kindsA = stepsA.map((s) => entryKindsOf(s, sideA.log));
  const kindsB = stepsB.map((s) => entryKindsOf(s, sideB.log));
  const related = (i: number, j: number) => [...kindsA[i]!].some((k) => kindsB[j]!.has(k));
  const out: StepDiff[] = [];
  const pair = (i: number, j: number) => {
    const a = viewOf(stepsA[i]!, i, sideA);
    const b = viewOf(stepsB[j]!, j, sideB);
    const changes = stepChanges(a, b, toleranceMs);
    out.push({ kind: changes.length ? 'changed' : 'same', a, b, changes });
  };
  // The gap between two aligned steps: pair steps that cite the same kinds of entry, in order; the rest is one-sided.
  const onlyA = (i: number) => out.push({ kind: 'only-a', a: viewOf(stepsA[i]!, i, sideA), changes: [] });
  const onlyB = (j: number) => out.push({ kind: 'only-b', b: viewOf(stepsB[j]!, j, sideB), changes: [] });
  const gap = (i0: number, i1: number, j0: number, j1: number) => {
    let j = j0;
    for (let i = i0; i < i1; i++) {
      let match = -1;
      for (let x = j; x < j1 && match < 0; x++) if (related(i, x)) match = x;
      if (match < 0) {
        onlyA(i);
        continue;
      }
      // B's steps before the match are B's only.
      for (; j < match; j++) onlyB(j);
      pair(i, j++);
    }
    for (; j < j1; j++) onlyB(j);
  };
  let i = 0;
  let j = 0;
  for (const [pi, pj] of lcsPairs(keysA, keysB)) {
    gap(i, pi, j, pj);
    pair(pi, pj);
    i = pi + 1;
    j = pj + 1;
  }
  gap(i, stepsA.length, j, stepsB.length);
  const a = summaryOf(sideA.attempt);
  const b = summaryOf(sideB.attempt);
  return {
    a,
    b,
    outcomeChanged: a.outcome !== b.outcome,
    steps: out,
    differences: out.filter((d) => d.kind !== 'same').length,
  };
}

/**
 * The two attempts "What changed" opens on: A, the latest attempt an injected fault took part in; B, the
 * latest one without a fault, of the same kind when there is one. Without any fault: the last two attempts.
 * Ids are `SsoAttempt.id`; either is absent when the attempts do not give one.
 */
export function defaultComparePair(attempts: readonly SsoAttempt[]): { a?: string; b?: string } {
  const faulted = attempts.filter((x) => x.injected?.length).at(-1);
  if (!faulted) return { a: attempts.at(-2)?.id, b: attempts.at(-1)?.id };
  const clean = attempts.filter((x) => !x.injected?.length);
  const b = clean.filter((x) => x.kind === faulted.kind).at(-1) ?? clean.at(-1);
  return { a: faulted.id, b: b?.id };
}
