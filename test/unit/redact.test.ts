/**
 * Redaction profiles on every captured log (no token or signature left, schemas still valid, same
 * diagnosis under 'mask') and the individual rules on hand-made strings.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BackgroundEventSchema } from '../../src/analysis/capture';
import { diagnose } from '../../src/analysis/diagnosis';
import { decodeJwtView } from '../../src/analysis/jwt';
import { fingerprint, redactEntries, redactionOf, redactSecret, redactString, REDACTED_SIGNATURE } from '../../src/analysis/redact';
import { HookEventSchema, type ActivitySummary, type LogEntry } from '../../src/shared/events';
import { capture, CAPTURE_IDS } from '../helpers/captures';
import { jwt } from '../helpers/tokens';

/** Every token the unredacted log holds: known token fields, plus JWT-looking strings found by an independent scan. */
function tokensOf(entries: LogEntry[]): Set<string> {
  const tokens = new Set<string>();
  const fromActivity = (a: ActivitySummary | undefined) => a?.tokenExchange?.token && tokens.add(a.tokenExchange.token);
  for (const { event: e } of entries) {
    if (e.kind === 'provider.callback' && e.token) tokens.add(e.token);
    if (e.kind === 'omnichannel.http' && e.authenticatedUserToken) tokens.add(e.authenticatedUserToken);
    if (e.kind === 'webchat.action' || e.kind === 'directline.post' || e.kind === 'directline.http') fromActivity(e.activity);
    if (e.kind === 'directline.activities') e.activities.forEach(fromActivity);
  }
  for (const m of JSON.stringify(entries).matchAll(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?/g)) tokens.add(m[0]);
  return tokens;
}

const validate = (entry: LogEntry) =>
  entry.event.kind === 'budget.exceeded' || entry.event.kind === 'relay.rejected' ? v.safeParse(BackgroundEventSchema, entry.event) : v.safeParse(HookEventSchema, entry.event);

/** What must not change under 'mask': finding ids/severities/evidence and attempt outcomes. */
const diagnosisKey = (entries: LogEntry[]) => {
  const d = diagnose(entries);
  return { findings: d.findings.map((f) => [f.id, f.severity, f.evidence.join(',')]), attempts: d.attempts.map((a) => [a.id, a.outcome]) };
};

describe.each(CAPTURE_IDS)('redaction of the %s capture', (id) => {
  const original = capture(id);
  const tokens = [...tokensOf(original)].filter((t) => t.length > 0);

  it("'none' returns an identical copy", () => {
    const copy = redactEntries(original, 'none');
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
  });

  it.each(['mask', 'remove'] as const)("'%s' keeps every event valid and seq, frame, kind and times unchanged", (profile) => {
    const redacted = redactEntries(original, profile);
    expect(redacted).toHaveLength(original.length);
    for (const [i, entry] of redacted.entries()) {
      expect(validate(entry).success, `seq ${entry.seq}`).toBe(true);
      const o = original[i]!;
      expect([entry.seq, entry.frameId, entry.event.kind, entry.event.t, entry.event.at]).toEqual([o.seq, o.frameId, o.event.kind, o.event.t, o.event.at]);
    }
  });

  it("'mask' leaves no token and no signature segment, but keeps the claims", () => {
    const text = JSON.stringify(redactEntries(original, 'mask'));
    for (const token of tokens) {
      expect(text.includes(token), `token ${token.slice(0, 40)}…`).toBe(false);
      const segments = token.split('.');
      if (segments.length >= 3 && segments.at(-1)!.length >= 8) expect(text.includes(segments.at(-1)!), 'signature').toBe(false);
      if (segments.length === 3 && segments[2]) expect(text.includes(`${segments[0]}.${segments[1]}.${REDACTED_SIGNATURE}`)).toBe(true);
    }
    expect(text).not.toContain('simulated-hmac');
  });

  it("'remove' leaves no header.payload either", () => {
    const text = JSON.stringify(redactEntries(original, 'remove'));
    for (const token of tokens) {
      const [header, payload] = token.split('.');
      if (payload) expect(text.includes(`${header}.${payload}`), `token ${token.slice(0, 40)}…`).toBe(false);
    }
  });

  it("'mask' gives the same diagnosis", () => {
    expect(diagnosisKey(redactEntries(original, 'mask'))).toEqual(diagnosisKey(original));
  });

  it("'remove' only loses token-content findings, never adds any", () => {
    const before = new Set(diagnosisKey(original).findings.map((f) => f[0]));
    const after = diagnosisKey(redactEntries(original, 'remove')).findings.map((f) => f[0]);
    expect(after.filter((f) => !before.has(f))).toEqual([]);
  });
});

