/**
 * The documented `lcw:error` codes, payload `{ errorCode, errorDescription }`.
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/error-code-reference
 */
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
