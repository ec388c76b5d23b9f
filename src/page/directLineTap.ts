/**
 * The Direct Line tap: records the result of each activity a DirectLine object (DirectLineJS,
 * https://github.com/microsoft/BotFramework-DirectLineJS) posts: an id, 'retry' (5xx, network) or an error.
 *  - `createDirectLine` / `createDirectLineAppServiceExtension` (wrapped by webchat.ts) hand over the
 *    DirectLine object they return (or resolve to); the store middlewares hand over the one in
 *    `DIRECT_LINE/CONNECT`;
 *  - its `postActivity` is wrapped where it is defined (the class prototype, usually): value only;
 *  - the observable postActivity() returns is given back as it is; its class's `subscribe` (wrapped in
 *    place) records what the page's own subscription receives.
 */
import type { ActivitySummary } from '../shared/events';
import { isTokenExchangeInvoke, own, summarizeActivity } from '../shared/activity';
import type { FaultId } from '../shared/faults';
import { clip, summarizeError } from '../shared/summarize';
import type { HookContext } from './context';
import { createWrapper, replaceValue, tapPromise } from './wrap';

export interface DirectLineTap {
  /** Instruments a DirectLine object (idempotent per object; anything else is ignored). */
  instrumentDirectLine(directLine: unknown): void;
  /** The wrapper for `createDirectLine` / `createDirectLineAppServiceExtension`. */
  wrapCreateDirectLine: <T>(fn: T) => T;
}

/** Creates the tap for one window's hook. */
export function createDirectLineTap(ctx: HookContext): DirectLineTap {
  const { natives } = ctx;
  const seenLines = new WeakSet<object>();

  /** Wraps `postActivity` where the DirectLine object gets it from (its class prototype, usually): value only. */
  const instrumentDirectLine = (directLine: unknown) => {
    if (!directLine || typeof directLine !== 'object' || seenLines.has(directLine)) return;
    seenLines.add(directLine);
    let holder: object | null = directLine;
    for (let depth = 0; holder && depth < 10; depth++, holder = natives.getPrototypeOf(holder) as object | null) {
      if (natives.getOwnPropertyDescriptor(holder, 'postActivity')) {
        replaceValue(holder, 'postActivity', wrapPostActivity, natives);
        return;
      }
    }
  };

  const wrapPostActivity = createWrapper(
    'DirectLine.postActivity',
    () => (_thisArg, args) => {
      const activity = summarizeActivity(args[0]) ?? { type: 'unknown' };
      // The `exchange-502` fault answers this invoke's POST (network.ts): its outcome is the fault's doing.
      const fault =
        isTokenExchangeInvoke(activity.type, activity.name) && ctx.faults.active('exchange-502')
          ? 'exchange-502'
          : undefined;
      return {
        returned(observable) {
          ctx.guard('postActivity result', () => tapObservable(observable, activity, fault));
          return observable;
        },
      };
    },
    natives,
    ctx.report,
  );

  /** postActivity() results being watched → how to record what their subscribers receive. */
  type Tap = { record(outcome: 'id' | 'retry' | 'error', detail: { id?: string; error?: unknown }): void };
  const taps = new WeakMap<object, Tap>();

  /**
   * The page's observable is returned as it is; its class's `subscribe` (wrapped in place, where it is
   * defined) records what the page's own subscription receives. The hook never subscribes itself: the
   * observable is cold, and a subscription of our own would post the activity twice.
   */
  const tapObservable = (observable: unknown, activity: ActivitySummary, fault?: FaultId): void => {
    if (!observable || typeof observable !== 'object') return;
    let holder: object | null = observable;
    for (let depth = 0; holder && depth < 10; depth++, holder = natives.getPrototypeOf(holder) as object | null) {
      if (natives.getOwnPropertyDescriptor(holder, 'subscribe')) break;
    }
    if (!holder || !replaceValue(holder, 'subscribe', wrapSubscribe, natives)) return;
    let recorded = false;
    const callId = ctx.newId('p');
    const t0 = natives.now();
    taps.set(observable, {
      record(outcome, detail) {
        if (recorded) return;
        recorded = true;
        const t = natives.now();
        const status = detail.error !== undefined ? own(detail.error, 'status') : undefined;
        ctx.emit(
          {
            kind: 'directline.post',
            callId,
            activity,
            outcome,
            elapsedMs: t - t0,
            ...(detail.id !== undefined ? { id: clip(detail.id, 200) } : {}),
            ...(typeof status === 'number' && Number.isInteger(status) ? { status } : {}),
            ...(detail.error !== undefined ? { error: summarizeError(detail.error).message } : {}),
            ...(fault ? { fault } : {}),
          },
          t0,
        );
      },
    });
  };

  /** `subscribe` of the observable class: only subscriptions to a watched postActivity() result are tapped. */
  const wrapSubscribe = createWrapper(
    'Observable.subscribe',
    () => (thisArg, args) => {
      const tap = thisArg && typeof thisArg === 'object' ? taps.get(thisArg) : undefined;
      if (!tap) return; // every other subscription in the page: untouched
      const onNext = (value: unknown) =>
        ctx.guard('postActivity next', () =>
          value === 'retry' ? tap.record('retry', {}) : tap.record('id', { id: String(value) }),
        );
      const onError = (error: unknown) => ctx.guard('postActivity error', () => tap.record('error', { error }));
      const [first] = args;
      if (typeof first === 'function' || (first == null && args.length > 1)) {
        // subscribe(next, error, complete)
        const planArgs = args.slice();
        planArgs[0] = function (this: unknown, v: unknown) {
          onNext(v);
          return typeof first === 'function' ? natives.apply(first, this, [v]) : undefined;
        };
        const err = args[1];
        planArgs[1] = function (this: unknown, e: unknown) {
          onError(e);
          if (typeof err === 'function') return natives.apply(err, this, [e]);
          throw e; // what rxjs does with an unhandled error
        };
        return { args: planArgs };
      }
      const isSubscriber = (x: object) => typeof own(x, 'unsubscribe') === 'function' && 'closed' in x;
      if (!first || typeof first !== 'object' || isSubscriber(first)) {
        return; // an rxjs Subscriber (an operator chain): substituting it would cut the chain, so not recorded
      }
      // A plain observer object: forward to it with itself as `this`.
      const observer = first as { next?: Function; error?: Function; complete?: Function };
      return {
        args: [
          {
            next: (v: unknown) => {
              onNext(v);
              return typeof observer.next === 'function' ? natives.apply(observer.next, observer, [v]) : undefined;
            },
            error: (e: unknown) => {
              onError(e);
              if (typeof observer.error === 'function') return natives.apply(observer.error, observer, [e]);
              throw e;
            },
            complete: () =>
              typeof observer.complete === 'function' ? natives.apply(observer.complete, observer, []) : undefined,
          },
          ...args.slice(1),
        ],
      };
    },
    natives,
    ctx.report,
  );

  const wrapCreateDirectLine = createWrapper(
    'WebChat.createDirectLine',
    () => () => ({
      returned(directLine) {
        // createDirectLineAppServiceExtension resolves to the object; createDirectLine returns it.
        const onDirectLine = (dl: unknown) => ctx.guard('directLine', () => instrumentDirectLine(dl));
        const { promise, tapped } = tapPromise(directLine, natives, onDirectLine, () => undefined);
        if (!tapped) ctx.guard('directLine', () => instrumentDirectLine(directLine));
        return promise;
      },
    }),
    natives,
    ctx.report,
  );

  return { instrumentDirectLine, wrapCreateDirectLine };
}