describe('redaction rules', () => {
  const token = jwt({ aud: 'api://bot', exp: 1795234976, lwicontexts: '{"a":1}' }, { alg: 'RS256', typ: 'JWT' }, 'c2lnbmF0dXJlLXNlY3JldC1ieXRlcw');
  const [header, payload, signature] = token.split('.') as [string, string, string];

  it('masks a JWT signature so the token still decodes, with the same claims', () => {
    const masked = redactSecret(token, 'mask');
    expect(masked).toBe(`${header}.${payload}.${REDACTED_SIGNATURE}-${fingerprint(token)}`);
    const view = decodeJwtView(masked, 0);
    expect(view.ok && view.payload).toEqual({ aud: 'api://bot', exp: 1795234976, lwicontexts: '{"a":1}' });
    expect(redactionOf(masked)).toBe('signature');
  });

  it('removes a whole JWT in the remove profile, keeping its length and fingerprint', () => {
    expect(redactSecret(token, 'remove')).toBe(`[token removed: ${token.length} chars, fnv1a ${fingerprint(token)}]`);
    expect(redactionOf(redactSecret(token, 'remove'))).toBe('token');
  });

  it.each([
    ['a URL', `https://x.test/cb?id_token=${token}&state=abc`],
    ['a URL fragment', `https://x.test/#access_token=${token}&token_type=Bearer`],
    ['JSON text', `{"value":"${token}","other":1}`],
    ['a sentence', `Token was ${token}. Then it failed.`],
    ['percent-encoded JSON', `https://x.test/?state=%7B%22t%22%3A%22${token}%22%7D`],
    ['a bearer header', `Bearer ${token}`],
  ])('finds a JWT inside %s', (_label, text) => {
    const masked = redactString(text, 'mask');
    expect(masked).not.toContain(signature);
    expect(masked).toContain(`${header}.${payload}.${REDACTED_SIGNATURE}`);
    expect(redactString(text, 'remove')).not.toContain(`${header}.${payload}`);
  });

  it('leaves unsigned JWTs and strings that only look dotted alone', () => {
    const unsigned = jwt({ sub: 'x' }, { alg: 'none' }, '');
    expect(redactSecret(unsigned, 'mask')).toBe(unsigned);
    for (const s of ['4.18.1', 'www.example.com', 'provider.callback', 'a.b.c']) expect(redactString(s, 'mask')).toBe(s);
  });

  it('masks JWE content but keeps its five segments', () => {
    const jwe = `${Buffer.from(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).toString('base64url')}.a2V5.aXY.Y2lwaGVy.dGFn`;
    const masked = redactSecret(jwe, 'mask');
    expect(masked.split('.')).toHaveLength(5);
    expect(masked).not.toContain('Y2lwaGVy');
  });

  it('masks secret query parameters with a fingerprint, equal values alike, and leaves the others', () => {
    const url = 'https://token.botframework.com/api/sas/postToken?expiry=1&id=key2&state=S1&hmac=abc&sig=xyz&code=C0DE&t=%E2%80%A6';
    const masked = redactString(url, 'mask');
    expect(masked).toBe(`https://token.botframework.com/api/sas/postToken?expiry=1&id=key2&state=S1&hmac=•••${fingerprint('abc')}&sig=•••${fingerprint('xyz')}&code=•••${fingerprint('C0DE')}&t=%E2%80%A6`);
    expect(redactString(url, 'remove')).toBe(masked);
    expect(redactString(url, 'none')).toBe(url);
  });

  it('masks string values of secret-named keys and not non-secret "token" fields', () => {
    const entry: LogEntry = {
      seq: 1,
      frameId: 0,
      event: {
        kind: 'lcw.event',
        t: 1,
        at: 2,
        name: 'lcw:custom',
        detail: {
          password: 'hunter2',
          client_secret: 's3cr3t',
          Authorization: 'Basic dXNlcjpwYXNz',
          apiKey: 'k-123',
          nested: [{ accessToken: 'opaque-abc' }],
          tokenType: 'Bearer',
          tokenTruncated: false,
          tokenExchangeResource: { id: 'ter-1', uri: 'api://bot' },
          connectionName: 'SsoConnection',
          signInId: 'sig-in-1',
          state: 'st-1',
          text: '{"refresh_token":"rt-999","user":"ada"}',
        },
      },
    };
    const out = JSON.stringify(redactEntries([entry], 'mask'));
    for (const secret of ['hunter2', 's3cr3t', 'dXNlcjpwYXNz', 'k-123', 'opaque-abc', 'rt-999']) expect(out).not.toContain(secret);
    for (const kept of ['"tokenType":"Bearer"', '"tokenTruncated":false', '"id":"ter-1"', '"connectionName":"SsoConnection"', '"signInId":"sig-in-1"', '"state":"st-1"', '"user\\":\\"ada\\"']) expect(out).toContain(kept);
    expect(out).toContain(`"password":"•••${fingerprint('hunter2')}"`);
  });

  it('masks the AuthenticatedUserToken of an Omnichannel request', () => {
    const entry: LogEntry = {
      seq: 1,
      frameId: 0,
      event: { kind: 'omnichannel.http', t: 1, at: 2, requestId: 'o-1', method: 'GET', url: 'https://oc.test/livechatconnector/v2/auth/getchattoken', endpoint: 'v2/auth/getchattoken', status: 200, elapsedMs: 5, authenticatedUserToken: token },
    };
    const [masked] = redactEntries([entry], 'mask');
    expect(masked!.event.kind === 'omnichannel.http' && masked!.event.authenticatedUserToken).toBe(redactSecret(token, 'mask'));
    expect(JSON.stringify(masked)).not.toContain(signature);
  });

  it('masks a malformed token but keeps its header and segment count, so it is diagnosed the same', () => {
    const malformed = 'eyJhbGciOiJSUzI1NiJ9.not-a-jwt';
    const masked = redactSecret(malformed, 'mask');
    expect(masked).toBe(`eyJhbGciOiJSUzI1NiJ9.•••${fingerprint('not-a-jwt')}`);
    expect(decodeJwtView(masked, 0)).toMatchObject({ ok: false, reason: 'segments' });
    expect(redactSecret('', 'mask')).toBe('');
    expect(redactSecret('opaque-access-token', 'remove')).toBe(`•••${fingerprint('opaque-access-token')}`);
  });

  it('is pure and idempotent', () => {
    const original = capture('sso-success');
    const snapshot = structuredClone(original);
    const once = redactEntries(original, 'mask');
    expect(original).toEqual(snapshot);
    expect(redactEntries(once, 'mask')).toEqual(once);
  });

  it('fingerprints with FNV-1a 32-bit', () => {
    expect([fingerprint(''), fingerprint('a'), fingerprint('foobar')]).toEqual(['811c9dc5', 'e40c292c', 'bf9cf968']);
  });
});
