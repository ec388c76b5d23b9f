/**
 * Watches the page's `fetch` and `XMLHttpRequest` for the requests that matter to
 * SSO and records each one's method, URL, HTTP status and elapsed time (page ms):
 *  - POSTs to a botTokenUrl handed to the bot auth token provider;
 *  - any POST to `…/api/sas/postToken` (the tokenPostResource SAS URL of the Bot Framework token service).
 * Everything else passes through untouched. The page gets the same promise /
 * the same XHR object; only watched requests are observed.
 */
import type { HookContext } from './context';
import { clip } from './summarize';
import { createWrapper, observePromise } from './wrap';
import type { BotUrlRegistry } from './providers';
import type { PageWindow } from './natives';

/** Path of the Bot Framework token service's tokenPostResource endpoint. */
const POST_TOKEN_PATH = /\/api\/sas\/posttoken$/i;

export interface NetworkWatcher extends BotUrlRegistry {
  /** Which bot provider invocation (if any) a request to `url` belongs to; null when the request is not watched. */
  classify(method: string, url: string): { invocationId?: string } | null;
}

/** Resolves a request URL against the page's address; null when it is not a URL. */
function absolute(url: string, base: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

export function createNetworkWatcher(ctx: HookContext, win: PageWindow): NetworkWatcher {
  const expected = new Map<string, string>(); // absolute botTokenUrl → invocationId
  const base = () => String(win.location?.href ?? 'http://invalid.invalid/');
  const watcher: NetworkWatcher = {
    expect(url, invocationId) {
      const u = absolute(url, base());
      if (!u) return;
      expected.set(u.href, invocationId);
      if (expected.size > 200) expected.delete(expected.keys().next().value!); // bounded: oldest first
    },
    classify(method, url) {
      const u = absolute(url, base());
      if (!u) return null;
      const invocationId = expected.get(u.href);
      if (invocationId) return { invocationId };
      if (method.toUpperCase() === 'POST' && POST_TOKEN_PATH.test(u.pathname)) return {};
      return null;
    },
  };
  installFetch(ctx, win, watcher);
  installXhr(ctx, win, watcher);
  return watcher;
}

function record(ctx: HookContext, api: 'fetch' | 'xhr', method: string, url: string, t0: number, status: number | null, invocationId: string | undefined, error?: string) {
  const t = ctx.natives.now();
  ctx.emit(
    {
      kind: 'net.request',
      requestId: ctx.newId('n'),
      api,
      method: clip(method, 16),
      url: clip(url),
      status,
      elapsedMs: t - t0,
      ...(invocationId ? { invocationId } : {}),
      ...(error ? { error: clip(error, 500) } : {}),
    },
    t0,
  );
}

function installFetch(ctx: HookContext, win: PageWindow, watcher: NetworkWatcher) {
  const original = win.fetch;
  if (typeof original !== 'function') return;
  const wrap = createWrapper(
    'fetch',
    () => (_thisArg, args) => {
      const [input, init] = args as [unknown, { method?: unknown } | undefined];
      const isRequest = typeof win.Request === 'function' && input instanceof win.Request;
      const url = isRequest ? (input as Request).url : String(input);
      const initMethod = init && typeof init === 'object' ? init.method : undefined;
      const method = String(initMethod ?? (isRequest ? (input as Request).method : 'GET'));
      const match = watcher.classify(method, url);
      if (!match) return;
      const t0 = ctx.natives.now();
      return {
        returned(result) {
          observePromise(
            result,
            ctx.natives,
            (response) => ctx.guard('fetch status', () => record(ctx, 'fetch', method, url, t0, (response as Response).status, match.invocationId)),
            (error) => ctx.guard('fetch error', () => record(ctx, 'fetch', method, url, t0, null, match.invocationId, String((error as Error)?.message ?? error))),
          );
          return result;
        },
        threw(error) {
          record(ctx, 'fetch', method, url, t0, null, match.invocationId, String((error as Error)?.message ?? error));
        },
      };
    },
    ctx.natives,
    ctx.report,
  );
  win.fetch = wrap(original);
}

function installXhr(ctx: HookContext, win: PageWindow, watcher: NetworkWatcher) {
  const proto = win.XMLHttpRequest?.prototype;
  if (!proto) return;
  const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
  const wrapOpen = createWrapper(
    'XMLHttpRequest.open',
    () => (thisArg, args) => {
      opened.set(thisArg as XMLHttpRequest, { method: String(args[0]), url: String(args[1]) });
    },
    ctx.natives,
    ctx.report,
  );
  const wrapSend = createWrapper(
    'XMLHttpRequest.send',
    () => (thisArg) => {
      const xhr = thisArg as XMLHttpRequest;
      const req = opened.get(xhr);
      const match = req && watcher.classify(req.method, req.url);
      if (!req || !match) return;
      const t0 = ctx.natives.now();
      xhr.addEventListener('loadend', () =>
        ctx.guard('xhr loadend', () => {
          const status = xhr.status;
          record(ctx, 'xhr', req.method, req.url, t0, status === 0 ? null : status, match.invocationId, status === 0 ? 'network error, abort or timeout' : undefined);
        }),
      );
    },
    ctx.natives,
    ctx.report,
  );
  proto.open = wrapOpen(proto.open);
  proto.send = wrapSend(proto.send);
}
