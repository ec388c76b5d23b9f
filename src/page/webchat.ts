/**
 * Bot Framework Web Chat hooks (https://github.com/microsoft/BotFramework-WebChat):
 *  - an accessor on `window.WebChat` (bundles assign `window.WebChat = { ...window.WebChat, … }`, sometimes twice);
 *  - `createStore` / `createStoreWithOptions` get two observing middlewares: one first, which sees
 *    every action before the page's middleware, and one last, which sees the incoming activities the
 *    page's middleware passed on to be rendered (an OAuthCard that never gets there was swallowed);
 *  - `createDirectLine` / `createDirectLineAppServiceExtension` and the DirectLine object's
 *    `postActivity`, to record each posted activity's result: an id, 'retry' or an error.
 */
import type { ActivitySummary } from '../shared/events';
import type { HookContext } from './context';
import { own, summarizeActivity } from './activity';
import { trapPath } from './namespace';
import { clip, summarizeError } from './summarize';
import { createWrapper, observePromise } from './wrap';

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

export function installWebChatHooks(ctx: HookContext, win: Window & typeof globalThis): void {
  const { natives } = ctx;
  const wrappedLines = new WeakSet<object>();

  /** Wraps a DirectLine object's postActivity (own property; the object is not replaced). */
  const instrumentDirectLine = (directLine: unknown) => {
    if (!directLine || typeof directLine !== 'object' || wrappedLines.has(directLine)) return;
    wrappedLines.add(directLine);
    const original = (directLine as { postActivity?: unknown }).postActivity;
    if (typeof original !== 'function') return;
    (directLine as { postActivity: unknown }).postActivity = wrapPostActivity(original);
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

  /**
   * Records what the page's subscription to postActivity() receives. We never subscribe ourselves:
   * the observable is cold, and a second subscription would post the activity twice.
   */
  const tapObservable = (observable: unknown, activity: ActivitySummary) => {
    const subscribe = own(observable, 'subscribe') ?? (observable as { subscribe?: unknown } | null)?.subscribe;
    if (typeof subscribe !== 'function') return;
    const callId = ctx.newId('p');
    const t0 = natives.now();
    let recorded = false;
    const record = (outcome: 'id' | 'retry' | 'error', detail: { id?: string; error?: unknown }) => {
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
    };
    const onNext = (value: unknown) => ctx.guard('postActivity next', () => record(value === 'retry' ? 'retry' : 'id', value === 'retry' ? {} : { id: String(value) }));
    const onError = (error: unknown) => ctx.guard('postActivity error', () => record('error', { error }));
    natives.defineProperty(observable as object, 'subscribe', {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function (this: unknown, ...args: unknown[]) {
        const [first] = args;
        let callArgs = args;
        if (typeof first === 'function' || (first == null && args.length > 1)) {
          // subscribe(next, error, complete)
          callArgs = args.slice();
          callArgs[0] = function (this: unknown, v: unknown) {
            onNext(v);
            return typeof first === 'function' ? natives.apply(first, this, [v]) : undefined;
          };
          const err = args[1];
          callArgs[1] = function (this: unknown, e: unknown) {
            onError(e);
            if (typeof err === 'function') return natives.apply(err, this, [e]);
            throw e; // what rxjs does with an unhandled error
          };
        } else if (first && typeof first === 'object') {
          const observer = first as { next?: Function; error?: Function; closed?: unknown; unsubscribe?: unknown };
          if (typeof observer.unsubscribe === 'function' && 'closed' in observer) {
            // An rxjs Subscriber (an operator chain): tap its own next/error, keep the object.
            const next = observer.next;
            const error = observer.error;
            if (typeof next === 'function') natives.defineProperty(observer, 'next', { configurable: true, writable: true, value: function (this: unknown, v: unknown) { onNext(v); return natives.apply(next, this, [v]); } });
            if (typeof error === 'function') natives.defineProperty(observer, 'error', { configurable: true, writable: true, value: function (this: unknown, e: unknown) { onError(e); return natives.apply(error, this, [e]); } });
          } else {
            // A plain observer object: forward to it with itself as `this`.
            callArgs = [
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
                complete: () => {
                  const complete = (observer as { complete?: Function }).complete;
                  return typeof complete === 'function' ? natives.apply(complete, observer, []) : undefined;
                },
              },
              ...args.slice(1),
            ];
          }
        }
        return natives.apply(subscribe, this, callArgs);
      },
    });
  };

  const wrapCreateDirectLine = createWrapper(
    'WebChat.createDirectLine',
    () => () => ({
      returned(directLine) {
        // createDirectLineAppServiceExtension resolves to the object; createDirectLine returns it.
        if (!observePromise(directLine, natives, (dl) => ctx.guard('directLine', () => instrumentDirectLine(dl)), () => undefined)) {
          ctx.guard('directLine', () => instrumentDirectLine(directLine));
        }
        return directLine;
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
  const wrapCreateStore = storeWrapper('createStore', 1);
  const wrapCreateStoreWithOptions = storeWrapper('createStoreWithOptions', 2);

  let detected = false;
  let lastVersion: unknown;
  const instrumentWebChat = (webChat: unknown) => {
    if (!webChat || typeof webChat !== 'object') return;
    const obj = webChat as Record<string, unknown>;
    const replace = (key: string, wrap: <T>(fn: T) => T) => {
      const d = natives.getOwnPropertyDescriptor(obj, key);
      if (d && 'value' in d && typeof d.value === 'function' && d.writable) obj[key] = wrap(d.value);
    };
    replace('createStore', wrapCreateStore);
    replace('createStoreWithOptions', wrapCreateStoreWithOptions);
    replace('createDirectLine', wrapCreateDirectLine);
    replace('createDirectLineAppServiceExtension', wrapCreateDirectLine);
    // Bundles assign window.WebChat more than once (minimal, then full): report the first, and a new version.
    const version = own(own(obj, 'buildInfo'), 'version');
    if (detected && version === lastVersion) return;
    detected = true;
    lastVersion = version;
    ctx.emit({
      kind: 'webchat.detected',
      members: natives.keys(obj).slice(0, 200).map((k) => clip(k, 100)),
      ...(typeof version === 'string' ? { version: clip(version, 50) } : {}),
    });
  };

  trapPath(ctx, win, ['WebChat'], (value) => instrumentWebChat(value));
}
