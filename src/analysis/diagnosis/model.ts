/**
 * The pre-digested view of a capture that every check reads: invocations, activities, cards,
 * lcw:* events and SDK calls, indexed once. Pure.
 */
import type { EventOf, LogEntry } from '../../shared/events';
import { collectInvocations, type Invocation } from '../invocations';
import { collectActivities, collectCardAttempts, type ActivityRecord, type CardAttempt } from '../webchat';
import { collectWidgetCards, type WidgetCard } from '../widgetCards';

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

/**
 * Pairs each widget card with the bot auth token provider invocation made for it: same frame, after
 * the card's SignInCardReceived, with the card's sasUrl as botTokenUrl (else the first unpaired one
 * before the card's decision). Each invocation goes to one card.
 */
export function linkCardInvocations(cards: readonly WidgetCard[], invocations: readonly Invocation[]): Map<string, Invocation> {
  const links = new Map<string, Invocation>();
  const used = new Set<string>();
  for (const card of cards) {
    if (!card.received) continue;
    const after = card.received.seq;
    const before = card.decisionEntry?.seq ?? Infinity;
    const candidates = invocations.filter((i) => i.role === 'bot' && !used.has(i.invocationId) && i.invoke.frameId === card.frameId && i.invoke.seq > after);
    const inv = candidates.find((i) => card.sasUrl !== undefined && i.invoke.event.botTokenUrl === card.sasUrl) ?? candidates.find((i) => i.invoke.seq < before);
    if (inv) {
      links.set(card.id, inv);
      used.add(inv.invocationId);
    }
  }
  return links;
}
