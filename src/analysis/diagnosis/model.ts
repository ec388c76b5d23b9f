/**
 * The pre-digested view of a capture that every check reads: invocations, activities, cards,
 * lcw:* events and SDK calls, indexed once. Pure.
 */
import type { LogEntry } from '../../shared/events';
import type { Invocation } from '../model/invocations';
import { LogIndex, type Entry } from '../model/logIndex';
import type { ActivityRecord, CardAttempt } from '../model/webchat';
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
  cards: CardAttempt[];
  lcw: Entry<'lcw.event'>[];
  sdkCalls: Entry<'sdk.call'>[];
  netRequests: Entry<'net.request'>[];
  /** LCW v2's sign-in cards with the widget's own decision (widgetCards.ts). */
  widgetCards: WidgetCard[];
  /** The bot auth token provider invocation the widget made for each card, by card id. */
  cardInvocations: Map<string, Invocation>;
  /** livechatconnector requests. */
  connector: Entry<'omnichannel.http'>[];
  /** Entries of one kind, in log order. */
  ofKind<K extends LogEntry['event']['kind']>(kind: K): Entry<K>[];
}

/**
 * Builds the model. `nowMs`: ms since the Unix epoch; defaults to the last event's time. `index`: the
 * live index of exactly these entries (the panel's), to read instead of indexing them again.
 */
export function buildModel(entries: readonly LogEntry[], opts: { nowMs?: number; clockSkewSeconds?: number } = {}, index?: LogIndex): Model {
  const log = index ?? LogIndex.of(entries);
  const ofKind = <K extends LogEntry['event']['kind']>(kind: K) => log.ofKind(kind).slice();
  const nowMs = opts.nowMs ?? log.lastAt;
  return {
    entries: log.entries,
    nowMs,
    clockSkewSeconds: opts.clockSkewSeconds ?? CLOCK_SKEW_SECONDS,
    invocations: [...log.invocations.values()],
    widgetCards: log.widgetCards(nowMs),
    cardInvocations: new Map(log.cardInvocations),
    connector: ofKind('omnichannel.http'),
    records: log.records.slice(),
    cards: log.cardAttempts.slice(),
    lcw: ofKind('lcw.event'),
    sdkCalls: ofKind('sdk.call'),
    netRequests: ofKind('net.request'),
    ofKind,
  };
}
