/**
 * Wrappers for the functions a page registers with the LCW SDK:
 *  - the auth token provider, `setAuthTokenProvider(provider)`, called as `provider(callback)` and
 *    expected to call `callback(jwt)` within 10 s
 *    (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setauthtokenprovider);
 *  - the bot auth token provider, `setBotAuthTokenProvider(provider)`, called as
 *    `provider(botTokenUrl, callback)` and expected to POST the token to botTokenUrl, then call
 *    `callback({show})`
 *    (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setbotauthtokenprovider);
 *  - the auth client function the widget's configuration names (`msdyn_javascriptclientfunction`,
 *    e.g. `auth.getAuthenticationToken`), timed like an auth token provider: it may call a callback or
 *    resolve with the token, as the chat SDK's `getAuthToken()` does.
 *
 * Each invocation emits provider.invoke, provider.callback (per callback call) and provider.end.
 * Elapsed times are measured in the page with performance.now(), in ms.
 * Injected faults (src/shared/faults.ts) act here, fixed per invocation when it starts: `auth-delay` and
 * `bot-auth-delay` hand the widget the value late; `auth-fail` throws instead of running the page's
 * provider, or hands the widget a locally built token (injectedToken.ts). The events they change carry
 * `fault`; each action is reported as `fault.applied`.
 */
import { MAX_TOKEN } from '../shared/constants';
import type { ProviderRole } from '../shared/events';
import type { HookContext } from './context';
import { clip, summarize, summarizeError } from '../shared/summarize';
import { createWrapper, tapPromise, wrapOnce, type CallObserver } from './wrap';
import { getOwnDescriptor, URLCtor } from '../shared/builtins';
import type { FaultId } from '../shared/faults';
import { reportApplied } from './faults';
import { injectedToken } from './injectedToken';

// Captured when the hook's bundle is evaluated, before any page script: the error an injected
// `auth-fail` `throw` raises is a real Error whatever the page later does to `window.Error`.
const ErrorCtor = Error;
/** The message of the error the `auth-fail` fault (`throw`) raises in place of the page's provider. */
export const INJECTED_THROW_MESSAGE = 'Injected by Chat SSO Inspector: the auth token provider was made to throw';

/** Lets the network watcher attribute a POST to botTokenUrl to the bot provider invocation that made it. */
export interface BotUrlRegistry {
  expect(url: string, invocationId: string): void;
}

/**
 * The signInId carried by a botTokenUrl: its `state` query parameter.
 * Returns null when the URL has none or cannot be parsed. Never throws.
 */
export function signInIdFromBotTokenUrl(botTokenUrl: unknown): string | null {
  if (typeof botTokenUrl !== 'string') return null;
  try {
    return new URLCtor(botTokenUrl, 'http://invalid.invalid/').searchParams.get('state');
  } catch {
    return null;
  }
}

/** Reads `value.show` without running a getter; null unless it is a boolean own data property. */
function readShow(value: unknown): boolean | null {
  if (!value || typeof value !== 'object') return null;
  const d = getOwnDescriptor(value, 'show');
  return d && 'value' in d && typeof d.value === 'boolean' ? d.value : null;
}

/** Where the hook found an auth function: registered with the SDK, or named by the widget's configuration. */
export type ProviderSource = { source: 'provider' } | { source: 'client-function'; functionName: string };

