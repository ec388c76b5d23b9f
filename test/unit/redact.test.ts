/**
 * Redaction profiles on every captured log (no token or signature left, schemas still valid, same
 * diagnosis under 'mask') and the individual rules on hand-made strings.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BackgroundEventSchema } from '../../src/analysis/formats/capture';
import { diagnose } from '../../src/analysis/diagnosis';
import { decodeJwtView } from '../../src/analysis/model/jwt';
import {
  fingerprint,
  MASK,
  redactEntries,
  redactionOf,
  redactSecret,
  redactString,
  REDACTED_SIGNATURE,
  type ScanWork,
} from '../../src/analysis/formats/redact';
import { scanSecrets } from '../../src/analysis/formats/tokenizer';
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
    if (e.kind === 'webchat.action' || e.kind === 'directline.post' || e.kind === 'directline.http')
      fromActivity(e.activity);
    if (e.kind === 'directline.activities') e.activities.forEach(fromActivity);
  }
  for (const m of JSON.stringify(entries).matchAll(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?/g))
    tokens.add(m[0]);
  return tokens;
}

const validate = (entry: LogEntry) =>
  entry.event.kind === 'budget.exceeded' || entry.event.kind === 'relay.rejected'
    ? v.safeParse(BackgroundEventSchema, entry.event)
    : v.safeParse(HookEventSchema, entry.event);

/** What must not change under 'mask': finding ids/severities/evidence and attempt outcomes. */
const diagnosisKey = (entries: LogEntry[]) => {
  const d = diagnose(entries);
  return {
    findings: d.findings.map((f) => [f.id, f.severity, f.evidence.join(',')]),
    attempts: d.attempts.map((a) => [a.id, a.outcome]),
  };
};

