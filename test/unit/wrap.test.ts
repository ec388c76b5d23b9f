import { describe, expect, it } from 'vitest';
import { captureNatives } from '../../src/page/natives';
import { createWrapper, isWrapper, unwrap } from '../../src/page/wrap';

const natives = captureNatives(globalThis);

function recorder() {
  const calls: { thisArg: unknown; args: unknown[]; returned?: unknown; threw?: unknown }[] = [];
  const errors: string[] = [];
  const wrap = createWrapper(
    'test',
    () => (thisArg, args) => {
      const call: (typeof calls)[number] = { thisArg, args };
      calls.push(call);
      return {
        returned: (v) => ((call.returned = v), v),
        threw: (e) => void (call.threw = e),
      };
    },
    natives,
    (where) => errors.push(where),
  );
  return { wrap, calls, errors };
}

describe('createWrapper transparency', () => {
  it('passes this and arguments and returns the same value', () => {
    const { wrap, calls } = recorder();
    const obj = {
      factor: 3,
      times(this: { factor: number }, a: number, b: number) {
        return this.factor * a * b;
      },
    };
    obj.times = wrap(obj.times);
    expect(obj.times(2, 5)).toBe(30);
    expect(calls[0]!.thisArg).toBe(obj);
    expect(calls[0]!.args).toEqual([2, 5]);
    expect(calls[0]!.returned).toBe(30);
  });

  it('rethrows the very same error object', () => {
    const { wrap, calls } = recorder();
    const boom = new TypeError('boom');
    const f = wrap(() => {
      throw boom;
    });
    let caught: unknown;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(calls[0]!.threw).toBe(boom);
  });

  it('returns the same promise object, and rejections still reach the caller', async () => {
    const { wrap } = recorder();
    const p = Promise.resolve(42);
    expect(wrap(() => p)()).toBe(p);
    const failure = new Error('async failure');
    await expect(wrap(async () => Promise.reject(failure))()).rejects.toBe(failure);
  });

  it('supports new, and keeps name and length', () => {
    const { wrap } = recorder();
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const Wrapped = wrap(Point);
    const p = new Wrapped(1, 2);
    expect(p).toBeInstanceOf(Point);
    expect(p).toBeInstanceOf(Wrapped);
    expect(p.x + p.y).toBe(3);
    function namedFn(_a: unknown, _b: unknown) {}
    const w = wrap(namedFn);
    expect(w.name).toBe('namedFn');
    expect(w.length).toBe(2);
  });

  it('is idempotent and reversible', () => {
    const { wrap, calls } = recorder();
    const f = (x: number) => x + 1;
    const w = wrap(f);
    expect(wrap(f)).toBe(w);
    expect(wrap(w)).toBe(w);
    expect(isWrapper(w)).toBe(true);
    expect(unwrap(w)).toBe(f);
    w(1);
    expect(calls).toHaveLength(1);
  });

  it('never lets an observer failure reach the page', () => {
    const errors: string[] = [];
    const wrap = createWrapper(
      'broken',
      () => () => {
        throw new Error('observer bug');
      },
      natives,
      (where) => errors.push(where),
    );
    expect(wrap((a: number) => a * 2)(21)).toBe(42);
    expect(errors).toEqual(['broken: before call']);
    const wrap2 = createWrapper(
      'broken-after',
      () => () => ({
        returned() {
          throw new Error('after bug');
        },
      }),
      natives,
      (where) => errors.push(where),
    );
    expect(wrap2(() => 'page value')()).toBe('page value');
    expect(errors).toContain('broken-after: after return');
  });
});
