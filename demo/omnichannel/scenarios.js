// Scenarios of the Omnichannel simulator: what the page's providers do, and what the
// inspector must show. Shared by the demo page (browser), `npm start` and the tests (Node).

/**
 * @typedef {object} Scenario
 * @property {string} id
 * @property {string} title
 * @property {'fast'|'slow'|'never'|'throws'|'none'|'empty'} auth  what the page's auth token provider does
 * @property {string} [tokenKind]  token the provider passes (see /api/token?kind=)
 * @property {number} [postStatus]  status the local botTokenUrl endpoint answers (bot scenarios)
 * @property {'callback'|'no-callback'} [bot]  what the page's bot auth token provider does
 * @property {'fetch'|'xhr'} [transport]  how the bot provider POSTs the token (default fetch)
 * @property {object} [widget]  simulator widget options: scriptsFail, authFunctionName, contextProviderThrows,
 *   v1 (the provider is called inside setAuthTokenProvider and the token read synchronously), readyDelayMs
 * @property {boolean} [early]  the page registers its provider as soon as the SDK exists, before lcw:ready
 * @property {number} [botRegistrations]  how many times the page calls setBotAuthTokenProvider (default 1)
 * @property {number} [botDelayMs]  how long the bot provider waits before calling back
 * @property {{headline: string, outcomes: string[], overBudget: boolean, lcwErrorCode?: number, tokenReason?: string, cardShown?: boolean, postStatus?: number}} expect
 *   headline: the check id of the diagnosis headline; outcomes: the attempts' outcomes, in order
 */

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    id: 'fast',
    title: 'Fast provider, valid RS256 token',
    auth: 'fast',
    tokenKind: 'valid',
    expect: { headline: 'auth.provider-ok', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'slow',
    title: 'Slow provider (10.5 s, over the 10 s budget)',
    auth: 'slow',
    tokenKind: 'valid',
    expect: { headline: 'auth.provider-over-budget', outcomes: ['chat failed'], overBudget: true, lcwErrorCode: 3 },
  },
  {
    id: 'never',
    title: 'Provider that never calls back',
    auth: 'never',
    expect: {
      headline: 'auth.provider-never-called-back',
      outcomes: ['chat failed'],
      overBudget: true,
      lcwErrorCode: 3,
    },
  },
  {
    id: 'throws',
    title: 'Provider that throws',
    auth: 'throws',
    expect: { headline: 'auth.provider-threw', outcomes: ['chat failed'], overBudget: false, lcwErrorCode: 2 },
  },
  {
    id: 'expired',
    title: 'Expired token',
    auth: 'fast',
    tokenKind: 'expired',
    expect: { headline: 'auth.token-expired', outcomes: ['chat failed'], overBudget: false, lcwErrorCode: 4 },
  },
  {
    id: 'lwi-nested',
    title: 'lwicontexts with a nested object',
    auth: 'fast',
    tokenKind: 'lwi-nested',
    expect: { headline: 'auth.lwicontexts-non-primitive', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'lwi-object',
    title: 'lwicontexts that is not a string',
    auth: 'fast',
    tokenKind: 'lwi-object',
    expect: { headline: 'auth.lwicontexts-not-string', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'hs256',
    title: 'HS256 token (the docs sample algorithm)',
    auth: 'fast',
    tokenKind: 'hs256',
    expect: { headline: 'auth.alg-not-rs256', outcomes: ['chat failed'], overBudget: false, lcwErrorCode: 4 },
  },
  {
    id: 'malformed',
    title: 'Malformed token',
    auth: 'fast',
    tokenKind: 'malformed',
    expect: {
      headline: 'auth.token-not-jwt',
      outcomes: ['chat failed'],
      overBudget: false,
      lcwErrorCode: 4,
      tokenReason: 'segments',
    },
  },
  {
    id: 'empty-token',
    title: 'Provider calls back with an empty string',
    auth: 'empty',
    expect: { headline: 'auth.token-empty', outcomes: ['chat failed'], overBudget: false, lcwErrorCode: 3 },
  },
  {
    id: 'bot-200',
    title: 'Bot SSO: postToken answered 200 (signed in)',
    auth: 'none',
    bot: 'callback',
    postStatus: 200,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card hidden'],
      overBudget: false,
      cardShown: false,
      postStatus: 200,
    },
  },
  {
    id: 'bot-202',
    title: 'Bot SSO: postToken answered 202 (already signed in), POST by XMLHttpRequest',
    auth: 'none',
    bot: 'callback',
    transport: 'xhr',
    postStatus: 202,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card hidden'],
      overBudget: false,
      cardShown: false,
      postStatus: 202,
    },
  },
  {
    id: 'bot-404',
    title: 'Bot SSO: postToken answered 404 (already signed in)',
    auth: 'none',
    bot: 'callback',
    postStatus: 404,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card hidden'],
      overBudget: false,
      cardShown: false,
      postStatus: 404,
    },
  },
  {
    id: 'bot-500',
    title: 'Bot SSO: postToken answered 500 (card shown)',
    auth: 'none',
    bot: 'callback',
    postStatus: 500,
    expect: {
      headline: 'botauth.token-post-status',
      outcomes: ['card shown'],
      overBudget: false,
      cardShown: true,
      postStatus: 500,
    },
  },
  {
    id: 'bot-no-callback',
    title: 'Bot provider that never calls the callback',
    auth: 'none',
    bot: 'no-callback',
    postStatus: 200,
    expect: {
      headline: 'botauth.callback-missing',
      outcomes: ['card shown'],
      overBudget: false,
      cardShown: true,
      postStatus: 200,
    },
  },
  {
    id: 'v1-async',
    title: 'LCW v1: async provider, token read synchronously at registration',
    auth: 'fast',
    tokenKind: 'valid',
    widget: { v1: true },
    expect: {
      headline: 'auth.async-callback-at-registration',
      outcomes: ['chat failed'],
      overBudget: false,
      lcwErrorCode: 3,
    },
  },
  {
    id: 'set-before-ready',
    title: 'setAuthTokenProvider called before lcw:ready',
    auth: 'fast',
    tokenKind: 'valid',
    early: true,
    widget: { readyDelayMs: 150 },
    expect: { headline: 'auth.provider-set-before-ready', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'missing-claims',
    title: 'Token without iss and sub',
    auth: 'fast',
    tokenKind: 'missing-claims',
    expect: { headline: 'auth.missing-claims', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'exp-ms',
    title: 'Token exp in milliseconds',
    auth: 'fast',
    tokenKind: 'exp-ms',
    expect: { headline: 'auth.time-claims-in-milliseconds', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'nbf-future',
    title: 'Token not valid yet (nbf and iat in the future)',
    auth: 'fast',
    tokenKind: 'nbf-future',
    expect: { headline: 'auth.token-not-yet-valid', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'lwi-long',
    title: 'lwicontexts name and value over the limits',
    auth: 'fast',
    tokenKind: 'lwi-long',
    expect: { headline: 'auth.lwicontexts-too-long', outcomes: ['chat authenticated'], overBudget: false },
  },
  {
    id: 'bot-twice',
    title: 'Bot provider registered twice',
    auth: 'none',
    bot: 'callback',
    botRegistrations: 2,
    postStatus: 200,
    expect: {
      headline: 'botauth.provider-registered-twice',
      outcomes: ['card hidden', 'card hidden'],
      overBudget: false,
      cardShown: false,
      postStatus: 200,
    },
  },
  {
    id: 'bot-late',
    title: 'Bot provider calls back after 2.5 s',
    auth: 'none',
    bot: 'callback',
    botDelayMs: 2500,
    postStatus: 200,
    expect: {
      headline: 'botauth.callback-late',
      outcomes: ['card shown'],
      overBudget: false,
      cardShown: true,
      postStatus: 200,
    },
  },
  {
    id: 'hostile-token',
    title: 'Crafted token: alg {"toString":0}, exp {"valueOf":0}, lwicontexts {"toString":0}',
    auth: 'fast',
    tokenKind: 'hostile',
    expect: { headline: 'auth.alg-not-rs256', outcomes: ['chat failed'], overBudget: false, lcwErrorCode: 4 },
  },
  {
    id: 'context-throws',
    title: 'Context provider that throws (code 1)',
    auth: 'none',
    widget: { contextProviderThrows: true },
    expect: { headline: 'lcw.error', outcomes: [], overBudget: false, lcwErrorCode: 1 },
  },
  {
    id: 'scripts-fail',
    title: 'Widget scripts fail to load (code 7)',
    auth: 'none',
    widget: { scriptsFail: true },
    expect: { headline: 'lcw.error', outcomes: [], overBudget: false, lcwErrorCode: 7 },
  },
  {
    id: 'auth-function-missing',
    title: 'Configured auth function missing on the page (code 8)',
    auth: 'none',
    widget: { authFunctionName: 'auth.getAuthenticationToken' },
    expect: { headline: 'lcw.error', outcomes: [], overBudget: false, lcwErrorCode: 8 },
  },
];

/** @param {string} id */
export function scenarioById(id) {
  return SCENARIOS.find((s) => s.id === id);
}
