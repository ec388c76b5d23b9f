// Demo token minting for the simulator's "site token endpoint". Test infrastructure only:
// a fresh RSA key per server start; HS256 uses a fixed demo secret.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

const b64url = (data) => Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64url');

export function createTokenMinter(issuer) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'demo-key-1';
  const rs256 = (payload) => {
    const head = b64url({ alg: 'RS256', typ: 'JWT', kid });
    const body = b64url(payload);
    return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  };
  const hs256 = (payload) => {
    const head = b64url({ alg: 'HS256', typ: 'JWT' });
    const body = b64url(payload);
    return `${head}.${body}.${createHmac('sha256', 'demo-secret').update(`${head}.${body}`).digest('base64url')}`;
  };
  const claims = (overrides = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: '7d5f0e8e-0000-4000-8000-000000000001',
      iss: issuer,
      iat: now,
      nbf: now,
      exp: now + 3600,
      preferred_username: 'ada@example.invalid',
      lwicontexts: JSON.stringify({ msdyn_cartvalue: '10000', msdyn_isvip: 'false' }),
      ...overrides,
    };
  };
  // A crafted token (issue 9): header and claims hold values a panel must not turn into text with
  // their own methods ({"toString": 0} makes String() throw). Signed like the others.
  const hostile = () => {
    const head = b64url({ alg: { toString: 0 }, typ: ['x'] });
    const body = b64url({ toString: 0, exp: { valueOf: 0 }, lwicontexts: { toString: 0 } });
    return `${head}.${body}.${sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url')}`;
  };
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    /** A token of the given kind: valid | expired | hs256 | lwi-nested | lwi-object | malformed | missing-claims | exp-ms | nbf-future | lwi-long | hostile. */
    mint(kind) {
      const now = Math.floor(Date.now() / 1000);
      switch (kind) {
        case 'expired':
          return rs256(claims({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }));
        case 'hs256':
          return hs256(claims());
        case 'lwi-nested':
          return rs256(
            claims({
              lwicontexts: JSON.stringify({ msdyn_cartvalue: '10000', msdyn_cart: { items: 3, total: 10000 } }),
            }),
          );
        case 'lwi-object':
          return rs256(claims({ lwicontexts: { msdyn_cartvalue: '10000', msdyn_isvip: 'false' } }));
        case 'malformed':
          return 'eyJhbGciOiJSUzI1NiJ9.not-a-jwt';
        case 'missing-claims': {
          const { iss: _iss, sub: _sub, ...rest } = claims();
          return rs256(rest);
        }
        case 'exp-ms':
          return rs256(claims({ exp: (now + 3600) * 1000 }));
        case 'nbf-future':
          return rs256(claims({ nbf: now + 3600, iat: now + 3600, exp: now + 7200 }));
        case 'hostile':
          return hostile();
        case 'lwi-long':
          return rs256(
            claims({
              lwicontexts: JSON.stringify({ ['msdyn_' + 'x'.repeat(120)]: '1', msdyn_notes: 'n'.repeat(4100) }),
            }),
          );
        default:
          return rs256(claims());
      }
    },
  };
}
