/**
 * The background's check of hook events (src/background/ingest.ts, through messages.ts readPageEvent):
 * hand-written and cheap, and exactly as strict as `HookEventSchema` (src/shared/events.ts), which stays
 * the one description of the shapes and their types: test/unit/hookEventCheck.test.ts holds this file to
 * it (the same verdict and the same output, field for field, on the fixtures and on the relay-message
 * fuzz inputs). It was written for the relay, to keep a schema library out of every page; the relay now
 * passes the hook's strings on unparsed, and the background runs it, faster than the schema.
 *
 * Mirrors valibot's semantics: an object is any non-null object (`key in input`), its output keeps
 * only the known keys; a record drops the keys `__proto__`, `prototype` and `constructor`; a union
 * takes its first option that passes (so an array of more than 1,000 summaries passes as a record).
 * Every string and list is length-bounded here; nesting is bounded before (MAX_EVENT_DEPTH, messages.ts).
 */
import { MAX_STRING, MAX_TOKEN } from './constants';
import { FAULT_IDS } from './faults';
import type { HookEvent, Summary } from './events';

/** What a check returns for an input it refuses. */
const BAD: unique symbol = Symbol('bad');
type Check<T = unknown> = (input: unknown) => T | typeof BAD;

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
const str =
  (max: number): Check<string> =>
  (x) =>
    typeof x === 'string' && x.length <= max ? x : BAD;
const text = str(MAX_STRING);
const id = str(64);
const token = str(MAX_TOKEN);
const ms: Check<number> = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : BAD);
const int: Check<number> = (x) => (typeof x === 'number' && Number.isInteger(x) ? x : BAD);
const bool: Check<boolean> = (x) => (typeof x === 'boolean' ? x : BAD);
const oneOf =
  (...options: string[]): Check<string> =>
  (x) =>
    options.includes(x as string) ? (x as string) : BAD;
const optional =
  (check: Check): Check =>
  (x) =>
    x === undefined ? x : check(x);
const nullable =
  (check: Check): Check =>
  (x) =>
    x === null ? x : check(x);

/** An array of at most `max` items, each passing `item`; a copy of the checked items. */
const list =
  (item: Check, max: number): Check<unknown[]> =>
  (x) => {
    if (!Array.isArray(x) || x.length > max) return BAD;
    const out: unknown[] = [];
    for (const v of x) {
      const checked = item(v);
      if (checked === BAD) return BAD;
      out.push(checked);
    }
    return out;
  };

/** Field checks by key; `?` at the end of a key marks it optional. */
type Shape = Record<string, Check>;

/** An object with these fields: a copy holding only them (valibot's `object`). */
function object(shape: Shape): Check<Record<string, unknown>> {
  const fields = Object.keys(shape).map((key) => {
    const optionalKey = key.endsWith('?');
    const name = optionalKey ? key.slice(0, -1) : key;
    return { name, optional: optionalKey, check: optionalKey ? optional(shape[key]!) : shape[key]! };
  });
  return (x) => {
    if (!isObject(x)) return BAD;
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (!(field.name in x)) {
        if (field.optional) continue;
        return BAD;
      }
      const checked = field.check(x[field.name]);
      if (checked === BAD) return BAD;
      out[field.name] = checked;
    }
    return out;
  };
}

/** Keys a valibot record leaves out. */
const skippedKey = (key: string) => key === '__proto__' || key === 'prototype' || key === 'constructor';

/** `Summary` (events.ts `SummarySchema`): JSON data, strings up to MAX_TOKEN, arrays up to 1,000 items. */
const summary: Check<Summary> = (x) => {
  if (x === null || typeof x === 'boolean') return x;
  if (typeof x === 'number') return Number.isNaN(x) ? BAD : x;
  if (typeof x === 'string') return x.length <= MAX_TOKEN ? x : BAD;
  if (!isObject(x)) return BAD;
  if (Array.isArray(x) && x.length <= 1_000) return summaries(x) as Summary[] | typeof BAD;
  // A record (a longer array too: valibot's union falls through to its record option, index keys).
  const out: Record<string, Summary> = {};
  for (const key in x) {
    if (!hasOwn.call(x, key) || skippedKey(key)) continue; // skipped keys are not read, as in valibot
    const checked = summary(x[key]);
    if (checked === BAD) return BAD;
    out[key] = checked;
  }
  return out;
};
const summaries = list(summary, 1_000);
const hasOwn = Object.prototype.hasOwnProperty;

const errorSummary = object({ name: text, message: text });
const role = oneOf('auth', 'bot');
const api = oneOf('fetch', 'xhr');
const status = nullable(int);
const faultId = oneOf(...FAULT_IDS);

const activity = object({
  type: text,
  'id?': text,
  'name?': text,
  'clientActivityID?': text,
  'replyToId?': text,
  'conversationId?': text,
  'channelId?': text,
  'from?': object({ 'id?': text, 'name?': text, 'role?': text }),
  'text?': text,
  'timestamp?': text,
  'attachments?': list(
    object({
      contentType: text,
      'oauth?': object({
        'connectionName?': text,
        'text?': text,
        'tokenExchangeResource?': object({ 'id?': text, 'uri?': text, 'providerId?': text }),
        'tokenPostResource?': object({ 'sasUrl?': text }),
        'buttons?': list(object({ 'type?': text, 'title?': text, 'value?': text }), 10),
      }),
    }),
    20,
  ),
  'tokenExchange?': object({ 'id?': text, 'connectionName?': text, 'token?': token, tokenType: text }),
  'value?': summary,
});

