/**
 * The pre-digested view of a capture that every check reads: invocations, activities, cards,
 * lcw:* events and SDK calls, indexed once. Pure.
 */
import type { EventOf, LogEntry } from '../../shared/events';
import { collectInvocations, type Invocation } from '../model/invocations';
import { collectActivities, collectCardAttempts, type ActivityRecord, type CardAttempt } from '../model/webchat';
import { collectWidgetCards, linkCardInvocations, type WidgetCard } from '../model/widgetCards';

export type Entry<K extends LogEntry['event']['kind']> = LogEntry & { event: EventOf<K> };

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

/** Builds the model. `nowMs`: ms since the Unix epoch; defaults to the last event's time. */
export function buildModel(entries: readonly LogEntry[], opts: { nowMs?: number; clockSkewSeconds?: number } = {}): Model {
  const ofKind = <K extends LogEntry['event']['kind']>(kind: K) => entries.filter((e): e is Entry<K> => e.event.kind === kind);
  const records = collectActivities(entries);
  const nowMs = opts.nowMs ?? entries.reduce((max, e) => Math.max(max, e.event.at), 0);
  const invocations = [...collectInvocations(entries).values()];
  const widgetCards = collectWidgetCards(entries, nowMs);
  return {
    entries,
    nowMs,
    clockSkewSeconds: opts.clockSkewSeconds ?? CLOCK_SKEW_SECONDS,
    invocations,
    widgetCards,
    cardInvocations: linkCardInvocations(widgetCards, invocations),
    connector: ofKind('omnichannel.http'),
    records,
    cards: collectCardAttempts(entries, records),
    lcw: ofKind('lcw.event'),
    sdkCalls: ofKind('sdk.call'),
    netRequests: ofKind('net.request'),
    ofKind,
  };
}

