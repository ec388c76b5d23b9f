/**
 * The analysis on hostile page values: tokens whose header and claims hold any JSON (objects where
 * strings are expected, {"toString": 0}, __proto__ / constructor keys, numbers a double cannot hold),
 * page-named bus events such as "constructor", odd summaries. Whatever comes, decodeJwtView,
 * tokenOneLiner, parseLwiContexts, buildTimeline, diagnose and the attempts never throw, and they
 * say in words what they cannot show, whether the token came from the page, a HAR or a capture file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaptureFile, parseCaptureFile } from '../../src/analysis/formats/capture';
import { diagnose } from '../../src/analysis/diagnosis';
import { collectAttempts } from '../../src/analysis/diagnosis/attempts';
import { buildModel } from '../../src/analysis/diagnosis/model';
import { harToEntries } from '../../src/analysis/formats/har';
import { decodeJwtView } from '../../src/analysis/model/jwt';
import { parseLwiContexts } from '../../src/analysis/model/lwicontexts';
import { describeKeyInput, verifyTokenSignature } from '../../src/analysis/formats/signature';
import { buildTimeline, tokenOneLiner } from '../../src/analysis/rows/timeline';
import { collectWidgetCards } from '../../src/analysis/model/widgetCards';
import type { LogEntry } from '../../src/shared/events';
import { capture, editEvents } from '../helpers/captures';
import { b64url, jwt } from '../helpers/tokens';
import { NASTY_JSON } from '../helpers/nasty';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const nowS = NOW / 1000;

/** The crafted token of issue 9 (also the simulator's "hostile-token" scenario, demo/tokens.mjs). */
export const HOSTILE_HEADER = { alg: { toString: 0 }, typ: ['x'] };
export const HOSTILE_CLAIMS = { toString: 0, exp: { valueOf: 0 }, lwicontexts: { toString: 0 } };
const hostileToken = () => jwt(HOSTILE_CLAIMS, HOSTILE_HEADER);

/** A header and a payload as JSON text, so that keys like __proto__ stay own data, as JSON.parse makes them. */
const rawJwt = (headerJson: string, payloadJson: string) => `${b64url(headerJson)}.${b64url(payloadJson)}.c2ln`;
const GOOD_HEADER = '{"alg":"RS256","typ":"JWT"}';
const goodClaims = () => ({ iss: 'https://portal', sub: 'c-1', iat: nowS, exp: nowS + 3600 });

/** Every nasty value in every slot of the header and the payload. */
const HEADER_SLOTS = ['alg', 'typ', 'kid', '__proto__', 'toString', 'constructor'];
const CLAIM_SLOTS = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'auth_time',
  'lwicontexts',
  '__proto__',
  'toString',
  'valueOf',
  'constructor',
  'hasOwnProperty',
];
const withSlot = (baseJson: string, slot: string, valueJson: string) =>
  `${baseJson.slice(0, -1)}${baseJson === '{}' ? '' : ','}${JSON.stringify(slot)}:${valueJson}}`;
const TOKENS: [label: string, token: string][] = [
  ['the crafted token', hostileToken()],
  ...HEADER_SLOTS.flatMap((slot) =>
    NASTY_JSON.map(([label, json]): [string, string] => [
      `header ${slot} = ${label}`,
      rawJwt(withSlot('{"typ":"JWT"}', slot, json), JSON.stringify(goodClaims())),
    ]),
  ),
  ...CLAIM_SLOTS.flatMap((slot) =>
    NASTY_JSON.map(([label, json]): [string, string] => [
      `claim ${slot} = ${label}`,
      rawJwt(GOOD_HEADER, withSlot(JSON.stringify({ iss: 'i' }), slot, json)),
    ]),
  ),
  ...NASTY_JSON.map(([label, json]): [string, string] => [
    `lwicontexts string holding ${label}`,
    jwt({ ...goodClaims(), lwicontexts: json }),
  ]),
  ...NASTY_JSON.map(([label, json]): [string, string] => [`a whole payload of ${label}`, rawJwt(GOOD_HEADER, json)]),
];

/** The `fast` capture (a provider that calls back with a token) with its token replaced. */
const fastWith = (token: string): LogEntry[] =>
  editEvents(capture('fast'), 'provider.callback', (e) => {
    e.token = token;
  });

