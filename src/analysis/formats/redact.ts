/**
 * Redaction of a tab's log before it leaves the browser (export, transcript), after SAML-tracer's
 * None / Mask / Remove export profiles. Pure and synchronous: returns copies, never touches input.
 *
 * What is a secret is found by one tokenizer (src/analysis/tokenizer.ts), in time linear in the text:
 * - JOSE tokens (JWS, https://www.rfc-editor.org/rfc/rfc7515#section-7.1, and JWE), in base64url or
 *   standard base64, padded or not, wherever they appear (token fields, URLs and percent-encoded
 *   parameters, headers, cookies, JSON text, prose). 'mask' keeps a JWS's header and payload, because
 *   the diagnosis reads the claims, and replaces its signature so the token cannot be replayed; of a
 *   JWE it keeps the protected header only. 'remove' replaces the whole token with a marker.
 * - Other secrets (values of secret-named keys: JSON members, query and form parameters, header lines,
 *   cookies): `•••` plus a fingerprint, in both 'mask' and 'remove'.
 * Rules and markers are documented in docs/capture-format.md ("Export file", "Redaction").
 */
import { MAX_STRING } from '../../shared/constants';
import type { CapturedEvent, LogEntry } from '../../shared/events';
import { isSecretKeyName, scanSecrets, type JoseToken, type Scan, type ScanWork } from './tokenizer';

export type { ScanWork } from './tokenizer';

/** What an export hides: nothing, secrets with token claims kept ('mask', the default), or all token content. */
export type RedactionProfile = 'none' | 'mask' | 'remove';

/** Every profile, in the order an export dialog lists them. */
export const REDACTION_PROFILES: readonly RedactionProfile[] = ['none', 'mask', 'remove'];

/** The profile exports use unless the user picks another. */
export const DEFAULT_REDACTION_PROFILE: RedactionProfile = 'mask';

/** Start of the signature segment of a masked JWT: `<header>.<payload>.REDACTED-SIGNATURE-<fingerprint>`. */
export const REDACTED_SIGNATURE = 'REDACTED-SIGNATURE';

/** What replaces each hidden part of a masked JWE: `<header>.REDACTED.REDACTED.REDACTED.REDACTED-<fingerprint>`. */
export const REDACTED_PART = 'REDACTED';

/** Start of a masked secret value: `•••<fingerprint>`. */
export const MASK = '•••';

/** Start of the marker that replaces a token in the 'remove' profile. */
const REMOVED = '[token removed:';

const utf8 = new TextEncoder();

/**
 * FNV-1a (32-bit) of the UTF-8 bytes of `value`, as 8 hex digits
 * (http://www.isthe.com/chongo/tech/comp/fnv/). Only tells values apart within a file: it is not
 * a cryptographic hash, and a short secret can be guessed from it.
 */
