import { describe, expect, it } from 'vitest';
import { clip, summarize, summarizeError } from '../../src/shared/summarize';

describe('summarize (hostile page values)', () => {
  it('never runs getters and marks them', () => {
    let ran = false;
    const obj = {
      plain: 1,
      get secret() {
        ran = true;
        return 'x';
      },
    };
    expect(summarize(obj)).toEqual({ plain: 1, secret: { $type: 'getter' } });
    expect(ran).toBe(false);
  });

  it('survives proxies that throw, cycles and deep nesting', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys for you');
        },
      },
    );
    expect(summarize(trap)).toEqual({ $type: 'unreadable', reason: 'no keys for you' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(summarize(cyclic)).toEqual({ a: 1, self: { $type: 'cycle' } });
    const deep = { l1: { l2: { l3: { l4: { l5: 1 } } } } };
    expect(summarize(deep)).toEqual({ l1: { l2: { l3: { l4: { $type: 'object', keys: 1 } } } } });
  });

  it('bounds strings, arrays and objects', () => {
    const long = summarize('x'.repeat(5000)) as string;
    expect(long.length).toBeLessThanOrEqual(4096); // within the schema's limit: cut, never dropped
    const [, kept, cut] = /^(x+)…\[\+(\d+) chars\]$/.exec(long)!;
    expect(kept!.length + Number(cut)).toBe(5000);
    const arr = summarize(Array.from({ length: 60 }, (_, i) => i)) as unknown[];
    expect(arr).toHaveLength(51);
    expect(arr.at(-1)).toEqual({ $type: 'more', count: 10 });
  });

  it('clip keeps every cut string within its limit, marker included', () => {
    for (const max of [0, 5, 12, 13, 14, 20, 100, 4096]) {
      for (const n of [max, max + 1, max + 9, max + 10, max + 1000, 100_000]) {
        const out = clip('y'.repeat(n), max);
        expect(out.length, `${n} → ${max}`).toBeLessThanOrEqual(max);
        if (n > max && max >= 20) expect(out).toMatch(/…\[\+\d+ chars\]$/);
      }
    }
    expect(clip('short', 10)).toBe('short');
  });

  it('describes non-JSON values', () => {
    expect(summarize(undefined)).toEqual({ $type: 'undefined' });
    expect(summarize(function getToken() {})).toEqual({ $type: 'function', name: 'getToken' });
    expect(summarize(Number.NaN)).toEqual({ $type: 'number', value: 'NaN' });
    expect(summarize(10n)).toEqual({ $type: 'bigint', value: '10' });
    expect(summarize(new RangeError('r'))).toEqual({ $type: 'error', name: 'RangeError', message: 'r' });
    expect(summarize(Promise.resolve())).toEqual({ $type: 'promise' });
  });

  it('summarizes thrown non-errors', () => {
    expect(summarizeError('plain string')).toEqual({ name: 'string', message: 'plain string' });
    expect(summarizeError({ message: 'object with message' })).toEqual({
      name: 'Object',
      message: 'object with message',
    });
  });
});
