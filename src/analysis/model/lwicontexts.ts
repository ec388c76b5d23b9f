/**
 * The `lwicontexts` claim: the context variables of an authenticated chat, as a
 * JSON *string* inside the JWT. "Only primitive values are allowed for any key";
 * names up to 100 characters, values up to 4,000.
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/administer/manage-context-variables
 *
 * The claim comes from the page: its keys and values are written as text with the safe helpers of
 * format.ts, never with String() or a template literal over the value.
 */
import { errorMessage, safeJson } from './format';

/** Longest context variable name, characters. */
export const LWI_MAX_KEY = 100;
/** Longest context variable value, characters. */
export const LWI_MAX_VALUE = 4_000;

export interface LwiContextRow {
  key: string;
  /** The value as display text (JSON for non-strings). */
  display: string;
  type: 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
  /** Rule violations for this row, as sentences. */
  problems: string[];
}

export type LwiContextsView =
  | { state: 'absent' }
  | { state: 'ok'; rows: LwiContextRow[] }
  /** Present, but not a string: the rows are still shown when it is an object. */
  | { state: 'not-string'; type: string; rows: LwiContextRow[]; message: string }
  | { state: 'invalid-json'; message: string; raw: string }
  | { state: 'not-object'; message: string; raw: string };

function typeOf(value: unknown): LwiContextRow['type'] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

function rowsOf(obj: Record<string, unknown>): LwiContextRow[] {
  return Object.entries(obj).map(([key, value]) => {
    const type = typeOf(value);
    // Long enough for the length rule to see any value a token can hold (MAX_TOKEN characters).
    const display = type === 'string' ? (value as string) : safeJson(value, { max: 200_000 });
    const problems: string[] = [];
    if (type === 'object' || type === 'array')
      problems.push(`Value is ${type === 'array' ? 'an array' : 'an object'}: only primitive values are allowed.`);
    if (key.length > LWI_MAX_KEY) problems.push(`Name is ${key.length} characters; the limit is ${LWI_MAX_KEY}.`);
    if (display.length > LWI_MAX_VALUE)
      problems.push(`Value is ${display.length} characters; the limit is ${LWI_MAX_VALUE}.`);
    return { key, display, type, problems };
  });
}

/** Whether a decoded payload has its own `lwicontexts` (a payload that is not an object has none). */
const hasClaim = (payload: unknown): payload is Record<string, unknown> =>
  typeof payload === 'object' && payload !== null && Object.hasOwn(payload, 'lwicontexts');

/** Parses the `lwicontexts` claim of a decoded payload for display. Never throws. */
export function parseLwiContexts(payload: Record<string, unknown>, present = hasClaim(payload)): LwiContextsView {
  if (!present) return { state: 'absent' };
  const raw = hasClaim(payload) ? payload.lwicontexts : undefined;
  if (raw === undefined) return { state: 'absent' };
  if (typeof raw !== 'string') {
    const type = typeOf(raw);
    return {
      state: 'not-string',
      type,
      rows: type === 'object' && typeof raw === 'object' && raw !== null ? rowsOf(raw as Record<string, unknown>) : [],
      message:
        `lwicontexts is ${type === 'object' ? 'a JSON object' : `a ${type}`}; ` +
        `it must be a string holding serialized JSON, e.g. "{\\"msdyn_cartvalue\\":\\"10000\\"}".`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    return { state: 'invalid-json', raw, message: `lwicontexts is a string but not valid JSON (${errorMessage(e)}).` };
  }
  if (typeOf(parsed) !== 'object') {
    return {
      state: 'not-object',
      raw,
      message: `lwicontexts must hold a JSON object of context variables; it holds ${typeOf(parsed)}.`,
    };
  }
  return { state: 'ok', rows: rowsOf(parsed as Record<string, unknown>) };
}