export function fingerprint(value: string): string {
  let hash = 0x811c9dc5;
  let i = 0;
  // ASCII needs no encoder (and a masked value may have thousands of segments to fingerprint).
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  if (i < value.length) {
    for (const byte of utf8.encode(value.slice(i))) hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The JSON object a base64(url) segment decodes to, or undefined. */
function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  let end = segment.length;
  while (end > 0 && segment.charCodeAt(end - 1) === 61) end--; // trailing '=' (a regex /=+$/ is quadratic on '=' runs)
  const b64 = segment.slice(0, end).replace(/-/g, '+').replace(/_/g, '/');
  if (b64.length < 4 || b64.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(b64)) return undefined;
  try {
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const value: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
    );
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the whole string is a JOSE header: base64(url) of a JSON object with an `alg` member. */
function isJoseHeader(segment: string): boolean {
  const header = decodeJsonObject(segment);
  return header !== undefined && Object.hasOwn(header, 'alg');
}

/**
 * True for a value this module (or the hook, which cuts Direct Line's `t=` to `…`) already produced, so that redacting
 * twice changes nothing.
 */
const isMasked = (value: string) =>
  value.startsWith(MASK) || value.startsWith(REMOVED) || value === '…' || /^%E2%80%(A6|A2)/i.test(value);

/** A hidden token part this module already wrote. */
const ALREADY_HIDDEN = /^REDACTED(?:-SIGNATURE)?(?:-[0-9a-f]{8})?$/;

/**
 * `•••<fingerprint>` for each dot-separated segment of a secret value, keeping the dots and a leading
 * JOSE header, so that a malformed token (`<header>.not-a-jwt`) is still diagnosed as one.
 */
function maskSecretValue(value: string): string {
  if (value === '' || isMasked(value)) return value;
  const segments = value.split('.');
  return segments
    .map((s, i) =>
      s === '' || isMasked(s) || (i === 0 && segments.length > 1 && isJoseHeader(s)) ? s : `${MASK}${fingerprint(s)}`,
    )
    .join('.');
}

/** One replacement of text[start, end). */
interface Edit {
  start: number;
  end: number;
  text: string;
}

const removedMarker = (token: string) => `${REMOVED} ${token.length} chars, fnv1a ${fingerprint(token)}]`;

/**
 * The replacements for the tokens: hidden parts ('mask') or whole tokens ('remove'), sorted and merged where tokens
 * overlap.
 */
function tokenEdits(text: string, tokens: readonly JoseToken[], profile: Exclude<RedactionProfile, 'none'>): Edit[] {
  const edits: Edit[] = [];
  for (const token of tokens) {
    if (profile === 'remove') {
      edits.push({ start: token.start, end: token.end, text: removedMarker(token.text) });
      continue;
    }
    const fp = fingerprint(token.text);
    // JWS: the signature. An empty one (alg "none") hides nothing and is itself a finding.
    // JWE: everything but the protected header; the fingerprint goes on the last part.
    const hidden = token.kind === 'jws' ? token.parts.slice(2, 3) : token.parts.slice(1);
    hidden.forEach(([start, end], i) => {
      if (end <= start || ALREADY_HIDDEN.test(text.slice(start, end))) return;
      const marker =
        token.kind === 'jws'
          ? `${REDACTED_SIGNATURE}-${fp}`
          : i === hidden.length - 1
            ? `${REDACTED_PART}-${fp}`
            : REDACTED_PART;
      edits.push({ start, end, text: marker });
    });
  }
  edits.sort((a, b) => a.start - b.start || b.end - a.end);
  // Overlapping tokens (a segment that is one token's part and another's header): hiding wins.
  const merged: Edit[] = [];
  for (const edit of edits) {
    const last = merged.at(-1);
    if (last && edit.start < last.end) {
      if (edit.end > last.end) {
        last.end = edit.end;
        if (profile === 'remove') last.text = removedMarker(text.slice(last.start, last.end));
      }
    } else {
      merged.push({ ...edit });
    }
  }
  return merged;
}

/**
 * The replacements for secret values. A token inside one is left to the token rules (so its claims
 * stay); what else the value holds is masked piece by piece (between blanks), e.g. text glued before
 * the token, so that only the tokens, the blanks and a scheme ("Bearer ") stay readable.
 */
function secretEdits(text: string, scan: Scan): Edit[] {
  const edits: Edit[] = [];
  const { tokens } = scan;
  const mask = (start: number, end: number) => {
    for (const piece of text.slice(start, end).matchAll(/\S+/g)) {
      const masked = maskSecretValue(piece[0]);
      if (masked !== piece[0])
        edits.push({ start: start + piece.index, end: start + piece.index + piece[0].length, text: masked });
    }
  };
  let t = 0;
  let coveredTo = -1; // furthest end of the tokens that start before the current position
  let doneTo = -1; // end of the values handled so far (values may overlap)
  for (const secret of scan.secrets) {
    let start = Math.max(secret.start, doneTo);
    const { end } = secret;
    while (t < tokens.length && tokens[t]!.start < start) coveredTo = Math.max(coveredTo, tokens[t++]!.end);
    start = Math.max(start, coveredTo);
    if (start >= end) continue;
    doneTo = end;
    if (t >= tokens.length || tokens[t]!.start >= end) {
      const value = text.slice(start, end);
      const masked = maskSecretValue(value);
      if (masked !== value) edits.push({ start, end, text: masked });
      continue;
    }
    // Tokens inside: mask the gaps between them.
    let at = start;
    for (; t < tokens.length && tokens[t]!.start < end; t++) {
      if (tokens[t]!.start > at) mask(at, tokens[t]!.start);
      at = Math.max(at, tokens[t]!.end);
      coveredTo = Math.max(coveredTo, tokens[t]!.end);
    }
    if (at < end) mask(at, end);
  }
  return edits;
}

/** Applies two sorted lists of non-overlapping edits. */
function applyEdits(text: string, a: readonly Edit[], b: readonly Edit[]): string {
  if (a.length === 0 && b.length === 0) return text;
  const pieces: string[] = [];
  let at = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const edit = j >= b.length || (i < a.length && a[i]!.start <= b[j]!.start) ? a[i++]! : b[j++]!;
    if (edit.start < at) continue; // cannot happen: secret values are clipped to outside tokens
    pieces.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

function redactScanned(text: string, scan: Scan, profile: Exclude<RedactionProfile, 'none'>): string {
  return applyEdits(text, tokenEdits(text, scan.tokens, profile), secretEdits(text, scan));
}

/**
 * Redacts a free-text string: JOSE tokens anywhere in it, and the values of secret-named keys
 * (query and form parameters, JSON members, header lines, cookies). `'none'` returns it unchanged.
 * `work`, when given, counts what the tokenizer did (for tests of its linear bound).
 */
export function redactString(value: string, profile: RedactionProfile, work?: ScanWork): string {
  if (profile === 'none') return value;
  return redactScanned(value, scanSecrets(value, work), profile);
}

/**
 * Redacts a value known to be a secret (a token field, a secret-named key). The tokens in it
 * (alone, or inside, e.g. "Bearer <jwt>") are redacted as tokens; a value with no token is masked
 * segment by segment, keeping the dots and a leading JOSE header so that a malformed token is
 * still diagnosed as such.
 */
export function redactSecret(value: string, profile: RedactionProfile, work?: ScanWork): string {
  if (profile === 'none' || value === '') return value;
  const scan = scanSecrets(value, work);
  if (scan.tokens.length > 0) return redactScanned(value, scan, profile);
  // Three segments whose first two are JSON objects are read as a JWT by the panel and the diagnosis
  // (src/analysis/jwt.ts), with or without `alg`: they are redacted as one, so the diagnosis stays.
  const segments = value.trim().split('.');
  if (segments.length === 3 && decodeJsonObject(segments[0]!) && decodeJsonObject(segments[1]!)) {
    const token = value.trim();
    if (profile === 'remove') return removedMarker(token);
    return segments[2] === '' || ALREADY_HIDDEN.test(segments[2]!)
      ? token
      : `${segments[0]}.${segments[1]}.${REDACTED_SIGNATURE}-${fingerprint(token)}`;
  }
  return maskSecretValue(value);
}

/** True when a string under this object key is a secret as a whole. */
export const isSecretKey = (key: string) => isSecretKeyName(key);

/**
 * What redaction did to a string, for the panel: a masked signature (or JWE content, header kept),
 * a removed token, a masked value, or nothing.
 */
export function redactionOf(value: string): 'signature' | 'token' | 'value' | undefined {
  if (value.startsWith(REMOVED)) return 'token';
  const segments = value.split('.');
  if (segments[2]?.startsWith(REDACTED_SIGNATURE)) return 'signature';
  if (segments.length === 5 && segments.slice(1).every((s) => s === '' || ALREADY_HIDDEN.test(s)) && segments[4] !== '')
    return 'signature';
  if (value.includes(MASK)) return 'value';
  return undefined;
}

/** Keeps a redacted string within the schema's limits (it may grow when a short secret gets a marker). */
function fit(redacted: string, original: string): string {
  const limit = Math.max(original.length, MAX_STRING);
  return redacted.length <= limit ? redacted : `${redacted.slice(0, limit - 1)}…`;
}

/**
 * Deep copy of a JSON value with every string (member names too) redacted; array items inherit their
 * member's key. A header written as `{name, value}` (HAR, fetch init summaries) or as a `[name, value]`
 * pair (`Headers` entries) counts its name as the value's key.
 */
function redactValue(value: unknown, key: string, profile: Exclude<RedactionProfile, 'none'>): unknown {
  if (typeof value === 'string')
    return fit(isSecretKey(key) ? redactSecret(value, profile) : redactString(value, profile), value);
  if (Array.isArray(value)) {
    if (value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && isSecretKey(value[0]))
      return [redactString(value[0], profile), redactValue(value[1], value[0], profile)];
    return value.map((item) => redactValue(item, key, profile));
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const named = typeof record.name === 'string' && isSecretKey(record.name) ? record.name : undefined;
    return Object.fromEntries(
      Object.entries(record).map(([k, v]) => [
        fit(redactString(k, profile), k),
        redactValue(v, k === 'value' && named ? named : k, profile),
      ]),
    );
  }
  return value;
}

/**
 * A redacted copy of a tab's log. Keeps `seq`, `frameId`, times, event kinds and every non-secret
 * value, so each event still matches its schema (src/shared/events.ts) and the diagnosis of a
 * 'mask' copy equals the original's. `profile` defaults to 'mask'. Never throws on JSON-shaped input.
 */
export function redactEntries(
  entries: readonly LogEntry[],
  profile: RedactionProfile = DEFAULT_REDACTION_PROFILE,
): LogEntry[] {
  if (profile === 'none') return structuredClone([...entries]);
  return entries.map((entry) => ({
    seq: entry.seq,
    frameId: entry.frameId,
    event: redactValue(entry.event, '', profile) as CapturedEvent,
  }));
}
