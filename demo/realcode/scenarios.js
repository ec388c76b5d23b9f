// Scenarios of the real-code bench (/realcode/?scenario=<id>): Microsoft's published live chat packages
// (chat widget 1.8.3, chat components 1.1.15, chat SDK 1.11.8 with ocsdk 0.5.21, Web Chat
// 4.18.1-main.20250515.4c7400a) driven through local stand-ins for what is not on npm or cannot run
// offline. Shared by the browser pages, `npm start` and the tests (Node); plain data and pure functions.
//
// Each scenario says what the page and the stand-ins do, and `expect` is the ground truth the REAL code
// must produce: `window.__realcode.decisions` must equal `expectedDecisions(scenario)` (the `expect`
// object without `headline` and `outcomes`, which say what the extension's panel must conclude: the
// headline finding's check id, and the SSO attempts' outcomes in order).

/** The configured auth client function name (LiveChatConfigAuthSettings.msdyn_javascriptclientfunction). */
export const AUTH_CLIENT_FUNCTION = 'auth.getAuthenticationToken';
/** The organization id the bench's pages use (the widget id is fresh for every page load). */
export const REALCODE_ORG_ID = '00000000-0000-4000-8000-0000000000f9';
/** The budget the scripting-layer stand-in gives the auth client function (the documented 10 s). */
export const AUTH_BUDGET_MS = 10_000;
/** How long the bench waits for a card that reached Web Chat to be rendered (an upper bound, not a sleep). */
export const RENDER_TIMEOUT_MS = 5_000;

/** Versions of Microsoft's packages the pages run (pinned in demo/realcode/package.json). */
export const REAL_PACKAGES = {
  '@microsoft/omnichannel-chat-widget': '1.8.3',
  '@microsoft/omnichannel-chat-components': '1.1.15',
  '@microsoft/omnichannel-chat-sdk': '1.11.8',
  '@microsoft/ocsdk': '0.5.21',
  'botframework-webchat': '4.18.1-main.20250515.4c7400a',
  react: '16.14.0',
  'react-dom': '16.14.0',
};

/** What runs as real Microsoft code and what is a local stand-in (shown on every page and in the README). */
export const STAND_INS = [
  {
    id: 'scripting-layer',
    where: 'demo/realcode/src/scriptingLayer.js',
    what: "the live chat scripting layer (LiveChatBootstrapper.js, closed source, Microsoft's CDN): window.Microsoft.Omnichannel.LiveChatWidget.SDK, lcw:* events, the auth client function, the bot auth token provider on the widget's BroadcastService",
  },
  {
    id: 'widget-shell',
    where: 'demo/realcode/src/widgetHost.js',
    what: "the widget's React shell (LiveChatWidget, startChat.js): bench glue that calls Microsoft's modules in the order startChat.js does (FacadeChatSDK.startChat, createAdapter, Web Chat) and goes on past the chat SDK's expected MessagingClientInitializationFailure (no ACS offline)",
  },
  {
    id: 'acs',
    where: 'demo/realcode/src/acsAdapter.js',
    what: "the Azure Communication Services transport: a local async-iterable chat adapter that yields the scenario's bot activities",
  },
  {
    id: 'token-service',
    where: 'demo/realcode/server.mjs',
    what: "the Bot Framework token service's postToken endpoint (the card's tokenPostResource.sasUrl)",
  },
  {
    id: 'livechatconnector',
    where: 'demo/realcode/server.mjs',
    what: 'the Omnichannel service (livechatconnector): the widget configuration and the authenticated conversation call',
  },
];

