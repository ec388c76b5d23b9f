/**
 * The hook's wrappers of natives and page functions, as feature detection sees them. This file patches
 * this worker's own `Function.prototype.toString` (vitest runs each file in its own worker).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/page/context';
import { installToStringDisguise } from '../../src/page/disguise';
import { captureNatives, type PageWindow } from '../../src/page/natives';
import { createWrapper, fixConstructorLink, replaceValue, tapPromise } from '../../src/page/wrap';

const natives = captureNatives(globalThis);
const errors: string[] = [];
const ctx = createContext(natives, (e) => e.kind === 'hook.error' && errors.push(e.message));
const nativeToString = Function.prototype.toString;
installToStringDisguise(ctx, globalThis as unknown as PageWindow);
const passThrough = createWrapper('test', () => () => undefined, natives, ctx.report);

afterAll(() => expect(errors).toEqual([]));

describe('wrapped natives look native', () => {
  it('keeps toString(), name, length and the absence of prototype (a method like fetch)', () => {
    const holder = { parseInt };
    const before = { s: String(holder.parseInt), name: holder.parseInt.name, length: holder.parseInt.length };
    replaceValue(holder, 'parseInt', passThrough, natives);
    expect(holder.parseInt).not.toBe(parseInt);
    expect(String(holder.parseInt)).toBe(before.s);
    expect(Function.prototype.toString.call(holder.parseInt)).toBe(before.s);
    expect(holder.parseInt.toString()).toMatch(/^function parseInt\(\) \{\s*\[native code\]\s*\}$/);
    expect([holder.parseInt.name, holder.parseInt.length]).toEqual([before.name, before.length]);
    expect('prototype' in holder.parseInt).toBe(false);
    expect(Object.getOwnPropertyNames(holder.parseInt).sort()).toEqual(Object.getOwnPropertyNames(parseInt).sort());
    expect(() => new (holder.parseInt as unknown as new () => unknown)()).toThrow(TypeError);
    expect(holder.parseInt('42')).toBe(42);
  });

  it('keeps Function.prototype.toString itself native-looking, errors included', () => {
    expect(Function.prototype.toString).not.toBe(nativeToString);
    expect(Function.prototype.toString.toString()).toBe(nativeToString.call(nativeToString));
    expect(Function.prototype.toString.name).toBe('toString');
    expect(Function.prototype.toString.length).toBe(0);
    expect('prototype' in Function.prototype.toString).toBe(false);
    expect(Object.getOwnPropertyDescriptor(Function.prototype, 'toString')).toMatchObject({
      writable: true,
      enumerable: false,
      configurable: true,
    });
    let message = '';
    try {
      nativeToString.call({});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(() => Function.prototype.toString.call({})).toThrow(new TypeError(message));
  });

  it('keeps a constructor constructible, with prototype.constructor pointing at the wrapper', () => {
    class Socket {
      static OPEN = 1;
      constructor(public url: string) {}
    }
    const holder: { Socket: typeof Socket } = { Socket };
    const source = String(Socket);
    replaceValue(holder, 'Socket', passThrough, natives);
    fixConstructorLink(Socket, holder.Socket, natives);
    const Wrapped = holder.Socket;
    expect(Wrapped.prototype.constructor).toBe(Wrapped);
    const s = new Wrapped('ws://x');
    expect(s).toBeInstanceOf(Wrapped);
    expect(s.constructor).toBe(Wrapped);
    expect(Object.getPrototypeOf(s)).toBe(Wrapped.prototype);
    expect(Wrapped.OPEN).toBe(1);
    expect(String(Wrapped)).toBe(source);
    class Sub extends Wrapped {}
    expect(new Sub('y')).toBeInstanceOf(Sub);
  });

  it('changes only the value: attributes, key order and other properties stay', () => {
    const sdk: Record<string, unknown> = { a: 1, startChat() {}, z: 2 };
    Object.defineProperty(sdk, 'hidden', { value: () => 0, writable: true, enumerable: false, configurable: false });
    const before = Object.getOwnPropertyNames(sdk).map((k) => [
      k,
      { ...Object.getOwnPropertyDescriptor(sdk, k), value: undefined },
    ]);
    for (const k of Object.getOwnPropertyNames(sdk)) replaceValue(sdk, k, passThrough, natives);
    expect(
      Object.getOwnPropertyNames(sdk).map((k) => [k, { ...Object.getOwnPropertyDescriptor(sdk, k), value: undefined }]),
    ).toEqual(before);
    const frozen = Object.freeze({ f() {} });
    expect(replaceValue(frozen, 'f', passThrough, natives)).toBeNull();
    const withGetter = {
      get g() {
        return () => 1;
      },
    };
    expect(replaceValue(withGetter, 'g', passThrough, natives)).toBeNull();
    expect(replaceValue({}, 'absent', passThrough, natives)).toBeNull();
  });
});

describe('watched promises', () => {
  it('settle like the original, and an ignored rejection is still unhandled', async () => {
    const seen: unknown[] = [];
    const ok = tapPromise(
      Promise.resolve(7),
      natives,
      (v) => seen.push(['ok', v]),
      () => undefined,
    );
    expect(ok.tapped).toBe(true);
    await expect(ok.promise).resolves.toBe(7);
    const failure = new Error('no network');
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      tapPromise(
        Promise.reject(failure),
        natives,
        () => undefined,
        (e) => seen.push(['failed', e]),
      );
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([failure]);
    expect(seen).toEqual([
      ['ok', 7],
      ['failed', failure],
    ]);
  });

  it('leaves thenables and subclass promises alone, and gives the same promise for the same promise', () => {
    class MyPromise<T> extends Promise<T> {}
    const sub = MyPromise.resolve(1);
    expect(
      tapPromise(
        sub,
        natives,
        () => undefined,
        () => undefined,
      ),
    ).toEqual({ promise: sub, tapped: false });
    const thenable = { then: () => undefined };
    expect(
      tapPromise(
        thenable,
        natives,
        () => undefined,
        () => undefined,
      ).promise,
    ).toBe(thenable);
    const p = Promise.resolve(2);
    expect(
      tapPromise(
        p,
        natives,
        () => undefined,
        () => undefined,
      ).promise,
    ).toBe(
      tapPromise(
        p,
        natives,
        () => undefined,
        () => undefined,
      ).promise,
    );
  });

  it('never lets an observer failure change what the page gets', async () => {
    const tapped = tapPromise(
      Promise.resolve('v'),
      natives,
      () => {
        throw new Error('observer bug');
      },
      () => undefined,
    );
    await expect(tapped.promise).resolves.toBe('v');
  });
});
