// Constants shared by the Web Chat demo page (browser) and the local Bot Framework stack (Node).
// Test infrastructure only: the "exchangeable token" is an HS256 JWT signed with a demo secret,
// standing in for the Entra ID token a real page would get from MSAL.

export const SSO_DEMO = Object.freeze({
  /** Shared HS256 secret of the page (signs) and the token service stand-in (verifies). Not a real secret. */
  exchangeSecret: 'chat-sso-inspector-demo-exchange-secret',
  connectionName: 'SsoConnection',
  /** What GetSignInResource puts in tokenExchangeResource.uri (a Teams-style "api://botid-{appId}"). */
  resourceUri: 'api://botid-00000000-0000-0000-0000-0000000b0701',
  /** The audience the page uses for `aud=wrong`. */
  wrongResourceUri: 'api://some-other-resource',
  providerId: 'b4b6a2a3-1c9d-4a1e-9a4f-00000000aad2',
  /** The signed-in user the page "has" (claims of the exchangeable token). */
  user: Object.freeze({ sub: '7d5f0e8e-0000-4000-8000-00000000ada1', name: 'Ada Lovelace', upn: 'ada@contoso.test' }),
  bot: Object.freeze({ id: 'sso-demo-bot', name: 'SSO Demo Bot' }),
  /** Text the bot and the page agree on (the page reads them from the DOM). */
  text: Object.freeze({
    prompt: 'Please sign in to continue.',
    signedIn: 'You are signed in.',
    failed: 'Sign-in failed.',
  }),
});
