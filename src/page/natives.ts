/**
 * Built-ins captured when the hook starts, before any page script runs, so that a
 * page that later replaces `JSON.stringify`, `Reflect.apply` or `performance.now`
 * cannot break (or steer) the hook. React DevTools' backend does the same.
 */
export interface Natives {
  apply: typeof Reflect.apply;
  construct: typeof Reflect.construct;
  defineProperty: typeof Object.defineProperty;
  getOwnPropertyDescriptor: typeof Object.getOwnPropertyDescriptor;
  keys: typeof Object.keys;
  ownKeys: typeof Reflect.ownKeys;
  stringify: typeof JSON.stringify;
  /** Page clock, ms since the document's time origin. */
  now: () => number;
  /** ms since the Unix epoch of the page clock's zero. */
  timeOrigin: number;
  queueMicrotask: (cb: () => void) => void;
  random: () => number;
  PromiseCtor: PromiseConstructor;
  /** `Promise.prototype`: only promises with exactly this prototype are watched (wrap.ts, tapPromise). */
  promiseProto: object;
  promiseThen: typeof Promise.prototype.then;
  Proxy: ProxyConstructor;
  getPrototypeOf: typeof Object.getPrototypeOf;
  /** The window's `setTimeout` (delay in ms), bound: injected faults deliver late with it. */
  setTimeout: (cb: () => void, ms: number) => unknown;
  /** Reads a CustomEvent's `detail` with the native getter (a page may replace the prototype's). */
  eventDetail: (event: Event) => unknown;
}

/** Captures the natives of `global` (a window, or globalThis in unit tests). */
export function captureNatives(global: typeof globalThis): Natives {
  const perf = global.performance;
  const now = perf && typeof perf.now === 'function' ? perf.now.bind(perf) : () => Date.now() - start;
  const start = Date.now();
  const timeOrigin = perf && typeof perf.timeOrigin === 'number' ? perf.timeOrigin : start;
  const qm =
    typeof global.queueMicrotask === 'function'
      ? global.queueMicrotask.bind(global)
      : (cb: () => void) => void global.Promise.resolve().then(cb);
  const apply = Reflect.apply; // captured now: these closures run after page scripts
  const timeout = global.setTimeout;
  const detailGetter = global.CustomEvent
    ? Object.getOwnPropertyDescriptor(global.CustomEvent.prototype, 'detail')?.get
    : undefined;
  return {
    apply: Reflect.apply,
    construct: Reflect.construct,
    defineProperty: Object.defineProperty,
    getOwnPropertyDescriptor: Object.getOwnPropertyDescriptor,
    keys: Object.keys,
    ownKeys: Reflect.ownKeys,
    stringify: JSON.stringify,
    now,
    timeOrigin,
    queueMicrotask: qm,
    random: Math.random,
    // This realm's: in the MAIN world, the page's own Promise (captured before any page script runs).
    PromiseCtor: Promise,
    promiseProto: Promise.prototype,
    promiseThen: Promise.prototype.then,
    Proxy, // this realm's (the page's, in the MAIN world), captured before any page script runs
    getPrototypeOf: Object.getPrototypeOf,
    setTimeout: (cb, ms) => apply(timeout, global, [cb, ms]),
    eventDetail: (event) => (detailGetter ? apply(detailGetter, event, []) : undefined),
  };
}

/** A window with its constructors (`win.Event`, `win.XMLHttpRequest`, …) typed. */
export type PageWindow = Window & typeof globalThis;
