/**
 * LCW v2's sign-in cards, as the live chat widget itself reports them: one record per card with the
 * widget's own decision. Pure.
 *
 * What the widget (`@microsoft/omnichannel-chat-widget` 1.8.3, `BotAuthActivitySubscriber`) does with
 * an activity whose first attachment is a sign-in or OAuth card, and what the hook sees of it:
 *  1. pushes `false` into Web Chat's activity stream (`adapter.activity` held);
 *  2. reads the signInId from `buttons[0].value` with SIGN_IN_URL; no match: telemetry
 *     `BotAuthActivityUndefinedSignInId`, the card is shown, the page's provider is never called;
 *  3. a signInId it has already seen: the card is dropped, with no event at all;
 *  4. takes `tokenPostResource.sasUrl`; without it, asks token.botframework.com's `gettesturl`
 *     (`net.request` gettesturl); still none: telemetry `BotAuthActivityEmptySasUrl`, card shown;
 *  5. broadcasts `SignInCardReceived` {sasUrl}; the scripting layer calls the page's bot auth token
 *     provider with (sasUrl, callback) (`provider.invoke` bot, the POST, `provider.callback`);
 *  6. asks `BotAuthConfigRequest` up to 3 times, 1 s apart, for `BotAuthConfigResponse` {response};
 *     `false`: telemetry `SetBotAuthProviderHideCard` (hidden); anything else:
 *     `SetBotAuthProviderDisplayCard` (shown); no answer within the window: `SetBotAuthProviderNotFound` (shown);
 *  7. a shown card goes on to Web Chat (`adapter.activity` passed).
 * The widget handles one activity at a time, so these events come in this order, card after card.
 * Source: omnichannel-chat-widget
 * lib/esm/components/livechatwidget/common/ActivitySubscriber/BotAuthActivitySubscriber.js.
 */
import type { EventOf, LogEntry } from '../../shared/events';
import type { Invocation } from './invocations';

type E<K extends LogEntry['event']['kind']> = LogEntry & { event: EventOf<K> };

/** The widget's bus event and telemetry names for sign-in (TelemetryConstants: BroadcastEvent, TelemetryEvent). */
export const WIDGET_BUS = {
  signInCardReceived: 'SignInCardReceived',
  configRequest: 'BotAuthConfigRequest',
  configResponse: 'BotAuthConfigResponse',
  hideCard: 'SetBotAuthProviderHideCard',
  displayCard: 'SetBotAuthProviderDisplayCard',
  notFound: 'SetBotAuthProviderNotFound',
  emptySasUrl: 'BotAuthActivityEmptySasUrl',
  undefinedSignInId: 'BotAuthActivityUndefinedSignInId',
  fetchConfig: 'SetBotAuthProviderFetchConfig',
  getAuthTokenCalled: 'GetAuthTokenCalled',
  // The widget's facade checking the customer's token (FacadeChatSDK.setToken, authHelper).
  tokenValidationCompleted: 'NewTokenValidationCompleted',
  tokenValidationFailed: 'NewTokenValidationFailed',
  nullOrEmptyToken: 'ReceivedNullOrEmptyToken',
  widgetError: 'OnWidgetError',
} as const;

/** How the widget reads a signInId from a sign-in card's first button (BotAuthActivitySubscriber). */
export const SIGN_IN_URL = /[\S]+.botframework.com\/api\/oauth\/signin\?signin=([\S]+)/;

/** The widget's decision window, ms (its one home is src/shared/constants.ts). */
export { WIDGET_DECISION_WINDOW_MS } from '../../shared/constants';

/**
 * How long after holding a card back the widget has surely said something about it, ms. It reads the
 * signInId and broadcasts SignInCardReceived (or its telemetry, or starts the gettesturl request) in
 * the same task; a card it has already seen gets nothing at all.
 */
export const WIDGET_FIRST_WORD_MS = 1000;

/** What the widget decided for a card. */
export type WidgetDecision =
  | 'hidden' // SetBotAuthProviderHideCard
  | 'shown' // SetBotAuthProviderDisplayCard: the page's answer was not `false`
  | 'shown-no-answer' // SetBotAuthProviderNotFound: no answer within the window
  | 'shown-no-sas-url' // BotAuthActivityEmptySasUrl
  | 'shown-bad-sign-in-url' // BotAuthActivityUndefinedSignInId
  | 'dropped-seen' // held back and never processed: a signInId the widget had already seen
  | 'pending'; // still deciding when the capture ended