/**
 * The Direct Line v3 operations a request can perform (`DirectLineOp`): the one list, here because this
 * file is valibot-free (the relay imports it); events.ts builds `DirectLineOpSchema` from it.
 */
export const DIRECT_LINE_OPS = [
  'start-conversation',
  'reconnect',
  'post-activity',
  'get-activities',
  'upload',
  'generate-token',
  'refresh-token',
  'session',
  'other',
] as const;
const directLineOp = oneOf(...DIRECT_LINE_OPS);

/** The fields of each event kind besides `kind`, `t` and `at` (events.ts `HookEventSchema`, in its order). */
const EVENT_FIELDS: Record<HookEvent['kind'], Shape> = {
  'hook.installed': { url: text, top: bool, readyState: text },
  'sdk.detected': { via: oneOf('assignment', 'scan'), methods: list(text, 200) },
  'sdk.call': {
    callId: id,
    method: text,
    args: list(summary, 50),
    outcome: oneOf('returned', 'threw'),
    'result?': summary,
    'error?': errorSummary,
    durationMs: ms,
    returnedPromise: bool,
  },
  'sdk.settled': {
    callId: id,
    method: text,
    outcome: oneOf('fulfilled', 'rejected'),
    'value?': summary,
    'error?': errorSummary,
    durationMs: ms,
  },
  'provider.invoke': {
    invocationId: id,
    role,
    'botTokenUrl?': text,
    'signInId?': nullable(text),
    'source?': oneOf('provider', 'client-function'),
    'functionName?': text,
  },
  'provider.callback': {
    invocationId: id,
    role,
    elapsedMs: ms,
    sync: bool,
    callCount: int,
    'token?': token,
    valueType: text,
    'tokenTruncated?': bool,
    'show?': nullable(bool),
    'value?': summary,
    'via?': oneOf('promise', 'return'),
  },
  'provider.end': {
    invocationId: id,
    role,
    elapsedMs: ms,
    outcome: oneOf('returned', 'threw', 'fulfilled', 'rejected'),
    'error?': errorSummary,
    calledBack: bool,
  },
  'lcw.event': { name: text, 'detail?': summary },
  'net.request': {
    requestId: id,
    api,
    method: text,
    url: text,
    status,
    'error?': text,
    elapsedMs: ms,
    'invocationId?': id,
    'purpose?': oneOf('token-post', 'gettesturl'),
  },
  'webchat.detected': { members: list(text, 200), 'version?': text },
  'webchat.action': {
    store: id,
    stage: oneOf('dispatched', 'passed'),
    actionType: text,
    'activity?': activity,
    'clientActivityID?': text,
    'error?': text,
  },
  'directline.post': {
    callId: id,
    activity,
    outcome: oneOf('id', 'retry', 'error'),
    'id?': text,
    'status?': status,
    'error?': text,
    elapsedMs: ms,
  },
  'directline.http': {
    requestId: id,
    api,
    method: text,
    url: text,
    op: directLineOp,
    'conversationId?': text,
    status,
    elapsedMs: ms,
    'activity?': activity,
    'responseId?': text,
    'error?': text,
  },
  'directline.activities': {
    via: oneOf('xhr', 'fetch', 'websocket'),
    'conversationId?': text,
    'watermark?': text,
    activities: list(activity, 100),
  },
  'omnichannel.http': {
    requestId: id,
    method: text,
    url: text,
    endpoint: text,
    status,
    elapsedMs: ms,
    'authenticatedUserToken?': token,
    'error?': text,
    'api?': api,
    'authClientFunction?': nullable(text),
  },
  'lcw.authFunction': { name: text, state: oneOf('function', 'missing', 'not-a-function') },
  'bus.message': {
    channel: text,
    direction: oneOf('sent', 'received'),
    'eventName?': text,
    'eventId?': text,
    'payload?': summary,
  },
  'adapter.activity': { stream: id, stage: oneOf('held', 'passed', 'failed'), 'activity?': activity, 'error?': text },
  'page.error': {
    errorType: oneOf('error', 'unhandledrejection', 'resource'),
    'name?': text,
    message: text,
    'source?': text,
    'line?': int,
    'column?': int,
  },
  'fault.applied': {
    fault: faultId,
    action: text,
    'invocationId?': id,
    'requestId?': id,
    'url?': text,
    'status?': int,
  },
  'hook.error': { where: text, message: text },
};

const EVENT_CHECKS = new Map<unknown, Check<Record<string, unknown>>>(
  Object.entries(EVENT_FIELDS).map(([kind, fields]) => [
    kind,
    object({ t: ms, at: ms, kind: (x) => x, 'fault?': faultId, ...fields }),
  ]),
);

/**
 * Checks one hook event from the page (already depth-bounded, see `depthOver`): the event with only its
 * known fields, or null when it is not a valid event (unknown kind, a missing or mistyped field, a string
 * or list over its bound, a non-finite time). Never throws on JSON data.
 */
export function readHookEvent(item: unknown): HookEvent | null {
  if (!isObject(item) || !('kind' in item)) return null;
  const check = EVENT_CHECKS.get(item.kind);
  const out = check ? check(item) : BAD;
  return out === BAD ? null : (out as HookEvent);
}
