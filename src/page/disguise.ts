/**
 * Keeps `toString()` of wrapped functions what it was.
 *
 * A Proxy of a native prints `function () { [native code] }` (without the name), and a Proxy of a page
 * function prints the same instead of the page's source. Libraries test natives with
 * `Function.prototype.toString.call(fetch).includes('[native code]')` and some compare names, so
 * `Function.prototype.toString` itself is wrapped: for one of our wrappers it prints the original,
 * for anything else it is the native call, same `this`, same arguments, same errors. The wrapper of
 * `toString` is itself one of our wrappers, so `Function.prototype.toString.toString()` is unchanged.
 *
 * Scope: the window the hook runs in. Another realm's `toString` (a same-origin iframe's, called on
 * this window's `fetch`) prints the Proxy's text; docs/architecture.md lists this.
 */
import type { HookContext } from './context';
import type { PageWindow } from './natives';
import { createWrapper, replaceValue, unwrapAll } from './wrap';

/** Wraps `win.Function.prototype.toString` once. Never throws. */
export function installToStringDisguise(ctx: HookContext, win: PageWindow): void {
  const fnProto = win.Function?.prototype;
  if (!fnProto) return;
  const wrap = createWrapper(
    'Function.prototype.toString',
    () => (thisArg) => {
      const original = unwrapAll(thisArg);
      // Call the native on the innermost original instead of on the wrapper.
      return original === thisArg ? undefined : { thisArg: original };
    },
    ctx.natives,
    ctx.report,
  );
  ctx.guard('toString disguise', () => replaceValue(fnProto, 'toString', wrap, ctx.natives));
}
