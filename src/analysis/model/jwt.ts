/**
 * The display model of a JWT (JWS compact serialization, RFC 7515 §7.1; claims, RFC 7519):
 * decoded header and payload, time claims as dates with their age relative to
 * capture time, and `lwicontexts` parsed into key/value rows.
 * Decoding uses `jwt-decode`; the classification of failures is ours. No signature check here.
 */
import { jwtDecode } from 'jwt-decode';
import { errorMessage, formatRelative, kindOf, safeText } from './format';
import { parseLwiContexts, type LwiContextsView } from './lwicontexts';

/** Why a token could not be decoded. */
export type JwtFailure = 'not-a-string' | 'empty' | 'segments' | 'base64url' | 'json' | 'not-object';

/** One NumericDate claim (RFC 7519 §2: seconds since the Unix epoch). */
export interface TimeClaim {
  claim: string;
  /** The raw claim value. */
  value: unknown;
  /** How the value was read: seconds (correct), milliseconds (13-digit value, wrong per RFC 7519), or invalid. */
  unit: 'seconds' | 'milliseconds' | 'invalid';
  /** The instant as an ISO 8601 string, or null when invalid. */
  iso: string | null;
  /** ms since the Unix epoch, or null when invalid. */
  epochMs: number | null;
  /** e.g. "2 h 3 min before capture". */
  relative: string;
}

export type JwtView =
  | {
      ok: true;
      header: Record<string, unknown>;
      payload: Record<string, unknown>;
      /** Length of the signature segment in characters (0 for an unsecured JWT). */
      signatureLength: number;
      times: TimeClaim[];
      lwicontexts: LwiContextsView;
      /**
       * Observations that are not failures, as sentences: base64 instead of base64url characters,
       * header members and claims of the wrong type (what the panel cannot display as intended).
       */
      notes: string[];
    }
  | { ok: false; reason: JwtFailure; part?: 'header' | 'payload'; message: string };

const TIME_CLAIMS = ['iat', 'nbf', 'exp', 'auth_time'];
const PART_NAMES = ['header', 'payload'] as const;

/** Reads a NumericDate claim value. Values of 13+ digits are taken as milliseconds (a common mistake). */
export function readTimeClaim(claim: string, value: unknown, captureAtMs: number): TimeClaim {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { claim, value, unit: 'invalid', iso: null, epochMs: null, relative: 'not a number' };
  }
  const unit = Math.abs(value) >= 1e12 ? 'milliseconds' : 'seconds';
  const epochMs = unit === 'seconds' ? value * 1000 : value;
  const date = new Date(epochMs);
  if (Number.isNaN(date.getTime()))
    return { claim, value, unit: 'invalid', iso: null, epochMs: null, relative: 'out of range' };
  return { claim, value, unit, iso: date.toISOString(), epochMs, relative: formatRelative(epochMs, captureAtMs) };
}

/** Recent views, by capture time and token: the diagnosis reads the same token once per check. */
const recent = new Map<string, JwtView>();
const RECENT_MAX = 32;

/**
 * Decodes a token for display. `captureAtMs`: when it was captured, ms since the Unix epoch.
 * Never throws: a token that cannot be decoded gives `{ ok: false, reason, message }`.
 * The view is shared with other callers for the same token and time: read it, do not change it.
 */
export function decodeJwtView(token: unknown, captureAtMs: number): JwtView {
  if (typeof token !== 'string') return decodeUncached(token, captureAtMs);
  // A 64 KB token takes jwt-decode ~20 ms; a capture's diagnosis asks for it a dozen times.
  const key = `${captureAtMs}\n${token}`;
  const hit = recent.get(key);
  if (hit) return hit;
  const view = decodeUncached(token, captureAtMs);
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(key, view);
  return view;
}