describe('the crafted token of issue 9', () => {
  it('decodes, and notes what is of the wrong type', () => {
    const view = decodeJwtView(hostileToken(), NOW);
    expect(view.ok).toBe(true);
    if (!view.ok) return;
    expect(view.notes).toEqual([
      `The header's alg is an object ({"toString":0}), not a string naming the algorithm (RS256).`,
      `The header's typ is an array (["x"]), not a string.`,
      `The payload's exp is an object ({"valueOf":0}), not a finite NumericDate (seconds since 1970-01-01).`,
    ]);
    expect(view.times).toEqual([
      { claim: 'exp', value: { valueOf: 0 }, unit: 'invalid', iso: null, epochMs: null, relative: 'not a number' },
    ]);
    expect(view.lwicontexts).toMatchObject({
      state: 'not-string',
      type: 'object',
      rows: [{ key: 'toString', display: '0', type: 'number', problems: [] }],
    });
  });

  it('gets a one-line summary that says what it cannot display', () => {
    expect(tokenOneLiner(hostileToken(), NOW)).toEqual({
      text: 'JWT with alg {"toString":0} (an object, not a string; RS256 required), exp is not a NumericDate ({"valueOf":0}), lwicontexts is an object, not a string',
      severity: 'warning',
    });
  });

  it('shows its timeline and diagnosis', () => {
    const entries = fastWith(hostileToken());
    const rows = buildTimeline(entries, NOW);
    expect(rows.find((r) => r.entry.event.kind === 'provider.callback')!.summary).toMatch(
      /^callback\(token\) after .+: JWT with alg \{"toString":0\} \(an object, not a string; RS256 required\), exp is not a NumericDate/,
    );
    const d = diagnose(entries);
    expect(d.headline).toMatchObject({
      id: 'auth.alg-not-rs256',
      title: 'Token alg is {"toString":0} (an object), not RS256',
    });
    expect(d.headline!.explanation).toContain('The header says {"alg":{"toString":0},"typ":["x"]}.');
    expect(d.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(['auth.alg-not-rs256', 'auth.lwicontexts-not-string']),
    );
    expect(d.findings.map((f) => f.id)).not.toContain('inspector.check-failed');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0]!.steps.map((s) => s.text)).toContain(
      'Token: JWT with alg {"toString":0} (an object, not a string; RS256 required), exp is not a NumericDate ({"valueOf":0}), lwicontexts is an object, not a string',
    );
  });

  it('arrives the same through an exported capture file, and through a HAR', () => {
    const file = JSON.parse(
      JSON.stringify(
        buildCaptureFile(fastWith(hostileToken()), { exportedAt: NOW, extensionVersion: 't', redaction: 'none' }),
      ),
    );
    const { entries } = parseCaptureFile(file);
    expect(diagnose(entries).headline?.id).toBe('auth.alg-not-rs256');
    expect(
      buildTimeline(entries, NOW)
        .map((r) => r.summary)
        .join('\n'),
    ).toContain('JWT with alg {"toString":0}');

    const har = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/har/omnichannel.har'), 'utf8'));
    for (const e of har.log.entries)
      for (const h of e.request.headers) if (/^authenticatedusertoken$/i.test(h.name)) h.value = hostileToken();
    const imported = harToEntries(har).entries;
    const summaries = buildTimeline(imported, NOW).map((r) => r.summary);
    expect(
      summaries.filter((s) =>
        s.includes('AuthenticatedUserToken: JWT with alg {"toString":0} (an object, not a string; RS256 required)'),
      ),
    ).toHaveLength(2);
    const d = diagnose(imported);
    expect(d.findings.find((f) => f.id === 'lcw.connector-401')!.explanation).toContain(
      'a JWT (alg {"toString":0} (an object), sub (none)) without exp',
    );
    expect(d.findings.map((f) => f.id)).not.toContain('inspector.check-failed');
  });
});

