/**
 * Instruments `Microsoft.Omnichannel.LiveChatWidget.SDK` once the page has created it: every
 * function-valued own data member gets a wrapper as its value (attributes and key order unchanged),
 * including members assigned one at a time later and ones reassigned (the v1 bootstrapper redefines
 * getAuthTokenProvider on each setAuthTokenProvider), which the next look or SDK call picks up.
 * `SDK.startChat === SDK.startChat` still holds, and getAuthTokenProvider() returns the page's own
 * function, not our provider wrapper.
 * Methods: https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/omnichannel-reference
 */
import type { HookContext } from './context';
import type { createProviderWrappers } from './providers';
import { clip, summarize, summarizeError } from '../shared/summarize';
import { createWrapper, replaceValue, tapPromise, unwrap } from './wrap';

export interface SdkInstrumenter {
  /**
   * Instruments an SDK object (idempotent: later calls wrap members assigned since) and reports `sdk.detected` once per
   * object.
   */
  instrument(sdk: unknown): void;
  /** Re-scans instrumented SDK objects for function members assigned since. */
  rescan(): void;
}

export function createSdkInstrumenter(
  ctx: HookContext,
  providers: ReturnType<typeof createProviderWrappers>,
): SdkInstrumenter {
  const { natives } = ctx;
  const instrumented = new Set<object>();

  const wrapMethod = (key: string, method = clip(key, 200)) =>
    createWrapper(
      `SDK.${method}`,
      () => (_thisArg, args) => {
        const callId = ctx.newId('c');
        const t0 = natives.now();
        const summary = args.slice(0, 50).map((a) => summarize(a));
        const planArgs = args.slice();
        if (method === 'setAuthTokenProvider' && typeof args[0] === 'function')
          planArgs[0] = providers.wrapAuthProvider(args[0]);
        if (method === 'setBotAuthTokenProvider' && typeof args[0] === 'function')
          planArgs[0] = providers.wrapBotProvider(args[0]);
        if (method === 'setAuthCodeProvider' && typeof args[0] === 'function')
          planArgs[0] = providers.wrapAuthProvider(args[0]);
        const record = (
          outcome: 'returned' | 'threw',
          extra: { result?: unknown; error?: unknown; returnedPromise?: boolean },
        ) => {
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
              ...(outcome === 'returned'
                ? { result: summarize(unwrap(extra.result)) }
                : { error: summarizeError(extra.error) }),
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
                ctx.emit(
                  {
                    kind: 'sdk.settled',
                    callId,
                    method,
                    outcome,
                    durationMs: t - t0,
                    ...(outcome === 'fulfilled' ? { value: summarize(value) } : { error: summarizeError(value) }),
                  },
                  t,
                );
              });
            const { promise, tapped } = tapPromise(
              pageResult,
              natives,
              (v) => settled('fulfilled', v),
              (e) => settled('rejected', e),
            );
            record('returned', { result: pageResult, returnedPromise: tapped });
            ctx.guard('rescan', () => api.rescan());
            return promise;
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

  // Runs after every SDK call: no closure or label per member unless one fails.
  const scanMembers = (sdk: object) => {
    for (const key of natives.keys(sdk)) {
      try {
        replaceValue(sdk, key, wrapperFor(key), natives);
      } catch (e) {
        ctx.report(`wrap SDK.${key}`, e);
      }
    }
  };

  const methodNames = (sdk: object) =>
    natives.keys(sdk).filter((k) => {
      const d = natives.getOwnPropertyDescriptor(sdk, k);
      return !!d && 'value' in d && typeof d.value === 'function';
    });

  const api: SdkInstrumenter = {
    instrument(sdk) {
      if (!sdk || (typeof sdk !== 'object' && typeof sdk !== 'function')) return;
      const obj = sdk as object;
      scanMembers(obj);
      if (instrumented.has(obj)) return;
      instrumented.add(obj);
      // Bounded: a page that rebuilds its SDK object many times keeps only the latest few rescanned.
      if (instrumented.size > 10) instrumented.delete(instrumented.values().next().value!);
      ctx.emit({
        kind: 'sdk.detected',
        via: 'scan',
        methods: methodNames(obj)
          .slice(0, 200)
          .map((k) => clip(k, 200)),
      });
    },
    rescan() {
      for (const sdk of instrumented) scanMembers(sdk);
    },
  };
  return api;
}
