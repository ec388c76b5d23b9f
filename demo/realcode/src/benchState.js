/*
 * BENCH HARNESS — not Microsoft code: state shared by the stand-ins and the ground-truth recorder inside the
 * bundle, written into `window.__realcode.records` (created by /realcode/harness.js, the page's first script).
 */

/** Widget events that state the widget's decision about a sign-in card (BotAuthActivitySubscriber, 1.8.3). */
export const CARD_DECISION_EVENTS = [
  'SetBotAuthProviderHideCard',
  'SetBotAuthProviderDisplayCard',
  'SetBotAuthProviderNotFound',
  'BotAuthActivityEmptySasUrl',
  'BotAuthActivityUndefinedSignInId',
];
/** Every bus event that belongs to the sign-in card being processed. */
export const CARD_EVENTS = [
  'SignInCardReceived',
  'BotAuthConfigRequest',
  'BotAuthConfigResponse',
  'SetBotAuthProviderFetchConfig',
  ...CARD_DECISION_EVENTS,
];

const harness = () => window.__realcodeHarness;

function records() {
  const rc = (window.__realcode ??= { records: {} });
  rc.records ??= {};
  return rc.records;
}

const waiters = new Set();

export const bench = {
  /** Cards of the run (from the ACS stand-in's script), each with the bus events attributed to it. */
  get cards() {
    return records().cards ?? [];
  },
  set cards(list) {
    records().cards = list;
  },
  /** The card the widget is processing now (bus events are attributed to it). */
  currentCard: null,
  get scriptDone() {
    return records().acsScriptDone === true;
  },
  set scriptDone(v) {
    records().acsScriptDone = v;
  },
  onScript: null,
  records,
  log(text) {
    harness()?.log(text);
  },
  changed() {
    for (const w of [...waiters]) w();
    harness()?.changed();
  },
  /** Resolves once `card` has a decision event, or `settleMs` after this call (whichever comes first). */
  waitForCardEvent(card, settleMs) {
    return new Promise((resolve) => {
      const check = () => {
        if (card.events.some((e) => CARD_DECISION_EVENTS.includes(e.eventName))) done();
      };
      const timer = setTimeout(() => done(), settleMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
  },
};