describe('every nasty value in every slot of a token', () => {
  it.each(TOKENS)('%s', (_label, token) => {
    const entries = fastWith(token);
    const at = entries.find((e) => e.event.kind === 'provider.callback')!.event.at;
    const view = decodeJwtView(token, at);
    const line = tokenOneLiner(token, at);
    expect(typeof line.text).toBe('string');
    expect(line.text.length).toBeLessThan(1000);
    if (!view.ok) {
      expect(line.text).toBe(`not a JWT: ${view.message}`);
      return;
    }
    for (const n of view.notes) expect(n).toMatch(/^The (header|payload)('s| has no) .+\.$/s);
    expect(() => parseLwiContexts(view.payload)).not.toThrow();
    const rows = buildTimeline(entries, NOW);
    expect(rows.filter((r) => r.kind === 'unreadable event')).toEqual([]);
    expect(rows.find((r) => r.entry.event.kind === 'provider.callback')!.summary).toContain(line.text);
    const d = diagnose(entries, { nowMs: NOW });
    expect(d.findings.filter((f) => f.id === 'inspector.check-failed')).toEqual([]);
    for (const f of d.findings) expect(typeof f.title === 'string' && typeof f.explanation === 'string').toBe(true);
    expect(d.attempts.map((a) => a.sentence).join()).not.toMatch(/could not be analysed/);
  });

  it('names wrong types in words, and keeps a __proto__ key as data', () => {
    const line = (header: string, payload: string) => tokenOneLiner(rawJwt(header, payload), NOW).text;
    expect(line('{"alg":["RS256"]}', '{}')).toBe('JWT with alg ["RS256"] (an array, not a string; RS256 required)');
    expect(line('{"alg":1e400}', '{}')).toBe('JWT with alg Infinity (a number, not a string; RS256 required)');
    expect(line(GOOD_HEADER, '{"sub":{"toString":0}}')).toBe(
      'JWT RS256, sub is an object ({"toString":0}), not a string',
    );
    expect(line(GOOD_HEADER, '{"exp":1e400,"iat":"yesterday"}')).toBe(
      'JWT RS256, iat is not a NumericDate (yesterday), exp is not a NumericDate (Infinity)',
    );
    expect(line('{"__proto__":{"alg":"RS256"}}', '{"__proto__":{"exp":1}}')).toBe('JWT none (RS256 required)');
    const view = decodeJwtView(
      rawJwt('{"__proto__":{"alg":"RS256"}}', '{"__proto__":{"lwicontexts":"{}"},"exp":1}'),
      NOW,
    );
    expect(view.ok && Object.getPrototypeOf(view.header)).toBe(Object.prototype);
    expect(view.ok && view.lwicontexts).toEqual({ state: 'absent' });
  });
});

describe('lwicontexts values', () => {
  it.each(NASTY_JSON)('lwicontexts = %s, as a value and as a string', (_label, json) => {
    for (const lwicontexts of [JSON.parse(json), json]) {
      const view = parseLwiContexts(JSON.parse(JSON.stringify({ lwicontexts })));
      expect(view.state).not.toBe('absent');
      if (view.state === 'ok' || view.state === 'not-string')
        for (const r of view.rows) expect(typeof r.display).toBe('string');
      else if (view.state !== 'absent') expect(view.message).toMatch(/^lwicontexts /);
    }
  });

  it('shows method and prototype names as the variable names they are', () => {
    const view = parseLwiContexts({ lwicontexts: '{"toString":{"toString":0},"__proto__":"x","constructor":1e400}' });
    expect(view).toEqual({
      state: 'ok',
      rows: [
        {
          key: 'toString',
          display: '{"toString":0}',
          type: 'object',
          problems: ['Value is an object: only primitive values are allowed.'],
        },
        { key: '__proto__', display: 'x', type: 'string', problems: [] },
        { key: 'constructor', display: 'Infinity', type: 'number', problems: [] },
      ],
    });
  });

  it('is absent when asked about a payload without it', () => {
    expect(parseLwiContexts({}, true)).toEqual({ state: 'absent' });
    for (const payload of [null, undefined, 'x', 1, []])
      expect(parseLwiContexts(payload as never)).toEqual({ state: 'absent' });
  });
});

describe('page-named events and page-shaped summaries', () => {
  it('a widget bus event named like an Object.prototype member is just an event', () => {
    const base = capture('rc-bot-late-callback');
    const decisions = (entries: LogEntry[]) =>
      collectWidgetCards(entries, Number.MAX_SAFE_INTEGER).map((c) => c.decision);
    const before = decisions(base);
    let seq = Math.max(...base.map((e) => e.seq));
    const extra = base.flatMap((entry) => {
      const ev = entry.event;
      if (ev.kind !== 'bus.message') return [];
      return ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((eventName): LogEntry => ({
        ...entry,
        seq: ++seq,
        event: { ...ev, eventName, payload: { toString: 0, sasUrl: { toString: 0 }, response: { valueOf: 0 } } },
      }));
    });
    const entries = [...base, ...extra].sort((a, b) => a.event.at - b.event.at || a.seq - b.seq);
    expect(decisions(entries)).toEqual(before);
    const rows = buildTimeline(entries, Number.MAX_SAFE_INTEGER);
    const named = rows.filter(
      (r) =>
        r.entry.event.kind === 'bus.message' &&
        ['constructor', 'toString'].includes((r.entry.event as { eventName?: string }).eventName ?? ''),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((r) => r.severity === 'info' && r.summary.includes('{toString: 0, sasUrl: {toString: 0}'))).toBe(
      true,
    );
    expect(diagnose(entries).findings.filter((f) => f.id === 'inspector.check-failed')).toEqual([]);
  });

  it('lcw:error codes, SDK arguments and widget answers of any shape are written, not converted', () => {
    let entries = editEvents(capture('expired'), 'lcw.event', (e) => {
      if (e.name === 'lcw:error') e.detail = { errorCode: { toString: 0 }, errorDetail: { valueOf: 0 } };
    });
    entries = editEvents(entries, 'sdk.call', (e) => {
      e.args = [
        { $type: 'error', name: { toString: 0 }, message: { toString: 0 } },
        { $type: 'node', name: ['div'] },
        { toString: 0 },
      ];
    });
    const rows = buildTimeline(entries, NOW);
    expect(rows.find((r) => r.kind === 'lcw:error')!.summary).toBe('lcw:error code {toString: 0}: undocumented code');
    expect(rows.find((r) => r.kind === 'SDK call')!.summary).toMatch(
      /^SDK\.\w+\(\{"toString":0\}: \{"toString":0\}, <\["div"\]>, \{toString: 0\}\)/,
    );
    const d = diagnose(entries);
    expect(d.findings.find((f) => f.id === 'lcw.error')!.title).toBe('lcw:error {"toString":0} (undocumented)');
    expect(d.findings.filter((f) => f.id === 'inspector.check-failed')).toEqual([]);
  });

  it('an attempt that cannot be told says so, and the others are still told', () => {
    const m = buildModel(capture('bot-twice'));
    const first = m.invocations.find((i) => i.role === 'bot')!;
    // Simulate what no valid log holds: a broken invocation record.
    Object.defineProperty(first, 'callbacks', {
      get: () => {
        throw new TypeError('odd record');
      },
    });
    const attempts = collectAttempts(m);
    expect(attempts).toHaveLength(2);
    expect(attempts.filter((a) => a.outcome === 'unknown')).toEqual([
      expect.objectContaining({
        sentence: 'This attempt could not be analysed (odd record); its events are in the timeline.',
      }),
    ]);
    expect(attempts.filter((a) => a.outcome === 'card hidden')).toHaveLength(1);
  });

  it('an event that cannot be summarised costs its own row, not the timeline', () => {
    const entries = capture('fast');
    const broken = entries.find((e) => e.event.kind === 'sdk.call')!;
    Object.defineProperty(broken.event, 'args', {
      get: () => {
        throw new TypeError('odd event');
      },
    });
    const rows = buildTimeline(entries, NOW);
    expect(rows).toHaveLength(buildTimeline(capture('fast'), NOW).length);
    expect(rows.find((r) => r.seq === broken.seq)).toMatchObject({
      kind: 'unreadable event',
      severity: 'warning',
      summary: 'This sdk.call event could not be summarised (odd event); its raw data is in the details.',
    });
  });
});

describe('the signature check on hostile keys and tokens', () => {
  const KEY_SHAPES = (json: string) => [
    json,
    `{"kty":${json}}`,
    `{"kty":"RSA","n":${json},"e":"AQAB","kid":${json}}`,
    `{"kty":"EC","crv":${json},"x":"a","y":"b"}`,
    `{"keys":[${json},{"kty":${json},"kid":${json}}]}`,
    `[{"kid":${json},"publicKey":${json}}]`,
  ];

  it.each(NASTY_JSON.filter(([label]) => !/long string|wide object/.test(label)))(
    'keys holding %s: described and verified without throwing',
    async (_label, json) => {
      for (const keyText of KEY_SHAPES(json)) {
        const d = describeKeyInput(keyText);
        expect(typeof d.label).toBe('string');
        const verdict = await verifyTokenSignature(hostileToken(), keyText);
        expect(['valid', 'invalid', 'error']).toContain(verdict.status);
        expect(typeof verdict.message).toBe('string');
      }
    },
  );

  it('explains the crafted token: its header has no usable alg', async () => {
    expect(await verifyTokenSignature(hostileToken(), '{"kty":"RSA","n":"x","e":"AQAB"}')).toMatchObject({
      status: 'error',
      reason: 'bad-token',
      message: expect.stringContaining('no "alg"'),
    });
    expect(describeKeyInput('{"kty":{"toString":0}}')).toMatchObject({ usable: false, label: 'Unrecognised JSON' });
  });
});
