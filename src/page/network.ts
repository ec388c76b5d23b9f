/**
 * Watches the page's `fetch` and `XMLHttpRequest` for the requests that matter to SSO and records
 * each one's method, URL, HTTP status and elapsed time (page ms):
 *  - POSTs to a botTokenUrl handed to the bot auth token provider, and any POST to
 *    `…/api/sas/postToken` (the Bot Framework token service's tokenPostResource);
 *  - the widget's `…/api/sas/gettesturl` look-up for a sign-in card without a sasUrl;
 *  - Omnichannel `livechatconnector` calls, with whether `AuthenticatedUserToken` was sent and the
 *    auth client function a config response names (shared/omnichannel.ts);
 *  - Direct Line v3 traffic on any host (see src/shared/directLine.ts).
 * Everything else passes through untouched. The XHR object is the page's own; a watched fetch's
 * promise settles like the native one, one microtask later (wrap.ts, tapPromise).
 * Injected faults (`post-token-status`, `exchange-502`, src/shared/faults.ts) answer a watched request
 * in the hook instead of the network: see forcedAnswer.
 */
import { AUTHENTICATED_USER_TOKEN_HEADER, authClientFunctionOf, connectorEndpoint } from '../shared/omnichannel';
import { MAX_TOKEN } from '../shared/constants';
import type { HookContext } from './context';
import {
  classifyDirectLine,
  directLineEventOf,
  parseJson,
  redactDirectLineUrl,
  type DirectLineRequest,
} from '../shared/directLine';
import { isTokenExchangeInvoke, own } from '../shared/activity';
import { clip } from '../shared/summarize';
import { createWrapper, replaceValue, tapPromise } from './wrap';
import type { BotUrlRegistry } from './providers';
import type { PageWindow } from './natives';
import { isArray, ownKeys, reflectApply, URLCtor } from '../shared/builtins';
import type { FaultId } from '../shared/faults';
import { reportApplied } from './faults';

/** Path of the Bot Framework token service's tokenPostResource endpoint. */
const POST_TOKEN_PATH = /\/api\/sas\/posttoken$/i;
/** Path the widget asks for a sasUrl when a sign-in card has none (BotAuthActivitySubscriber). */
const GET_TEST_URL_PATH = /\/api\/sas\/gettesturl$/i;
/** Largest config response read for the auth client function name (characters). */
const MAX_CONFIG_CHARS = 2_000_000;

/** What the hook does with a request it watches. */
export type Watch =
  | { kind: 'token-post'; invocationId?: string }
  | { kind: 'gettesturl' }
  | { kind: 'directline'; dl: DirectLineRequest; url: URL }
  | { kind: 'connector'; endpoint: string };

export interface NetworkWatcher extends BotUrlRegistry {
  /** How a request to `url` is watched; null when it is not. */
  classify(method: string, url: string): Watch | null;
}

/** Called with what a livechatconnector config response names as the auth client function. */
export type ConfigListener = (authClientFunction: string | null) => void;

/** Resolves a request URL against the page's address; null when it is not a URL. */
function absolute(url: string, base: string): URL | null {
  try {
    return new URLCtor(url, base);
  } catch {
    return null;
  }
}

export function createNetworkWatcher(
  ctx: HookContext,
  win: PageWindow,
  onConfig: ConfigListener,
  afterResponse: () => void,
): NetworkWatcher {
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
      if (GET_TEST_URL_PATH.test(u.pathname)) return { kind: 'gettesturl' };
      const endpoint = connectorEndpoint(u.pathname);
      if (endpoint !== null) return { kind: 'connector', endpoint };
      const dl = classifyDirectLine(method, u);
      return dl ? { kind: 'directline', dl, url: u } : null;
    },
  };
  const recorder: Recorder = { ctx, onConfig, afterResponse };
  ctx.guard('fetch', () => installFetch(recorder, win, watcher));
  ctx.guard('xhr', () => installXhr(recorder, win, watcher));
  return watcher;
}

interface Recorder {
  ctx: HookContext;
  onConfig: ConfigListener;
  afterResponse: () => void;
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
  /** The AuthenticatedUserToken request header, when one was sent. */
  userToken?: string;
  /** Set when an injected fault answered the request (see forcedAnswer). */
  forced?: ForcedAnswer;
}