describe.each(CAPTURE_IDS)('redaction of the %s capture', (id) => {
  const original = capture(id);
  const tokens = [...tokensOf(original)].filter((t) => t.length > 0);

  it("'none' returns an identical copy", () => {
    const copy = redactEntries(original, 'none');
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
  });

  it.each(['mask', 'remove'] as const)(
    "'%s' keeps every event valid and seq, frame, kind and times unchanged",
    (profile) => {
      const redacted = redactEntries(original, profile);
      expect(redacted).toHaveLength(original.length);
      for (const [i, entry] of redacted.entries()) {
        expect(validate(entry).success, `seq ${entry.seq}`).toBe(true);
        const o = original[i]!;
        expect([entry.seq, entry.frameId, entry.event.kind, entry.event.t, entry.event.at]).toEqual([
          o.seq,
          o.frameId,
          o.event.kind,
          o.event.t,
          o.event.at,
        ]);
      }
    },
  );

  it("'mask' leaves no token and no signature segment, but keeps the claims", () => {
    const text = JSON.stringify(redactEntries(original, 'mask'));
    for (const token of tokens) {
      expect(text.includes(token), `token ${token.slice(0, 40)}…`).toBe(false);
      const segments = token.split('.');
      if (segments.length >= 3 && segments.at(-1)!.length >= 8)
        expect(text.includes(segments.at(-1)!), 'signature').toBe(false);
      if (segments.length === 3 && segments[2])
        expect(text.includes(`${segments[0]}.${segments[1]}.${REDACTED_SIGNATURE}`)).toBe(true);
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
  const token = jwt(
    { aud: 'api://bot', exp: 1795234976, lwicontexts: '{"a":1}' },
    { alg: 'RS256', typ: 'JWT' },
    'c2lnbmF0dXJlLXNlY3JldC1ieXRlcw',
  );
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
    for (const s of ['4.18.1', 'www.example.com', 'provider.callback', 'a.b.c'])
      expect(redactString(s, 'mask')).toBe(s);
  });

  it('masks JWE content but keeps its five segments', () => {
    const jwe = `${Buffer.from(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).toString('base64url')}.a2V5.aXY.Y2lwaGVy.dGFn`;
    const masked = redactSecret(jwe, 'mask');
    expect(masked.split('.')).toHaveLength(5);
    expect(masked).not.toContain('Y2lwaGVy');
  });

  it('masks secret query parameters with a fingerprint, equal values alike, and leaves the others', () => {
    const url =
      'https://token.botframework.com/api/sas/postToken?expiry=1&id=key2&state=S1&hmac=abc&sig=xyz&code=C0DE&t=%E2%80%A6';
    const masked = redactString(url, 'mask');
    expect(masked).toBe(
      `https://token.botframework.com/api/sas/postToken?expiry=1&id=key2&state=S1&hmac=•••${fingerprint('abc')}&sig=•••${fingerprint('xyz')}&code=•••${fingerprint('C0DE')}&t=%E2%80%A6`,
    );
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
    for (const secret of ['hunter2', 's3cr3t', 'dXNlcjpwYXNz', 'k-123', 'opaque-abc', 'rt-999'])
      expect(out).not.toContain(secret);
    for (const kept of [
      '"tokenType":"Bearer"',
      '"tokenTruncated":false',
      '"id":"ter-1"',
      '"connectionName":"SsoConnection"',
      '"signInId":"sig-in-1"',
      '"state":"st-1"',
      '"user\\":\\"ada\\"',
    ])
      expect(out).toContain(kept);
    expect(out).toContain(`"password":"•••${fingerprint('hunter2')}"`);
  });

  it('masks the AuthenticatedUserToken of an Omnichannel request', () => {
    const entry: LogEntry = {
      seq: 1,
      frameId: 0,
      event: {
        kind: 'omnichannel.http',
        t: 1,
        at: 2,
        requestId: 'o-1',
        method: 'GET',
        url: 'https://oc.test/livechatconnector/v2/auth/getchattoken',
        endpoint: 'v2/auth/getchattoken',
        status: 200,
        elapsedMs: 5,
        authenticatedUserToken: token,
      },
    };
    const [masked] = redactEntries([entry], 'mask');
    expect(masked!.event.kind === 'omnichannel.http' && masked!.event.authenticatedUserToken).toBe(
      redactSecret(token, 'mask'),
    );
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

// ── the tokenizer: every token shape in every container, opaque secrets, non-secrets, linear time ──

/** Deterministic bytes (an LCG): random-looking signatures and ciphertexts, the same on every run. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

type Variant = 'b64url' | 'b64url-padded' | 'b64' | 'b64-unpadded';
const VARIANTS: Variant[] = ['b64url', 'b64url-padded', 'b64', 'b64-unpadded'];

function encode(data: Buffer | string, variant: Variant): string {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const b64 = buf.toString('base64');
  if (variant === 'b64') return b64;
  if (variant === 'b64-unpadded') return b64.replace(/=+$/, '');
  if (variant === 'b64url') return buf.toString('base64url');
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

/** A token planted in a test: what must survive 'mask' (header, payload) and what must not (signature, JWE parts). */
interface Planted {
  kind: 'jws' | 'jwe';
  token: string;
  kept: string[];
  secrets: string[];
}

function plantJws(variant: Variant, seed: number): Planted {
  const header = encode(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: `key-${seed}` }), variant);
  const payload = encode(
    JSON.stringify({
      sub: `user-${seed}`,
      aud: 'api://botid-0b0701',
      exp: 1795234976,
      lwicontexts: '{"msdyn_cartvalue":"10000"}',
    }),
    variant,
  );
  const signature = encode(bytes(256, seed), variant);
  if (variant.startsWith('b64-') || variant === 'b64') expect(signature).toMatch(/\+.*\/|\/.*\+/); // standard base64 for real
  return { kind: 'jws', token: `${header}.${payload}.${signature}`, kept: [header, payload], secrets: [signature] };
}

function plantJwe(variant: Variant, seed: number): Planted {
  const header = encode(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: `key-${seed}` }), variant);
  const parts = [bytes(256, seed), bytes(12, seed + 1), bytes(300, seed + 2), bytes(16, seed + 3)].map((b) =>
    encode(b, variant),
  );
  return { kind: 'jwe', token: [header, ...parts].join('.'), kept: [header], secrets: parts };
}

/** A place a token can sit in free text, and how its characters read there. */
interface Container {
  name: string;
  wrap: (token: string) => string;
  enc?: (s: string) => string;
}

const pct = encodeURIComponent;
const TOKEN_CONTAINERS: Container[] = [
  { name: 'bare', wrap: (v) => v },
  { name: 'prose', wrap: (v) => `Token was ${v}. Then it failed.` },
  { name: 'prose, comma and parenthesis', wrap: (v) => `the provider returned (${v}), then nothing` },
  { name: 'a URL query parameter with any name', wrap: (v) => `https://login.contoso.example/cb?foo=1&state=${v}&x=2` },
  {
    name: 'a URL query parameter named id_token',
    wrap: (v) => `https://login.contoso.example/cb?id_token=${v}&state=abc`,
  },
  { name: 'a URL fragment', wrap: (v) => `https://contoso.example/cb#access_token=${v}&token_type=Bearer` },
  { name: 'a URL path', wrap: (v) => `https://api.contoso.example/session/${v}/start` },
  { name: 'a percent-encoded parameter', wrap: (v) => `https://x.test/?assertion=${pct(v)}&y=1`, enc: pct },
  {
    name: 'a percent-encoded parameter with %2E dots',
    wrap: (v) => `https://x.test/?token=${pct(v).replace(/\./g, '%2E')}`,
    enc: (s) => pct(s).replace(/\./g, '%2E'),
  },
  {
    name: 'a parameter encoded twice',
    wrap: (v) => `https://x.test/login?redirect_uri=${pct(`https://app.test/cb?id_token=${pct(v)}`)}`,
    enc: (s) => pct(pct(s)),
  },
  {
    name: 'percent-encoded JSON',
    wrap: (v) => `https://x.test/?state=${pct(JSON.stringify({ t: v, n: 1 }))}`,
    enc: pct,
  },
  { name: 'an Authorization header', wrap: (v) => `Authorization: Bearer ${v}` },
  { name: 'an AuthenticatedUserToken header', wrap: (v) => `AuthenticatedUserToken: ${v}` },
  {
    name: 'a request with headers',
    wrap: (v) =>
      `POST /livechatconnector/v2/auth HTTP/1.1\r\nHost: oc.test\r\nAuthenticatedUserToken: ${v}\r\nAccept: */*`,
  },
  { name: 'a cookie', wrap: (v) => `Cookie: ai_session=abc; token=${v}; lang=en` },
  { name: 'a JSON member named token', wrap: (v) => JSON.stringify({ ok: false, token: v, n: 1 }) },
  { name: 'a JSON member with any name', wrap: (v) => JSON.stringify({ value: v }) },
  {
    name: 'JSON with escaped slashes',
    wrap: (v) => `{"value":"${v.replace(/\//g, '\\/')}"}`,
    enc: (s) => s.replace(/\//g, '\\/'),
  },
  { name: 'JSON inside a JSON string', wrap: (v) => JSON.stringify(JSON.stringify({ id_token: v })) },
  { name: 'a JS object literal', wrap: (v) => `{ token: '${v}', other: 1 }` },
  { name: 'an HTML attribute', wrap: (v) => `<a href="https://x.test/?jwt=${v}">sign in</a>` },
  { name: 'glued after digits', wrap: (v) => `22${v}` },
  { name: 'glued after a letter', wrap: (v) => `x${v}` },
  { name: 'glued after %22', wrap: (v) => `%22${v}` },
  { name: 'glued after =', wrap: (v) => `=${v}` },
  { name: 'in quotes', wrap: (v) => `'${v}'` },
  { name: 'in angle brackets', wrap: (v) => `<${v}>` },
  { name: 'among log lines', wrap: (v) => `10:00:01 start\n10:00:02 token ${v}\n10:00:03 done` },
];

/** The part of `secret` found in `text`: the whole of a short one, or any 16-character piece of a longer one. */
function survivor(secret: string, text: string): string | undefined {
  if (secret.length <= 20) return text.includes(secret) ? secret : undefined;
  for (let i = 0; i + 16 <= secret.length; i += 4)
    if (text.includes(secret.slice(i, i + 16))) return secret.slice(i, i + 16);
  return text.includes(secret.slice(-16)) ? secret.slice(-16) : undefined;
}

const PLANTS: [string, Planted][] = VARIANTS.flatMap((v, i): [string, Planted][] => [
  [`JWS ${v}`, plantJws(v, 101 + i)],
  [`JWE ${v}`, plantJwe(v, 201 + i)],
]);

describe.each(PLANTS)('a %s', (_label, planted) => {
  it.each(TOKEN_CONTAINERS)(
    'in $name: mask keeps only what the diagnosis needs, remove drops it, twice changes nothing',
    ({ wrap, enc = (s: string) => s }) => {
      const text = wrap(planted.token);
      const masked = redactString(text, 'mask');
      for (const secret of planted.secrets)
        expect(survivor(enc(secret), masked), `secret part in ${JSON.stringify(masked.slice(0, 300))}`).toBeUndefined();
      // The claims stay, readable where they were (JWS: header and payload; JWE: the protected header only).
      expect(masked).toContain(enc(planted.kept.join('.')));
      expect(masked).toContain(planted.kind === 'jws' ? REDACTED_SIGNATURE : 'REDACTED');
      expect(redactString(masked, 'mask')).toBe(masked);
      const removed = redactString(text, 'remove');
      expect(removed).not.toContain(enc(planted.kept.join('.').slice(0, 60)));
      for (const secret of planted.secrets) expect(survivor(enc(secret), removed)).toBeUndefined();
      expect(removed).toContain('[token removed:');
      expect(redactString(text, 'none')).toBe(text);
    },
  );

  it('as a token field: mask still decodes to the same claims (JWS) or keeps the header only (JWE)', () => {
    const masked = redactSecret(planted.token, 'mask');
    for (const secret of planted.secrets) expect(masked).not.toContain(secret);
    expect(redactionOf(masked)).toBe('signature');
    if (planted.kind === 'jws') {
      const view = decodeJwtView(masked, 0);
      expect(view.ok && view.payload).toEqual(JSON.parse(Buffer.from(planted.kept[1]!, 'base64').toString()));
      expect(masked).toBe(`${planted.kept.join('.')}.${REDACTED_SIGNATURE}-${fingerprint(planted.token)}`);
    } else {
      expect(masked).toBe(`${planted.kept[0]}.REDACTED.REDACTED.REDACTED.REDACTED-${fingerprint(planted.token)}`);
    }
    expect(redactSecret(planted.token, 'remove')).toBe(
      `[token removed: ${planted.token.length} chars, fnv1a ${fingerprint(planted.token)}]`,
    );
  });
});

describe('tokens side by side', () => {
  const [a, b] = [plantJws('b64', 7), plantJws('b64url', 8)];
  it.each([
    ['two path segments', `https://x.test/verify/${a.token}/${b.token}`],
    ['glued with a slash (standard base64 signature)', `${a.token}/${b.token}`],
    ['joined by a dot', `${a.token}.${b.token}`],
    ['a JWE then a JWS', `${plantJwe('b64', 9).token} ${b.token}`],
    ['one after the other in a cookie', `Cookie: a=${a.token}; b=${b.token}`],
    ['after a "%0" (a percent escape "%0e" or a glued token?)', `https://x.test/?a=%0${a.token}&b=%2${b.token}`],
    [
      'with lower-case %2e dots',
      `https://x.test/?a=${pct(a.token).replace(/\./g, '%2e')}&b=${b.token.replace(/\./g, '%2e')}`,
    ],
  ])('%s: both signatures go', (_label, text) => {
    const masked = redactString(text, 'mask');
    for (const secret of [...a.secrets, ...b.secrets])
      expect(survivor(secret, masked) ?? survivor(pct(secret), masked)).toBeUndefined();
  });

  it('a JWS with an empty signature (alg none) or an already masked one is left as it is', () => {
    const unsigned = `${encode('{"alg":"none"}', 'b64')}.${encode('{"sub":"x"}', 'b64')}.`;
    expect(redactString(`see ${unsigned} here`, 'mask')).toBe(`see ${unsigned} here`);
    const once = redactString(`id_token=${a.token}`, 'mask');
    expect(redactString(once, 'mask')).toBe(once);
  });
});

/** Opaque secrets of every alphabet the fuzzer plants. */
const OPAQUE: [string, string][] = [
  ['hex', bytes(16, 3).toString('hex')],
  ['base64 with + / and padding', bytes(31, 5).toString('base64')],
  ['base64url', bytes(32, 6).toString('base64url')],
  ['alphanumeric', 'Q7vX2mK9pL4sT8wZ1nB6'],
  ['dotted', 'Ab3kQ9.x9QzT7p.zz81kPw4'],
];

const SECRET_JSON_KEYS = [
  'token',
  'id_token',
  'access_token',
  'accessToken',
  'refresh_token',
  'client_secret',
  'clientSecret',
  'password',
  'apiKey',
  'authorization',
  'Authorization',
  'hmac',
  'signature',
  'AuthenticatedUserToken',
  'authenticatedUserToken',
  'x-api-key',
  'csrfToken',
  'sessionToken',
  'passphrase',
];
const SECRET_PARAMS = [
  'token',
  'id_token',
  'access_token',
  'refresh_token',
  'code',
  'hmac',
  'sig',
  'signature',
  'key',
  'secret',
  'password',
  't',
  'apikey',
  'client_secret',
];

const opaqueContainers = (): Container[] => [
  ...SECRET_PARAMS.flatMap((k): Container[] => [
    { name: `query ?${k}=`, wrap: (v) => `https://x.test/cb?foo=1&${k}=${v}&state=abc` },
    { name: `fragment #${k}=`, wrap: (v) => `https://x.test/cb#${k}=${v}&token_type=Bearer` },
    { name: `form body ${k}=`, wrap: (v) => `grant_type=authorization_code&${k}=${v}&redirect_uri=x` },
    { name: `percent-encoded ?${k}=`, wrap: (v) => `https://x.test/?${k}=${pct(v)}`, enc: pct },
    {
      name: `nested in an encoded URL, ${k}`,
      wrap: (v) => `https://x.test/?redirect_uri=${pct(`https://app.test/cb?${k}=${pct(v)}&s=1`)}`,
      enc: (s) => pct(pct(s)),
    },
  ]),
  ...SECRET_JSON_KEYS.flatMap((k): Container[] => [
    { name: `JSON "${k}"`, wrap: (v) => JSON.stringify({ ok: true, [k]: v }) },
    { name: `spaced JSON "${k}"`, wrap: (v) => `{ "${k}" : "${v}" }` },
    { name: `JSON in a JSON string, "${k}"`, wrap: (v) => JSON.stringify(JSON.stringify({ [k]: v, n: 1 })) },
    {
      name: `percent-encoded JSON "${k}"`,
      wrap: (v) => `https://x.test/?state=${pct(JSON.stringify({ [k]: v }))}`,
      enc: pct,
    },
  ]),
  { name: 'a JS object literal', wrap: (v) => `{ password: '${v}', user: 'ada' }` },
  { name: 'Authorization: Bearer', wrap: (v) => `Authorization: Bearer ${v}` },
  { name: 'Authorization: Basic', wrap: (v) => `Authorization: Basic ${v}` },
  { name: 'Proxy-Authorization', wrap: (v) => `Proxy-Authorization: Bearer ${v}` },
  { name: 'AuthenticatedUserToken header', wrap: (v) => `AuthenticatedUserToken: ${v}` },
  { name: 'X-Api-Key header', wrap: (v) => `X-Api-Key: ${v}` },
  { name: 'Ocp-Apim-Subscription-Key header', wrap: (v) => `Ocp-Apim-Subscription-Key: ${v}` },
  {
    name: 'a request with headers',
    wrap: (v) => `GET / HTTP/1.1\r\nHost: x.test\r\nAuthorization: Bearer ${v}\r\nAccept: */*`,
  },
  { name: 'Cookie, first', wrap: (v) => `Cookie: ai_session=${v}; lang=en` },
  { name: 'Cookie, last', wrap: (v) => `Cookie: lang=en; session=${v}` },
  { name: 'Set-Cookie', wrap: (v) => `Set-Cookie: id=${v}; Path=/; HttpOnly` },
  { name: 'a key glued to the text before it', wrap: (v) => `see0Authorization: Bearer ${v}` },
  { name: 'a key glued inside the value before it', wrap: (v) => `?id_token=abc%3D%3DseeAuthorization: Bearer ${v}` },
  {
    name: 'a key whose first letter completes a percent escape',
    wrap: (v) => `?token_type=Bearer%DAuthorization: Bearer ${v}`,
  },
];

describe.each(OPAQUE)('an opaque secret (%s)', (_label, secret) => {
  it.each(opaqueContainers())(
    'under $name is masked with a fingerprint, twice changes nothing',
    ({ wrap, enc = (s: string) => s }) => {
      const text = wrap(secret);
      const masked = redactString(text, 'mask');
      expect(survivor(enc(secret), masked), masked).toBeUndefined();
      expect(masked).toContain(MASK);
      expect(redactString(masked, 'mask')).toBe(masked);
      expect(redactString(text, 'remove')).toBe(masked);
    },
  );
});

describe('opaque secrets in a log', () => {
  const [hex, b64] = [OPAQUE[0]![1], OPAQUE[1]![1]];
  const event = (detail: unknown): LogEntry => ({
    seq: 1,
    frameId: 0,
    event: { kind: 'lcw.event', t: 1, at: 2, name: 'lcw:custom', detail } as never,
  });

  it('equal values get equal masks, within a string and across events', () => {
    const masked = redactString(`?code=${hex}&x=1 then ?code=${hex} and ?code=${b64}`, 'mask');
    expect(masked.match(/•••[0-9a-f]{8}/g)).toEqual([
      `•••${fingerprint(hex)}`,
      `•••${fingerprint(hex)}`,
      `•••${fingerprint(b64)}`,
    ]);
    const [x, y] = redactEntries([event({ password: hex }), event({ text: `{"password":"${hex}"}` })], 'mask');
    expect(JSON.stringify(x)).toContain(`•••${fingerprint(hex)}`);
    expect(JSON.stringify(y)).toContain(`•••${fingerprint(hex)}`);
  });

  it('masks a header written as {name, value} or as a [name, value] pair, and secret-looking member names', () => {
    const out = JSON.stringify(
      redactEntries(
        [
          event({
            headers: [
              { name: 'Authorization', value: `Bearer ${hex}` },
              { name: 'Accept', value: 'text/plain' },
            ],
            pairs: [
              ['X-Api-Key', b64],
              ['Accept', 'text/plain'],
            ],
            [`https://x.test/?code=${hex}`]: 1,
          }),
        ],
        'mask',
      ),
    );
    expect(out).not.toContain(hex);
    expect(out).not.toContain(b64);
    expect(out).toContain('"value":"text/plain"');
    expect(out).toContain('["Accept","text/plain"]');
  });
});

describe('what is not a secret is left alone', () => {
  it.each([
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat?view=op-9-1#page',
    'https://x.test/cb?state=abc&token_type=Bearer&expires_in=3600&redirect_uri=https%3A%2F%2Fapp.test%2Fcb',
    'a.b.c',
    'x.y',
    '4.18.1',
    'v1.2.3-beta.4',
    'botframework-webchat@4.18.1-main.20250515.4c7400a',
    'www.example.com',
    'file.name.tar.gz',
    'C:\\Users\\ada\\Downloads\\chat-sso-capture.json',
    'ada.lovelace@example.com',
    'provider.callback',
    "lcw:error code 3: Auth token provider didn't provide any token",
    'The token expired. Then the chat failed.',
    '{"tokenType":"Bearer","tokenTruncated":false,"tokenExchangeResource":{"id":"ter-1","uri":"api://bot"},"connectionName":"SsoConnection","state":"st-1"}',
    'botTokenUrl=https://x.test/api/sas/postToken?expiry=1&state=S1',
    'eyJhbGciOiJSUzI1NiJ9.not-a-jwt',
    'e.y'.repeat(40),
    '10:00:01.123 Host: x.test Accept: */*',
  ])('%s', (text) => {
    expect(redactString(text, 'mask')).toBe(text);
    expect(redactString(text, 'remove')).toBe(text);
  });
});

describe('linear time', () => {
  /** Steps the tokenizer takes on `text` (characters and bytes visited), with its header decodes. */
  const workOf = (text: string) => {
    const work: ScanWork = { steps: 0, decodes: 0 };
    scanSecrets(text, work);
    return work;
  };
  const nested = encode('{"ab":'.repeat(40), 'b64url');
  /** Inputs built to make a backtracking or re-scanning redactor quadratic, by size n. */
  const FAMILIES: [string, (n: number) => string][] = [
    ['dot-free base64url', (n) => bytes(Math.floor((n * 3) / 4), 1).toString('base64url')],
    ['"ey" repeated', (n) => 'ey'.repeat(n / 2)],
    ['"ey" repeated, then two dots', (n) => `${'ey'.repeat(n / 2)}.a.b`],
    ['"e.y" repeated', (n) => 'e.y'.repeat(n / 3)],
    ['"eyJ" headers glued end to end, then two dots', (n) => `${encode('{"alg":"x"}', 'b64url').repeat(n / 16)}.a.b`],
    ['nested JSON objects in base64, dotted', (n) => `${nested}.`.repeat(n / (nested.length + 1))],
    ['a standard base64 run with + and /', (n) => `${bytes(Math.floor((n * 3) / 4), 2).toString('base64')}.x.y`],
    ['"token=" repeated', (n) => 'token='.repeat(n / 6)],
    ['"Cookie:a=" repeated', (n) => 'Cookie:a='.repeat(n / 9)],
    ['"Authorization: Bearer " repeated', (n) => 'Authorization: Bearer '.repeat(n / 22)],
    ['unterminated JSON members', (n) => '"token":"\\"'.repeat(n / 11)],
    ['"%2E" repeated', (n) => '%2E'.repeat(n / 3)],
    ['"%252B" repeated', (n) => 'ey%252B'.repeat(n / 7)],
    ['a 64 KB value under a key', (n) => `{"token":"${'x'.repeat(n)}"}`],
  ];

  it.each(FAMILIES)('%s: the tokenizer’s work grows as the input, at most 12 steps a character', (_label, make) => {
    const small = make(16_384);
    const large = make(65_536);
    const [a, b] = [workOf(small), workOf(large)];
    expect(b.steps / large.length).toBeLessThanOrEqual(12);
    // Linear: 4× the input costs at most ~4× the work (quadratic would be 16×).
    expect(b.steps / a.steps).toBeLessThan(4 * 1.25 * (large.length / small.length / 4));
    // At most 3 decodes a segment.
    expect(b.decodes).toBeLessThanOrEqual(3 * (large.split('.').length + 1));
  });

  /** The fastest of 5 runs, in ms: the least disturbed by whatever else the machine does. */
  const fastest = (f: () => unknown) =>
    Math.min(
      ...Array.from({ length: 5 }, () => (f(), 0)).map(() => {
        const t0 = performance.now();
        f();
        return performance.now() - t0;
      }),
    );

  it.each([
    [
      'a 64 KB dot-free value, as a token field and as page text',
      (n: number) => bytes(Math.floor((n * 3) / 4), 9).toString('base64url'),
    ],
    ['"ey" × n', (n: number) => 'ey'.repeat(n / 2)],
    [
      'mixed text with tokens and secrets',
      (n: number) => {
        const t = plantJws('b64', 3).token;
        const piece = `Token was ${t}. ?code=abc&id_token=${pct(t)} Cookie: a=1; token=${t}\n{"password":"hunter2","x":"a.b.c"} ${'ey'.repeat(50)} `;
        return piece.repeat(Math.ceil(n / piece.length)).slice(0, n);
      },
    ],
  ])('%s: redacting 4× the input takes about 4× the time, not 16×', (_label, make) => {
    const run = (text: string) => () =>
      redactEntries(
        [
          {
            seq: 1,
            frameId: 0,
            event: {
              kind: 'provider.callback',
              t: 1,
              at: 2,
              invocationId: 'a',
              role: 'auth',
              elapsedMs: 1,
              sync: false,
              callCount: 1,
              token: text,
              valueType: 'string',
            },
          },
          { seq: 2, frameId: 0, event: { kind: 'lcw.event', t: 1, at: 2, name: 'lcw:x', detail: { text } } as never },
        ],
        'mask',
      );
    const [small, large] = [make(49_152), make(196_608)];
    run(small)(); // warm up the JIT
    const ratio = fastest(run(large)) / Math.max(fastest(run(small)), 0.05);
    // Generous: linear gives ~4; quadratic gives ~16. Timing on a busy machine is noisy, hence the fastest of 5.
    expect(ratio).toBeLessThan(10);
  });
});
