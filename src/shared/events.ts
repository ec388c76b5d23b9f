/**
 * The event model shared by every layer (page hook → relay → background → panel).
 *
 * One schema per event kind, written with valibot so that the relay can validate
 * untrusted page messages and every layer gets the same TypeScript types
 * (Redux DevTools' "typed message unions, shared by every layer").
 * The format is documented in docs/capture-format.md.
 */
import * as v from 'valibot';
import { MAX_STRING, MAX_TOKEN } from './constants';
import { FAULT_IDS, type Fault, type FaultId } from './faults';
import { DIRECT_LINE_OPS } from './hookEventCheck';

/**
 * A JSON-safe summary of a page value, made by `summarize()` in the page hook.
 * Non-JSON values become `{ $type: ... }` markers (function, undefined, error, node, cycle, …).
 */
export type Summary = null | boolean | number | string | Summary[] | { [key: string]: Summary };
export const SummarySchema: v.GenericSchema<Summary> = v.lazy(() =>
  v.union([
    v.null(),
    v.boolean(),
    v.number(),
    v.pipe(v.string(), v.maxLength(MAX_TOKEN)),
    v.pipe(v.array(SummarySchema), v.maxLength(1_000)),
    v.record(v.string(), SummarySchema),
  ]),
);

/** An error thrown by page code, as the hook saw it. */
export const ErrorSummarySchema = v.object({
  name: v.pipe(v.string(), v.maxLength(MAX_STRING)),
  message: v.pipe(v.string(), v.maxLength(MAX_STRING)),
});
export type ErrorSummary = v.InferOutput<typeof ErrorSummarySchema>;

const text = v.pipe(v.string(), v.maxLength(MAX_STRING));
const id = v.pipe(v.string(), v.maxLength(64));
const ms = v.pipe(v.number(), v.finite());

/** The fault (src/shared/faults.ts) an injected fault's event was caused by. */
export const FaultIdSchema = v.picklist(FAULT_IDS);

/**
 * Fields every hook event carries. `t`: the frame's performance.now() in ms; `at`: ms since the Unix epoch;
 * `fault`: set when a fault the user switched on in the Reproduce menu changed what this event records.
 */
const base = { t: ms, at: ms, fault: v.optional(FaultIdSchema) };

/** The two provider roles the LCW SDK accepts: setAuthTokenProvider and setBotAuthTokenProvider. */
export const ProviderRoleSchema = v.picklist(['auth', 'bot']);
export type ProviderRole = v.InferOutput<typeof ProviderRoleSchema>;

/** Reads as `{id, uri, providerId}` of an OAuthCard's tokenExchangeResource. */
const TokenExchangeResourceSchema = v.object({
  id: v.optional(text),
  uri: v.optional(text),
  providerId: v.optional(text),
});

/**
 * The parts of a Bot Framework activity the inspector needs, copied by the hook
 * (https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md).
 * OAuthCard attachments keep their SSO fields; other attachments only their contentType.
 */
export const ActivitySummarySchema = v.object({
  type: text,
  id: v.optional(text),
  name: v.optional(text),
  /** Web Chat's `channelData.clientActivityID`, set before the service assigns `id`. */
  clientActivityID: v.optional(text),
  replyToId: v.optional(text),
  conversationId: v.optional(text),
  channelId: v.optional(text),
  from: v.optional(v.object({ id: v.optional(text), name: v.optional(text), role: v.optional(text) })),
  text: v.optional(text),
  timestamp: v.optional(text),
  attachments: v.optional(
    v.pipe(
      v.array(
        v.object({
          contentType: text,
          /** Present for application/vnd.microsoft.card.oauth (and signin) cards. */
          oauth: v.optional(
            v.object({
              connectionName: v.optional(text),
              text: v.optional(text),
              tokenExchangeResource: v.optional(TokenExchangeResourceSchema),
              tokenPostResource: v.optional(v.object({ sasUrl: v.optional(text) })),
              buttons: v.optional(
                v.pipe(
                  v.array(v.object({ type: v.optional(text), title: v.optional(text), value: v.optional(text) })),
                  v.maxLength(10),
                ),
              ),
            }),
          ),
        }),
      ),
      v.maxLength(20),
    ),
  ),
  /** `value` of a signin/tokenExchange invoke: {id, connectionName, token}. */
  tokenExchange: v.optional(
    v.object({
      id: v.optional(text),
      connectionName: v.optional(text),
      token: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN))),
      tokenType: text,
    }),
  ),
  /** `value` of any other activity, summarized. */
  value: v.optional(SummarySchema),
});
export type ActivitySummary = v.InferOutput<typeof ActivitySummarySchema>;

/**
 * The Direct Line v3 operation a request performs
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-api-reference).
 */
