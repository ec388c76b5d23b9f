/*
 * STAND-IN — not Microsoft code: the Azure Communication Services (ACS) transport.
 *
 * Why: in LCW v2 the chat SDK creates an ACS chat adapter (createChatAdapter → ACS Web Chat adapter) that
 * needs a live ACS thread; there is none offline. This object has what the widget and Web Chat use of that
 * adapter: an async-iterable `activities({ signal })` (what Microsoft's ChatAdapterShim pulls from, through
 * its subscribers, BotAuthActivitySubscriber among them), `connectionStatus$` (Online), `postActivity`
 * and `end`. It yields the scenario's scripted bot activities (a greeting, then the sign-in cards), which
 * it reads from the bench server (`/realcode/acs/<widgetId>/activities`).
 *
 * Pacing (bench logic, so that the ground truth can tell which widget event belongs to which card): the
 * greeting waits until Web Chat has connected, and each card after the first waits until the widget has
 * decided about the previous one (its telemetry event arrived on the BroadcastService, or the shim pulled the
 * next activity and no event came within SETTLE_MS). Microsoft's code handles activities one at a time anyway.
 */
import { bench } from './benchState.js';

/** How long after the shim released a card without any widget event the card counts as dropped. */
const SETTLE_MS = 1000;

const Observable = () => window.Observable;

/**
 * @param {{ widgetId: string, whenConnected: Promise<void> }} opts
 */
export function createAcsStandInAdapter({ widgetId, whenConnected }) {
  const script = fetch(`/realcode/acs/${encodeURIComponent(widgetId)}/activities`).then((r) => {
    if (!r.ok) throw new Error(`ACS stand-in: no script for this run (${r.status})`);
    return r.json();
  });

  async function* activities({ signal } = {}) {
    const aborted = new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
    const { activities: list, cards } = await script;
    bench.cards = cards.map((c) => ({ ...c, yieldedAt: null, releasedAt: null, settledAt: null, events: [] }));
    bench.onScript?.();
    await Promise.race([whenConnected, aborted]);
    for (const activity of list) {
      if (signal?.aborted) return;
      const card = bench.cards.find((c) => c.activityId === activity.id);
      const stamped = { ...activity, timestamp: new Date().toISOString() };
      if (card) {
        card.yieldedAt = performance.now();
        bench.currentCard = card;
      }
      bench.log(
        `ACS stand-in → ${card ? `sign-in card ${card.index + 1} (signInId ${card.signInId.slice(0, 8)}…)` : `activity ${activity.id}`}`,
      );
      yield stamped; // resumes when ChatAdapterShim asks for the next activity: its subscribers are done with this one
      if (card) {
        card.releasedAt = performance.now();
        await Promise.race([bench.waitForCardEvent(card, SETTLE_MS), aborted]);
        card.settledAt = performance.now();
        bench.currentCard = null;
        bench.changed();
      }
    }
    bench.scriptDone = true;
    bench.changed();
    await aborted; // a live conversation: no more activities, but the stream stays open
  }

  let sequence = 0;
  return {
    activities,
    connectionStatus$: new (Observable())((observer) => {
      observer.next(0); // Uninitialized
      observer.next(1); // Connecting
      observer.next(2); // Online
    }),
    postActivity(activity) {
      bench.log(`ACS stand-in ← postActivity(${activity?.type ?? '?'})`);
      return new (Observable())((observer) => {
        observer.next(`${widgetId}-user-${++sequence}`);
        observer.complete();
      });
    },
    end() {
      bench.log('ACS stand-in: end()');
    },
  };
}
