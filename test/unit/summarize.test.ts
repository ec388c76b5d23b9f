import { describe, expect, it } from 'vitest';
import { summarize, summarizeError } from '../../src/page/summarize';

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
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('no keys for you'); } });
    expect(summarize(trap)).toEqual({ $type: 'unreadable', reason: 'no keys for you' });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(summarize(cyclic)).toEqual({ a: 1, self: { $type: 'cycle' } });
    const deep = { l1: { l2: { l3: { l4: { l5: 1 } } } } };
    expect(summarize(deep)).toEqual({ l1: { l2: { l3: { l4: { $type: 'object', keys: 1 } } } } });
  });

  it('bounds strings, arrays and objects', () => {
    expect(summarize('x'.repeat(5000))).toMatch(/…\[\+904 chars\]$/);
    const arr = summarize(Array.from({ length: 60 }, (_, i) => i)) as unknown[];
    expect(arr).toHaveLength(51);
    expect(arr.at(-1)).toEqual({ $type: 'more', count: 10 });
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
    expect(summarizeError({ message: 'object with message' })).toEqual({ name: 'Object', message: 'object with message' });
  });
});