/**
 * An answer the hook gives a request itself under an injected fault, in place of the network's: the
 * request never leaves the browser. Faked rather than let through and rewritten, so that the server never
 * sees it (a token POSTed with `post-token-status` 500 is not stored by the token service; an exchange
 * answered 502 does not sign the user in behind the page's back), and nothing depends on the server.
 */
interface ForcedAnswer {
  fault: FaultId;
  status: number;
  /** The id of the event that records the request, made up front so `fault.applied` can name it. */
  requestId: string;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  404: 'Not Found',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

/**
 * The answer an active fault forces on this request, or null (always null with every fault off: one
 * cheap check per watched request). `body`: the request body, when a string. Reports `fault.applied`.
 *  - `post-token-status`: a POST to a botTokenUrl / tokenPostResource;
 *  - `exchange-502`: a Direct Line POST of a `signin/tokenExchange` invoke. Azure's Direct Line answers
 *    502 when the bot refuses the exchange (412), and DirectLineJS's catchPostError maps any status
 *    that is not 4xx to `'retry'`.
 */
function forcedAnswer(ctx: HookContext, watch: Watch, url: string, body: string | undefined): ForcedAnswer | null {
  let answer: Omit<ForcedAnswer, 'requestId'> | null = null;
  if (watch.kind === 'token-post') {
    const fault = ctx.faults.active('post-token-status');
    if (fault) answer = { fault: fault.id, status: fault.status };
  } else if (watch.kind === 'directline' && watch.dl.op === 'post-activity') {
    const fault = ctx.faults.active('exchange-502');
    const activity = fault ? parseJson(body) : undefined;
    if (fault && isTokenExchangeInvoke(own(activity, 'type'), own(activity, 'name')))
      answer = { fault: fault.id, status: 502 };
  }
  if (!answer) return null;
  const requestId = ctx.newId(watch.kind === 'directline' ? 'd' : 'n');
  reportApplied(ctx, answer.fault, `answered ${answer.status} by the inspector; the request never left the browser`, {
    requestId,
    url: clip(watch.kind === 'directline' ? redactDirectLineUrl(watch.url) : url),
    status: answer.status,
  });
  return { ...answer, requestId };
}

/** Emits the events for a finished watched request. */
function recordFinished(rec: Recorder, watch: Watch, r: Finished): void {
  const { ctx } = rec;
  const t = ctx.natives.now();
  const elapsedMs = t - r.t0;
  rec.afterResponse();
  if (watch.kind === 'token-post' || watch.kind === 'gettesturl') {
    ctx.emit(
      {
        kind: 'net.request',
        requestId: r.forced?.requestId ?? ctx.newId('n'),
        api: r.api,
        method: clip(r.method, 16),
        url: clip(r.url),
        status: r.status,
        elapsedMs,
        purpose: watch.kind,
        ...(watch.kind === 'token-post' && watch.invocationId ? { invocationId: watch.invocationId } : {}),
        ...(r.error ? { error: clip(r.error, 500) } : {}),
        ...(r.forced ? { fault: r.forced.fault } : {}),
      },
      r.t0,
    );
    return;
  }
  if (watch.kind === 'connector') {
    const authClientFunction = r.response === undefined ? undefined : authClientFunctionOf(r.response);
    ctx.emit(
      {
        kind: 'omnichannel.http',
        requestId: ctx.newId('o'),
        api: r.api,
        method: clip(r.method, 16),
        url: clip(r.url),
        endpoint: clip(watch.endpoint, 500),
        status: r.status,
        elapsedMs,
        ...(r.userToken !== undefined ? { authenticatedUserToken: r.userToken.slice(0, MAX_TOKEN) } : {}),
        ...(authClientFunction !== undefined
          ? { authClientFunction: authClientFunction === null ? null : clip(authClientFunction, 200) }
          : {}),
        ...(r.error ? { error: clip(r.error, 500) } : {}),
      },
      r.t0,
    );
    if (authClientFunction !== undefined) ctx.guard('auth client function', () => rec.onConfig(authClientFunction));
    return;
  }
  const event = directLineEventOf({
    ...r,
    url: watch.url,
    dl: watch.dl,
    elapsedMs,
    requestId: () => r.forced?.requestId ?? ctx.newId('d'),
  });
  if (event) ctx.emit(r.forced ? { ...event, fault: r.forced.fault } : event, r.t0);
}

/** Whether the response body is worth reading for this watch. */
function wantsBody(watch: Watch): boolean {
  return watch.kind === 'directline' || (watch.kind === 'connector' && /^config\//i.test(watch.endpoint));
}

/** Case-insensitive look-up of a request header in what `fetch` accepts as `headers`. Runs no page code. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  if (HeadersCtor && headers instanceof HeadersCtor) {
    return nativeHeadersGet(headers, name) ?? undefined;
  }
  if (isArray(headers)) {
    for (const pair of headers.slice(0, 200)) {
      const key = own(pair, '0');
      const value = own(pair, '1');
      if (typeof key === 'string' && key.toLowerCase() === lower && typeof value === 'string') return value;
    }
    return undefined;
  }
  for (const key of ownKeys(headers).slice(0, 200)) {
    if (key.toLowerCase() !== lower) continue;
    const value = own(headers, key);
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

// Captured before any page script runs, so reading a Headers object runs no page code.
const HeadersCtor = typeof Headers === 'function' ? Headers : undefined;
const RequestCtor = typeof Request === 'function' ? Request : undefined;
const headersGet = HeadersCtor?.prototype.get;
function nativeHeadersGet(headers: object, name: string): string | null {
  try {
    return headersGet ? (reflectApply(headersGet, headers, [name]) as string | null) : null;
  } catch {
    return null;
  }
}

function installFetch(rec: Recorder, win: PageWindow, watcher: NetworkWatcher) {
  const { ctx } = rec;
  const ResponseCtor = typeof win.Response === 'function' ? win.Response : undefined; // captured now
  const wrap = createWrapper(
    'fetch',
    () => (_thisArg, args) => {
      const [input, init] = args;
      const isRequest = !!RequestCtor && input instanceof RequestCtor;
      const url = isRequest
        ? (input as Request).url
        : typeof input === 'string'
          ? input
          : input instanceof URLCtor
            ? input.href
            : null;
      if (url === null) return; // an object with its own toString: converting it would run page code
      const initMethod = own(init, 'method');
      const method = String(
        typeof initMethod === 'string' ? initMethod : isRequest ? (input as Request).method : 'GET',
      );
      const watch = watcher.classify(method, url);
      if (!watch) return;
      const initBody = own(init, 'body');
      const body = typeof initBody === 'string' ? initBody : undefined;
      const userToken =
        watch.kind === 'connector'
          ? (headerOf(own(init, 'headers'), AUTHENTICATED_USER_TOKEN_HEADER) ??
            (isRequest
              ? (nativeHeadersGet((input as Request).headers, AUTHENTICATED_USER_TOKEN_HEADER) ?? undefined)
              : undefined))
          : undefined;
      const t0 = ctx.natives.now();
      const forced = forcedAnswer(ctx, watch, url, body);
      const done = (extra: Partial<Finished>) =>
        recordFinished(rec, watch, {
          api: 'fetch',
          method,
          url,
          t0,
          status: null,
          body,
          ...(userToken !== undefined ? { userToken } : {}),
          ...(forced ? { forced } : {}),
          ...extra,
        });
      return {
        // An injected fault's answer: a real Response of the page's realm, settled from a task as a
        // network answer would be, with no body.
        ...(forced && ResponseCtor
          ? {
              instead: () =>
                new ctx.natives.PromiseCtor((resolve) =>
                  ctx.natives.setTimeout(
                    () =>
                      resolve(
                        new ResponseCtor(null, { status: forced.status, statusText: STATUS_TEXT[forced.status] ?? '' }),
                      ),
                    0,
                  ),
                ),
            }
          : {}),
        returned(result) {
          return tapPromise(
            result,
            ctx.natives,
            (response) =>
              ctx.guard('fetch response', () => {
                const res = response as Response;
                if (!wantsBody(watch)) return done({ status: res.status });
                // A clone, read before the page reads the original: the page's body is untouched.
                res
                  .clone()
                  .text()
                  .then(
                    (text) =>
                      ctx.guard('fetch body', () =>
                        done({
                          status: res.status,
                          response: text.length <= MAX_CONFIG_CHARS ? parseJson(text) : undefined,
                        }),
                      ),
                    () => ctx.guard('fetch body', () => done({ status: res.status })),
                  );
              }),
            (error) =>
              ctx.guard('fetch error', () => done({ error: String(own(error, 'message') ?? 'network error') })),
          ).promise;
        },
        threw(error) {
          done({ error: String(own(error, 'message') ?? 'fetch threw') });
        },
      };
    },
    ctx.natives,
    ctx.report,
  );
  replaceValue(win, 'fetch', wrap, ctx.natives);
}

interface OpenedRequest {
  method: string;
  url: string;
  watch: Watch;
  userToken?: string;
}

function installXhr(rec: Recorder, win: PageWindow, watcher: NetworkWatcher) {
  const { ctx } = rec;
  const proto = win.XMLHttpRequest?.prototype;
  if (!proto) return;
  const opened = new WeakMap<object, OpenedRequest>();
  const sent = new WeakMap<
    object,
    { req: OpenedRequest; watch: Watch; body?: string; t0: number; forced?: ForcedAnswer }
  >();
  const fake = fakeXhrAnswer(win, ctx);
  const listening = new WeakSet<object>();
  /**
   * The request finished: readyState 4 comes before `load` and `loadend`, and our listener is added at
   * open(), before the page's usual handlers. A config response names the auth client function, and
   * the page's code may call it from a microtask right after its own handler: the hook must see the
   * name first to wrap the function in time.
   */
  const onReadyState = function (this: XMLHttpRequest) {
    // The XHR the listener is on, named for the closures below.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const xhr = this;
    if (xhr.readyState !== 4) return;
    const s = sent.get(xhr);
    if (!s) return;
    sent.delete(xhr);
    ctx.guard('xhr done', () => {
      const status = xhr.status;
      // With responseType 'json' (DirectLineJS) `responseText` throws: read `response` instead.
      const type = xhr.responseType;
      const response = !wantsBody(s.watch)
        ? undefined
        : type === 'json'
          ? xhr.response
          : type === '' || type === 'text'
            ? parseJson(xhr.responseText)
            : undefined;
      recordFinished(rec, s.watch, {
        api: 'xhr',
        method: s.req.method,
        url: s.req.url,
        t0: s.t0,
        status: status === 0 ? null : status,
        body: s.body,
        response,
        ...(s.req.userToken !== undefined ? { userToken: s.req.userToken } : {}),
        ...(status === 0 ? { error: 'network error, abort or timeout' } : {}),
        ...(s.forced ? { forced: s.forced } : {}),
      });
    });
  };
  const wrapOpen = createWrapper(
    'XMLHttpRequest.open',
    () => (thisArg, args) => {
      const xhr = thisArg as XMLHttpRequest;
      sent.delete(xhr);
      fake.reset(xhr);
      // Only string URLs: converting an object would run its toString (page code) a second time.
      const url = typeof args[1] === 'string' ? args[1] : args[1] instanceof URLCtor ? args[1].href : null;
      if (url === null || typeof args[0] !== 'string') {
        opened.delete(xhr);
        return;
      }
      const watch = watcher.classify(args[0], url);
      if (!watch) {
        opened.delete(xhr);
        return;
      }
      opened.set(xhr, { method: args[0], url, watch });
      if (!listening.has(xhr)) {
        listening.add(xhr);
        ctx.guard('xhr listen', () => xhr.addEventListener('readystatechange', onReadyState));
      }
    },
    ctx.natives,
    ctx.report,
  );
  const wrapSetRequestHeader = createWrapper(
    'XMLHttpRequest.setRequestHeader',
    () => (thisArg, args) => {
      const req = opened.get(thisArg as object);
      if (
        req &&
        typeof args[0] === 'string' &&
        typeof args[1] === 'string' &&
        args[0].toLowerCase() === AUTHENTICATED_USER_TOKEN_HEADER.toLowerCase()
      ) {
        req.userToken = args[1];
      }
    },
    ctx.natives,
    ctx.report,
  );
  const wrapSend = createWrapper(
    'XMLHttpRequest.send',
    () => (thisArg, args) => {
      const xhr = thisArg as XMLHttpRequest;
      const req = opened.get(xhr);
      if (!req) return;
      const body = typeof args[0] === 'string' ? args[0] : undefined;
      const forced = forcedAnswer(ctx, req.watch, req.url, body);
      sent.set(xhr, {
        req,
        watch: req.watch,
        t0: ctx.natives.now(),
        ...(body !== undefined ? { body } : {}),
        ...(forced ? { forced } : {}),
      });
      // An injected fault's answer: the request is not sent; the instance completes with the status.
      if (forced) return { instead: () => fake.answer(xhr, forced.status) };
    },
    ctx.natives,
    ctx.report,
  );
  replaceValue(proto, 'open', wrapOpen, ctx.natives);
  replaceValue(proto, 'setRequestHeader', wrapSetRequestHeader, ctx.natives);
  replaceValue(proto, 'send', wrapSend, ctx.natives);
}

/**
 * Completes an XHR with `status` and an empty body without sending it (an injected fault's answer): the
 * instance reads readyState, status, statusText, response and responseText from own accessors defined on
 * this one instance (the prototype's stay untouched, so every other request in the page costs nothing
 * more; the page can see them on a faulted request only), fires `loadstart` now as send() does, then,
 * from a task, `readystatechange` (HEADERS_RECEIVED, then DONE), `load` and `loadend`, as a real
 * completion without a body does. `onreadystatechange` / `onload` handlers run, as for real events.
 */
function fakeXhrAnswer(
  win: PageWindow,
  ctx: HookContext,
): { answer(xhr: XMLHttpRequest, status: number): void; reset(xhr: XMLHttpRequest): void } {
  const { natives } = ctx;
  // Captured now, before any page script.
  const EventCtor = win.Event;
  const ProgressCtor = typeof win.ProgressEvent === 'function' ? win.ProgressEvent : win.Event;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const responseTypeGetter = natives.getOwnPropertyDescriptor(win.XMLHttpRequest.prototype, 'responseType')?.get;
  // Instances answered, with the completion still to come (cancelled by a new open()).
  const answered = new WeakMap<object, { cancelled: boolean }>();
  const KEYS = ['readyState', 'status', 'statusText', 'response', 'responseText'];
  /** A page that reuses the instance (open() again) gets the native behaviour back. */
  const reset = (xhr: XMLHttpRequest) => {
    const pending = answered.get(xhr);
    if (!pending) return;
    pending.cancelled = true;
    answered.delete(xhr);
    for (const key of KEYS) delete (xhr as unknown as Record<string, unknown>)[key];
  };
  const answer = (xhr: XMLHttpRequest, status: number) => {
    const run = { cancelled: false };
    answered.set(xhr, run);
    let state = 1; // OPENED: send() was called
    const fire = (event: Event) => natives.apply(dispatch, xhr, [event]);
    const textual = () => {
      const type = responseTypeGetter ? natives.apply(responseTypeGetter, xhr, []) : '';
      return type === '' || type === 'text';
    };
    const reads: Record<string, () => unknown> = {
      readyState: () => state,
      status: () => (state >= 2 ? status : 0),
      statusText: () => (state >= 2 ? (STATUS_TEXT[status] ?? '') : ''),
      response: () => (textual() ? '' : null),
      responseText: () => '',
    };
    for (const key of KEYS) natives.defineProperty(xhr, key, { get: reads[key], configurable: true });
    fire(new ProgressCtor('loadstart'));
    natives.setTimeout(() => {
      if (run.cancelled) return;
      state = 2;
      fire(new EventCtor('readystatechange'));
      state = 4;
      fire(new EventCtor('readystatechange'));
      fire(new ProgressCtor('load'));
      fire(new ProgressCtor('loadend'));
    }, 0);
  };
  return { answer, reset };
}
