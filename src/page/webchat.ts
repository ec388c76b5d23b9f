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
          return ctx.guard('postActivity result', () => tapObservable(observable, activity)) ?? observable;
        },
      };
    },
    natives,
    ctx.report,
  );

  /**
   * An observable of the same class that forwards to the one postActivity() returned, recording what
   * the page's subscription receives. It subscribes only when the page does, once per page
   * subscription: the observable is cold, and a subscription of our own would post the activity twice.
   */
  const tapObservable = (observable: unknown, activity: ActivitySummary): unknown => {
    if (!observable || typeof observable !== 'object') return observable;
    // Only an instance of an Observable class (rxjs: `new Observable(subscribe)`), whose subscribe is inherited.
    const proto = natives.getPrototypeOf(observable);
    const Ctor = own(proto, 'constructor');
    const subscribe = (observable as { subscribe?: unknown }).subscribe;
    if (typeof Ctor !== 'function' || Ctor === Object || typeof subscribe !== 'function' || natives.getOwnPropertyDescriptor(observable, 'subscribe')) return observable;
    let recorded = false;
    const callId = ctx.newId('p');
    const t0 = natives.now();
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
    return natives.construct(Ctor, [
      (subscriber: { next(v: unknown): void; error(e: unknown): void; complete(): void }) =>
        natives.apply(subscribe, observable, [
          {
            next(value: unknown) {
              ctx.guard('postActivity next', () => record(value === 'retry' ? 'retry' : 'id', value === 'retry' ? {} : { id: String(value) }));
              subscriber.next(value);
            },
            error(error: unknown) {
              ctx.guard('postActivity error', () => record('error', { error }));
              subscriber.error(error);
            },
            complete() {
              subscriber.complete();
            },
          },
        ]),
    ]);
  };

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
      for (const key of Object.keys(wrappers)) replaceValue(webChat, key, wrappers[key]!, natives);
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