export const DirectLineOpSchema = v.picklist(DIRECT_LINE_OPS);
export type DirectLineOp = v.InferOutput<typeof DirectLineOpSchema>;

export const HookEventSchema = v.variant('kind', [
  /** The hook ran in a frame (one per document). */
  v.object({ ...base, kind: v.literal('hook.installed'), url: text, top: v.boolean(), readyState: text }),
  /** `Microsoft.Omnichannel.LiveChatWidget.SDK` was found; `methods` are its function-valued members so far. */
  v.object({
    ...base,
    kind: v.literal('sdk.detected'),
    via: v.picklist(['assignment', 'scan']),
    methods: v.pipe(v.array(text), v.maxLength(200)),
  }),
  /** A call to an SDK method, recorded when it returns or throws. `durationMs` is the synchronous part. */
  v.object({
    ...base,
    kind: v.literal('sdk.call'),
    callId: id,
    method: text,
    args: v.pipe(v.array(SummarySchema), v.maxLength(50)),
    outcome: v.picklist(['returned', 'threw']),
    result: v.optional(SummarySchema),
    error: v.optional(ErrorSummarySchema),
    durationMs: ms,
    returnedPromise: v.boolean(),
  }),
  /** The promise an SDK method returned settled. `durationMs` counts from the call. */
  v.object({
    ...base,
    kind: v.literal('sdk.settled'),
    callId: id,
    method: text,
    outcome: v.picklist(['fulfilled', 'rejected']),
    value: v.optional(SummarySchema),
    error: v.optional(ErrorSummarySchema),
    durationMs: ms,
  }),
  /** A provider registered through setAuthTokenProvider / setBotAuthTokenProvider was invoked by the widget. */
  v.object({
    ...base,
    kind: v.literal('provider.invoke'),
    invocationId: id,
    role: ProviderRoleSchema,
    /** Bot role only: the first argument, the tokenPostResource SAS URL the page must POST the token to. */
    botTokenUrl: v.optional(v.pipe(v.string(), v.maxLength(MAX_STRING))),
    /** Bot role only: the `state` query parameter of botTokenUrl, i.e. the signInId. */
    signInId: v.optional(v.nullable(text)),
    /**
     * `client-function`: the auth client function named by the widget's configuration
     * (`msdyn_javascriptclientfunction`), called by the widget itself; absent: a provider registered with the SDK.
     */
    source: v.optional(v.picklist(['provider', 'client-function'])),
    /** The configured client function's name, e.g. `auth.getAuthenticationToken`. */
    functionName: v.optional(text),
  }),
  /** The provider called the widget's callback. `elapsedMs` counts from the invocation (page clock). */
  v.object({
    ...base,
    kind: v.literal('provider.callback'),
    invocationId: id,
    role: ProviderRoleSchema,
    elapsedMs: ms,
    /** True when the callback ran before the provider function returned. */
    sync: v.boolean(),
    /** 1 for the first call; a provider that calls back twice produces 2, 3, … */
    callCount: v.pipe(v.number(), v.integer()),
    /** Auth role: the token passed to the callback, when it was a string. */
    token: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN))),
    /** Auth role: `typeof` the value passed (a JWT must be a string). */
    valueType: text,
    /** Auth role: true when the token string was longer than MAX_TOKEN and was cut. */
    tokenTruncated: v.optional(v.boolean()),
    /** Bot role: the `show` member of `callback({show})`, or null when absent / not boolean. */
    show: v.optional(v.nullable(v.boolean())),
    value: v.optional(SummarySchema),
    /**
     * How the value came back when not through a callback: the resolved value of the returned promise, or the return
     * value.
     */
    via: v.optional(v.picklist(['promise', 'return'])),
  }),
  /** The provider finished: returned (sync), threw, or its returned promise settled. */
  v.object({
    ...base,
    kind: v.literal('provider.end'),
    invocationId: id,
    role: ProviderRoleSchema,
    elapsedMs: ms,
    outcome: v.picklist(['returned', 'threw', 'fulfilled', 'rejected']),
    error: v.optional(ErrorSummarySchema),
    calledBack: v.boolean(),
  }),
  /** A window event whose type starts with `lcw:`, with its `detail`. */
  v.object({ ...base, kind: v.literal('lcw.event'), name: text, detail: v.optional(SummarySchema) }),
  /** A network request the hook watches (POST to a botTokenUrl / tokenPostResource, …). */
  v.object({
    ...base,
    kind: v.literal('net.request'),
    requestId: id,
    api: v.picklist(['fetch', 'xhr']),
    method: text,
    url: text,
    /** HTTP status, or null when the request failed before a response (network error, abort). */
    status: v.nullable(v.pipe(v.number(), v.integer())),
    error: v.optional(text),
    elapsedMs: ms,
    /** The bot provider invocation this POST belongs to, when the hook could tell. */
    invocationId: v.optional(id),
    /**
     * `token-post` (absent in older captures): a POST to a botTokenUrl / tokenPostResource;
     * `gettesturl`: the widget asking token.botframework.com for a sasUrl, for a card that had none.
     */
    purpose: v.optional(v.picklist(['token-post', 'gettesturl'])),
  }),
  /** `window.WebChat` was assigned (a Web Chat bundle loaded). */
  v.object({
    ...base,
    kind: v.literal('webchat.detected'),
    members: v.pipe(v.array(text), v.maxLength(200)),
    version: v.optional(text),
  }),
  /**
   * A Web Chat Redux action. stage `dispatched`: seen by the inspector's middleware, which runs before
   * the page's own; stage `passed`: an incoming activity that the page's middleware passed on to be rendered.
   */
  v.object({
    ...base,
    kind: v.literal('webchat.action'),
    store: id,
    stage: v.picklist(['dispatched', 'passed']),
    actionType: text,
    activity: v.optional(ActivitySummarySchema),
    clientActivityID: v.optional(text),
    error: v.optional(text),
  }),
  /** The result of a DirectLine object's postActivity(): an id, 'retry' (5xx, network) or an error. */
  v.object({
    ...base,
    kind: v.literal('directline.post'),
    callId: id,
    activity: ActivitySummarySchema,
    outcome: v.picklist(['id', 'retry', 'error']),
    id: v.optional(text),
    status: v.optional(v.nullable(v.pipe(v.number(), v.integer()))),
    error: v.optional(text),
    elapsedMs: ms,
  }),
  /** An HTTP request to a Direct Line v3 endpoint (any host). Empty polls are not recorded. */
  v.object({
    ...base,
    kind: v.literal('directline.http'),
    requestId: id,
    api: v.picklist(['fetch', 'xhr']),
    method: text,
    url: text,
    op: DirectLineOpSchema,
    conversationId: v.optional(text),
    status: v.nullable(v.pipe(v.number(), v.integer())),
    elapsedMs: ms,
    /** post-activity: the activity in the request body. */
    activity: v.optional(ActivitySummarySchema),
    /** post-activity: the `id` the service answered. */
    responseId: v.optional(text),
    /** An error message from the response body (e.g. Direct Line's BotError) or the network. */
    error: v.optional(text),
  }),
  /** Activities received from Direct Line: a GET activities response or a WebSocket stream frame. */
  v.object({
    ...base,
    kind: v.literal('directline.activities'),
    via: v.picklist(['xhr', 'fetch', 'websocket']),
    conversationId: v.optional(text),
    watermark: v.optional(text),
    activities: v.pipe(v.array(ActivitySummarySchema), v.maxLength(100)),
  }),
  /**
   * A request to an Omnichannel live chat connector endpoint (…/livechatconnector/…), with the
   * AuthenticatedUserToken header when it carried one (the auth token provider's JWT, as sent).
   */
  v.object({
    ...base,
    kind: v.literal('omnichannel.http'),
    requestId: id,
    method: text,
    url: text,
    /** The endpoint's path below livechatconnector, e.g. "auth/getchattoken" or "v2/auth/getchattoken". */
    endpoint: text,
    status: v.nullable(v.pipe(v.number(), v.integer())),
    elapsedMs: ms,
    authenticatedUserToken: v.optional(v.pipe(v.string(), v.maxLength(MAX_TOKEN))),
    error: v.optional(text),
    /** The page API that made the request (absent in HAR imports). */
    api: v.optional(v.picklist(['fetch', 'xhr'])),
    /**
     * Config responses only: `LiveChatConfigAuthSettings.msdyn_javascriptclientfunction`, the page
     * function the widget calls for the customer's JWT; null when the config names none.
     */
    authClientFunction: v.optional(v.nullable(text)),
  }),
  /**
   * The auth client function named by the widget's configuration, looked up on the page: `function`
   * (found, and wrapped to be timed), `missing` (the widget raises error 8) or `not-a-function`.
   */
  v.object({
    ...base,
    kind: v.literal('lcw.authFunction'),
    name: text,
    state: v.picklist(['function', 'missing', 'not-a-function']),
  }),
  /**
   * A message on a `BroadcastChannel` the page opened: the live chat widget's `BroadcastService` bus
   * (`{ time, type: 'message', data: { eventName, payload, eventId } }` on the wire). The widget's
   * re-sends and the second channel's echo carry the same `eventId` and are folded into one event.
   */
  v.object({
    ...base,
    kind: v.literal('bus.message'),
    channel: text,
    direction: v.picklist(['sent', 'received']),
    eventName: v.optional(text),
    eventId: v.optional(text),
    payload: v.optional(SummarySchema),
  }),
  /**
   * The widget's activity stream (the `ChatAdapterShim`'s `window.Observable`): `held`, the widget
   * pushed `false` ahead of a sign-in card it is deciding about; `passed`, a sign-in card activity went
   * on to Web Chat (the card is shown); `failed`, the stream errored.
   */
  v.object({
    ...base,
    kind: v.literal('adapter.activity'),
    stream: id,
    stage: v.picklist(['held', 'passed', 'failed']),
    activity: v.optional(ActivitySummarySchema),
    error: v.optional(text),
  }),
  /** An uncaught error, an unhandled promise rejection, or a script or stylesheet that failed to load. */
  v.object({
    ...base,
    kind: v.literal('page.error'),
    errorType: v.picklist(['error', 'unhandledrejection', 'resource']),
    name: v.optional(text),
    message: text,
    /** The script URL (`error`), the failed resource's URL (`resource`). */
    source: v.optional(text),
    line: v.optional(v.pipe(v.number(), v.integer())),
    column: v.optional(v.pipe(v.number(), v.integer())),
  }),
  /**
   * The hook applied an injected fault (the panel's Reproduce menu) at one of its wrap points. `action` says
   * what it did, in words; the ids tie it to the invocation, request or activity it acted on.
   */
  v.object({
    ...base,
    kind: v.literal('fault.applied'),
    fault: FaultIdSchema,
    action: text,
    invocationId: v.optional(id),
    requestId: v.optional(id),
    url: v.optional(text),
    status: v.optional(v.pipe(v.number(), v.integer())),
  }),
  /** The hook caught one of its own failures instead of letting it reach the page. */
  v.object({ ...base, kind: v.literal('hook.error'), where: text, message: text }),
]);

