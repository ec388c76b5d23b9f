/**
 * The pre-digested view of a capture that every check reads: invocations, activities, cards,
 * lcw:* events and SDK calls, indexed once. Pure.
 */
import type { LogEntry } from '../../shared/events';
import type { Invocation } from '../model/invocations';
import { decodeJwtView, type JwtView } from '../model/jwt';
import { redactionOf } from '../formats/redact';
import { LogIndex, type Entry } from '../model/logIndex';
import type { ActivityRecord, OAuthCardOutcome, TokenExchangeInvoke } from '../model/webchat';
import type { WidgetCard } from '../model/widgetCards';

export type { Entry } from '../model/logIndex';

/** Clock-skew allowance for time claims, in seconds (the common 5-minute default of JWT validators). */
export const CLOCK_SKEW_SECONDS = 300;

export interface Model {
  entries: readonly LogEntry[];
  /** ms since the Unix epoch: "now" for things still waiting. */
  nowMs: number;
  clockSkewSeconds: number;
  invocations: Invocation[];
  records: ActivityRecord[];
  cards: OAuthCardOutcome[];
  lcw: Entry<'lcw.event'>[];
  sdkCalls: Entry<'sdk.call'>[];
  /** The `sdk.call` entries of one SDK method, in log order (kept by the index: no scan of every call). */
  sdkCallsOf(method: string): readonly Entry<'sdk.call'>[];
  netRequests: Entry<'net.request'>[];
  /** LCW v2's sign-in cards with the widget's own decision (widgetCards.ts). */
  widgetCards: WidgetCard[];
  /** The bot auth token provider invocation the widget made for each card, by card id. */
  cardInvocations: Map<string, Invocation>;
  /** livechatconnector requests. */
  connector: Entry<'omnichannel.http'>[];
  /** Entries an injected fault marked (their `fault` field), in log order; kept by the index. */
  faultMarked: readonly LogEntry[];
  /** Entries of one kind, in log order. */
  ofKind<K extends LogEntry['event']['kind']>(kind: K): Entry<K>[];
}

/**
 * Builds the model. `nowMs`: ms since the Unix epoch; defaults to the last event's time. `index`: the
 * live index of exactly these entries (the panel's), to read instead of indexing them again.
 */
export function buildModel(
  entries: readonly LogEntry[],
  opts: { nowMs?: number; clockSkewSeconds?: number } = {},
  index?: LogIndex,
): Model {
  const log = index ?? LogIndex.of(entries);
  // The index's own lists, not copies: checks only read them.
  const ofKind = <K extends LogEntry['event']['kind']>(kind: K) => log.ofKind(kind) as Entry<K>[];
  const nowMs = opts.nowMs ?? log.lastAt;
  return {
    entries: log.entries,
    nowMs,
    clockSkewSeconds: opts.clockSkewSeconds ?? CLOCK_SKEW_SECONDS,
    invocations: [...log.invocations.values()],
    widgetCards: log.widgetCards(nowMs),
    cardInvocations: new Map(log.cardInvocations),
    connector: ofKind('omnichannel.http'),
    records: log.records as ActivityRecord[],
    cards: log.cardAttempts as OAuthCardOutcome[],
    lcw: ofKind('lcw.event'),
    sdkCalls: ofKind('sdk.call'),
    sdkCallsOf: (method) => log.sdkCallsOf(method),
    netRequests: ofKind('net.request'),
    faultMarked: log.faultMarked,
    ofKind,
  };
}

// Queries the checks and the attempts share (one home each).

/** The auth token provider invocations, in order. */
export const authInvocations = (m: Model) => m.invocations.filter((i) => i.role === 'auth');

/** The first callback that carried a string token, and its decoded view at capture time. */
export function tokenOfInvocation(inv: Invocation): { cb: Invocation['callbacks'][number]; view: JwtView } | undefined {
  // A token removed by an export's redaction is not evidence of anything: leave it out.
  const cb = inv.callbacks.find((c) => typeof c.event.token === 'string' && redactionOf(c.event.token) !== 'token');
  return cb ? { cb, view: decodeJwtView(cb.event.token, cb.event.at) } : undefined;
}

/** lcw:error events of the invocation's frame between it and the frame's next auth invocation. */
export function lcwErrorsAfter(m: Model, inv: Invocation): Entry<'lcw.event'>[] {
  const next = authInvocations(m).find((o) => o.invoke.frameId === inv.invoke.frameId && o.invoke.seq > inv.invoke.seq);
  return m.lcw.filter(
    (e) =>
      e.event.name === 'lcw:error' &&
      e.frameId === inv.invoke.frameId &&
      e.seq > inv.invoke.seq &&
      (!next || e.seq < next.invoke.seq),
  );
}

/**
 * The setAuthTokenProvider call during which the widget invoked the provider (LCW v1 does that), if any.
 * An SDK call is logged when it returns, so a provider invoked inside it is logged before it; the
 * clock alone cannot tell (Firefox's performance.now() is coarse, so calls a moment apart look simultaneous).
 */
export function registrationCallOf(m: Model, inv: Invocation): Entry<'sdk.call'> | undefined {
  return m
    .sdkCallsOf('setAuthTokenProvider')
    .find((c) => c.frameId === inv.invoke.frameId && c.seq > inv.invoke.seq && inv.invoke.event.t >= c.event.t);
}

export const cardAttemptId = (card: OAuthCardOutcome) => `oauthcard:${card.record.key}`;
/** Seq of a record's first sighting. */
export const firstSighting = (r: { sightings: { entry: { seq: number } }[] }) => r.sightings[0]!.entry.seq;

/** Evidence for an invoke: its first sighting, HTTP POST, postActivity result and Web Chat's result action. */
export function invokeEvidence(inv: TokenExchangeInvoke): number[] {
  return [firstSighting(inv.record), inv.http?.seq, inv.post?.seq, inv.storeResult?.seq]
    .filter((x): x is number => typeof x === 'number')
    .sort((a, b) => a - b);
}

/** The HTTP status the invoke got, from the wire or from DirectLineJS's error; 'retry' when only that is known. */
export function invokeStatus(inv: TokenExchangeInvoke): number | 'retry' | null | undefined {
  if (inv.http) return inv.http.event.status;
  if (inv.post?.event.outcome === 'retry') return 'retry';
  if (inv.post?.event.outcome === 'error') return inv.post.event.status ?? null;
  if (inv.post?.event.outcome === 'id') return 200;
  return undefined;
}

/** The POST to this invocation's botTokenUrl (first one), if seen. */
export const postOf = (inv: Invocation) => inv.requests[0];

/** The attempt id of a widget card (attempts.ts uses the same). */
export const widgetAttemptId = (card: WidgetCard) => card.id;
