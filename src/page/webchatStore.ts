/**
 * Web Chat's store (https://github.com/microsoft/BotFramework-WebChat): `createStore` /
 * `createStoreWithOptions` get two observing middlewares: one first, which sees every action before the
 * page's middleware, and one last, which sees the incoming activities the page's middleware passed on to
 * be rendered (an OAuthCard that never gets there was swallowed).
 */
import { own, summarizeActivity } from '../shared/activity';
import { clip, summarizeError } from '../shared/summarize';
import type { HookContext } from './context';
import { createWrapper } from './wrap';
import { copyWith, reportApplied, withoutExchangeResource } from './faults';

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

/**
 * The wrappers for `createStore(initialState, ...middlewares)` and
 * `createStoreWithOptions(options, initialState, ...middlewares)`. `onDirectLine` gets the DirectLine
 * object of each `DIRECT_LINE/CONNECT` (to the Direct Line tap).
 */
export function createStoreWrappers(ctx: HookContext, onDirectLine: (directLine: unknown) => void) {
  const { natives } = ctx;
  /** Activity copies made by `strip`: the last middleware marks them when they pass. */
  const strippedActivities = new WeakSet<object>();
  /** A copy of a DIRECT_LINE/INCOMING_ACTIVITY action whose activity lost its tokenExchangeResource, or null. */
  const strip = (action: unknown): object | null => {
    if (own(action, 'type') !== 'DIRECT_LINE/INCOMING_ACTIVITY') return null;
    const payload = own(action, 'payload');
    const activity = withoutExchangeResource(own(payload, 'activity'), natives);
    if (!activity) return null;
    strippedActivities.add(activity);
    const payloadCopy = copyWith(payload as object, 'activity', activity, natives);
    reportApplied(
      ctx,
      'strip-exchange-resource',
      "tokenExchangeResource removed from an incoming OAuthCard before the page's store middleware saw it",
    );
    return copyWith(action as object, 'payload', payloadCopy, natives);
  };
  /** The two observing middlewares for one store. */
  const middlewaresFor = (store: string): [Middleware, Middleware] => {
    const first: Middleware = () => (next) => (action) => {
      // `strip-exchange-resource`: the page's middleware and Web Chat get a copy of an incoming OAuthCard
      // activity without its tokenExchangeResource (the page's action is never changed).
      const stripped = ctx.faults.active('strip-exchange-resource')
        ? ctx.guard('store fault', () => strip(action))
        : null;
      const seen = stripped ?? action;
      ctx.guard('store action', () => {
        const type = own(seen, 'type');
        if (typeof type !== 'string' || SKIPPED_ACTIONS.has(type)) return;
        if (!type.startsWith('DIRECT_LINE/') && !type.startsWith('WEB_CHAT/')) return;
        const payload = own(seen, 'payload');
        const meta = own(action, 'meta');
        const connects = type === 'DIRECT_LINE/CONNECT' || type === 'DIRECT_LINE/CONNECT_FULFILLED';
        if (connects) onDirectLine(own(payload, 'directLine'));
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
          ...(stripped ? { fault: 'strip-exchange-resource' as const } : {}),
        });
      });
      return next(seen);
    };
    const last: Middleware = () => (next) => (action) => {
      ctx.guard('store passed', () => {
        const actionType = 'DIRECT_LINE/INCOMING_ACTIVITY';
        if (own(action, 'type') !== actionType) return;
        const raw = own(own(action, 'payload'), 'activity');
        const activity = summarizeActivity(raw);
        const fault =
          raw && typeof raw === 'object' && strippedActivities.has(raw)
            ? { fault: 'strip-exchange-resource' as const }
            : {};
        if (activity) ctx.emit({ kind: 'webchat.action', store, stage: 'passed', actionType, activity, ...fault });
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
  return {
    createStore: storeWrapper('createStore', 1),
    createStoreWithOptions: storeWrapper('createStoreWithOptions', 2),
  };
}
