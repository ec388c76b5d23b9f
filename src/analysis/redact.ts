/**
 * Redaction of a tab's log before it leaves the browser (export, transcript), after SAML-tracer's
 * None / Mask / Remove export profiles. Pure and synchronous: returns copies, never touches input.
 *
 * - JWTs (JWS compact serialization, https://www.rfc-editor.org/rfc/rfc7515#section-7.1), wherever they
 *   appear (token fields, URLs, JSON text, summaries): 'mask' keeps header and payload, because the
 *   diagnosis reads the claims, and replaces the signature so the token cannot be replayed;
 *   'remove' replaces the whole token with a marker.
 * - Other secrets (secret-named keys, secret query parameters): `•••` plus a fingerprint, in both
 *   'mask' and 'remove'.
 * Rules and markers are documented in docs/capture-format.md ("Export file", "Redaction").
 */
import { MAX_STRING } from '../shared/constants';
import type { CapturedEvent, LogEntry } from '../shared/events';

/** What an export hides: nothing, secrets with token claims kept ('mask', the default), or all token content. */
export type RedactionProfile = 'none' | 'mask' | 'remove';

/** Every profile, in the order an export dialog lists them. */
export const REDACTION_PROFILES: readonly RedactionProfile[] = ['none', 'mask', 'remove'];

/** The profile exports use unless the user picks another. */
export const DEFAULT_REDACTION_PROFILE: RedactionProfile = 'mask';

/** Start of the signature segment of a masked JWT: `<header>.<payload>.REDACTED-SIGNATURE-<fingerprint>`. */
export const REDACTED_SIGNATURE = 'REDACTED-SIGNATURE';

/** Start of a masked secret value: `•••<fingerprint>`. */
export const MASK = '•••';

const utf8 = new TextEncoder();

/**
 * FNV-1a (32-bit) of the UTF-8 bytes of `value`, as 8 hex digits
 * (http://www.isthe.com/chongo/tech/comp/fnv/). Only tells values apart within a file: it is not
 * a cryptographic hash, and a short secret can be guessed from it.
 */