/**
 * @typedef {object} CardSpec  one bot sign-in card the ACS stand-in sends
 * @property {'signin'|'oauth'} [contentType]  application/vnd.microsoft.card.signin (default) or …card.oauth
 * @property {boolean} [sasUrl]  whether content.tokenPostResource.sasUrl is set (default true)
 * @property {'botframework'|'unparsable'} [signInUrl]  the button's sign-in URL: token.botframework.com (default), or one the widget's regex cannot parse
 * @property {number} [sameSignInIdAs]  reuse the signInId of an earlier card (index)
 *
 * @typedef {object} RealcodeScenario
 * @property {string} id
 * @property {string} title
 * @property {string} summary  one sentence: what happens and why
 * @property {null|{ client: 'fast'|'slow'|'throws'|'missing', tokenKind?: string, delayMs?: number }} auth
 *   authenticated chat: the widget config names AUTH_CLIENT_FUNCTION; what that page function does
 *   (calls back with /api/token?kind=tokenKind, after delayMs; throws; or is not defined at all)
 * @property {null|{ callbackDelayMs?: number }} bot  the page's bot auth token provider (documented pattern:
 *   POST a token to the sasUrl, then callback({show: !ok}) after callbackDelayMs)
 * @property {CardSpec[]} cards  bot sign-in cards the ACS stand-in sends after its greeting
 * @property {number} [postTokenStatus]  what the token service stand-in answers to postToken (default 200)
 * @property {number} [conversationStatus]  what livechatconnector answers to the conversation call (default 200)
 * @property {{ breakNamespace?: boolean }} [site]  the site's other code: breakNamespace defines window.Microsoft as a
 *   getter that reads undefined before the chat bundle loads (page/site-namespace.js)
 * @property {Decisions & { headline: string, outcomes: string[] }} expect
 *
 * @typedef {object} CardDecision
 * @property {'hidden'|'shown'|'dropped'} decision  the widget's decision: hidden (kept from Web Chat after
 *   the page's {show:false}), shown (passed to Web Chat), dropped (kept from Web Chat silently)
 * @property {string|null} widgetEvent  the telemetry event the widget broadcast for this card
 *   (SetBotAuthProviderHideCard | SetBotAuthProviderDisplayCard | SetBotAuthProviderNotFound |
 *   BotAuthActivityEmptySasUrl | BotAuthActivityUndefinedSignInId), null when it broadcast none
 * @property {boolean} signInCardReceived  the widget broadcast SignInCardReceived for this card
 * @property {boolean} providerCalled  the page's bot auth token provider was called for this card
 * @property {boolean|null} callbackShow  the `show` the page's callback gave for this card (null: no callback)
 * @property {boolean} inWebChat  the card activity reached Web Chat's store (DIRECT_LINE/INCOMING_ACTIVITY)
 * @property {boolean} rendered  Web Chat rendered the card's sign-in button in the page
 *
 * @typedef {object} Decisions  everything the real code decided; no timing (see window.__realcode.timings)
 * @property {string[]} lcwEvents  lcw:* events in order; lcw:error as `lcw:error(<code>)`
 * @property {string} initialize  'ok' or the error of chatSDK.initialize()
 * @property {string|null} startChat  'ok', the error of the widget facade's startChat(), or null (not called)
 * @property {string[]} authClientCalls  one outcome per call of the auth client function, in call order:
 *   token:jwt | token:not-jwt | token:expired-jwt | token:empty | threw | timeout | missing
 * @property {string[]} widgetAuthEvents  the widget facade's token checks as it broadcast them on its BroadcastService:
 *   GetAuthTokenCalled, NewTokenValidationStarted, NewTokenValidationCompleted, NewTokenValidationFailed(<Description>),
 *   ReceivedNullOrEmptyToken, OnWidgetError(<errorMessage>)
 * @property {string[]} connector  livechatconnector requests as the stand-in saw them:
 *   `<METHOD> <endpoint> <status>` plus ` +AuthenticatedUserToken` when that header was sent
 * @property {CardDecision[]} cards  one per sign-in card the ACS stand-in sent, in order
 * @property {number[]} tokenPosts  statuses the token service stand-in answered to postToken, in order
 * @property {'rendered'|'not started'} webChat  whether the bench went on to render Web Chat
 * @property {string[]} errors  uncaught errors and unhandled rejections in the page: `<type>: <error name>[ in <script path>]`
 */

const ok = { initialize: 'ok', errors: [] };
const botCommon = {
  lcwEvents: ['lcw:ready', 'lcw:startChat'],
  startChat: 'MessagingClientInitializationFailure',
  authClientCalls: [],
  widgetAuthEvents: [],
  connector: ['GET config 200', 'POST conversation 200'],
  webChat: 'rendered',
};
const card = (o) => ({
  signInCardReceived: true,
  providerCalled: true,
  callbackShow: null,
  rendered: o.inWebChat,
  ...o,
});
const authFailed = 'Authentication Setup Error: Token validation failed - GetAuthToken function is not present';
const tokenOk = ['NewTokenValidationStarted', 'GetAuthTokenCalled', 'NewTokenValidationCompleted'];
/** The facade's events when getting a token failed; `first` is its own reason, when it has one. */
const tokenFailed = (first) => [
  'NewTokenValidationStarted',
  'GetAuthTokenCalled',
  ...(first ? [`NewTokenValidationFailed(${first})`] : []),
  'NewTokenValidationFailed(Unexpected error while getting token)',
  `OnWidgetError(${authFailed})`,
];

