import { describe, expect, it } from 'vitest';
import { decodeJwtView, readTimeClaim } from '../../src/analysis/model/jwt';
import { parseLwiContexts } from '../../src/analysis/model/lwicontexts';
import { b64url, jwt } from '../helpers/tokens';

const CAPTURE = Date.UTC(2026, 10, 21, 12, 0, 0); // ms
const capS = CAPTURE / 1000;

describe('JWT display model', () => {
  it('decodes header, payload and time claims relative to capture time', () => {
    const view = decodeJwtView(
      jwt({ sub: 'c-1', iss: 'https://portal', iat: capS - 60, nbf: capS - 60, exp: capS + 3600 }),
      CAPTURE,
    );
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    expect(view.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(view.payload.sub).toBe('c-1');
    expect(view.signatureLength).toBe(12);
    const byClaim = Object.fromEntries(view.times.map((c) => [c.claim, c]));
    expect(byClaim.exp).toMatchObject({
      unit: 'seconds',
      iso: '2026-11-21T13:00:00.000Z',
      relative: '1 h after capture',
    });
    expect(byClaim.iat).toMatchObject({ relative: '1 min before capture' });
    expect(view.lwicontexts).toEqual({ state: 'absent' });
  });

  it('reads 13-digit NumericDates as milliseconds and says so', () => {
    expect(readTimeClaim('exp', CAPTURE + 60_000, CAPTURE)).toMatchObject({
      unit: 'milliseconds',
      relative: '1 min after capture',
    });
    expect(readTimeClaim('exp', 'tomorrow', CAPTURE)).toMatchObject({ unit: 'invalid', iso: null });
  });

  it.each([
    ['only two segments', 'aaa.bbb', 'segments', /has 2/],
    ['four segments', 'a.b.c.d', 'segments', /has 4/],
    ['a JWE', 'a.b.c.d.e', 'segments', /JWE/],
    ['bad base64url in the header', '!!!.e30.sig', 'base64url', /header/],
    ['bad base64url length in the payload', `${b64url({ alg: 'RS256' })}.abcde.sig`, 'base64url', /payload/],
    ['a payload that is not JSON', `${b64url({ alg: 'RS256' })}.${b64url('hello')}.sig`, 'json', /payload/],
    ['a header that is JSON but not an object', `${b64url(42)}.${b64url({})}.sig`, 'not-object', /header/],
    ['an empty string', '  ', 'empty', /empty/],
  ])('explains %s', (_label, token, reason, message) => {
    const view = decodeJwtView(token, CAPTURE);
    expect(view.ok).toBe(false);
    if (view.ok) return;
    expect(view.reason).toBe(reason);
    expect(view.message).toMatch(message);
  });

  it('explains values that are not strings', () => {
    expect(decodeJwtView(undefined, CAPTURE)).toMatchObject({
      ok: false,
      reason: 'not-a-string',
      message: 'The token is undefined, not a string.',
    });
    expect(decodeJwtView(null, CAPTURE)).toMatchObject({ ok: false, reason: 'not-a-string' });
  });

  it('notes base64 characters where base64url is required', () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: '??>' })).toString('base64');
    const view = decodeJwtView(`${header}.${b64url({ sub: 'x' })}.sig`, CAPTURE);
    expect(view.ok && view.notes.join()).toMatch(/base64url/);
  });
});

describe('lwicontexts display model', () => {
  it('lists primitive context variables', () => {
    const view = parseLwiContexts({
      lwicontexts: JSON.stringify({ msdyn_cartvalue: '10000', msdyn_isvip: false, n: 3, none: null }),
    });
    expect(view).toEqual({
      state: 'ok',
      rows: [
        { key: 'msdyn_cartvalue', display: '10000', type: 'string', problems: [] },
        { key: 'msdyn_isvip', display: 'false', type: 'boolean', problems: [] },
        { key: 'n', display: '3', type: 'number', problems: [] },
        { key: 'none', display: 'null', type: 'null', problems: [] },
      ],
    });
  });

  it('flags nested objects, long names and long values', () => {
    const view = parseLwiContexts({
      lwicontexts: JSON.stringify({ cart: { items: 3 }, ['k'.repeat(101)]: 'v', big: 'x'.repeat(4001) }),
    });
    expect(view.state).toBe('ok');
    if (view.state !== 'ok') return;
    expect(view.rows.map((r) => r.problems)).toEqual([
      ['Value is an object: only primitive values are allowed.'],
      ['Name is 101 characters; the limit is 100.'],
      ['Value is 4001 characters; the limit is 4000.'],
    ]);
  });

  it('explains lwicontexts that is not a string, not JSON, or not an object', () => {
    const notString = parseLwiContexts({ lwicontexts: { msdyn_cartvalue: '1' } });
    expect(notString).toMatchObject({ state: 'not-string', type: 'object' });
    expect(notString.state === 'not-string' && notString.rows.map((r) => r.key)).toEqual(['msdyn_cartvalue']);
    expect(parseLwiContexts({ lwicontexts: '{oops' })).toMatchObject({ state: 'invalid-json' });
    expect(parseLwiContexts({ lwicontexts: '[1,2]' })).toMatchObject({ state: 'not-object' });
    expect(parseLwiContexts({})).toEqual({ state: 'absent' });
  });

  it('is part of the token view', () => {
    const view = decodeJwtView(jwt({ sub: 's', lwicontexts: '{"a":"1"}' }), CAPTURE);
    expect(view.ok && view.lwicontexts).toEqual({
      state: 'ok',
      rows: [{ key: 'a', display: '1', type: 'string', problems: [] }],
    });
  });
});
