/**
 * Watches the page's `fetch` and `XMLHttpRequest` for the requests that matter to
 * SSO and records each one's method, URL, HTTP status and elapsed time (page ms):
 *  - POSTs to a botTokenUrl handed to the bot auth token provider, and any POST to
 *    `…/api/sas/postToken` (the Bot Framework token service's tokenPostResource);
 *  - Direct Line v3 traffic on any host (see directLineNet.ts).
 * Everything else passes through untouched. The page gets the same promise / the same XHR object.
 */
import type { HookContext } from './context';
import { classifyDirectLine, errorMessageOf, parseActivitySet, parseJson, redactDirectLineUrl, type DirectLineRequest } from './directLineNet';
import { own, summarizeActivity } from './activity';
import { clip } from './summarize';
import { createWrapper, observePromise } from './wrap';
import type { BotUrlRegistry } from './providers';
import type { PageWindow } from './natives';

/** Path of the Bot Framework token service's tokenPostResource endpoint. */
const POST_TOKEN_PATH = /\/api\/sas\/posttoken$/i;

/** What the hook does with a request it watches. */
export type Watch = { kind: 'token-post'; invocationId?: string } | { kind: 'directline'; dl: DirectLineRequest; url: URL };

export interface NetworkWatcher extends BotUrlRegistry {
  /** How a request to `url` is watched; null when it is not. */
  classify(method: string, url: string): Watch | null;
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
  // absolute botTokenUrl → invocation ids waiting for their POST, oldest first: a provider registered
  // twice runs twice per card and both POST to the same URL.
  const expected = new Map<string, string[]>();
  const base = () => String(win.location?.href ?? 'http://invalid.invalid/');
  const watcher: NetworkWatcher = {
    expect(url, invocationId) {
      const u = absolute(url, base());
      if (!u) return;
      expected.set(u.href, [...(expected.get(u.href) ?? []), invocationId].slice(-10));
      if (expected.size > 200) expected.delete(expected.keys().next().value!); // bounded: oldest first
    },
    classify(method, url) {
      const u = absolute(url, base());
      if (!u) return null;
      const waiting = expected.get(u.href);
      // The oldest invocation that has not posted yet; the last one keeps later POSTs (its retries).
      const invocationId = waiting && waiting.length > 1 ? waiting.shift() : waiting?.[0];
      if (invocationId) return { kind: 'token-post', invocationId };
      if (method.toUpperCase() === 'POST' && POST_TOKEN_PATH.test(u.pathname)) return { kind: 'token-post' };
      const dl = classifyDirectLine(method, u);
      return dl ? { kind: 'directline', dl, url: u } : null;
    },
  };
  installFetch(ctx, win, watcher);
  installXhr(ctx, win, watcher);
  return watcher;
}

/** One finished request, whatever the API. `body`: the request body; `response`: the parsed response, when read. */
interface Finished {
  api: 'fetch' | 'xhr';
  method: string;
  url: string;
  t0: number;
  status: number | null;
  body?: unknown;
  response?: unknown;
  error?: string;
}

/** Emits the events for a finished watched request. */
function recordFinished(ctx: HookContext, watch: Watch, r: Finished): void {
  const t = ctx.natives.now();
  const elapsedMs = t - r.t0;
  if (watch.kind === 'token-post') {
    ctx.emit(
      {
        kind: 'net.request',
        requestId: ctx.newId('n'),
        api: r.api,
        method: clip(r.method, 16),
        url: clip(r.url),
        status: r.status,
        elapsedMs,
        ...(watch.invocationId ? { invocationId: watch.invocationId } : {}),
        ...(r.error ? { error: clip(r.error, 500) } : {}),
      },
      r.t0,
    );
    return;
  }
  const { dl } = watch;
  const ok = r.status !== null && r.status >= 200 && r.status < 300;
  if (dl.op === 'get-activities' && ok) {
    // Polls: only the ones that brought activities (an empty poll every few hundred ms is noise).
    const set = parseActivitySet(r.response);
    if (set && set.activities.length > 0) {
      ctx.emit({ kind: 'directline.activities', via: r.api, ...(dl.conversationId ? { conversationId: dl.conversationId } : {}), ...set }, r.t0);
    }
    return;
  }
  const activity = dl.op === 'post-activity' ? summarizeActivity(parseJson(r.body)) : null;
  const responseId = own(r.response, 'id');
  const conversationId = dl.conversationId ?? own(r.response, 'conversationId');
  const error = r.error ?? (ok ? undefined : errorMessageOf(r.response));
  ctx.emit(
    {
      kind: 'directline.http',
      requestId: ctx.newId('d'),
      api: r.api,
      method: clip(r.method, 16),
      url: redactDirectLineUrl(watch.url),
      op: dl.op,
      status: r.status,
      elapsedMs,
      ...(typeof conversationId === 'string' ? { conversationId: clip(conversationId, 200) } : {}),
      ...(activity ? { activity } : {}),
      ...(typeof responseId === 'string' ? { responseId: clip(responseId, 200) } : {}),
      ...(error ? { error: clip(error, 1000) } : {}),
    },
    r.t0,
  );
}

