/**
 * The tokens the `auth-fail` fault (src/shared/faults.ts) hands the widget in place of the page's: built
 * here, never signed (JWS header `alg: "none"`, empty signature), and labelled with INJECTED_TOKEN_MARK
 * (header `kid` and claim `injected_by`) so neither the diagnosis nor a person takes them for real.
 *  - `expired`: the page's real claims when its token decodes as a JWT (else minimal ones), with `iat`
 *    and `nbf` two hours ago and `exp` one hour ago (seconds since the Unix epoch);
 *  - `malformed`: `chat-sso-inspector-injected.not-a-jwt`, which no JWT parser accepts.
 * JWS compact form: https://www.rfc-editor.org/rfc/rfc7515#section-7.1; `alg: none`:
 * https://www.rfc-editor.org/rfc/rfc7518#section-3.6.
 */
import { INJECTED_TOKEN_MARK, type AuthFailMode } from '../shared/faults';
import { isArray, parseJson } from '../shared/builtins';

// Captured when the hook's bundle is evaluated, before any page script.
const btoaNative = typeof btoa === 'function' ? btoa : undefined;
const atobNative = typeof atob === 'function' ? atob : undefined;
const fromCharCode = String.fromCharCode;
const stringify = JSON.stringify;
const Encoder = typeof TextEncoder === 'function' ? TextEncoder : undefined;
const Decoder = typeof TextDecoder === 'function' ? TextDecoder : undefined;

/** base64url (no padding) of the UTF-8 bytes of `text`. */
function base64url(text: string): string {
  const bytes = new Encoder!().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += fromCharCode(bytes[i]!);
  return btoaNative!(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The claims of a JWT (its decoded payload object), or null when `token` is not one. Never throws. */
function claimsOf(token: unknown): Record<string, unknown> | null {
  if (typeof token !== 'string' || !atobNative || !Decoder) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length > 100_000) return null;
  try {
    const binary = atobNative(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const claims: unknown = parseJson(new Decoder().decode(bytes));
    return claims && typeof claims === 'object' && !isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The token to hand the widget for `auth-fail` `mode` (`expired` or `malformed`). `real`: what the page's
 * provider handed back (its claims are copied for `expired` when it decodes). `nowMs`: ms since the Unix
 * epoch. Never throws.
 */
export function injectedToken(mode: Exclude<AuthFailMode, 'throw'>, real: unknown, nowMs: number): string {
  if (mode === 'malformed' || !btoaNative || !Encoder) return `${INJECTED_TOKEN_MARK}.not-a-jwt`;
  const now = Math.floor(nowMs / 1000);
  const claims = {
    ...(claimsOf(real) ?? { sub: INJECTED_TOKEN_MARK }),
    iat: now - 7200,
    nbf: now - 7200,
    exp: now - 3600,
    injected_by: INJECTED_TOKEN_MARK,
  };
  const header = { alg: 'none', typ: 'JWT', kid: INJECTED_TOKEN_MARK };
  return `${base64url(stringify(header))}.${base64url(stringify(claims))}.`;
}