/** @type {RealcodeScenario[]} */
export const REALCODE_SCENARIOS = [
  {
    id: 'rc-bot-hidden',
    title: 'Bot sign-in card hidden: postToken answered 200 fast',
    summary:
      "The page's bot auth token provider posts the token (200) and calls back {show:false} within the widget's window: the widget hides the card.",
    auth: null,
    bot: {},
    cards: [{}],
    postTokenStatus: 200,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card hidden'],
      ...ok,
      ...botCommon,
      cards: [
        card({ decision: 'hidden', widgetEvent: 'SetBotAuthProviderHideCard', callbackShow: false, inWebChat: false }),
      ],
      tokenPosts: [200],
    },
  },
  {
    id: 'rc-bot-shown-500',
    title: 'Bot sign-in card shown: postToken answered 500',
    summary: "The token POST fails with 500, the page's provider calls back {show:true}: the widget shows the card.",
    auth: null,
    bot: {},
    cards: [{}],
    postTokenStatus: 500,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card shown'],
      ...ok,
      ...botCommon,
      cards: [
        card({ decision: 'shown', widgetEvent: 'SetBotAuthProviderDisplayCard', callbackShow: true, inWebChat: true }),
      ],
      tokenPosts: [500],
    },
  },
  {
    id: 'rc-bot-late-callback',
    title: "Bot sign-in card shown: the page calls back after 6 s, past the widget's window",
    // 6 s, not just over 2 s: the widget's window and the page's delay are separate timers, and on a busy
    // machine the widget may start its own a second or more late; the margin keeps the race one-sided.
    summary:
      "The token is posted with 200, but the page's callback({show:false}) comes 6 s later; the widget gave up after ~2 s without an answer and shows the card.",
    auth: null,
    bot: { callbackDelayMs: 6000 },
    cards: [{}],
    postTokenStatus: 200,
    expect: {
      headline: 'widget.card-shown-after-window',
      outcomes: ['card shown'],
      ...ok,
      ...botCommon,
      cards: [
        card({ decision: 'shown', widgetEvent: 'SetBotAuthProviderNotFound', callbackShow: false, inWebChat: true }),
      ],
      tokenPosts: [200],
    },
  },
  {
    id: 'rc-bot-no-sasurl',
    title: 'Sign-in card without tokenPostResource.sasUrl: gettesturl fails offline, card shown',
    summary:
      'The card has no sasUrl; the widget fetches https://token.botframework.com/api/sas/gettesturl, which fails offline (here the page CSP, like a firewall), and shows the card without asking the page.',
    auth: null,
    bot: {},
    cards: [{ sasUrl: false }],
    postTokenStatus: 200,
    expect: {
      headline: 'widget.no-sas-url',
      outcomes: ['card shown'],
      ...ok,
      ...botCommon,
      cards: [
        card({
          decision: 'shown',
          widgetEvent: 'BotAuthActivityEmptySasUrl',
          signInCardReceived: false,
          providerCalled: false,
          inWebChat: true,
        }),
      ],
      tokenPosts: [],
    },
  },
  {
    id: 'rc-bot-unparsable-url',
    title: 'Sign-in URL the widget cannot parse (Azure Government token service): card shown, provider never called',
    summary:
      "The button's URL is token.botframework.azure.us, which the widget's regex does not match: no signInId, the card is shown at once and the page's provider is never called.",
    auth: null,
    bot: {},
    cards: [{ signInUrl: 'unparsable' }],
    postTokenStatus: 200,
    expect: {
      headline: 'widget.signin-url-unparseable',
      outcomes: ['card shown'],
      ...ok,
      ...botCommon,
      cards: [
        card({
          decision: 'shown',
          widgetEvent: 'BotAuthActivityUndefinedSignInId',
          signInCardReceived: false,
          providerCalled: false,
          inWebChat: true,
        }),
      ],
      tokenPosts: [],
    },
  },
  {
    id: 'rc-bot-duplicate-signinid',
    title: 'The same signInId twice: the second card is dropped silently',
    summary:
      'The first card is hidden (200, {show:false}); the second card carries the same signInId, and the widget drops it without any event.',
    auth: null,
    bot: {},
    cards: [{}, { sameSignInIdAs: 0 }],
    postTokenStatus: 200,
    expect: {
      headline: 'widget.signin-id-already-seen',
      outcomes: ['card hidden', 'card dropped'],
      ...ok,
      ...botCommon,
      cards: [
        card({ decision: 'hidden', widgetEvent: 'SetBotAuthProviderHideCard', callbackShow: false, inWebChat: false }),
        card({
          decision: 'dropped',
          widgetEvent: null,
          signInCardReceived: false,
          providerCalled: false,
          inWebChat: false,
        }),
      ],
      tokenPosts: [200],
    },
  },
  {
    id: 'rc-auth-ok',
    title: 'Authenticated chat: the auth client function calls back fast with a valid JWT',
    summary:
      'The configured client function returns a valid RS256 JWT at once; the chat SDK sends it as AuthenticatedUserToken and only the (absent) ACS fails.',
    auth: { client: 'fast', tokenKind: 'valid' },
    bot: null,
    cards: [],
    expect: {
      headline: 'auth.provider-ok',
      outcomes: ['unknown', 'chat authenticated'],
      ...ok,
      lcwEvents: ['lcw:ready', 'lcw:startChat'],
      startChat: 'MessagingClientInitializationFailure',
      authClientCalls: ['token:jwt', 'token:jwt'],
      widgetAuthEvents: tokenOk,
      connector: ['GET config 200', 'POST auth/conversation 200 +AuthenticatedUserToken'],
      cards: [],
      tokenPosts: [],
      webChat: 'rendered',
    },
  },
  {
    id: 'rc-auth-slow',
    title: 'Authenticated chat: the auth client function calls back after 10.5 s (over the 10 s limit)',
    summary:
      'The client function takes 10.5 s; the scripting layer stops waiting at 10 s (lcw:error 3) and the widget refuses to start the chat.',
    auth: { client: 'slow', tokenKind: 'valid', delayMs: 10_500 },
    bot: null,
    cards: [],
    expect: {
      headline: 'auth.provider-over-budget',
      outcomes: ['unknown', 'chat failed'],
      ...ok,
      lcwEvents: ['lcw:ready', 'lcw:startChat', 'lcw:error(3)', 'lcw:error(3)'],
      startChat: authFailed,
      authClientCalls: ['timeout', 'timeout'],
      widgetAuthEvents: tokenFailed(),
      connector: ['GET config 200'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-auth-throws',
    title: 'Authenticated chat: the auth client function throws',
    summary:
      'The client function throws; the scripting layer raises lcw:error 2 each time it is called and the widget refuses to start the chat.',
    auth: { client: 'throws' },
    bot: null,
    cards: [],
    expect: {
      headline: 'auth.provider-threw',
      outcomes: ['chat failed', 'chat failed'],
      ...ok,
      lcwEvents: ['lcw:error(2)', 'lcw:ready', 'lcw:startChat', 'lcw:error(2)'],
      startChat: authFailed,
      authClientCalls: ['threw', 'threw'],
      widgetAuthEvents: tokenFailed(),
      connector: ['GET config 200'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-auth-not-jwt',
    title: 'Authenticated chat: the auth client function returns a token that is not a JWT',
    summary:
      'The client function calls back with a two-segment string; the widget\'s facade rejects it ("Invalid token format, must be in JWT format") and the chat does not start.',
    auth: { client: 'fast', tokenKind: 'malformed' },
    bot: null,
    cards: [],
    expect: {
      headline: 'auth.token-not-jwt',
      outcomes: ['chat failed', 'chat failed'],
      ...ok,
      lcwEvents: ['lcw:ready', 'lcw:startChat'],
      startChat: authFailed,
      authClientCalls: ['token:not-jwt', 'token:not-jwt'],
      widgetAuthEvents: tokenFailed('Invalid token format'),
      connector: ['GET config 200'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-auth-expired',
    title: 'Authenticated chat: the auth client function returns an expired JWT',
    summary:
      'The client function calls back with a JWT whose exp has passed; the widget\'s facade rejects it ("New authentication token is already expired") and the chat does not start.',
    auth: { client: 'fast', tokenKind: 'expired' },
    bot: null,
    cards: [],
    expect: {
      headline: 'auth.token-expired',
      outcomes: ['chat failed', 'chat failed'],
      ...ok,
      lcwEvents: ['lcw:ready', 'lcw:startChat'],
      startChat: authFailed,
      authClientCalls: ['token:expired-jwt', 'token:expired-jwt'],
      widgetAuthEvents: tokenFailed('New token is already expired'),
      connector: ['GET config 200'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-auth-missing',
    title: 'Authenticated chat: the configured auth client function is not on the page (error 8)',
    summary: `The widget config names ${AUTH_CLIENT_FUNCTION}, which the page does not define: lcw:error 8 ("Auth function cannot be found on webpage") each time a token is needed.`,
    auth: { client: 'missing' },
    bot: null,
    cards: [],
    expect: {
      headline: 'authfn.missing',
      outcomes: [],
      ...ok,
      lcwEvents: ['lcw:error(8)', 'lcw:ready', 'lcw:startChat', 'lcw:error(8)'],
      startChat: authFailed,
      authClientCalls: ['missing', 'missing'],
      widgetAuthEvents: tokenFailed(),
      connector: ['GET config 200'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-connector-401',
    title: 'Authenticated chat: livechatconnector answers 401 to the conversation call',
    summary:
      'A valid JWT is sent as AuthenticatedUserToken, but the Omnichannel service rejects it with 401: startChat fails with ConversationInitializationFailure.',
    auth: { client: 'fast', tokenKind: 'valid' },
    bot: null,
    cards: [],
    conversationStatus: 401,
    expect: {
      headline: 'lcw.connector-401',
      outcomes: ['unknown', 'chat failed'],
      ...ok,
      lcwEvents: ['lcw:ready', 'lcw:startChat'],
      startChat: 'ConversationInitializationFailure',
      authClientCalls: ['token:jwt', 'token:jwt'],
      widgetAuthEvents: tokenOk,
      connector: ['GET config 200', 'POST auth/conversation 401 +AuthenticatedUserToken'],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
    },
  },
  {
    id: 'rc-load-error',
    title: 'Chat never loads: another site script defined window.Microsoft as a getter that reads undefined',
    summary:
      'A site namespace helper reserves window.Microsoft as a lazy getter; @microsoft/ocsdk\'s load-time check `"CRM" in window.Microsoft` throws a TypeError, and the chat bundle stops before the widget exists.',
    auth: null,
    bot: null,
    cards: [],
    site: { breakNamespace: true },
    expect: {
      headline: 'page.error-loading-chat',
      outcomes: [],
      lcwEvents: [],
      initialize: 'not called',
      startChat: null,
      authClientCalls: [],
      widgetAuthEvents: [],
      connector: [],
      cards: [],
      tokenPosts: [],
      webChat: 'not started',
      errors: ['error: TypeError in /realcode/dist/widget.js'],
    },
  },
];

/** @param {string} id */
export function realcodeScenarioById(id) {
  return REALCODE_SCENARIOS.find((s) => s.id === id);
}

/** The page URL of a scenario, relative to the demo server. */
export function realcodeScenarioPath(id) {
  return `/realcode/?scenario=${encodeURIComponent(id)}`;
}

/** The decisions the real code must produce for a scenario: its `expect` without `headline` and `outcomes`. */
export function expectedDecisions(scenario) {
  const { headline: _headline, outcomes: _outcomes, ...decisions } = scenario.expect;
  return decisions;
}

/**
 * Compares two `window.__realcode.decisions` objects (two runs, or with and without the extension).
 * @returns {string[]} one line per difference, empty when identical
 */
export function diffDecisions(a, b, path = 'decisions') {
  if (Object.is(a, b)) return [];
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((k) => diffDecisions(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`));
}

/** Sign-in URL patterns the widget's BotAuthActivitySubscriber accepts (copied here only to label cards). */
export const WIDGET_SIGNIN_URL_REGEX = /[\S]+.botframework.com\/api\/oauth\/signin\?signin=([\S]+)/;