/** Whether the response body is worth reading for this watch. */
const wantsBody = (watch: Watch) => watch.kind === 'directline';

function installFetch(ctx: HookContext, win: PageWindow, watcher: NetworkWatcher) {
  const original = win.fetch;
  if (typeof original !== 'function') return;
  const wrap = createWrapper(
    'fetch',
    () => (_thisArg, args) => {
      const [input, init] = args as [unknown, { method?: unknown; body?: unknown } | undefined];
      const isRequest = typeof win.Request === 'function' && input instanceof win.Request;
      const url = isRequest ? (input as Request).url : String(input);
      const initMethod = init && typeof init === 'object' ? init.method : undefined;
      const method = String(initMethod ?? (isRequest ? (input as Request).method : 'GET'));
      const watch = watcher.classify(method, url);
      if (!watch) return;
      const body = init && typeof init === 'object' && typeof init.body === 'string' ? init.body : undefined;
      const t0 = ctx.natives.now();
      const fail = (error: unknown) => recordFinished(ctx, watch, { api: 'fetch', method, url, t0, status: null, body, error: String((error as Error)?.message ?? error) });
      return {
        returned(result) {
          observePromise(
            result,
            ctx.natives,
            (response) =>
              ctx.guard('fetch response', () => {
                const res = response as Response;
                if (!wantsBody(watch)) return recordFinished(ctx, watch, { api: 'fetch', method, url, t0, status: res.status, body });
                // A clone, read before the page reads the original: the page's body is untouched.
                res
                  .clone()
                  .text()
                  .then(
                    (text) => ctx.guard('fetch body', () => recordFinished(ctx, watch, { api: 'fetch', method, url, t0, status: res.status, body, response: parseJson(text) })),
                    () => ctx.guard('fetch body', () => recordFinished(ctx, watch, { api: 'fetch', method, url, t0, status: res.status, body })),
                  );
              }),
            (error) => ctx.guard('fetch error', () => fail(error)),
          );
          return result;
        },
        threw(error) {
          fail(error);
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
    () => (thisArg, args) => {
      const xhr = thisArg as XMLHttpRequest;
      const req = opened.get(xhr);
      const watch = req && watcher.classify(req.method, req.url);
      if (!req || !watch) return;
      const body = typeof args[0] === 'string' ? args[0] : undefined;
      const t0 = ctx.natives.now();
      xhr.addEventListener('loadend', () =>
        ctx.guard('xhr loadend', () => {
          const status = xhr.status;
          // With responseType 'json' (DirectLineJS) `responseText` throws: read `response` instead.
          const type = xhr.responseType;
          const response = !wantsBody(watch) ? undefined : type === 'json' ? xhr.response : type === '' || type === 'text' ? parseJson(xhr.responseText) : undefined;
          recordFinished(ctx, watch, {
            api: 'xhr',
            method: req.method,
            url: req.url,
            t0,
            status: status === 0 ? null : status,
            body,
            response,
            ...(status === 0 ? { error: 'network error, abort or timeout' } : {}),
          });
        }),
      );
    },
    ctx.natives,
    ctx.report,
  );
  proto.open = wrapOpen(proto.open);
  proto.send = wrapSend(proto.send);
}
