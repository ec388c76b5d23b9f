// Stand-in for the Bot Framework token service (token.botframework.com), the REST API the bot's
// UserTokenClient calls (paths from botframework-connector's TokenApiClient). The bot reaches it
// because its OAuthUrl setting is this server's base URL.
import { randomUUID, randomBytes } from 'node:crypto';
import { SSO_DEMO } from '../webchat/config.js';
import { verifyHs256 } from './jwt.mjs';
import { send, readBody } from './http.mjs';

const CONSENT_ERROR = 'consent_required (simulated): AADSTS65001 The user or administrator has not consented';

/**
 * @param {{ base: string, sessions: ReturnType<import('./sessions.mjs').createSessions>, log: (entry: object) => void }} deps
 */
export function createTokenService({ base, sessions, log }) {
  /** Tokens held per `${userId}|${connectionName}` (what GetToken answers). */
  const tokens = new Map();
  const key = (q) => `${q.get('userId')}|${q.get('connectionName') ?? SSO_DEMO.connectionName}`;

  /** @returns {Promise<boolean>} whether it handled the request */
  return async function handle(req, res, url) {
    const q = url.searchParams;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/botsignin/GetSignInResource':
      case 'GET /api/botsignin/GetSignInUrl': {
        // `state` is base64 JSON {connectionName, conversation: ConversationReference, msAppId}.
        let state = {};
        try {
          state = JSON.parse(Buffer.from(q.get('state') ?? '', 'base64').toString('utf8'));
        } catch {
          /* keep {} */
        }
        const signinId = randomBytes(12).toString('base64url');
        const signInLink = `${base}/api/oauth/signin?signin=${signinId}`;
        log({ hop: 'token', route, conversationId: state.conversation?.conversation?.id });
        if (url.pathname.endsWith('GetSignInUrl')) return (send(res, 200, signInLink), true);
        const sas = new URLSearchParams({
          expiry: String(Math.floor(Date.now() / 1000) + 900),
          id: 'key2',
          state: signinId,
          hmac: 'simulated-hmac',
        });
        return (
          send(res, 200, {
            signInLink,
            // An OAuth connection without a Token Exchange URL gets no tokenExchangeResource (ter=0).
            ...(sessions.byConversation(state.conversation?.conversation?.id ?? '')?.options.tokenExchangeResource ===
            false
              ? {}
              : {
                  tokenExchangeResource: {
                    id: randomUUID(),
                    uri: SSO_DEMO.resourceUri,
                    providerId: SSO_DEMO.providerId,
                  },
                }),
            // Points at the existing demo postToken stand-in (demo/server.mjs); nothing here posts to it.
            tokenPostResource: { sasUrl: `${base}/api/sas/postToken?${sas}` },
          }),
          true
        );
      }
      case 'GET /api/usertoken/GetToken': {
        const held = tokens.get(key(q));
        log({ hop: 'token', route, userId: q.get('userId'), status: held ? 200 : 404 });
        // "Not found" MUST be an empty 404: the SDK maps a 404 body to a TokenResponse, and a JSON
        // body would make OAuthPrompt believe the user is signed in with an undefined token.
        return (send(res, held ? 200 : 404, held), true);
      }
      case 'POST /api/usertoken/exchange': {
        const body = await readBody(req).catch(() => undefined);
        const session = sessions.byUser(q.get('userId'));
        const mode = session?.options.mode ?? 'success';
        const fail = (message) => {
          log({ hop: 'token', route, userId: q.get('userId'), mode, status: 400, message });
          send(res, 400, { error: { code: 'ServiceError', message } });
          return true;
        };
        if (mode === 'failure') return fail(CONSENT_ERROR);
        const checked = verifyHs256(body?.token, SSO_DEMO.exchangeSecret);
        if (!checked.ok) return fail(checked.reason === 'malformed' ? 'bad signature' : checked.reason);
        if (checked.claims.aud !== SSO_DEMO.resourceUri) return fail('audience mismatch');
        const claims = checked.claims;
        const tokenResponse = {
          channelId: q.get('channelId') ?? 'directline',
          connectionName: q.get('connectionName') ?? SSO_DEMO.connectionName,
          // Readable by the bot, so it can greet by name; a real token would be opaque to this code.
          token: `exchanged-${Buffer.from(JSON.stringify({ sub: claims.sub, name: claims.name, upn: claims.upn })).toString('base64url')}`,
          expiration: new Date(Date.now() + 3600_000).toISOString(),
        };
        tokens.set(key(q), tokenResponse);
        log({ hop: 'token', route, userId: q.get('userId'), mode, status: 200 });
        return (send(res, 200, tokenResponse), true);
      }
      case 'DELETE /api/usertoken/SignOut': {
        if (q.get('connectionName')) tokens.delete(key(q));
        else for (const k of [...tokens.keys()]) if (k.startsWith(`${q.get('userId')}|`)) tokens.delete(k);
        log({ hop: 'token', route, userId: q.get('userId') });
        return (send(res, 200, {}), true);
      }
      case 'GET /api/usertoken/GetTokenStatus': {
        const hasToken = tokens.has(`${q.get('userId')}|${SSO_DEMO.connectionName}`);
        return (
          send(res, 200, [
            {
              channelId: q.get('channelId') ?? 'directline',
              connectionName: SSO_DEMO.connectionName,
              hasToken,
              serviceProviderDisplayName: 'Local AADv2 stand-in',
            },
          ]),
          true
        );
      }
      case 'POST /api/usertoken/GetAadTokens': {
        const body = await readBody(req).catch(() => undefined);
        const held = tokens.get(key(q));
        const out = {};
        if (held) for (const u of body?.resourceUrls ?? []) out[u] = held;
        return (send(res, 200, out), true);
      }
      case 'GET /api/oauth/signin':
        // The card's sign-in link (only on the card with showSignInLink). No real sign-in here.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!doctype html><title>Sign-in stand-in</title><p>Local stand-in for the Bot Framework sign-in page. This demo signs in only through the SSO token exchange.</p>',
        );
        return true;
      default:
        return false;
    }
  };
}
