/**
 * Transparent function wrappers.
 *
 * A wrapper is a `Proxy` of the original function with `apply` and `construct` traps, so everything
 * feature detection reads passes through untouched: `name`, `length`, `prototype` (or its absence),
 * every other own property and descriptor, `instanceof`, constructibility (`new` works exactly where
 * it works on the original). `Function.prototype.toString` is taught to print the original's source
 * (see disguise.ts), so `fetch.toString()` still reads `function fetch() { [native code] }`.
 *
 * A call goes to the original with the same `this`, the same arguments (unless the observer
 * deliberately substitutes one, e.g. a provider callback), returns what the original returns, and
 * rethrows exactly what it throws. Observer code runs inside try/catch: a bug in the hook is
 * reported, never thrown into the page.
 */
import type { Natives } from './natives';

/** What an observer wants done around one call. Every member is optional. */
export interface CallPlan {
  /** Arguments to pass instead of the page's (a provider's callback swapped, a middleware added). */
  args?: unknown[];
  /** `this` to call the original with instead of the caller's (only `toString` needs it). */
  thisArg?: unknown;
  /**
   * Runs in place of the original (an injected fault answering a request itself, or a provider made to
   * throw): its return value or throw then goes through `returned` / `threw` as the original's would.
   * Only fault code sets it; with every fault off the original is always called.
   */
  instead?(): unknown;
  /** Called with the original's return value; its result is what the caller gets (see tapPromise). */
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

/** The innermost original behind wrappers of wrappers (a second hook copy wraps the first's). */
export function unwrapAll<T>(value: T): T {
  let current = value;
  for (let i = 0; i < 10 && typeof current === 'function' && allWrappers.has(current); i++)
    current = allWrappers.get(current) as T;
  return current;
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
export function createWrapper(
  purpose: string,
  observe: (fn: Function) => CallObserver,
  natives: Natives,
  report: ReportError,
) {
  const cache = new WeakMap<Function, Function>(); // original → wrapper
  return function wrap<T>(fn: T): T {
    if (typeof fn !== 'function' || allWrappers.has(fn)) return fn;
    const cached = cache.get(fn);
    if (cached) return cached as T;
    const wrapper = wrapOnce(fn as unknown as Function, purpose, observe(fn as unknown as Function), natives, report);
    cache.set(fn as unknown as Function, wrapper);
    return wrapper as unknown as T;
  };
}

/**
 * One wrapper of `original` with its own observer, not cached (a provider's callback is wrapped once
 * per invocation, even when the widget passes the same function each time).
 */
export function wrapOnce(
  original: Function,
  purpose: string,
  observer: CallObserver,
  natives: Natives,
  report: ReportError,
): Function {
  // Firefox creates a function's `length`, `name` and `prototype` on first touch, in the order they are
  // touched, and a read through a Proxy creates `name` alone. Enumerating the original once creates
  // them in enumeration order, which is what a page's own enumeration sees (docs/architecture.md,
  // firefox-lazy-function-keys, for what remains).
  try {
    natives.ownKeys(original);
  } catch {
    // A revoked proxy: the wrapper will throw what it throws.
  }
  const run = (thisArg: unknown, args: unknown[], newTarget: Function | undefined): unknown => {
    let plan: CallPlan | undefined;
    try {
      plan = observer(thisArg, args, newTarget !== undefined) || undefined;
    } catch (e) {
      report(`${purpose}: before call`, e);
    }
    const callArgs = plan?.args ?? args;
    let result: unknown;
    try {
      result = plan?.instead
        ? plan.instead()
        : newTarget !== undefined
          ? // `new wrapper()` builds an instance of the original, with the original as new.target.
            natives.construct(original, callArgs, newTarget === wrapper ? original : newTarget)
          : natives.apply(original, plan && 'thisArg' in plan ? plan.thisArg : thisArg, callArgs);
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
  const wrapper: Function = new natives.Proxy(original, {
    apply: (_target, thisArg, args) => run(thisArg, args, undefined),
    construct: (_target, args, newTarget) => run(undefined, args, newTarget) as object,
  });
  allWrappers.set(wrapper, original);
  return wrapper;
}

/**
 * Replaces `obj[key]`, an existing writable data property holding a function, with `wrap(value)`.
 * Only the value changes: the attributes, the key order and every other property stay as they were.
 * Never creates a property, never runs a getter or setter. Returns the wrapper, or null when the
 * property is absent, an accessor, read-only or not a function. Throws only what defineProperty throws.
 */
export function replaceValue(obj: object, key: PropertyKey, wrap: <T>(fn: T) => T, natives: Natives): Function | null {
  const d = natives.getOwnPropertyDescriptor(obj, key);
  if (!d || !('value' in d) || !d.writable || typeof d.value !== 'function') return null;
  if (isWrapper(d.value)) return d.value as Function;
  const wrapped = wrap(d.value as Function);
  natives.defineProperty(obj, key, { value: wrapped });
  return wrapped;
}

/**
 * Watches a native promise and gives back the promise the caller should get: a promise derived with
 * the realm's own `then`, which settles like the original one microtask later. The original is
 * handled by us; the derived one is the caller's, so a rejection the page ignores still raises
 * `unhandledrejection`, as it would without the hook. Anything that is not a promise of the page's
 * own `Promise` (a subclass, a thenable, another realm's promise) is returned untouched and not
 * watched: calling its `then` could run page code. Results are cached, so the same promise in gives
 * the same promise out.
 */
export function tapPromise(
  value: unknown,
  natives: Natives,
  onFulfilled: (v: unknown) => void,
  onRejected: (e: unknown) => void,
): { promise: unknown; tapped: boolean } {
  if (!value || typeof value !== 'object' || natives.getPrototypeOf(value) !== natives.promiseProto)
    return { promise: value, tapped: false };
  const cached = tapped.get(value);
  if (cached) return { promise: cached, tapped: true };
  try {
    const derived = natives.apply(natives.promiseThen, value, [
      (v: unknown) => {
        try {
          onFulfilled(v);
        } catch {
          // Observer failures never change what the page gets.
        }
        return v;
      },
      (e: unknown) => {
        try {
          onRejected(e);
        } catch {
          // As above.
        }
        throw e;
      },
    ]) as object;
    tapped.set(value, derived);
    return { promise: derived, tapped: true };
  } catch {
    return { promise: value, tapped: false };
  }
}
const tapped = new WeakMap<object, object>();

/**
 * After a constructor was replaced by its wrapper: points `Original.prototype.constructor` at the
 * wrapper, so `WebSocket.prototype.constructor === WebSocket` and `socket.constructor === WebSocket`
 * hold as before. Only the value changes, and only when it was the original. Never throws.
 */
export function fixConstructorLink(original: Function, wrapper: Function, natives: Natives): void {
  try {
    const proto = natives.getOwnPropertyDescriptor(original, 'prototype')?.value as object | undefined;
    if (!proto || (typeof proto !== 'object' && typeof proto !== 'function')) return;
    const d = natives.getOwnPropertyDescriptor(proto, 'constructor');
    if (d && 'value' in d && d.value === original && d.writable)
      natives.defineProperty(proto, 'constructor', { value: wrapper });
  } catch {
    // A frozen prototype: leave it.
  }
}
