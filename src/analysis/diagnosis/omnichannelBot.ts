/**
 * Checks on Omnichannel bot SSO: setBotAuthTokenProvider, the POST of the token to botTokenUrl
 * (the OAuthCard's tokenPostResource SAS URL) and callback({show}).
 * Status meanings: 200 signed in; 202 and 404 already signed in; anything else: the card is shown
 * (https://github.com/microsoft/omnichannel-chat-sdk/blob/main/docs/scenarios/SINGLE_SIGN_ON_FOR_BOTS.md).
 */
import { formatDuration, safeText } from '../model/format';
import { tokenPostMeaning, tokenPostSignedIn, type Invocation } from '../model/invocations';
import { WIDGET_DECISION_WINDOW_MS } from '../model/widgetCards';
import { DOCS } from './docs';
import { postOf, type Model } from './model';
import type { Check } from './types';

const botInvocations = (m: Model) => m.invocations.filter((i) => i.role === 'bot');

/** The widget card an invocation was made for, when the widget's own decision on it is visible. */
export function widgetDecided(m: Model, inv: Invocation) {
  for (const card of m.widgetCards) if (m.cardInvocations.get(card.id) === inv && card.decisionEntry) return card;
  return undefined;
}
const attemptId = (inv: Invocation) => `bot:${inv.invocationId}`;