/** Any event the page hook can emit. */
export type HookEvent = v.InferOutput<typeof HookEventSchema>;

/** Events the background adds to a tab's log itself. `at`: ms since the Unix epoch when raised. */
export type BackgroundEvent =
  | {
      /**
       * The user changed the tab's injected faults in the panel's Reproduce menu (`faults` empty: all off).
       * `t` is 0: the background has no page clock.
       */
      kind: 'faults.changed';
      at: number;
      t: number;
      faults: Fault[];
      keepAcrossReload: boolean;
    }
  | {
      /** An auth token provider invocation reached the 10 s budget without calling back. */
      kind: 'budget.exceeded';
      at: number;
      /** The deadline on the invoking frame's page clock (invoke `t` + limitMs), ms. */
      t: number;
      invocationId: string;
      /** The documented budget, ms (10 000). */
      limitMs: number;
    }
  | {
      /**
       * The relay dropped page messages that failed validation (or were page-sent), or the background
       * refused events that failed its own check. One entry per top document: `count` and `reasons`
       * grow in place; `at` is the first rejection.
       */
      kind: 'relay.rejected';
      at: number;
      t: number;
      count: number;
      reasons: string[];
    }
  | {
      /**
       * Valid events that were not kept: over the tab's rate budgets (`rate-events`, `rate-chars`), one
       * event over the size bound (`event-too-large`), or given up by the relay's delivery queue
       * (`undeliverable`, `oversized`, `queue-overflow`). One entry per top document: `count` (events)
       * and `reasons` grow in place; `at` is the first drop, `t` is 0. Older events dropped by the
       * per-tab caps are counted in the log's state instead ("N older events dropped").
       */
      kind: 'log.dropped';
      at: number;
      t: number;
      count: number;
      reasons: string[];
    };

/** Every event kind found in a tab's log. */
export type CapturedEvent = HookEvent | BackgroundEvent;
export type EventKind = CapturedEvent['kind'];
/** Narrow `CapturedEvent` to one kind. */
export type EventOf<K extends EventKind> = Extract<CapturedEvent, { kind: K }>;

/** One entry of a tab's log, as the background stores it and the panel receives it. */
export interface LogEntry {
  /** Position in the tab's log, from 1, never reused within a tab's log. */
  seq: number;
  /** The frame the event came from (0 = top frame; -1 for background events). */
  frameId: number;
  event: CapturedEvent;
}

/**
 * The fault an event carries (its `fault` marker, see `base`): set when a fault the user switched on in the
 * Reproduce menu changed it, and on every `fault.applied`. Reads the field without trusting its type.
 */
export function faultOfEvent(event: CapturedEvent): FaultId | undefined {
  const fault = (event as { fault?: unknown }).fault;
  return typeof fault === 'string' ? (fault as FaultId) : undefined;
}
