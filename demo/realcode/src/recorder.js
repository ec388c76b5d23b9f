/*
 * BENCH HARNESS — not Microsoft code: the ground-truth recorder inside the bundle. It only listens:
 *   - to the widget's BroadcastService (Microsoft's own event bus, the same module instance the widget's
 *     BotAuthActivitySubscriber and TelemetryHelper post to), the way the widget's telemetry loggers do;
 *   - to Web Chat's store, through a store middleware given to Microsoft's createStore (which card activities
 *     actually reached Web Chat).
 * What it records goes to window.__realcode.records; /realcode/harness.js derives the decisions from it.
 */
import { BroadcastService } from '@microsoft/omnichannel-chat-components';
import { CARD_DECISION_EVENTS, CARD_EVENTS, bench } from './benchState.js';

const MAX_BUS_EVENTS = 2000;

/** Starts recording the bus. Call right after BroadcastServiceInitialize. */
export function recordBus() {
  const seen = new Set();
  const bus = (bench.records().bus = []);
  BroadcastService.getAnyMessage().subscribe((message) => {
    // BroadcastService re-posts a message locally when its own echo is late: one record per eventId.
    if (!message || typeof message !== 'object') return;
    if (message.eventId) {
      if (seen.has(message.eventId)) return;
      seen.add(message.eventId);
    }
    const entry = {
      t: performance.now(),
      eventName: message.eventName,
      eventId: message.eventId ?? null,
      logLevel: message.logLevel ?? null,
      payload: message.payload ?? null,
    };
    if (bus.length < MAX_BUS_EVENTS) bus.push(entry);
    if (CARD_EVENTS.includes(message.eventName)) {
      const state = stateOf(message.payload?.sasUrl);
      // SignInCardReceived names its card (state=<signInId> in the sasUrl); the others go to the card being processed.
      const card =
        (state && bench.cards.find((c) => c.signInId === state && c.yieldedAt !== null && c.settledAt === null)) ||
        bench.currentCard;
      if (card) {
        card.events.push({ t: entry.t, eventName: entry.eventName, payload: entry.payload });
        if (CARD_DECISION_EVENTS.includes(entry.eventName))
          bench.log(`widget → ${entry.eventName} (card ${card.index + 1})`);
      } else {
        bench.records().unattributedCardEvents = [...(bench.records().unattributedCardEvents ?? []), entry.eventName];
      }
    }
    bench.changed();
  });
}

function stateOf(sasUrl) {
  if (typeof sasUrl !== 'string') return null;
  try {
    return new URL(sasUrl).searchParams.get('state');
  } catch {
    return null;
  }
}

/**
 * A Web Chat store middleware that records which activities reach Web Chat, and resolves `connected` when
 * Web Chat has connected to the chat adapter.
 */
export function webChatRecorder(connected) {
  const webchat = (bench.records().webchat = { connected: false, incoming: [], nonActivities: 0, actions: {} });
  return () => (next) => (action) => {
    const type = action?.type;
    if (typeof type === 'string' && type.startsWith('DIRECT_LINE/'))
      webchat.actions[type] = (webchat.actions[type] ?? 0) + 1;
    if (type === 'DIRECT_LINE/CONNECT_FULFILLED') {
      webchat.connected = true;
      connected();
      bench.changed();
    }
    if (type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
      const activity = action.payload?.activity;
      if (activity && typeof activity === 'object' && activity.id) {
        webchat.incoming.push({
          t: performance.now(),
          id: activity.id,
          type: activity.type,
          contentType: activity.attachments?.[0]?.contentType ?? null,
        });
        const card = bench.cards.find((c) => c.activityId === activity.id);
        if (card) {
          card.inWebChatAt ??= performance.now();
          bench.log(`Web Chat ← sign-in card ${card.index + 1}`);
        }
      } else {
        webchat.nonActivities++; // e.g. the `false` the widget pushes to hold a card back
      }
      bench.changed();
    }
    return next(action);
  };
}
