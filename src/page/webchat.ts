/**
 * Bot Framework Web Chat hooks (https://github.com/microsoft/BotFramework-WebChat):
 *  - `window.WebChat`, once the page has assigned it (bundles assign `window.WebChat = { ...window.WebChat, … }`,
 *    sometimes twice), is looked at at every discovery moment (discovery.ts): its functions are
 *    wrapped in place, values only;
 *  - `createStore` / `createStoreWithOptions` get two observing middlewares: one first, which sees
 *    every action before the page's middleware, and one last, which sees the incoming activities the
 *    page's middleware passed on to be rendered (an OAuthCard that never gets there was swallowed);
 *  - `createDirectLine` / `createDirectLineAppServiceExtension` and the DirectLine class's
 *    `postActivity` (wrapped where it is defined, on the prototype), to record each posted activity's
 *    result: an id, 'retry' or an error.
 */
import type { ActivitySummary } from '../shared/events';
import type { HookContext } from './context';
import { own, summarizeActivity } from './activity';
import { readDataPath, WEBCHAT_PATH } from './namespace';
import { clip, summarizeError } from './summarize';
import { createWrapper, replaceValue, tapPromise } from './wrap';
import { ownKeys } from './builtins';

/** High-frequency UI actions that say nothing about SSO (and would record what the user types). */
const SKIPPED_ACTIONS = new Set([
  'WEB_CHAT/SET_SEND_BOX',
  'WEB_CHAT/SET_SEND_BOX_ATTACHMENTS',
  'WEB_CHAT/EMIT_TYPING_INDICATOR',
  'WEB_CHAT/MARK_ACTIVITY',
  'WEB_CHAT/SET_DICTATE_INTERIMS',
  'WEB_CHAT/SET_DICTATE_STATE',
  'WEB_CHAT/START_SPEAKING',
  'WEB_CHAT/STOP_SPEAKING',
  'DIRECT_LINE/UPDATE_CONNECTION_STATUS',
]);

type Middleware = (api: unknown) => (next: (action: unknown) => unknown) => (action: unknown) => unknown;

/** Installs the Web Chat hooks; returns the look-up run at each discovery moment. */
export function installWebChatHooks(ctx: HookContext, win: Window & typeof globalThis): { look(): void } {
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
      return {
        returned(observable) {
          ctx.guard('postActivity result', () => tapObservable(observable, activity));
          return observable;
        },
      };
    },
    natives,
    ctx.report,
  );

  /** postActivity() results being watched → how to record what their subscribers receive. */
  const taps = new WeakMap<object, { record(outcome: 'id' | 'retry' | 'error', detail: { id?: string; error?: unknown }): void }>();

  /**
   * The page's observable is returned as it is; its class's `subscribe` (wrapped in place, where it is
   * defined) records what the page's own subscription receives. The hook never subscribes itself: the
   * observable is cold, and a subscription of our own would post the activity twice.
   */
  const tapObservable = (observable: unknown, activity: ActivitySummary): void => {
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
      const onNext = (value: unknown) => ctx.guard('postActivity next', () => tap.record(value === 'retry' ? 'retry' : 'id', value === 'retry' ? {} : { id: String(value) }));
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
      if (!first || typeof first !== 'object' || (typeof own(first, 'unsubscribe') === 'function' && 'closed' in first)) {
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
            complete: () => (typeof observer.complete === 'function' ? natives.apply(observer.complete, observer, []) : undefined),
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
        const { promise, tapped } = tapPromise(directLine, natives, (dl) => ctx.guard('directLine', () => instrumentDirectLine(dl)), () => undefined);
        if (!tapped) ctx.guard('directLine', () => instrumentDirectLine(directLine));
        return promise;
      },
    }),
    natives,
    ctx.report,
  );

  /** The two observing middlewares for one store. */
  const middlewaresFor = (store: string): [Middleware, Middleware] => {
    const first: Middleware = () => (next) => (action) => {
      ctx.guard('store action', () => {
        const type = own(action, 'type');
        if (typeof type !== 'string' || SKIPPED_ACTIONS.has(type)) return;
        if (!type.startsWith('DIRECT_LINE/') && !type.startsWith('WEB_CHAT/')) return;
        const payload = own(action, 'payload');
        const meta = own(action, 'meta');
        if (type === 'DIRECT_LINE/CONNECT' || type === 'DIRECT_LINE/CONNECT_FULFILLED') instrumentDirectLine(own(payload, 'directLine'));
        const activity = summarizeActivity(own(payload, 'activity'));
        const clientActivityID = own(meta, 'clientActivityID');
        const isError = own(action, 'error') === true;
        ctx.emit({
          kind: 'webchat.action',
          store,
          stage: 'dispatched',
          actionType: clip(type, 200),
          ...(activity ? { activity } : {}),
          ...(typeof clientActivityID === 'string' ? { clientActivityID: clip(clientActivityID, 200) } : {}),
          ...(isError ? { error: summarizeError(payload).message } : {}),
        });
      });
      return next(action);
    };
    const last: Middleware = () => (next) => (action) => {
      ctx.guard('store passed', () => {
        if (own(action, 'type') !== 'DIRECT_LINE/INCOMING_ACTIVITY') return;
        const activity = summarizeActivity(own(own(action, 'payload'), 'activity'));
        if (activity) ctx.emit({ kind: 'webchat.action', store, stage: 'passed', actionType: 'DIRECT_LINE/INCOMING_ACTIVITY', activity });
      });
      return next(action);
    };
    return [first, last];
  };

  /** createStore(initialState, ...middlewares) / createStoreWithOptions(options, initialState, ...middlewares). */
  const storeWrapper = (name: string, middlewareIndex: number) =>
    createWrapper(
      `WebChat.${name}`,
      () => (_thisArg, args) => {
        const [first, last] = middlewaresFor(ctx.newId('s'));
        const head = args.slice(0, middlewareIndex);
        while (head.length < middlewareIndex) head.push(undefined);
        return { args: [...head, first, ...args.slice(middlewareIndex), last] };
      },
      natives,
      ctx.report,
    );
  const wrappers: Record<string, <T>(fn: T) => T> = {
    createStore: storeWrapper('createStore', 1),
    createStoreWithOptions: storeWrapper('createStoreWithOptions', 2),
    createDirectLine: wrapCreateDirectLine,
    createDirectLineAppServiceExtension: wrapCreateDirectLine,
  };

  const detectedObjects = new WeakSet<object>();
  let lastVersion: unknown;
  let detected = false;
  return {
    look() {
      const webChat = readDataPath(win, WEBCHAT_PATH);
      if (!webChat || typeof webChat !== 'object') return;
      for (const key of ownKeys(wrappers)) replaceValue(webChat, key, wrappers[key]!, natives);
      if (detectedObjects.has(webChat)) return;
      detectedObjects.add(webChat);
      // Bundles assign window.WebChat more than once (minimal, then full): report the first, and a new version.
      const version = own(own(webChat, 'buildInfo'), 'version');
      if (detected && version === lastVersion) return;
      detected = true;
      lastVersion = version;
      ctx.emit({
        kind: 'webchat.detected',
        members: natives.keys(webChat).slice(0, 200).map((k) => clip(k, 100)),
        ...(typeof version === 'string' ? { version: clip(version, 50) } : {}),
      });
    },
  };
}