export interface WidgetCard {
  /** Stable within a capture: `widget:<frameId>:<seq of the first entry>`. */
  id: string;
  frameId: number;
  /** The entries of this card, in log order. */
  entries: LogEntry[];
  held?: E<'adapter.activity'>;
  getTestUrl?: E<'net.request'>;
  received?: E<'bus.message'>;
  /** The sasUrl the widget broadcast (the botTokenUrl), when it had one. */
  sasUrl?: string;
  requests: E<'bus.message'>[];
  response?: E<'bus.message'>;
  /** `response` of the BotAuthConfigResponse, as the scripting layer answered. */
  responseValue?: unknown;
  decisionEntry?: E<'bus.message'>;
  decision: WidgetDecision;
  /** The card reaching Web Chat (a shown card). */
  passed?: E<'adapter.activity'>;
  /** The signInId: from the passed activity's sign-in URL, else the sasUrl's `state`. */
  signInId?: string;
}

const DECISIONS: Record<string, WidgetDecision> = {
  [WIDGET_BUS.hideCard]: 'hidden',
  [WIDGET_BUS.displayCard]: 'shown',
  [WIDGET_BUS.notFound]: 'shown-no-answer',
  [WIDGET_BUS.emptySasUrl]: 'shown-no-sas-url',
  [WIDGET_BUS.undefinedSignInId]: 'shown-bad-sign-in-url',
};

/** The signInId in a sign-in URL as the widget reads it; undefined when the widget could not. */
export function widgetSignInId(url: string | undefined): string | undefined {
  return url ? SIGN_IN_URL.exec(url)?.[1] || undefined : undefined;
}

function stateOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://invalid.invalid/').searchParams.get('state') ?? undefined;
  } catch {
    return undefined;
  }
}

function payloadField(e: EventOf<'bus.message'>, key: string): unknown {
  const p = e.payload;
  return p && typeof p === 'object' && !Array.isArray(p) && Object.hasOwn(p, key)
    ? (p as Record<string, unknown>)[key]
    : undefined;
}

/** True for the entries the widget's card records are made of; collectWidgetCards ignores all others. */
export function isWidgetCardEntry(entry: LogEntry): boolean {
  const e = entry.event;
  if (e.kind === 'adapter.activity') return true;
  if (e.kind === 'net.request') return e.purpose === 'gettesturl';
  if (e.kind !== 'bus.message' || !e.eventName) return false;
  const name = e.eventName;
  return (
    name === WIDGET_BUS.signInCardReceived ||
    name === WIDGET_BUS.configRequest ||
    name === WIDGET_BUS.configResponse ||
    Object.hasOwn(DECISIONS, name)
  );
}

/**
 * The widget's sign-in cards, entry by entry (in log order), per frame: `add` costs O(1) but for a
 * look-back over this frame's recent cards. `cards(nowMs)` gives the records as of `nowMs`.
 */
export class WidgetCardFold {
  /** The cards so far, before the time rule of `cards` (a silent card is not yet called dropped). */
  readonly list: WidgetCard[] = [];
  /** frameId → the card being decided. */
  private readonly open = new Map<number, WidgetCard>();

  private start(entry: LogEntry): WidgetCard {
    const card: WidgetCard = {
      id: `widget:${entry.frameId}:${entry.seq}`,
      frameId: entry.frameId,
      entries: [],
      requests: [],
      decision: 'pending',
    };
    this.list.push(card);
    this.open.set(entry.frameId, card);
    return card;
  }

  private current(entry: LogEntry): WidgetCard {
    return this.open.get(entry.frameId) ?? this.start(entry);
  }