export const OMNICHANNEL_BOT_CHECKS: Check[] = [
  {
    id: 'botauth.token-post-status',
    area: 'Omnichannel bot auth',
    severity: 'info',
    name: 'Meaning of the botTokenUrl POST status',
    meaning:
      'Explains the POST of the token to botTokenUrl: 200 signed in (hide the card), ' +
      '202 or 404 already signed in (hide), anything else or no response: the card should be shown.',
    fix:
      'For 200/202/404 call back {show: false}; otherwise {show: true}. If the POST fails, ' +
      "check that the token is the one the bot's OAuth connection expects and that the SAS URL has not expired.",
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      botInvocations(m).flatMap((inv) =>
        inv.requests.map((r) => {
          const s = r.event.status;
          const meaning =
            tokenPostMeaning(s) === 'signed-in'
              ? 'signed in: the card should be hidden'
              : tokenPostMeaning(s) === 'already-signed-in'
                ? 'the user is already signed in: the card should be hidden'
                : s === null
                  ? `no response (${r.event.error ?? 'network error'}): the card will be shown`
                  : `not a success status: the card will be shown`;
          return {
            severity: tokenPostSignedIn(s) ? ('info' as const) : s === null ? ('error' as const) : ('warning' as const),
            title: `Token POST to botTokenUrl answered ${s ?? 'nothing'}: ${meaning}`,
            explanation:
              'The bot auth token provider POSTed the token for signInId ' +
              `${inv.invoke.event.signInId ?? '(none)'}; the token service answered ` +
              `${s ?? 'nothing'} after ${formatDuration(r.event.elapsedMs)}.`,
            evidence: [inv.invoke.seq, r.seq],
            attemptId: attemptId(inv),
          };
        }),
      ),
  },
  {
    id: 'botauth.callback-missing',
    area: 'Omnichannel bot auth',
    severity: 'error',
    name: 'Bot provider never called the callback',
    meaning:
      'The bot auth token provider finished without calling callback({show}); ' +
      "the widget then shows the card (or reuses the previous card's decision, in LCW v1).",
    fix:
      'Call callback({show: …}) on every path, ' +
      'including non-200 statuses and exceptions (the docs sample does not).',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      botInvocations(m).flatMap((inv) => {
        const over = !inv.end && m.nowMs - inv.invoke.event.at > WIDGET_DECISION_WINDOW_MS;
        if (inv.callbacks.length || !(inv.end || over)) return [];
        return [
          {
            severity: 'error' as const,
            title: 'Bot auth token provider never called callback({show})',
            explanation: inv.end
              ? 'The provider ' +
                `${inv.end.event.outcome === 'returned' ? 'returned' : `promise ${inv.end.event.outcome}`} ` +
                `after ${formatDuration(inv.end.event.elapsedMs)} without calling the ` +
                `callback${postOf(inv) ? ` (its POST was answered ${postOf(inv)!.event.status ?? 'nothing'})` : ''}.`
              : 'The provider is still running and has not called back.',
            evidence: [inv.invoke.seq, ...(postOf(inv) ? [postOf(inv)!.seq] : []), ...(inv.end ? [inv.end.seq] : [])],
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'botauth.callback-late',
    area: 'Omnichannel bot auth',
    severity: 'warning',
    name: "Bot callback after the widget's ~2 s window",
    meaning:
      'callback({show}) came more than 2 s after the widget invoked the provider; ' +
      'LCW 2.0 asks for the decision for about 2 s and then shows the card.',
    fix:
      'Have the token ready before the card arrives (fetch it at page load) so the POST and the callback ' +
      'fit in 2 s, or raise fetchBotAuthConfigRetries / fetchBotAuthConfigRetryInterval in botAuthConfig.',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      botInvocations(m).flatMap((inv) => {
        const cb = inv.callbacks[0];
        // Where the widget's own decision is visible, widget.card-shown-after-window says what happened.
        if (widgetDecided(m, inv)) return [];
        return cb && cb.event.elapsedMs > WIDGET_DECISION_WINDOW_MS
          ? [
              {
                severity: 'warning' as const,
                title:
                  `callback({show: ${safeText(cb.event.show)}}) came after ` +
                  `${formatDuration(cb.event.elapsedMs)}, past the ~2 s window`,
                explanation:
                  'The widget had most likely shown the card already: ' +
                  'its decision window is about 2 s (3 tries, 1 s apart).',
                evidence: [inv.invoke.seq, cb.seq],
                attemptId: attemptId(inv),
              },
            ]
          : [];
      }),
  },
  {
    id: 'botauth.provider-registered-twice',
    area: 'Omnichannel bot auth',
    severity: 'warning',
    name: 'setBotAuthTokenProvider registered more than once',
    meaning:
      'setBotAuthTokenProvider was called more than once in a frame; ' +
      'each registration adds a listener, so the provider runs several times per card.',
    fix: 'Register the bot auth token provider once (guard against re-running the setup on lcw:ready).',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) => {
      const byFrame = new Map<number, typeof m.sdkCalls>();
      for (const c of m.sdkCallsOf('setBotAuthTokenProvider').filter((c) => c.event.outcome === 'returned'))
        byFrame.set(c.frameId, [...(byFrame.get(c.frameId) ?? []), c]);
      return [...byFrame.values()]
        .filter((calls) => calls.length > 1)
        .map((calls) => ({
          severity: 'warning' as const,
          title: `setBotAuthTokenProvider called ${calls.length} times`,
          explanation:
            'Each call registers the provider again (LCW v1 adds a listener per call), ' +
            `so every sign-in card runs it ${calls.length} times: duplicate POSTs, ` +
            'and a later "already signed in" answer can override the first decision.',
          evidence: calls.map((c) => c.seq),
        }));
    },
  },
  {
    id: 'botauth.signin-id-reused',
    area: 'Omnichannel bot auth',
    severity: 'warning',
    name: 'signInId handled more than once',
    meaning: 'Several bot provider invocations carried the same signInId (the botTokenUrl state parameter).',
    fix:
      'Track handled signInIds and call back {show: false} at once ' +
      'for one already handled, and register the provider only once.',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) => {
      const byId = new Map<string, Invocation[]>();
      for (const inv of botInvocations(m)) {
        const id = inv.invoke.event.signInId;
        if (id) byId.set(id, [...(byId.get(id) ?? []), inv]);
      }
      return [...byId.entries()]
        .filter(([, invs]) => invs.length > 1)
        .map(([id, invs]) => {
          const statuses = invs.map((i) => postOf(i)?.event.status ?? '—').join(', ');
          const statusText = invs.some((i) => i.requests.length) ? `; POST statuses ${statuses}` : '';
          return {
            severity: 'warning' as const,
            title: `signInId ${id} handled ${invs.length} times`,
            explanation: `The provider ran ${invs.length} times for the same sign-in card${statusText}.`,
            evidence: invs.flatMap((i) => [i.invoke.seq, ...i.requests.map((r) => r.seq)]),
          };
        });
    },
  },
  {
    id: 'botauth.no-signin-id',
    area: 'Omnichannel bot auth',
    severity: 'warning',
    name: 'botTokenUrl without a signInId',
    meaning:
      'The botTokenUrl handed to the provider has no state parameter ' +
      '(the signInId), so the provider cannot tell cards apart.',
    fix:
      'Check that the bot sends a real OAuthCard whose tokenPostResource.sasUrl carries state=…; ' +
      'the provider should read it with new URL(botTokenUrl).searchParams.get("state").',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      botInvocations(m)
        .filter((inv) => !inv.invoke.event.signInId)
        .map((inv) => ({
          severity: 'warning' as const,
          title: 'botTokenUrl carries no signInId (state)',
          explanation: `botTokenUrl was ${inv.invoke.event.botTokenUrl ?? 'not a string'}.`,
          evidence: [inv.invoke.seq],
          attemptId: attemptId(inv),
        })),
  },
];
