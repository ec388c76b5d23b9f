import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBudgetWatch, type BudgetFlag } from '../../src/background/budget';
import type { CapturedEvent, LogEntry } from '../../src/shared/events';

const T0 = 1_800_000_000_000; // epoch ms when the test starts
let seq = 0;
const entry = (event: CapturedEvent): LogEntry => ({ seq: ++seq, frameId: 0, event });
const invoke = (id: string, at: number, role: 'auth' | 'bot' = 'auth') =>
  entry({ kind: 'provider.invoke', invocationId: id, role, t: at - T0, at });
const callback = (id: string, at: number, elapsedMs: number) =>
  entry({
    kind: 'provider.callback',
    invocationId: id,
    role: 'auth',
    elapsedMs,
    sync: false,
    callCount: 1,
    valueType: 'string',
    token: 'a.b.c',
    t: at - T0,
    at,
  });

function watch() {
  const flags: BudgetFlag[] = [];
  const w = createBudgetWatch(
    {
      now: () => Date.now(),
      setTimer: (fn, ms) => {
        const id = setTimeout(fn, ms);
        return () => clearTimeout(id);
      },
    },
    10_000,
    (f) => flags.push(f),
  );
  return { w, flags };
}

describe('10 s budget flag', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('flags the moment 10 s pass without a callback, not before', () => {
    const { w, flags } = watch();
    w.observe(1, invoke('a1', T0));
    vi.advanceTimersByTime(9_999);
    expect(flags).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(flags).toEqual([{ tabId: 1, invocationId: 'a1', t: 10_000, at: T0 + 10_000, limitMs: 10_000 }]);
    // The late callback does not flag it a second time.
    w.observe(1, callback('a1', T0 + 12_000, 12_000));
    expect(flags).toHaveLength(1);
  });

  it('does not flag a callback within the budget, nor bot providers', () => {
    const { w, flags } = watch();
    w.observe(1, invoke('a1', T0));
    w.observe(1, invoke('b1', T0, 'bot'));
    vi.advanceTimersByTime(9_900);
    w.observe(1, callback('a1', T0 + 9_900, 9_900));
    vi.advanceTimersByTime(60_000);
    expect(flags).toHaveLength(0);
    expect(w.pendingCount()).toBe(0);
  });

  it('flags a late callback when no timer could run (the worker was asleep)', () => {
    const { w, flags } = watch();
    w.observe(2, callback('a9', T0, 10_400)); // invoke never seen by this instance
    expect(flags.map((f) => f.invocationId)).toEqual(['a9']);
  });

  it('after a restart, re-arms pending invocations and flags overdue ones at once, never twice', () => {
    const before = [
      invoke('old-flagged', T0 - 30_000),
      entry({ kind: 'budget.exceeded', invocationId: 'old-flagged', limitMs: 10_000, t: -20_000, at: T0 - 20_000 }),
      invoke('overdue', T0 - 12_000),
      invoke('pending', T0 - 4_000),
      invoke('done', T0 - 3_000),
      callback('done', T0 - 2_000, 1_000),
    ];
    const { w, flags } = watch();
    w.restore(7, before);
    expect(flags.map((f) => f.invocationId)).toEqual(['overdue']);
    vi.advanceTimersByTime(5_999);
    expect(flags).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(flags.map((f) => f.invocationId)).toEqual(['overdue', 'pending']);
    vi.advanceTimersByTime(60_000);
    expect(flags).toHaveLength(2);
  });

  it('forgets a closed tab', () => {
    const { w, flags } = watch();
    w.observe(3, invoke('a1', T0));
    w.forget(3);
    vi.advanceTimersByTime(20_000);
    expect(flags).toHaveLength(0);
  });
});