function decodeUncached(token: unknown, captureAtMs: number): JwtView {
  if (typeof token !== 'string')
    return {
      ok: false,
      reason: 'not-a-string',
      message: `The token is ${token === null ? 'null' : typeof token}, not a string.`,
    };
  const trimmed = token.trim();
  if (trimmed === '') return { ok: false, reason: 'empty', message: 'The token is an empty string.' };
  const segments = trimmed.split('.');
  if (segments.length !== 3) {
    const hint =
      segments.length === 5 ? ' Five segments is a JWE (encrypted token); the widget expects a signed JWS.' : '';
    return {
      ok: false,
      reason: 'segments',
      message:
        'A JWS has 3 dot-separated segments (header.payload.signature); ' + `this token has ${segments.length}.${hint}`,
    };
  }
  const decoded: Record<string, unknown>[] = [];
  for (const [i, part] of PART_NAMES.entries()) {
    if (!/^[A-Za-z0-9_\-+/=]*$/.test(segments[i]!)) {
      return {
        ok: false,
        reason: 'base64url',
        part,
        message: `The ${part} segment contains characters that are not base64url.`,
      };
    }
    let value: unknown;
    try {
      value = jwtDecode(trimmed, { header: i === 0 });
    } catch (e) {
      const msg = errorMessage(e);
      if (/invalid json/.test(msg))
        return { ok: false, reason: 'json', part, message: `The ${part} segment decodes, but not to JSON.` };
      return { ok: false, reason: 'base64url', part, message: `The ${part} segment is not valid base64url.` };
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, reason: 'not-object', part, message: `The ${part} segment is JSON but not an object.` };
    }
    decoded.push(value as Record<string, unknown>);
  }
  const [header, payload] = decoded as [Record<string, unknown>, Record<string, unknown>];
  const notes: string[] = [];
  if (/[+/=]/.test(segments[0]! + segments[1]!))
    notes.push('Uses base64 characters (+ / =) where JWS requires base64url (- _ and no padding).');
  notes.push(...typeNotes(header, payload));
  const times = TIME_CLAIMS.filter((c) => Object.hasOwn(payload, c)).map((c) =>
    readTimeClaim(c, payload[c], captureAtMs),
  );
  return {
    ok: true,
    header,
    payload,
    signatureLength: segments[2]!.length,
    times,
    lwicontexts: parseLwiContexts(payload, Object.hasOwn(payload, 'lwicontexts')),
    notes,
  };
}

/** "alg is an object ({"toString":0}), not a string" for a member of the wrong type. */
export function wrongType(name: string, value: unknown, expected: string): string {
  return `${name} is ${kindOf(value)} (${safeText(value, 60)}), not ${expected}`;
}

/** The header members and registered claims whose type is wrong, each as a sentence (RFC 7515 §4.1, RFC 7519 §4.1). */
function typeNotes(header: Record<string, unknown>, payload: Record<string, unknown>): string[] {
  const notes: string[] = [];
  const want = (
    where: 'header' | 'payload',
    obj: Record<string, unknown>,
    name: string,
    ok: (v: unknown) => boolean,
    expected: string,
    required = false,
  ) => {
    if (!Object.hasOwn(obj, name)) {
      if (required) notes.push(`The ${where} has no ${name}.`);
      return;
    }
    if (!ok(obj[name])) notes.push(`The ${where}'s ${wrongType(name, obj[name], expected)}.`);
  };
  const isString = (v: unknown) => typeof v === 'string';
  want('header', header, 'alg', isString, 'a string naming the algorithm (RS256)', true);
  want('header', header, 'typ', isString, 'a string');
  want('header', header, 'kid', isString, 'a string');
  want('payload', payload, 'iss', isString, 'a string');
  want('payload', payload, 'sub', isString, 'a string');
  want(
    'payload',
    payload,
    'aud',
    (v) => typeof v === 'string' || (Array.isArray(v) && v.every(isString)),
    'a string or an array of strings',
  );
  for (const c of TIME_CLAIMS)
    want(
      'payload',
      payload,
      c,
      (v) => typeof v === 'number' && Number.isFinite(v),
      'a finite NumericDate (seconds since 1970-01-01)',
    );
  return notes;
}
