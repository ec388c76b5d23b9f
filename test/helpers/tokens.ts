/** Builds unsigned test JWTs (the display model never checks signatures). */
export const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
export const jwt = (payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT' }, signature = 'c2lnbmF0dXJl') =>
  `${b64url(header)}.${b64url(payload)}.${signature}`;
