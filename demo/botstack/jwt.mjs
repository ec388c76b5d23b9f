// Minimal HS256 JWTs with node:crypto (no dependency): the Direct Line tokens and the token
// service's check of the page's "exchangeable token".
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** @param {object} payload @param {string} secret */
export function signHs256(payload, secret) {
  const head = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/**
 * Verifies an HS256 JWT. Never throws.
 * @returns {{ ok: true, claims: any } | { ok: false, reason: 'malformed' | 'bad signature' | 'token expired' }}
 */
export function verifyHs256(token, secret, now = Date.now() / 1000) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  let header, claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2], 'base64url');
  if (header?.alg !== 'HS256' || got.length !== expected.length || !timingSafeEqual(got, expected))
    return { ok: false, reason: 'bad signature' };
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, reason: 'token expired' };
  return { ok: true, claims };
}