  /** The latest card of the frame that `test` accepts. */
  private latest(frameId: number, test: (card: WidgetCard) => boolean): WidgetCard | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      const card = this.list[i]!;
      if (card.frameId === frameId && test(card)) return card;
    }
    return undefined;
  }

  /** Adds one entry; returns the card it changed, if any. */
  add(entry: LogEntry): WidgetCard | undefined {
    const e = entry.event;
    const open = this.open;
    if (e.kind === 'adapter.activity') {
      const x = entry as E<'adapter.activity'>;
      if (e.stage === 'held') {
        const previous = open.get(entry.frameId);
        // The widget takes one card at a time: a card still silent when the next one arrives was dropped.
        if (previous && isSilent(previous)) {
          previous.decision = 'dropped-seen';
          open.delete(entry.frameId);
        }
        const card = this.start(entry);
        card.held = x;
        card.entries.push(entry);
        return card;
      }
      if (e.stage === 'passed') {
        // The card a decision just let through: the latest shown card of this frame not yet passed.
        const card = this.latest(entry.frameId, (c) => c.decision.startsWith('shown') && !c.passed);
        if (card) {
          card.passed = x;
          card.entries.push(entry);
          const button = e.activity?.attachments?.[0]?.oauth?.buttons?.[0]?.value;
          card.signInId = widgetSignInId(button) ?? card.signInId;
        }
        return card;
      }
      return undefined;
    }
    if (e.kind === 'net.request' && e.purpose === 'gettesturl') {
      // Logged when it finishes but stamped when it started: it belongs to the card held just before it started.
      const card =
        this.latest(entry.frameId, (c) => !!c.held && c.held.event.at <= e.at && !c.received && !c.getTestUrl) ??
        this.current(entry);
      card.getTestUrl = entry as E<'net.request'>;
      card.entries.push(entry);
      if (card.decision === 'dropped-seen') {
        card.decision = 'pending';
        if (!card.decisionEntry) open.set(card.frameId, card);
      }
      return card;
    }
    if (e.kind !== 'bus.message' || !e.eventName) return undefined;
    const bus = entry as E<'bus.message'>;
    if (e.eventName === WIDGET_BUS.signInCardReceived) {
      const previous = open.get(entry.frameId);
      const card = previous && !previous.received ? previous : this.start(entry);
      card.received = bus;
      const sasUrl = payloadField(e, 'sasUrl');
      if (typeof sasUrl === 'string') card.sasUrl = sasUrl;
      card.signInId ??= stateOf(card.sasUrl);
      card.entries.push(entry);
      return card;
    }
    if (e.eventName === WIDGET_BUS.configRequest) {
      const card = open.get(entry.frameId);
      if (card) {
        card.requests.push(bus);
        card.entries.push(entry);
      }
      return card;
    }
    if (e.eventName === WIDGET_BUS.configResponse) {
      const card = open.get(entry.frameId);
      if (!card || card.response) return undefined;
      card.response = bus;
      card.responseValue = payloadField(e, 'response');
      card.entries.push(entry);
      return card;
    }
    if (Object.hasOwn(DECISIONS, e.eventName)) {
      // An own key only: the page names its bus events, and "constructor" or "toString" are names too.
      const card = this.current(entry);
      card.entries.push(entry);
      card.decisionEntry = bus;
      card.decision = DECISIONS[e.eventName]!;
      open.delete(card.frameId);
      return card;
    }
    return undefined;
  }

  /**
   * The cards as of `nowMs` (ms since the Unix epoch): a card held back that the widget never said a
   * word about is dropped as already seen once WIDGET_FIRST_WORD_MS have passed (a copy says so; the
   * fold's own record stays open for what comes next).
   */
  cards(nowMs: number): WidgetCard[] {
    const dropped = new Set<WidgetCard>();
    for (const card of this.open.values()) {
      if (isSilent(card) && nowMs - card.held!.event.at > WIDGET_FIRST_WORD_MS) dropped.add(card);
    }
    if (dropped.size === 0) return this.list.slice();
    return this.list.map((card) => (dropped.has(card) ? { ...card, decision: 'dropped-seen' } : card));
  }
}

/**
 * Collects the widget's sign-in cards, in log order, per frame. `nowMs` (ms since the Unix epoch)
 * tells a card still being decided from one the widget dropped.
 */
export function collectWidgetCards(entries: readonly LogEntry[], nowMs: number): WidgetCard[] {
  const fold = new WidgetCardFold();
  for (const entry of entries) fold.add(entry);
  return fold.cards(nowMs);
}

/** A card held back with nothing else seen for it (no sasUrl look-up, no broadcast, no decision). */
const isSilent = (card: WidgetCard) => !!card.held && card.entries.length === 1;

/** True when the widget ended up showing the card. */
export const isShown = (d: WidgetDecision) => d.startsWith('shown');

/**
 * Pairs each widget card with the bot auth token provider invocation made for it: same frame, after
 * the card's SignInCardReceived, with the card's sasUrl as botTokenUrl (else the first unpaired one
 * before the card's decision). Each invocation goes to one card.
 */
export function linkCardInvocations(
  cards: readonly WidgetCard[],
  invocations: readonly Invocation[],
): Map<string, Invocation> {
  const links = new Map<string, Invocation>();
  const used = new Set<string>();
  for (const card of cards) {
    if (!card.received) continue;
    const after = card.received.seq;
    const before = card.decisionEntry?.seq ?? Infinity;
    const candidates = invocations.filter(
      (i) => i.role === 'bot' && !used.has(i.invocationId) && i.invoke.frameId === card.frameId && i.invoke.seq > after,
    );
    const inv =
      candidates.find((i) => card.sasUrl !== undefined && i.invoke.event.botTokenUrl === card.sasUrl) ??
      candidates.find((i) => i.invoke.seq < before);
    if (inv) {
      links.set(card.id, inv);
      used.add(inv.invocationId);
    }
  }
  return links;
}
