/**
 * "What changed" (src/analysis/compare/attempts.ts): two attempts' steps aligned by what each step is (LCS),
 * not by position; inserted, removed and changed steps; the default pair; and the same 502 scenario run with
 * the fault injected against a run where SSO succeeded.
 */
import { describe, expect, it } from 'vitest';
import {
  compareAttempts,
  defaultComparePair,
  lcsPairs,
  stepChanges,
  TIMING_TOLERANCE_MS,
  type StepView,
} from '../../src/analysis/compare/attempts';
import { diagnose, type SsoAttempt, type Step } from '../../src/analysis/diagnosis';
import type { EntrySource } from '../../src/analysis/diagram';
import { LogIndex } from '../../src/analysis/model/logIndex';
import type { LogEntry } from '../../src/shared/events';
import { capture } from '../helpers/captures';
import { faultCapture } from '../helpers/faults';

/** A log of lcw.event entries at the given times (ms), seq = index + 1. */
function logAt(times: number[]): EntrySource {
  const entries: LogEntry[] = times.map((at, i) => ({
    seq: i + 1,
    frameId: 0,
    event: { kind: 'lcw.event', name: `lcw:e${i}`, t: at, at },
  }));
  return LogIndex.of(entries);
}

const step = (text: string, seq: number, status: Step['status'] = 'info'): Step => ({ text, status, evidence: [seq] });
const attempt = (id: string, steps: Step[], outcome: SsoAttempt['outcome'] = 'card shown'): SsoAttempt => ({
  id,
  kind: 'oauthcard',
  title: id,
  outcome,
  sentence: `${id}.`,
  steps,
  startSeq: 1,
});

describe('lcsPairs', () => {
  it('aligns the longest common subsequence, skipping insertions on either side', () => {
    expect(lcsPairs(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'y'])).toEqual([
      [0, 0],
      [2, 2],
      [3, 3],
    ]);
    expect(lcsPairs([], ['a'])).toEqual([]);
    expect(lcsPairs(['a', 'b'], ['b', 'a']).length).toBe(1);
  });
});

describe('compareAttempts', () => {
  const log = logAt([0, 100, 200, 300, 400, 5000]);

  it('aligns by what the step is, not by index: an inserted step shifts nothing', () => {
    const a = attempt('A', [step('Card arrived', 1), step('Provider invoked', 2), step('Card hidden', 3, 'ok')]);
    const b = attempt('B', [
      step('Card arrived', 1),
      step('Widget asked again', 4),
      step('Provider invoked', 2),
      step('Card hidden', 3, 'ok'),
    ]);
    const c = compareAttempts({ attempt: a, log }, { attempt: b, log });
    expect(c.steps.map((d) => d.kind)).toEqual(['same', 'only-b', 'same', 'same']);
    expect(c.steps[1]!.b!.text).toBe('Widget asked again');
    expect(c.differences).toBe(1);
    expect(c.outcomeChanged).toBe(false);
  });

  it('reports a removed step as only in A', () => {
    const a = attempt('A', [step('Card arrived', 1), step('Invoke sent', 2), step('Card shown', 3, 'fail')]);
    const b = attempt('B', [step('Card arrived', 1), step('Card shown', 3, 'fail')]);
    const c = compareAttempts({ attempt: a, log }, { attempt: b, log });
    expect(c.steps.map((d) => d.kind)).toEqual(['same', 'only-a', 'same']);
  });

  it('pairs steps whose values differ as changed, naming the fields: status, text, timing, shown/hidden', () => {
    const a = attempt(
      'A',
      [
        step('Card arrived', 1),
        step('The token POST was answered 500', 2, 'fail'),
        step('The widget showed the card', 6, 'fail'),
      ],
      'card shown',
    );
    const b = attempt(
      'B',
      [
        step('Card arrived', 1),
        step('The token POST was answered 200', 2, 'ok'),
        step('The widget hid the card', 3, 'ok'),
      ],
      'card hidden',
    );
    const c = compareAttempts({ attempt: a, log }, { attempt: b, log });
    expect(c.steps.map((d) => d.kind)).toEqual(['same', 'changed', 'changed']);
    expect(c.steps[1]!.changes).toEqual(['status', 'text']);
    // Different words, same kind of entry, in the same gap: paired; 4.8 s apart is a timing change.
    expect(c.steps[2]!.changes).toEqual(['status', 'text', 'timing', 'visibility']);
    expect(c.outcomeChanged).toBe(true);
    expect(c.a.outcome).toBe('card shown');
    expect(c.b.outcome).toBe('card hidden');
  });

  it('ignores timing differences within the tolerance', () => {
    const view = (offsetMs: number): StepView => ({ index: 0, text: 'x', status: 'info', offsetMs, seq: 1 });
    expect(stepChanges(view(0), view(TIMING_TOLERANCE_MS))).toEqual([]);
    expect(stepChanges(view(0), view(TIMING_TOLERANCE_MS + 1))).toEqual(['timing']);
    expect(stepChanges({ ...view(0), offsetMs: null }, view(9_999))).toEqual([]);
  });

  it('compares attempts of two logs: the injected 502 against a run where SSO succeeded', () => {
    const faultLog = faultCapture('exchange-502');
    const okLog = capture('sso-success');
    const withFault = diagnose(faultLog).attempts.find((x) => x.injected?.length)!;
    const without = diagnose(okLog).attempts.find((x) => x.kind === 'oauthcard')!;
    const c = compareAttempts(
      { attempt: withFault, log: LogIndex.of(faultLog) },
      { attempt: without, log: LogIndex.of(okLog) },
    );
    expect(c.a.faults).toEqual(['exchange-502']);
    expect(c.b.faults).toEqual([]);
    expect(c.outcomeChanged).toBe(true);
    // The OAuthCard and the invoke are the same steps on both sides; the result and the card's fate changed.
    expect(c.steps[0]!.kind).toBe('same');
    const result = c.steps.find((d) => d.a?.text.startsWith('Result:'))!;
    expect(result.kind).toBe('changed');
    expect(result.changes).toContain('status');
    expect(result.changes).toContain('injected');
    const injectedStep = c.steps.find((d) => d.a?.text.startsWith('Injected fault:'))!;
    expect(injectedStep.kind).toBe('only-a');
  });
});

describe('defaultComparePair', () => {
  const plain = (id: string, kind: SsoAttempt['kind'] = 'oauthcard') => ({ ...attempt(id, []), kind });
  it('takes the latest attempt with a fault and the latest of its kind without', () => {
    const list = [
      plain('x'),
      { ...plain('f1'), injected: ['exchange-502' as const] },
      plain('y'),
      plain('z', 'auth-provider'),
    ];
    expect(defaultComparePair(list)).toEqual({ a: 'f1', b: 'y' });
  });
  it('without any fault, takes the last two', () => {
    expect(defaultComparePair([plain('x'), plain('y'), plain('z')])).toEqual({ a: 'y', b: 'z' });
    expect(defaultComparePair([plain('x')])).toEqual({ a: undefined, b: 'x' });
  });
});