export function fingerprint(value: string): string {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(value)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Decodes a base64url (or base64) segment to a JSON object, or undefined. */
function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  const b64 = segment.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (b64.length < 4 || b64.length % 4 === 1) return undefined;
  try {
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** How many segments a JOSE object starting with `segments[i]` spans: 3 (JWS), 5 (JWE, header has `enc`), or 0 (none). */
function joseLength(segments: readonly string[], i: number): 0 | 3 | 5 {
  const header = decodeJsonObject(segments[i]!);
  if (typeof header?.alg !== 'string') return 0;
  if (typeof header.enc === 'string' && i + 4 < segments.length) return 5;
  return i + 2 < segments.length ? 3 : 0;
}

const B64_SEGMENT = /^[A-Za-z0-9_\-+/=]*$/;

/** True when the whole (trimmed) string is a JWS or JWE whose header has `alg`. */
function isWholeJose(value: string): boolean {
  const segments = value.trim().split('.');
  if (!segments.every((s) => B64_SEGMENT.test(s))) return false;
  const n = joseLength(segments, 0);
  return n !== 0 && n === segments.length;
}

/** True for a value this module already produced, so that redacting twice changes nothing. */
const isMasked = (value: string) => value.startsWith(MASK) || value === '…' || /^%E2%80%(A6|A2)/i.test(value);

/** `•••<fingerprint>` for a secret value. */
const maskValue = (value: string) => (value === '' || isMasked(value) ? value : `${MASK}${fingerprint(value)}`);

/** Redacts one whole JOSE token according to the profile ('none' is handled by the caller). */
function redactToken(token: string, profile: Exclude<RedactionProfile, 'none'>): string {
  const segments = token.split('.');
  if (profile === 'remove') return `[token removed: ${token.length} chars, fnv1a ${fingerprint(token)}]`;
  if (segments.length === 5) return [segments[0], ...segments.slice(1).map(() => 'REDACTED')].join('.');
  const signature = segments[2]!;
  // An empty signature (alg "none") hides nothing and is itself a finding; an already masked one stays as is.
  if (signature === '' || signature.startsWith(REDACTED_SIGNATURE)) return token;
  return `${segments[0]}.${segments[1]}.${REDACTED_SIGNATURE}-${fingerprint(token)}`;
}

/** Runs of dot-separated base64url segments: the places a JWT can hide in free text. */
const SEGMENT_RUN = /[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)+/g;

/** Where a token may start inside a segment glued to other text (e.g. "22eyJ…" after a %22). */
function tokenStarts(segment: string): number[] {
  const starts = [0];
  for (let i = segment.indexOf('e', 1); i > 0; i = segment.indexOf('e', i + 1)) if (segment[i + 1] === 'y' || segment[i + 1] === 'w') starts.push(i);
  return starts;
}

/** Replaces every JWT/JWE embedded in `text` (URLs, JSON text, sentences). */
function redactEmbeddedTokens(text: string, profile: Exclude<RedactionProfile, 'none'>): string {
  return text.replace(SEGMENT_RUN, (run) => {
    const segments = run.split('.');
    const out: string[] = [];
    for (let i = 0; i < segments.length; ) {
      let found = false;
      for (const start of tokenStarts(segments[i]!)) {
        const trial = [segments[i]!.slice(start), ...segments.slice(i + 1)];
        const n = joseLength(trial, 0);
        if (!n) continue;
        out.push(segments[i]!.slice(0, start) + redactToken(trial.slice(0, n).join('.'), profile));
        i += n;
        found = true;
        break;
      }
      if (!found) out.push(segments[i++]!);
    }
    return out.join('.');
  });
}

/** Query and fragment parameters whose values are secrets (SAS `hmac`/`sig`, Direct Line `t`, OAuth `code`, …). */
const SECRET_PARAM = /([?&#;])(hmac|sig|signature|t|token|access_token|id_token|code|key|secret|password)=((?!\[token removed)[^&#\s"'<>\\]*)/gi;

/** Object keys whose string values are secrets. Non-secret "token" names (tokenType, tokenExchangeResource, …) do not match. */
const SECRET_KEY = /secret|password|passwd|authorization|hmac|signature|apikey|api_key|access_?token|refresh_?token|client_?secret/i;
/** Keys that hold a token as a whole (provider.callback.token, tokenExchange.token, omnichannel.http.authenticatedUserToken, …). */
const TOKEN_KEY = /^(token|id_?token|auth_?token|bearer_?token|authenticated_?user_?token)$/i;

/** True when a string under this object key is a secret as a whole. */
export const isSecretKey = (key: string) => SECRET_KEY.test(key) || TOKEN_KEY.test(key);

/** A secret-named key inside JSON text: `"password": "…"`. */
const JSON_SECRET = /"([A-Za-z0-9_$-]{1,64})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/**
 * Redacts a free-text string: JWTs anywhere in it, secret query/fragment parameters, and
 * secret-named members of JSON text. `'none'` returns it unchanged.
 */
export function redactString(value: string, profile: RedactionProfile): string {
  if (profile === 'none') return value;
  const params = value.replace(SECRET_PARAM, (_m, sep: string, name: string, v: string) =>
    `${sep}${name}=${isWholeJose(v) ? redactToken(v, profile) : maskValue(v)}`,
  );
  const json = params.replace(JSON_SECRET, (m, key: string, colon: string, v: string) => (isSecretKey(key) ? `"${key}"${colon}"${redactSecret(v, profile)}"` : m));
  return redactEmbeddedTokens(json, profile);
}

/**
 * Redacts a value known to be a secret (a token field, a secret-named key). A JWT, alone or inside
 * (e.g. "Bearer <jwt>"), is redacted as a token; anything else is masked segment by segment, keeping
 * the dots and a leading JOSE header so that a malformed token is still diagnosed as such.
 */
export function redactSecret(value: string, profile: RedactionProfile): string {
  if (profile === 'none' || value === '') return value;
  if (isWholeJose(value)) return redactToken(value.trim(), profile);
  const embedded = redactEmbeddedTokens(value, profile);
  if (embedded !== value) return embedded;
  return value
    .split('.')
    .map((segment, i) => (segment === '' || (i === 0 && decodeJsonObject(segment)) ? segment : maskValue(segment)))
    .join('.');
}

/** What redaction did to a string, for the panel: a masked signature, a removed token, a masked value, or nothing. */
export function redactionOf(value: string): 'signature' | 'token' | 'value' | undefined {
  if (value.split('.')[2]?.startsWith(REDACTED_SIGNATURE)) return 'signature';
  if (value.startsWith('[token removed:')) return 'token';
  if (value.includes(MASK)) return 'value';
  return undefined;
}

/** Keeps a redacted string within the schema's limits (it may grow when a short secret gets a marker). */
function fit(redacted: string, original: string): string {
  const limit = Math.max(original.length, MAX_STRING);
  return redacted.length <= limit ? redacted : `${redacted.slice(0, limit - 1)}…`;
}

/** Deep copy of a JSON value with every string redacted; array items inherit their member's key. */
function redactValue(value: unknown, key: string, profile: Exclude<RedactionProfile, 'none'>): unknown {
  if (typeof value === 'string') return fit(isSecretKey(key) ? redactSecret(value, profile) : redactString(value, profile), value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, profile));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, profile)]));
  return value;
}

/**
 * A redacted copy of a tab's log. Keeps `seq`, `frameId`, times, event kinds and every non-secret
 * value, so each event still matches its schema (src/shared/events.ts) and the diagnosis of a
 * 'mask' copy equals the original's. `profile` defaults to 'mask'. Never throws on JSON-shaped input.
 */
export function redactEntries(entries: readonly LogEntry[], profile: RedactionProfile = DEFAULT_REDACTION_PROFILE): LogEntry[] {
  if (profile === 'none') return structuredClone([...entries]);
  return entries.map((entry) => ({ seq: entry.seq, frameId: entry.frameId, event: redactValue(entry.event, '', profile) as CapturedEvent }));
}
