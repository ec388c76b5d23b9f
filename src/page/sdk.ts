/**
 * Instruments `Microsoft.Omnichannel.LiveChatWidget.SDK`: every function-valued
 * member, including ones assigned one at a time later and ones reassigned
 * (the v1 bootstrapper redefines getAuthTokenProvider on each setAuthTokenProvider).
 *
 * Members become accessors whose getter returns a cached wrapper of the current
 * value, so `SDK.startChat === SDK.startChat` still holds and the page's own
 * function comes back from getAuthTokenProvider().
 * Method list: https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/omnichannel-reference
 */
import type { HookContext } from './context';
import { createProviderWrappers, type BotUrlRegistry } from './providers';
import { summarize, summarizeError } from './summarize';
import { createWrapper, isWrapper, observePromise, unwrap } from './wrap';

/** Documented and known-undocumented SDK members, trapped before they are assigned. */
export const KNOWN_SDK_METHODS = [
  'startChat',
  'closeChat',
  'startProactiveChat',
  'setAuthTokenProvider',
  'getAuthTokenProvider',
  'removeAuthTokenProvider',
  'setBotAuthTokenProvider',
  'setContextProvider',
  'getContextProvider',
  'removeContextProvider',
  'getAgentAvailability',
  'setAuthCodeProvider',
  'setFallbackInfoProvider',
  'getFallbackInfoProvider',
] as const;

const TRAP = Symbol('chat-sso-inspector.sdk-member');

export interface SdkInstrumenter {
  /** Instruments an SDK object (idempotent) and reports `sdk.detected` the first time. */
  instrument(sdk: unknown, via: 'assignment' | 'scan'): void;
  /** Re-scans instrumented SDK objects for function members assigned since. */
  rescan(): void;
}

export function createSdkInstrumenter(ctx: HookContext, bots: BotUrlRegistry): SdkInstrumenter {
  const { natives } = ctx;
  const providers = createProviderWrappers(ctx, bots);
  const instrumented = new Set<object>();

  const wrapMethod = (method: string) =>
    createWrapper(
      `SDK.${method}`,
      () => (_thisArg, args) => {
        const callId = ctx.newId('c');
        const t0 = natives.now();
        const summary = args.map((a) => summarize(a));
        const planArgs = args.slice();
        if (method === 'setAuthTokenProvider' && typeof args[0] === 'function') planArgs[0] = providers.wrapAuthProvider(args[0]);
        if (method === 'setBotAuthTokenProvider' && typeof args[0] === 'function') planArgs[0] = providers.wrapBotProvider(args[0]);
        if (method === 'setAuthCodeProvider' && typeof args[0] === 'function') planArgs[0] = providers.wrapAuthProvider(args[0]);
        const record = (outcome: 'returned' | 'threw', extra: { result?: unknown; error?: unknown; returnedPromise?: boolean }) => {
          const t = natives.now();
          ctx.emit(
            {
              kind: 'sdk.call',
              callId,
              method,
              args: summary,
              outcome,
              durationMs: t - t0,
              returnedPromise: extra.returnedPromise ?? false,
              ...(outcome === 'returned' ? { result: summarize(unwrap(extra.result)) } : { error: summarizeError(extra.error) }),
            },
            t0,
          );
        };
        return {
          args: planArgs,
          returned(result) {
            // The widget stores our provider wrapper; the page must get its own function back.
            const pageResult = unwrap(result);
            const settled = (outcome: 'fulfilled' | 'rejected', value: unknown) =>
              ctx.guard('sdk settled', () => {
                const t = natives.now();
                ctx.emit({
                  kind: 'sdk.settled',
                  callId,
                  method,
                  outcome,
                  durationMs: t - t0,
                  ...(outcome === 'fulfilled' ? { value: summarize(value) } : { error: summarizeError(value) }),
                }, t);
              });
            const isPromise = observePromise(result, natives, (v) => settled('fulfilled', v), (e) => settled('rejected', e));
            record('returned', { result: pageResult, returnedPromise: isPromise });
            ctx.guard('rescan', () => api.rescan());
            return pageResult;
          },
          threw(error) {
            record('threw', { error });
          },
        };
      },
      natives,
      ctx.report,
    );

  const methodWrappers = new Map<string, <T>(fn: T) => T>();
  const wrapperFor = (method: string) => {
    let w = methodWrappers.get(method);
    if (!w) methodWrappers.set(method, (w = wrapMethod(method)));
    return w;
  };

  /** Turns `sdk[key]` into an accessor that hands out wrapped functions. */
  const trapMember = (sdk: object, key: string) => {
    const d = natives.getOwnPropertyDescriptor(sdk, key);
    if (d?.get && (d.get as { [TRAP]?: true })[TRAP]) return; // already ours
    if (d && (d.get || d.set)) return; // a page-defined accessor: leave it alone
    const wrap = wrapperFor(key);
    if (d && (!d.configurable || !d.writable)) {
      // Cannot become an accessor; a writable one can still hold a wrapper.
      if (d.writable && typeof d.value === 'function' && !isWrapper(d.value)) (sdk as Record<string, unknown>)[key] = wrap(d.value);
      return;
    }
    let current: unknown = d?.value;
    let enumerable = d ? !!d.enumerable : false;
    const get = function () {
      return typeof current === 'function' ? wrap(current) : current;
    };
    const set = function (this: unknown, value: unknown) {
      // Plain assignment would store the page's function; we store the original (never our wrapper).
      current = unwrap(value);
      if (!enumerable) {
        enumerable = true; // a plain assignment creates an enumerable member: look like one
        ctx.guard('sdk member enumerable', () => natives.defineProperty(sdk, key, { get, set, enumerable: true, configurable: true }));
      }
    };
    (get as { [TRAP]?: true })[TRAP] = true;
    natives.defineProperty(sdk, key, { get, set, enumerable, configurable: true });
  };

  const scanMembers = (sdk: object) => {
    for (const key of natives.keys(sdk)) {
      const d = natives.getOwnPropertyDescriptor(sdk, key);
      if (d && 'value' in d && typeof d.value === 'function') ctx.guard(`trap SDK.${key}`, () => trapMember(sdk, key));
    }
  };

  const methodNames = (sdk: object) =>
    natives.keys(sdk).filter((k) => ctx.guard('sdk keys', () => typeof (sdk as Record<string, unknown>)[k] === 'function'));

  const api: SdkInstrumenter = {
    instrument(sdk, via) {
      if (!sdk || (typeof sdk !== 'object' && typeof sdk !== 'function')) return;
      const obj = sdk as object;
      if (instrumented.has(obj)) {
        scanMembers(obj);
        return;
      }
      instrumented.add(obj);
      if (!Object.isExtensible(obj)) {
        ctx.report('instrument SDK', new Error('SDK object is not extensible; only existing members are wrapped'));
      }
      for (const key of KNOWN_SDK_METHODS) {
        if (Object.isExtensible(obj) || natives.getOwnPropertyDescriptor(obj, key)) ctx.guard(`trap SDK.${key}`, () => trapMember(obj, key));
      }
      scanMembers(obj);
      ctx.emit({ kind: 'sdk.detected', via, methods: methodNames(obj) });
    },
    rescan() {
      for (const sdk of instrumented) scanMembers(sdk);
    },
  };
  return api;
}
