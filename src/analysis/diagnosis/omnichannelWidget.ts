/**
 * Checks on LCW v2, the live chat widget as Microsoft publishes it (`@microsoft/omnichannel-chat-widget`,
 * chat SDK, ocsdk): its own sign-in card decisions (widgetCards.ts), the auth client function its
 * configuration names, `livechatconnector` answers, and page errors that keep the chat from loading.
 * The widget's behaviour is read from its published code (see widgetCards.ts for the sign-in path).
 */
import { formatDuration, safeText } from '../model/format';
import { providerLabel } from '../model/invocations';
import { decodeJwtView } from '../model/jwt';
import { redactionOf } from '../formats/redact';
import { WIDGET_DECISION_WINDOW_MS, type WidgetCard } from '../model/widgetCards';
import { connectorOperation } from '../../shared/omnichannel';
import { DOCS } from './docs';
import { widgetAttemptId, type Entry, type Model } from './model';
import type { Check, RawFinding } from './types';
import { LCW_ERROR_CAUSES } from '../model/lcwErrors';
import { algText, claimText } from './omnichannelAuth';

/** The widget's source, where its sign-in card handling can be read. */
const WIDGET_SIGN_IN_SOURCE =
  'https://github.com/microsoft/omnichannel-chat-widget/blob/main/chat-widget/src/components/livechatwidget/common/ActivitySubscriber/BotAuthActivitySubscriber.ts';

const ofDecision = (m: Model, ...decisions: WidgetCard['decision'][]) =>
  m.widgetCards.filter((c) => decisions.includes(c.decision));
const seqsOf = (...xs: ({ seq: number } | undefined)[]) =>
  xs.filter((x): x is { seq: number } => !!x).map((x) => x.seq);
/** Time of `later` after `earlier`, as text. */
const after = (earlier: { event: { at: number } }, later: { event: { at: number } }) =>
  formatDuration(later.event.at - earlier.event.at);

/** The first event a card is known by (held back, or SignInCardReceived). */
const cardStart = (card: WidgetCard) => card.held ?? card.received ?? card.entries[0]!;

/** True when a chat got under way in the frame: any sign of the widget or the SDK doing something. */
function chatStarted(m: Model, frameId: number): boolean {
  return (
    m.entries.some(
      (x) =>
        x.frameId === frameId &&
        (x.event.kind === 'sdk.detected' ||
          x.event.kind === 'provider.invoke' ||
          x.event.kind === 'omnichannel.http' ||
          x.event.kind === 'adapter.activity'),
    ) ||
    m.lcw.some((x) => x.frameId === frameId && (x.event.name === 'lcw:ready' || x.event.name === 'lcw:startChat')) ||
    m.widgetCards.some((c) => c.frameId === frameId)
  );
}

/** Script URLs that belong to live chat code (Microsoft's CDNs and bundles, Web Chat). */
const CHAT_SCRIPT = /livechat|omnichannel|oc-cdn|webchat|botframework|lcw|chatwidget/i;

