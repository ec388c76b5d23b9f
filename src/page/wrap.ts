/**
 * Transparent function wrappers.
 *
 * A wrapper calls the original with the same `this`, the same arguments (unless
 * the observer deliberately substitutes one, e.g. a provider callback), returns
 * exactly what the original returns (the same promise object, not a chained
 * one), rethrows exactly what it throws, and supports `new`. Observer code runs
 * inside try/catch: a bug in the hook is reported, never thrown into the page.
 */
import type { Natives } from './natives';

/** What an observer wants done around one call. Every member is optional. */
export interface CallPlan {
  /** Arguments to pass instead of the page's (a provider's callback swapped, a middleware added). */
  args?: unknown[];
  /** Called with the original's return value; may map it (used to unwrap our own wrappers). */
  returned?(value: unknown): unknown;
  /** Called with what the original threw (which is then rethrown unchanged). */
  threw?(error: unknown): void;
}

/** Decides, per call, what to record. Returning undefined means "just pass through". */
export type CallObserver = (thisArg: unknown, args: unknown[], isConstruct: boolean) => CallPlan | undefined | void;

/** Reports a failure inside hook code. Must not throw. */
export type ReportError = (where: string, error: unknown) => void;

const allWrappers = new WeakMap<Function, Function>(); // wrapper → original

/** The original behind one of our wrappers, or the value itself. */
export function unwrap<T>(value: T): T {
  return (typeof value === 'function' && (allWrappers.get(value) as T | undefined)) || value;
}

/** True when `fn` is a wrapper made by `createWrapper`. */
export function isWrapper(fn: unknown): boolean {
  return typeof fn === 'function' && allWrappers.has(fn);
}

/**
 * Makes a wrapping function for one purpose ("sdk-method", "auth-provider", …).
 * The returned `wrap(fn)` is idempotent: the same original always gives the same
 * wrapper, and a wrapper (of any purpose) is returned as it is.
 */
export function createWrapper(purpose: string, observe: (fn: Function) => CallObserver, natives: Natives, report: ReportError) {
  const cache = new WeakMap<Function, Function>(); // original → wrapper
  return function wrap<T>(fn: T): T {
    if (typeof fn !== 'function' || allWrappers.has(fn)) return fn;
    const cached = cache.get(fn);
    if (cached) return cached as T;
    const original = fn as unknown as Function;
    const observer = observe(original);
    const wrapper = function (this: unknown, ...args: unknown[]) {
      const isConstruct = new.target !== undefined;
      let plan: CallPlan | undefined;
      try {
        plan = observer(this, args, isConstruct) || undefined;
      } catch (e) {
        report(`${purpose}: before call`, e);
      }
      const callArgs = plan?.args ?? args;
      let result: unknown;
      try {
        result = isConstruct
          ? // `new wrapper()` must build an instance of the original (its prototype, not the wrapper's).
            natives.construct(original, callArgs, new.target === wrapper ? original : (new.target as Function))
          : natives.apply(original, this, callArgs);
      } catch (error) {
        if (plan?.threw) {
          try {
            plan.threw(error);
          } catch (e) {
            report(`${purpose}: after throw`, e);
          }
        }
        throw error;
      }
      if (plan?.returned) {
        try {
          return plan.returned(result);
        } catch (e) {
          report(`${purpose}: after return`, e);
        }
      }
      return result;
    };
    copyIdentity(wrapper, original, natives);
    allWrappers.set(wrapper, original);
    cache.set(original, wrapper);
    return wrapper as unknown as T;
  };
}

/** Gives the wrapper the original's `name` and `length` (what `fn.name` / `fn.length` checks see). */
function copyIdentity(wrapper: Function, original: Function, natives: Natives): void {
  for (const key of ['name', 'length'] as const) {
    try {
      const d = natives.getOwnPropertyDescriptor(original, key);
      if (d) natives.defineProperty(wrapper, key, d);
    } catch {
      // A frozen or exotic original: keep the wrapper's own name/length.
    }
  }
  try {
    // So that `instance instanceof wrapper` holds as it does for the original.
    const proto = natives.getOwnPropertyDescriptor(original, 'prototype');
    if (proto && 'value' in proto) (wrapper as { prototype: unknown }).prototype = proto.value;
  } catch {
    // Leave the wrapper's own prototype.
  }
}

/**
 * Observes a native promise without changing it: returns nothing, and the page
 * keeps the very same promise object. Works for promises of any realm (an
 * iframe's fetch), through the captured `Promise.prototype.then`. Thenables that
 * are not native promises are left alone (calling their `then` could run page code).
 * Returns true when the value was a promise and is now observed.
 *
 * Known limit: attaching a rejection handler marks the promise as handled, so a
 * rejection the page ignores no longer raises `unhandledrejection`.
 */
export function observePromise(
  value: unknown,
  natives: Natives,
  onFulfilled: (v: unknown) => void,
  onRejected: (e: unknown) => void,
): boolean {
  if (!value || typeof value !== 'object' || !(value instanceof natives.PromiseCtor || Object.prototype.toString.call(value) === '[object Promise]')) return false;
  try {
    natives.apply(natives.promiseThen, value, [onFulfilled, onRejected]);
    return true;
  } catch {
    return false; // a fake with a Promise toStringTag: not ours to touch
  }
}
