/** The panel's pacing (panel/pacing.ts): at once after a quiet moment, held to its share during a stream. */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../panel/pacing';

/** Runs work costing `costMs` whenever due, from 0 to `untilMs`, checking every ms; returns the start times. */
function stream(pacer: Pacer, costMs: number, untilMs: number): number[] {
  const starts: number[] = [];
  for (let now = 0; now < untilMs; now++) {
    if (pacer.delay(now) > 0) continue;
    pacer.started(now);
    pacer.finished(costMs);
    starts.push(now);
    now += costMs - 1;
  }
  return starts;
}

describe('Pacer', () => {
  it('lets the first runs after a quiet moment start at once', () => {
    const pacer = new Pacer(0.1, 100);
    expect(pacer.delay(1_000)).toBe(0);
    pacer.started(1_000);
    pacer.finished(20);
    expect(pacer.delay(1_020)).toBe(0); // 80 ms of the saved-up budget left
  });

  it('holds a sustained stream to its share of the time', () => {
    const pacer = new Pacer(0.1, 100);
    const starts = stream(pacer, 10, 20_000);
    // 100 ms saved up, then 10% of 20 s: about 210 runs of 10 ms, not 2,000.
    expect(starts.length).toBeGreaterThan(190);
    expect(starts.length).toBeLessThan(215);
  });

  it('spaces runs by the cost they measured, and gets back to "at once" after a quiet moment', () => {
    const pacer = new Pacer(0.2, 10);
    pacer.started(0);
    pacer.finished(30);
    expect(pacer.delay(30)).toBeCloseTo(70); // 20 ms of debt at 0.2 ms per ms
    expect(pacer.delay(100)).toBe(0);
    expect(pacer.delay(10_000)).toBe(0);
  });

  it('keeps the least gap between starts and waits no longer than the most', () => {
    const pacer = new Pacer(0.05, 50, 100, 2_000);
    pacer.started(0);
    pacer.finished(1);
    expect(pacer.delay(40)).toBe(60);
    pacer.started(100);
    pacer.finished(5_000); // a very slow run: its debt is bounded by the most wait
    expect(pacer.delay(100)).toBe(2_000);
    expect(pacer.delay(1_100)).toBe(1_000);
    expect(pacer.delay(2_100)).toBe(0);
  });
});