export const OMNICHANNEL_WIDGET_CHECKS: Check[] = [
  {
    id: 'widget.card-shown-after-window',
    area: 'Live chat widget (LCW v2)',
    severity: 'error',
    name: "Sign-in card shown: no answer within the widget's window",
    meaning:
      "The widget asked for the page's decision (BotAuthConfigRequest, 3 times, 1 s apart) and got " +
      'no answer within about 2 s, so it showed the sign-in card (SetBotAuthProviderNotFound), ' +
      "even when the token was posted and the page's callback said {show: false} later.",
    fix:
      'Answer within 2 s: have the token ready before the card arrives (fetch it at page load) so the POST ' +
      'to botTokenUrl and callback({show: false}) fit in the window; or give the widget more time with ' +
      'webChatContainerProps.botAuthConfig (fetchBotAuthConfigRetries, fetchBotAuthConfigRetryInterval).',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      ofDecision(m, 'shown-no-answer').map((card): RawFinding => {
        const inv = m.cardInvocations.get(card.id);
        const cb = inv?.callbacks[0];
        const post = inv?.requests[0];
        const start = cardStart(card);
        const asked = card.requests.length
          ? `asked ${card.requests.length} time${card.requests.length > 1 ? 's' : ''} (BotAuthConfigRequest) and `
          : '';
        const signedInText = post?.event.status === 200 ? ' (signed in)' : '';
        const postText = post ? `; its token POST was answered ${post.event.status ?? 'nothing'}${signedInText}` : '';
        let callbackText = '; it never called back';
        if (cb) {
          const callbackArg = cb.event.show === null ? '…' : `{show: ${safeText(cb.event.show)}}`;
          callbackText = `; callback(${callbackArg}) came ${after(start, cb)} after the card, too late`;
        }
        const page = !inv
          ? "The page's bot auth token provider was never called: none was registered " +
            'with setBotAuthTokenProvider, or it was registered after the card arrived.'
          : `The page's ${providerLabel(inv)} was invoked ` +
            `${after(start, inv.invoke)} after the card${postText}${callbackText}.`;
        return {
          severity: 'error',
          title:
            'Sign-in card shown: ' +
            `${cb ? `the page answered after ${after(start, cb)}, past` : 'no answer within'} ` +
            `the widget's ~2 s window`,
          explanation:
            `The widget ${asked}gave up after about ${formatDuration(WIDGET_DECISION_WINDOW_MS)}: ` +
            'SetBotAuthProviderNotFound, and the card was ' +
            `shown${card.passed ? '' : ' (its arrival in Web Chat was not seen)'}. ${page}`,
          evidence: seqsOf(start, ...card.requests, card.decisionEntry, card.passed, inv?.invoke, post, cb),
          attemptId: widgetAttemptId(card),
        };
      }),
  },
  {
    id: 'widget.no-sas-url',
    area: 'Live chat widget (LCW v2)',
    severity: 'error',
    name: 'Sign-in card without tokenPostResource.sasUrl',
    meaning:
      "The card had no tokenPostResource.sasUrl; the widget asked token.botframework.com's " +
      'gettesturl for one, got none (offline, firewall or CSP), and showed the card ' +
      "without calling the page's bot auth token provider (BotAuthActivityEmptySasUrl).",
    fix:
      'Have the bot send an OAuthCard with tokenPostResource.sasUrl (the Bot Framework token service adds ' +
      "it for SSO-capable connections; check the bot's OAuth connection and Bot Framework SDK version), " +
      'and, for the fallback, let the page reach https://token.botframework.com (CSP connect-src, proxies).',
    doc: WIDGET_SIGN_IN_SOURCE,
    run: (m) =>
      ofDecision(m, 'shown-no-sas-url').map((card): RawFinding => {
        const r = card.getTestUrl;
        const fallback = r
          ? `It asked ${r.event.url.replace(/\?.*$/, '')} for one, which ` +
            (r.event.status === null ? `failed (${r.event.error ?? 'network error'})` : `answered ${r.event.status}`) +
            '.'
          : 'Its request to token.botframework.com/api/sas/gettesturl was not seen.';
        return {
          severity: 'error',
          title: 'Sign-in card shown: it had no tokenPostResource.sasUrl',
          explanation:
            `${fallback} With no sasUrl the widget shows the card and never calls the ` +
            `page's bot auth token provider (telemetry BotAuthActivityEmptySasUrl).`,
          evidence: seqsOf(cardStart(card), r, card.decisionEntry, card.passed),
          attemptId: widgetAttemptId(card),
        };
      }),
  },
  {
    id: 'widget.signin-url-unparseable',
    area: 'Live chat widget (LCW v2)',
    severity: 'error',
    name: 'Sign-in URL the widget cannot read',
    meaning:
      "The card's first button does not hold a URL of the form …botframework.com/api/oauth/signin?signin=…, " +
      'so the widget found no signInId, showed the card and never called the ' +
      "page's bot auth token provider (BotAuthActivityUndefinedSignInId).",
    fix:
      'Send the sign-in link the Bot Framework token service generated, unchanged, ' +
      "as the card's first button (no custom domain, proxy or shortened link); " +
      'a custom sign-in URL needs a widget that reads it (microsoft/omnichannel-chat-widget PR 346).',
    doc: WIDGET_SIGN_IN_SOURCE,
    run: (m) =>
      ofDecision(m, 'shown-bad-sign-in-url').map((card): RawFinding => {
        const url = card.passed?.event.activity?.attachments?.[0]?.oauth?.buttons?.[0]?.value;
        return {
          severity: 'error',
          title: 'Sign-in card shown: the widget could not read a signInId from its sign-in URL',
          explanation:
            `${url ? `The first button's value is ${url.length > 120 ? `${url.slice(0, 120)}…` : url}. ` : ''}The ` +
            'widget reads the signInId with ' +
            `/[\\S]+.botframework.com\\/api\\/oauth\\/signin\\?signin=([\\S]+)/; no match means no SSO: the ` +
            `card is shown and the page's provider is not called.`,
          evidence: seqsOf(cardStart(card), card.decisionEntry, card.passed),
          attemptId: widgetAttemptId(card),
        };
      }),
  },
  {
    id: 'widget.signin-id-already-seen',
    area: 'Live chat widget (LCW v2)',
    severity: 'warning',
    name: 'Sign-in card dropped as already seen',
    meaning:
      'A sign-in card arrived and the widget did nothing more with it: BotAuthActivitySubscriber silently ' +
      'drops a card whose signInId it has already handled on this page (no event, no provider call, no card).',
    fix:
      "Don't send the same OAuthCard (same signInId) twice: a bot that re-prompts or replays " +
      'its last card on reconnect should start a new prompt. Old cards processed again ' +
      'after a reload are a known widget issue (microsoft/omnichannel-chat-widget PR 533).',
    doc: WIDGET_SIGN_IN_SOURCE,
    run: (m) =>
      ofDecision(m, 'dropped-seen').map((card): RawFinding => {
        const earlier = m.widgetCards.filter(
          (c) =>
            c.frameId === card.frameId &&
            c !== card &&
            cardStart(c).seq < cardStart(card).seq &&
            c.decision !== 'dropped-seen',
        );
        const previous = earlier.at(-1);
        const previousText = previous
          ? `${after(cardStart(previous), cardStart(card))} after an earlier card` +
            (previous.signInId ? ` (signInId ${previous.signInId})` : '') +
            ' '
          : '';
        return {
          severity: 'warning',
          title: 'A sign-in card was dropped: the widget had already seen its signInId',
          explanation:
            `The widget held the card back ${previousText}and then neither asked for a sasUrl, ` +
            'nor broadcast SignInCardReceived, nor decided: that is what it does with a signInId it has ' +
            `already handled. The card is not shown and the page's bot auth token provider is not called.`,
          evidence: seqsOf(...(previous ? [cardStart(previous)] : []), cardStart(card)),
          attemptId: widgetAttemptId(card),
        };
      }),
  },
  {
    id: 'authfn.missing',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Configured auth client function missing',
    meaning:
      "The widget's configuration (livechatconnector config, " +
      'LiveChatConfigAuthSettings.msdyn_javascriptclientfunction) names a page function for the ' +
      "customer's JWT, and the page has no function at that name; the widget raises lcw:error 8.",
    fix: LCW_ERROR_CAUSES[8]!,
    doc: DOCS.chatAuthSettings,
    run: (m) => {
      const last = new Map<string, Entry<'lcw.authFunction'>>();
      for (const x of m.ofKind('lcw.authFunction')) last.set(`${x.frameId}\n${x.event.name}`, x);
      return [...last.values()]
        .filter((x) => x.event.state !== 'function')
        .map((x): RawFinding => {
          const config = m.connector
            .filter((c) => c.frameId === x.frameId && c.event.authClientFunction === x.event.name && c.seq <= x.seq)
            .at(-1);
          const error8 = m.lcw.find(
            (e) =>
              e.frameId === x.frameId &&
              e.event.name === 'lcw:error' &&
              e.seq > x.seq &&
              safeText(e.event.detail ?? '', 10_000).includes('"errorCode":8'),
          );
          const missing = x.event.state === 'missing';
          const error8Text = error8 ? ', and the widget raised lcw:error 8' : '';
          return {
            severity: 'error',
            title:
              `The configured auth client function ${x.event.name} ` +
              (missing ? 'does not exist on the page' : 'is not a function'),
            explanation:
              `The widget's configuration names ${x.event.name} as the function ` +
              `that returns the customer's JWT; on this page window.${x.event.name} ` +
              `${missing ? 'is undefined' : 'is not a function'}${error8Text}. ` +
              'Without it there is no authenticated chat.',
            evidence: seqsOf(config, x, error8),
          };
        });
    },
  },
  {
    id: 'lcw.connector-401',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'livechatconnector answered 401',
    meaning:
      'An authenticated livechatconnector call (conversation, sessioninit, getchattoken, ' +
      "sessionclose, …) was answered 401: the service rejected the customer's JWT it " +
      'carried in AuthenticatedUserToken (expired, wrong signature or issuer, or missing).',
    fix:
      'Check the token sent: not expired when the call is made (long chats outlive short tokens: ' +
      'the widget asks the auth function again only once exp has passed), signed with the key the chat ' +
      "authentication settings' public key URL serves, with the claims they require (sub, iss, exp).",
    doc: DOCS.chatAuthSettings,
    run: (m) =>
      m.connector
        .filter((x) => x.event.status === 401)
        .map((x): RawFinding => {
          const op = connectorOperation(x.event.endpoint);
          const token = x.event.authenticatedUserToken;
          let about: string;
          if (token === undefined) about = 'The request carried no AuthenticatedUserToken header.';
          else if (redactionOf(token) === 'token')
            about = 'Its AuthenticatedUserToken was removed by the export\u2019s redaction.';
          else {
            const view = decodeJwtView(token, x.event.at);
            if (!view.ok) about = `Its AuthenticatedUserToken is not a JWT: ${view.message}`;
            else {
              const exp = view.times.find((c) => c.claim === 'exp');
              const expired = exp?.epochMs != null && exp.epochMs <= x.event.at;
              const validity = expired
                ? `that had expired ${formatDuration(x.event.at - exp!.epochMs!)} before the request`
                : exp?.epochMs != null
                  ? `still valid for ${formatDuration(exp.epochMs - x.event.at)}`
                  : 'without exp';
              const otherReason = expired
                ? ''
                : ': the service rejected it for another reason (signature, issuer, claims)';
              about =
                `Its AuthenticatedUserToken is a JWT (alg ${algText(view.header.alg)}, ` +
                `sub ${claimText(view.payload.sub)}) ${validity}${otherReason}.`;
            }
          }
          return {
            severity: 'error',
            title: `livechatconnector ${op || x.event.endpoint} answered 401: the customer's token was rejected`,
            explanation:
              `${x.event.method} …/livechatconnector/${x.event.endpoint} ` +
              `→ 401 after ${formatDuration(x.event.elapsedMs)}. ${about}`,
            evidence: [x.seq],
          };
        }),
  },
  {
    id: 'page.error-loading-chat',
    area: 'Live chat widget (LCW v2)',
    severity: 'error',
    symptom: true,
    name: 'Page error while loading chat code',
    meaning:
      'The page raised uncaught errors, unhandled rejections or failed script loads, and no chat ever got under ' +
      'way in that frame (no SDK, no lcw:ready, no widget activity): the likely reason the chat never loaded.',
    fix:
      'Open the script named in the error. A chat bundle that stops at load time ' +
      'is often a global it feature-detects (window.Microsoft, window.WebChat, ' +
      'window.Observable) that another script defined badly, a blocked CDN or a Content Security Policy.',
    doc: DOCS.errorCodes,
    run: (m) => {
      const errors = m.ofKind('page.error');
      const frames = [...new Set(errors.map((e) => e.frameId))].filter((f) => !chatStarted(m, f));
      return frames.map((frameId): RawFinding => {
        const inFrame = errors.filter((e) => e.frameId === frameId);
        const first =
          inFrame.find((e) => CHAT_SCRIPT.test(e.event.source ?? '') || CHAT_SCRIPT.test(e.event.message)) ??
          inFrame[0]!;
        const e = first.event;
        const what =
          e.errorType === 'resource'
            ? `${e.source ?? 'a script'} failed to load`
            : `${e.errorType === 'unhandledrejection' ? 'an unhandled rejection' : 'an uncaught error'}: ` +
              `${e.name ? `${e.name}: ` : ''}${e.message}`;
        const columnText = e.column !== undefined ? `:${e.column}` : '';
        const positionText = e.line !== undefined ? `:${e.line}${columnText}` : '';
        const raisedText = e.errorType !== 'resource' && e.source ? `Raised in ${e.source}${positionText}. ` : '';
        const countText = inFrame.length > 1 ? `; ${inFrame.length} page errors in all` : '';
        const scope = frameId === 0 ? 'page' : 'frame';
        return {
          severity: 'error',
          title: `Chat never started: ${what.length > 140 ? `${what.slice(0, 140)}…` : what}`,
          explanation: `${raisedText}No live chat activity followed in this ${scope}${countText}.`,
          evidence: inFrame.slice(0, 10).map((x) => x.seq),
        };
      });
    },
  },
];
