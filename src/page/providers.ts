/**
 * Wrappers for the functions a page registers with the LCW SDK:
 *  - the auth token provider, `setAuthTokenProvider(provider)`, called as `provider(callback)` and
 *    expected to call `callback(jwt)` within 10 s
 *    (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setauthtokenprovider);
 *  - the bot auth token provider, `setBotAuthTokenProvider(provider)`, called as
 *    `provider(botTokenUrl, callback)` and expected to POST the token to botTokenUrl, then call
 *    `callback({show})` (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setbotauthtokenprovider).
 *
 * Each invocation emits provider.invoke, provider.callback (per callback call) and provider.end.
 * Elapsed times are measured in the page with performance.now(), in ms.
 */
import { MAX_TOKEN } from '../shared/constants';
import type { ProviderRole } from '../shared/events';
import type { HookContext } from './context';
import { summarize, summarizeError } from './summarize';
import { createWrapper, observePromise, type CallObserver } from './wrap';

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
    return new URL(botTokenUrl, 'http://invalid.invalid/').searchParams.get('state');
  } catch {
    return null;
  }
}

/** Reads `value.show` without running a getter; null unless it is a boolean own data property. */
function readShow(value: unknown): boolean | null {
  if (!value || typeof value !== 'object') return null;
  const d = Object.getOwnPropertyDescriptor(value, 'show');
  return d && 'value' in d && typeof d.value === 'boolean' ? d.value : null;
}

/** Creates the two provider wrappers for one hook instance. Both are idempotent (see createWrapper). */
export function createProviderWrappers(ctx: HookContext, bots: BotUrlRegistry) {
  const observer = (role: ProviderRole): ((fn: Function) => CallObserver) => () => (_thisArg, args) => {
    const { natives } = ctx;
    const invocationId = ctx.newId(role === 'auth' ? 'a' : 'b');
    const t0 = natives.now();
    const callbackIndex = role === 'auth' ? 0 : 1;
    if (role === 'bot') {
      const botTokenUrl = typeof args[0] === 'string' ? args[0] : undefined;
      ctx.emit({ kind: 'provider.invoke', invocationId, role, botTokenUrl, signInId: signInIdFromBotTokenUrl(args[0]) }, t0);
      if (botTokenUrl) bots.expect(botTokenUrl, invocationId);
    } else {
      ctx.emit({ kind: 'provider.invoke', invocationId, role }, t0);
    }
    let inProvider = true;
    let callCount = 0;
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
          },
          t,
        );
      });

    const planArgs = args.slice();
    const callback = args[callbackIndex];
    if (typeof callback === 'function') {
      // The widget's callback is replaced by a forwarding function: same this, args and return.
      planArgs[callbackIndex] = function (this: unknown, ...cbArgs: unknown[]) {
        ctx.guard('provider callback', () => {
          const t = natives.now();
          callCount += 1;
          const value = cbArgs[0];
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
                ...(isString ? { token: value.slice(0, MAX_TOKEN), tokenTruncated: value.length > MAX_TOKEN } : { value: summarize(value) }),
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
              },
              t,
            );
          }
        });
        return natives.apply(callback, this, cbArgs);
      };
    }
    return {
      args: planArgs,
      returned(result: unknown) {
        inProvider = false;
        const observed = observePromise(
          result,
          natives,
          () => end('fulfilled'),
          (e) => end('rejected', e),
        );
        if (!observed) end('returned');
        return result;
      },
      threw(error: unknown) {
        inProvider = false;
        end('threw', error);
      },
    };
  };
  return {
    wrapAuthProvider: createWrapper('auth token provider', observer('auth'), ctx.natives, ctx.report),
    wrapBotProvider: createWrapper('bot auth token provider', observer('bot'), ctx.natives, ctx.report),
  };
}