/** Creates the provider wrappers for one hook instance. Each is idempotent (see createWrapper). */
export function createProviderWrappers(ctx: HookContext, bots: BotUrlRegistry) {
  const observer =
    (role: ProviderRole, from: ProviderSource): ((fn: Function) => CallObserver) =>
    () =>
    (_thisArg, args) => {
      const { natives } = ctx;
      const invocationId = ctx.newId(role === 'auth' ? 'a' : 'b');
      const t0 = natives.now();
      const callbackIndex = role === 'auth' ? 0 : 1;
      const origin =
        from.source === 'client-function' ? { source: from.source, functionName: clip(from.functionName, 200) } : {};
      if (role === 'bot') {
        const botTokenUrl = typeof args[0] === 'string' ? args[0] : undefined;
        const signInId = signInIdFromBotTokenUrl(args[0]);
        ctx.emit(
          {
            kind: 'provider.invoke',
            invocationId,
            role,
            botTokenUrl: botTokenUrl === undefined ? undefined : clip(botTokenUrl),
            signInId: signInId === null ? null : clip(signInId, 500),
            ...origin,
          },
          t0,
        );
        if (botTokenUrl) bots.expect(botTokenUrl, invocationId);
      } else {
        ctx.emit({ kind: 'provider.invoke', invocationId, role, ...origin }, t0);
      }
      let inProvider = true;
      let callCount = 0;
      // Injected faults, fixed for this invocation when it starts (src/shared/faults.ts).
      const fail = role === 'auth' ? ctx.faults.active('auth-fail') : undefined;
      const delay = ctx.faults.active(role === 'auth' ? 'auth-delay' : 'bot-auth-delay');
      const delayMs = delay ? delay.seconds * 1000 : 0;
      /** The fault that changed what an event records, as its `fault` marker. */
      const marked = (id: FaultId | undefined) => (id ? { fault: id } : {});
      const failMark = fail ? fail.id : undefined;
      const elapsed = (t: number) => t - t0;
      const end = (outcome: 'returned' | 'threw' | 'fulfilled' | 'rejected', error?: unknown) =>
        ctx.guard('provider end', () => {
          const t = natives.now();
          ctx.emit(
            {
              kind: 'provider.end',
              invocationId,
              role,
              elapsedMs: elapsed(t),
              outcome,
              calledBack: callCount > 0,
              ...(error === undefined ? {} : { error: summarizeError(error) }),
              ...marked(fail?.mode === 'throw' ? failMark : undefined),
            },
            t,
          );
        });

      const planArgs = args.slice();
      const callback = args[callbackIndex];
      /** Records the value handed back: through the callback, or (an async auth function) as its result. */
      const handedBack = (value: unknown, via: 'callback' | 'promise' | 'return', fault?: FaultId) =>
        ctx.guard('provider callback', () => {
          const t = natives.now();
          callCount += 1;
          if (role === 'auth') {
            const isString = typeof value === 'string';
            ctx.emit(
              {
                kind: 'provider.callback',
                invocationId,
                role,
                elapsedMs: elapsed(t),
                sync: inProvider,
                callCount,
                valueType: value === null ? 'null' : typeof value,
                ...(via === 'callback' ? {} : { via }),
                ...(isString
                  ? { token: value.slice(0, MAX_TOKEN), tokenTruncated: value.length > MAX_TOKEN }
                  : { value: summarize(value) }),
                ...marked(fault),
              },
              t,
            );
          } else {
            ctx.emit(
              {
                kind: 'provider.callback',
                invocationId,
                role,
                elapsedMs: elapsed(t),
                sync: inProvider,
                callCount,
                valueType: value === null ? 'null' : typeof value,
                show: readShow(value),
                value: summarize(value),
                ...marked(fault),
              },
              t,
            );
          }
        });
      /** What the widget receives in place of `value` under `auth-fail` (`expired`, `malformed`). */
      const swapped = (value: unknown): { value: unknown; fault?: FaultId } => {
        if (!fail || fail.mode === 'throw') return { value };
        const token = injectedToken(fail.mode, value, natives.timeOrigin + natives.now());
        reportApplied(
          ctx,
          fail.id,
          `the widget got a locally built, unsigned, ${fail.mode} token instead of the page's`,
          {
            invocationId,
          },
        );
        return { value: token, fault: fail.id };
      };
      /** Runs `deliver` now, or `delayMs` later under a delay fault (which it reports). */
      const later = (deliver: () => void, what: string) => {
        if (!delay) return deliver();
        reportApplied(ctx, delay.id, `${what} held ${delay.seconds} s before the widget got it`, { invocationId });
        natives.setTimeout(deliver, delayMs);
      };
      if (typeof callback === 'function') {
        // The widget's callback, wrapped for this invocation: same this, arguments, return value,
        // name, length and toString.
        const observe: CallObserver =
          !fail && !delay
            ? (_this, cbArgs) => void handedBack(cbArgs[0], 'callback')
            : (thisArg, cbArgs) => {
                // Injected faults: the widget's callback gets another token, or gets it late (called from
                // a timer then, so its return value no longer reaches the page's provider).
                const out = swapped(cbArgs[0]);
                const args = cbArgs.slice();
                args[0] = out.value;
                if (!delay) {
                  handedBack(out.value, 'callback', out.fault);
                  return { args };
                }
                return {
                  instead: () =>
                    later(() => {
                      handedBack(out.value, 'callback', out.fault ?? delay.id);
                      natives.apply(callback, thisArg, args);
                    }, "the provider's callback"),
                };
              };
        planArgs[callbackIndex] = wrapOnce(callback, 'provider callback', observe, natives, ctx.report);
      }
      // The chat SDK's getAuthToken() takes no callback and resolves with the token.
      const resolvesToken = role === 'auth' && typeof callback !== 'function';
      /**
       * Under a fault, the promise (or value) an auth function resolves with (getAuthToken()'s form), as the
       * widget then sees it: another token, and/or settled late. Undefined for a value no fault changes.
       */
      const faultedResult = (result: unknown): unknown => {
        if (result && typeof result === 'object' && natives.getPrototypeOf(result) === natives.promiseProto) {
          return new natives.PromiseCtor((resolve, reject) => {
            natives.apply(natives.promiseThen, result, [
              (v: unknown) => {
                end('fulfilled');
                const out = callCount === 0 ? swapped(v) : { value: v };
                later(() => {
                  if (callCount === 0) handedBack(out.value, 'promise', out.fault ?? delay?.id);
                  resolve(out.value);
                }, 'the resolved token');
              },
              (e: unknown) => {
                end('rejected', e);
                later(() => reject(e), 'the rejection');
              },
            ]);
          });
        }
        if (!fail || result === undefined || callCount > 0) return undefined; // a plain return cannot be delayed
        const out = swapped(result);
        handedBack(out.value, 'return', out.fault);
        end('returned');
        return out.value;
      };
      if (fail?.mode === 'throw') {
        // The page's provider is not called at all: the widget sees a provider that throws at once, as a
        // broken one would, and the page's provider does no work (no token fetched) whose result is dropped.
        reportApplied(ctx, fail.id, 'the auth token provider threw an injected error instead of running', {
          invocationId,
        });
        return {
          instead() {
            throw new ErrorCtor(INJECTED_THROW_MESSAGE);
          },
          threw(error: unknown) {
            inProvider = false;
            end('threw', error);
          },
        };
      }
      return {
        args: planArgs,
        returned(result: unknown) {
          inProvider = false;
          if (resolvesToken && (fail || delay)) {
            const faulted = faultedResult(result);
            if (faulted !== undefined) return faulted;
          }
          const { promise, tapped } = tapPromise(
            result,
            natives,
            (v) => {
              if (resolvesToken && callCount === 0) handedBack(v, 'promise');
              end('fulfilled');
            },
            (e) => end('rejected', e),
          );
          if (!tapped) {
            if (resolvesToken && callCount === 0 && result !== undefined) handedBack(result, 'return');
            end('returned');
          }
          return promise;
        },
        threw(error: unknown) {
          inProvider = false;
          end('threw', error);
        },
      };
    };
  const clientFunctionWrappers = new Map<string, <T>(fn: T) => T>();
  return {
    wrapAuthProvider: createWrapper(
      'auth token provider',
      observer('auth', { source: 'provider' }),
      ctx.natives,
      ctx.report,
    ),
    wrapBotProvider: createWrapper(
      'bot auth token provider',
      observer('bot', { source: 'provider' }),
      ctx.natives,
      ctx.report,
    ),
    /** The wrapper for the auth client function the widget's configuration names (`auth.getAuthenticationToken`). */
    clientFunctionWrapper(functionName: string): <T>(fn: T) => T {
      let wrap = clientFunctionWrappers.get(functionName);
      if (!wrap) {
        wrap = createWrapper(
          `auth client function ${functionName}`,
          observer('auth', { source: 'client-function', functionName }),
          ctx.natives,
          ctx.report,
        );
        clientFunctionWrappers.set(functionName, wrap);
      }
      return wrap;
    },
  };
}
