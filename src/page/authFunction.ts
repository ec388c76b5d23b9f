/**
 * The auth client function the widget's configuration names
 * (`LiveChatConfigAuthSettings.msdyn_javascriptclientfunction`, e.g. `auth.getAuthenticationToken`):
 * the page function the widget calls for the customer's JWT when the site uses the configured name
 * instead of `setAuthTokenProvider`. Once a livechatconnector config response names it, the hook
 * looks it up on `window` (through own data properties only) at every discovery moment, wraps it
 * in place (value only) and times it like an auth token provider (providers.ts). Its state is
 * reported as `lcw.authFunction`: found, missing (the widget raises error 8) or not a function.
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/administer/create-chat-auth-settings
 */
import type { HookContext } from './context';
import { parseDottedPath, readDataPath } from './namespace';
import type { PageWindow } from './natives';
import { clip } from '../shared/summarize';
import { replaceValue } from './wrap';

export interface AuthFunctionWatcher {
  /** A config response named `name` (null: none). */
  configured(name: string | null): void;
  /** Looks the function up again (a discovery moment). */
  look(): void;
}

export function createAuthFunctionWatcher(
  ctx: HookContext,
  win: PageWindow,
  wrapperFor: (name: string) => <T>(fn: T) => T,
): AuthFunctionWatcher {
  let name: string | null = null;
  let path: string[] | null = null;
  let lastState: string | null = null;
  const look = () => {
    if (!name || !path) return;
    const holder = readDataPath(win, path.slice(0, -1));
    const key = path[path.length - 1]!;
    const value = readDataPath(holder, [key]);
    const state = typeof value === 'function' ? 'function' : value === undefined ? 'missing' : 'not-a-function';
    if (state === 'function') replaceValue(holder as object, key, wrapperFor(name), ctx.natives);
    if (state !== lastState) {
      lastState = state;
      ctx.emit({ kind: 'lcw.authFunction', name: clip(name, 200), state });
    }
  };
  return {
    configured(next) {
      if (next === name) return look();
      name = next;
      path = next ? parseDottedPath(next) : null;
      lastState = null;
      look();
    },
    look,
  };
}
