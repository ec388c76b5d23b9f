// Scenarios of the Web Chat + local Bot Framework SSO demo: the page query for each, and what the
// inspector must show. Shared by the demo index page, `npm start` and the tests (Node).

/**
 * @typedef {object} WebchatScenario
 * @property {string} id
 * @property {string} title
 * @property {string} query  query string of /webchat/ (see demo/webchat/page.js for the options)
 * @property {{ headline: string, outcomes: string[], cardShown: boolean, invokeStatus?: number, invokeResult?: 'id'|'retry'|'error', signedIn?: boolean }} expect
 *   headline: the check id of the diagnosis headline; outcomes: the attempts' outcomes, in order;
 *   invokeStatus: HTTP status of the page's POST …/activities carrying the signin/tokenExchange invoke;
 *   invokeResult: what directLine.postActivity() emitted (an id, 'retry', or an error).
 */

/** @type {WebchatScenario[]} */
export const WEBCHAT_SCENARIOS = [
  {
    id: 'sso-success',
    title: 'SSO token exchange succeeds (card hidden)',
    query: 'mode=success',
    expect: {
      headline: 'bf.sso-succeeded',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-failure-412',
    title: 'Exchange fails (consent required): bot 412 passed through, card shown',
    query: 'mode=failure',
    expect: {
      headline: 'bf.invoke-412',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 412,
      invokeResult: 'error',
    },
  },
  {
    id: 'sso-failure-502',
    title: 'Exchange fails, Direct Line answers 502 like Azure: postActivity says "retry"',
    query: 'mode=failure&dl=502',
    expect: {
      headline: 'bf.invoke-502',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 502,
      invokeResult: 'retry',
    },
  },
  {
    id: 'sso-aud-mismatch',
    title: 'Token minted for the wrong audience: 412, card shown',
    query: 'mode=success&aud=wrong',
    expect: {
      headline: 'bf.audience-mismatch',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 412,
      invokeResult: 'error',
    },
  },
  {
    id: 'sso-websocket',
    title: 'SSO succeeds over the Direct Line WebSocket stream',
    query: 'mode=success&ws=1',
    expect: {
      headline: 'bf.sso-succeeded',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-private-bundle',
    title: 'SSO succeeds with Web Chat loaded privately (no window.WebChat)',
    query: 'mode=success&private=1',
    expect: {
      headline: 'bf.sso-succeeded',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-not-routed',
    title: 'Bot does not route the invoke to its dialog: 501, card shown',
    query: 'mode=success&route=0',
    expect: {
      headline: 'bf.invoke-501',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 501,
      invokeResult: 'retry',
    },
  },
  {
    id: 'sso-no-echo',
    title: 'SSO succeeds, invoke not echoed (Web Chat holds the reply ~5 s)',
    query: 'mode=success&echo=0',
    expect: {
      headline: 'bf.sso-succeeded',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-off',
    title: 'No SSO interception: plain OAuthCard',
    query: 'mode=success&sso=0',
    expect: { headline: 'bf.no-invoke', outcomes: ['card shown'], cardShown: true },
  },
  {
    id: 'sso-no-ter',
    title: 'OAuth connection without Token Exchange URL: no tokenExchangeResource',
    query: 'mode=success&ter=0',
    expect: { headline: 'bf.no-token-exchange-resource', outcomes: ['card shown'], cardShown: true },
  },
  {
    id: 'sso-wrong-id',
    title: "Invoke value.id is not the card's tokenExchangeResource.id",
    query: 'mode=success&invoke=wrongid',
    expect: {
      headline: 'bf.invoke-id-mismatch',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-wrong-connection',
    title: "Invoke connectionName is not the card's: bot answers 400",
    query: 'mode=success&invoke=wrongconn',
    expect: {
      headline: 'bf.connection-name-mismatch',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 400,
      invokeResult: 'error',
    },
  },
  {
    id: 'sso-no-token',
    title: 'Invoke without a token: bot answers 400',
    query: 'mode=success&invoke=notoken',
    expect: {
      headline: 'bf.invoke-without-token',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 400,
      invokeResult: 'error',
    },
  },
  {
    id: 'sso-from-mismatch',
    title: 'Invoke sent as another user (MSAL account id)',
    query: 'mode=success&invoke=fromother',
    expect: {
      headline: 'bf.from-id-mismatch',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-duplicate',
    title: 'The page sends the invoke twice',
    query: 'mode=success&invoke=twice',
    expect: {
      headline: 'bf.duplicate-invokes',
      outcomes: ['card hidden'],
      cardShown: false,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
  {
    id: 'sso-expired-token',
    title: 'Exchangeable token already expired: 412',
    query: 'mode=success&expired=1',
    expect: {
      headline: 'bf.token-expired',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 412,
      invokeResult: 'error',
    },
  },
  {
    id: 'sso-bot-error',
    title: 'The bot fails while handling the invoke: 500',
    query: 'mode=success&boterror=1',
    expect: {
      headline: 'bf.invoke-500',
      outcomes: ['card shown'],
      cardShown: true,
      invokeStatus: 500,
      invokeResult: 'retry',
    },
  },
  {
    id: 'sso-card-released',
    title: 'The page shows the card although the exchange succeeded',
    query: 'mode=success&release=always',
    expect: {
      headline: 'bf.card-shown-despite-success',
      outcomes: ['card shown'],
      cardShown: true,
      signedIn: true,
      invokeStatus: 200,
      invokeResult: 'id',
    },
  },
];

/** @param {string} id */
export function webchatScenarioById(id) {
  return WEBCHAT_SCENARIOS.find((s) => s.id === id);
}
