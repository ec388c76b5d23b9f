/**
 * The documented `lcw:error` codes, payload `{ errorCode, errorDescription }`.
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/error-code-reference
 */
import { BUDGET_TEXT } from './invocations';

export const LCW_ERROR_CODES: Readonly<Record<number, string>> = {
  1: 'Custom context provider method execution failed',
  2: 'Auth token provider method execution failed',
  3: "Auth token provider didn't provide any token",
  4: 'Auth token provider provided invalid token',
  7: 'Live chat widget scripts failed to load',
  8: 'Auth function cannot be found on webpage',
};

/** The documented meaning of an `lcw:error` code, or null when the code is not documented. */
export function describeLcwError(code: unknown): string | null {
  const n = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
  return typeof n === 'number' ? (LCW_ERROR_CODES[n] ?? null) : null;
}

/** The errorCode of an lcw:error's detail as a number (a numeric string counts); undefined when it has none. */
export function lcwErrorCode(detail: unknown): number | undefined {
  const code = detail && typeof detail === 'object' ? (detail as Record<string, unknown>).errorCode : undefined;
  const n = typeof code === 'string' ? Number(code) : code;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * How sentences name an lcw:error: "lcw:error 4 (Auth token provider provided invalid token)", "lcw:error 9",
 * "lcw:error".
 */
export function lcwErrorName(code: number | undefined): string {
  if (code === undefined) return 'lcw:error';
  const meaning = LCW_ERROR_CODES[code];
  return `lcw:error ${code}${meaning ? ` (${meaning})` : ''}`;
}

/** Usual causes of the documented lcw:error codes, and what to do. */
export const LCW_ERROR_CAUSES: Readonly<Record<number, string>> = {
  1:
    'The function given to setContextProvider threw. Fix the context provider (it runs ' +
    'when the chat starts); for authenticated chat pass context in lwicontexts instead.',
  2: 'The auth token provider threw. Catch errors inside it and call back deliberately.',
  3:
    'The auth token provider gave no token: it called back with nothing (or an empty string), ' +
    `or not within the widget's wait. Make it call back with the JWT within ${BUDGET_TEXT}.`,
  4:
    'The token was rejected: not a JWT, expired, not RS256, or its signature ' +
    'does not match the public key URL of the chat authentication settings.',
  7:
    'The widget scripts failed to load (for example browser storage disabled, ' +
    'or a blocked CDN). Check errorDetail and the network panel.',
  8:
    'The JavaScript client function named in the chat authentication settings does not exist on the page. ' +
    'Define it on window (dotted names are resolved from window) before the chat starts.',
};
