/**
 * Grammar-aware generators for the fuzzer: hostile JSON values and strings, JSON text with
 * fragments JSON.stringify cannot write (1e999, deep nesting, duplicate keys), base64 and
 * base64url in every variant, and JWT-like tokens with random or hostile headers and claims.
 * Everything is drawn from an Rng, so an input is a pure function of its seed.
 */
import type { Rng } from './prng';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Size limits of the generated inputs. `big` caps the long tail (long strings, long signatures,
 * repeated text): 70,000 characters in the full run (past the 64 KB token limit), 8,192 in the quick
 * profile the bounded run in `npm test` uses (`npm run fuzz -- --quick` replays its seeds).
 */
export const LIMITS = { big: 70_000, quick: false };

/** Switches the generators to the quick profile (smaller long tail), or back. */
export function setQuick(quick: boolean): void {
  LIMITS.quick = quick;
  LIMITS.big = quick ? 8_192 : 70_000;
}

/** A length capped to the profile's long tail. */
export const cap = (n: number): number => Math.min(n, LIMITS.big);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const B64URL_ALPHABET = `${ALNUM}-_`;
export const B64_ALPHABET = `${ALNUM}+/`;

/** Sets an own enumerable property, even `__proto__` (a plain assignment would set the prototype instead). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * JSON text with raw fragments: `raw(text)` returns a marker string to put anywhere in a value;
 * `stringify(value)` writes the value with every marker replaced by its fragment, unquoted.
 * Fragments are what a hostile writer can put in a file but JSON.stringify never produces.
 */
/** Characters raw fragments may add to one JSON text. */
const MAX_EXPANDED_CHARS = 16_000_000;

export class JsonText {
  private readonly fragments: string[] = [];
  private readonly tag: string;

  constructor(rng: Rng) {
    this.tag = `@@raw${rng.u32().toString(36)}:`;
  }

  raw(text: string): string {
    this.fragments.push(text);
    return `${this.tag}${this.fragments.length - 1}@@`;
  }

  stringify(value: unknown, indent?: number): string {
    const text = JSON.stringify(value, null, indent) ?? 'null';
    if (this.fragments.length === 0) return text;
    const re = new RegExp(`"${this.tag.replace(/[$]/g, '\\$')}(\\d+)@@"`, 'g');
    // A slot holding a fragment can be copied many times (mutate.ts): each copy expands in full, so
    // past MAX_EXPANDED_CHARS later copies become null rather than outgrow the engine's largest string.
    let expanded = 0;
    return text.replace(re, (_m, i: string) => {
      // A mutated tag can name no fragment: it stays the string it is.
      const fragment = this.fragments[Number(i)];
      if (fragment === undefined) return _m;
      expanded += fragment.length;
      return expanded <= MAX_EXPANDED_CHARS ? fragment : 'null';
    });
  }
}

/** Raw JSON number literals that parse to odd values: Infinity, -0, lost precision, denormals. */
const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  '-0',
  '123456789012345678901234567890',
  '1E400',
  '0.000000000000000000000000000001',
  '4.9e-324',
  '9007199254740993',
  '-9007199254740993',
  '1e21',
  '17952313719420000000',
];

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` deep around `inner`. */
export function deepJson(depth: number, kind: 'array' | 'object' | 'mixed', inner = '0'): string {
  if (kind === 'array') return '['.repeat(depth) + inner + ']'.repeat(depth);
  if (kind === 'object') return '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    if (i % 2) {
      open += '[';
      close = ']' + close;
    } else {
      open += '{"$type":';
      close = '}' + close;
    }
  }
  return open + inner + close;
}

/** Nesting depths: around typical stack limits of JSON.stringify, valibot and recursive renderers (100,000 in the full profile only). */
const DEPTHS = [8, 64, 500, 1_200, 3_000, 10_000, 100_000] as const;
export const pickDepth = (rng: Rng): number => rng.pick(LIMITS.quick ? DEPTHS.slice(0, -1) : DEPTHS);

/** A raw fragment for a JSON text: a deep nest, an odd number literal or a duplicate-key object. */
export function rawFragment(rng: Rng, text: JsonText): string {
  return text.raw(
    rng.weighted<string>([
      [3, deepJson(pickDepth(rng), rng.pick(['array', 'object', 'mixed'] as const))],
      [3, rng.pick(RAW_NUMBERS)],
      [1, '{"toString":1,"toString":{"toString":0}}'],
      [1, '{"alg":"RS256","alg":{}}'],
    ]),
  );
}

const ODD_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'then',
  'length',
  '$type',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e999',
  '%s%s%s%n',
  '${alert(1)}',
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(1)</script>',
  'javascript:alert(1)',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u2066RTL',
  '\u200b\ufeff',
  '💥🔑',
  'e\u0301\u0301\u0301',
  '\r\n\t\u2028\u2029',
  '"\\\'`',
  'lcw:error',
  'signin/tokenExchange',
  'application/vnd.microsoft.card.oauth',
  'RS256',
  'none',
  'Bearer ',
  'eyJ',
  'ey.ey.ey',
  'a.b.c',
  '...',
  '2026-11-21T10:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  'http://',
  'https://x.test/?a=%',
  'https://token.botframework.com/api/sas/postToken?hmac=abc&state=x',
  'https://x.test/directline/conversations/abc/activities',
];

/** A hostile or odd string: names of built-ins, control and surrogate characters, markup, long runs. */
export function hostileString(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => rng.pick(ODD_STRINGS)],
    [4, () => rng.chars(rng.size(12, 200), ALNUM + ' .-_:/?&=%"\\{}[]')],
    [1, () => rng.chars(rng.size(20, 400), '\u0000\u0001\u007f\u0080\u00ff\u0100\ud7ff\ue000\uffff\ud800\udc00')],
    [
      1,
      () => {
        const unit = rng.pick(['x', 'ey', 'a.', '.', '%', '\\', '€', 'eyJ']);
        return unit.repeat(Math.ceil(cap(rng.pick([100, 1_000, 4_096, 4_097, 10_000, 65_537])) / unit.length));
      },
    ],
  ])();
}

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e12 - 1,
  1e12,
  1e13,
  1e21,
  1e100,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  5e-324,
  8.64e12,
  8.64e15,
  8.64e15 + 1,
  8.64e18,
  1_795_231_371,
  1_795_231_371_942,
  1_795_231_371_942.5,
  10_000,
  10_001,
  2_000,
  502,
  412,
  401,
  200,
  404,
  -1,
];

/** A hostile number: edges of dates, of NumericDate seconds vs milliseconds, of integers and of doubles. */
export function hostileNumber(rng: Rng): number {
  return rng.weighted<() => number>([
    [5, () => rng.pick(NUMBERS)],
    [2, () => rng.range(-1000, 100_000)],
    [2, () => (rng.float() - 0.5) * 10 ** rng.range(0, 308)],
  ])();
}

const SUMMARY_TYPES = [
  'error',
  'function',
  'node',
  'more',
  'bigint',
  'symbol',
  'number',
  'undefined',
  'promise',
  'getter',
  'cycle',
  'object',
  'unreadable',
  'other',
];

/** Objects whose conversion to a string throws or lies: what a page hands over instead of a string. */
export function hostileObject(rng: Rng, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  rng.weighted<() => void>([
    [3, () => setOwn(o, 'toString', rng.pick<unknown>([0, {}, null, 'x', []]))],
    [2, () => (setOwn(o, 'toString', 0), setOwn(o, 'valueOf', rng.pick<unknown>([0, {}, null])))],
    [1, () => setOwn(o, 'valueOf', 0)],
    [1, () => setOwn(o, '__proto__', { toString: 0 })],
    [1, () => setOwn(o, 'toJSON', 0)],
    [1, () => setOwn(o, 'length', rng.pick<unknown>([-1, 1e308, '1', {}]))],
    [
      3,
      () => {
        // A page-value summary marker with hostile members (src/analysis/format.ts summaryText).
        setOwn(o, '$type', rng.chance(0.9) ? rng.pick(SUMMARY_TYPES) : hostileValue(rng, depth - 1));
        for (const k of ['name', 'message', 'value', 'count'])
          if (rng.chance(0.6)) setOwn(o, k, hostileValue(rng, depth - 1));
      },
    ],
  ])();
  return o;
}

/** A hostile JSON value: odd scalars, hostile objects, wide or nested containers. */
export function hostileValue(rng: Rng, depth = 3): unknown {
  if (depth <= 0) return rng.pick<unknown>([null, true, 0, '', hostileString(rng), hostileNumber(rng)]);
  return rng.weighted<() => unknown>([
    [2, () => null],
    [1, () => rng.chance(0.5)],
    [3, () => hostileNumber(rng)],
    [4, () => hostileString(rng)],
    [3, () => hostileObject(rng, depth)],
    [2, () => Array.from({ length: rng.size(4, 60, 0.05) }, () => hostileValue(rng, depth - 1))],
    [
      2,
      () => {
        const o: Record<string, unknown> = {};
        const n = rng.size(4, 120, 0.05);
        for (let i = 0; i < n; i++)
          setOwn(
            o,
            rng.chance(0.5) ? hostileString(rng).slice(0, 300) : rng.chars(rng.range(1, 12), ALNUM),
            hostileValue(rng, depth - 1),
          );
        return o;
      },
    ],
  ])();
}

/** Base64 encodings a token segment may come in. */
export type B64Variant = 'b64url' | 'b64url-padded' | 'b64' | 'b64-unpadded';
export const B64_VARIANTS: readonly B64Variant[] = ['b64url', 'b64url-padded', 'b64', 'b64-unpadded'];

/** Encodes bytes in one base64 variant. */
export function encodeB64(bytes: Uint8Array | string, variant: B64Variant): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  const b64 = buf.toString('base64');
  switch (variant) {
    case 'b64':
      return b64;
    case 'b64-unpadded':
      return b64.replace(/=+$/, '');
    case 'b64url':
      return buf.toString('base64url');
    case 'b64url-padded':
      return b64.replace(/\+/g, '-').replace(/\//g, '_');
  }
}

/** A value for the `alg` header member: real algorithms, and what a hostile page puts there instead. */
function algValue(rng: Rng, depth: number): unknown {
  return rng.weighted<() => unknown>([
    [6, () => rng.pick(['RS256', 'RS512', 'PS256', 'ES256', 'HS256', 'none', 'None', '', 'RSA-OAEP', 'dir'])],
    [3, () => hostileObject(rng, depth)],
    [1, () => rng.pick<unknown>([{}, [], null, 0, 1e308, true, ['RS256']])],
    [1, () => hostileValue(rng, depth)],
  ])();
}

/** A NumericDate claim value: seconds, milliseconds, edges, or not a number at all. */
function timeValue(rng: Rng, text: JsonText, now: number, depth: number): unknown {
  return rng.weighted<() => unknown>([
    [5, () => Math.round(now / 1000) + rng.range(-90_000, 90_000)],
    [2, () => now + rng.range(-90_000_000, 90_000_000)],
    [2, () => hostileNumber(rng)],
    [1, () => text.raw(rng.pick(RAW_NUMBERS))],
    [2, () => hostileValue(rng, depth)],
  ])();
}

/** A value for the `lwicontexts` claim: usually a string of JSON, sometimes anything else. */
export function lwiContextsValue(rng: Rng, text: JsonText): unknown {
  const vars = (): string => {
    const inner = new JsonText(rng);
    const o: Record<string, unknown> = {};
    const n = rng.size(6, 300, 0.05);
    for (let i = 0; i < n; i++) {
      const key = rng.weighted<() => string>([
        [6, () => rng.pick(['msdyn_cartvalue', 'msdyn_customer', 'Email', 'Name', 'Phone', 'msdyn_region'])],
        [2, () => hostileString(rng).slice(0, 200)],
        [1, () => rng.chars(rng.pick([100, 101, 1_000]), ALNUM)],
      ])();
      const value = rng.weighted<() => unknown>([
        [6, () => rng.pick<unknown>(['10000', 'contoso', 42, true, null, ''])],
        [2, () => hostileValue(rng, 3)],
        [1, () => 'v'.repeat(cap(rng.pick([3_999, 4_000, 4_001, 20_000])))],
        [1, () => inner.raw(deepJson(pickDepth(rng), rng.pick(['array', 'object', 'mixed'] as const)))],
        [1, () => inner.raw(rng.pick(RAW_NUMBERS))],
      ])();
      setOwn(o, key, value);
    }
    return inner.stringify(o);
  };
  return rng.weighted<() => unknown>([
    [8, vars],
    [1, () => vars().slice(0, -rng.range(1, 3))],
    [1, () => rng.pick(['[]', '1', '"x"', 'null', 'true', '', '{', '{"a":1,}', "{'a':1}", '\ufeff{}'])],
    [1, () => text.raw(deepJson(pickDepth(rng), rng.pick(['array', 'object', 'mixed'] as const)))],
    [2, () => hostileValue(rng, 3)],
  ])();
}

/** A JWT payload: the claims the panel reads, with realistic or hostile values, plus odd extra members. */
export function claims(rng: Rng, text: JsonText, now: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  const maybe = (key: string, value: () => unknown, prob = 0.7) => rng.chance(prob) && setOwn(p, key, value());
  maybe('sub', () =>
    rng.chance(0.7)
      ? `${rng.chars(8, '0123456789abcdef')}-0000-4000-8000-${rng.chars(12, '0123456789abcdef')}`
      : hostileValue(rng, 2),
  );
  maybe(
    'aud',
    () =>
      rng.chance(0.7) ? rng.pick(['api://botid-0b0701', 'https://contoso.example', 'eb1d218a']) : hostileValue(rng, 2),
    0.5,
  );
  maybe('iss', () => (rng.chance(0.8) ? 'https://login.contoso.example' : hostileValue(rng, 2)), 0.5);
  for (const c of ['iat', 'nbf', 'exp', 'auth_time'])
    maybe(c, () => timeValue(rng, text, now, 2), c === 'exp' ? 0.8 : 0.4);
  maybe('lwicontexts', () => lwiContextsValue(rng, text), 0.5);
  const extra = rng.size(3, 80, 0.05);
  for (let i = 0; i < extra; i++)
    setOwn(
      p,
      rng.chance(0.5) ? rng.pick(ODD_STRINGS) : rng.chars(rng.range(1, 10), ALNUM),
      rng.chance(0.2) ? text.raw(rng.pick(RAW_NUMBERS)) : hostileValue(rng, 2),
    );
  if (rng.chance(0.05)) setOwn(p, rng.pick(['a', 'sub', 'exp', 'lwicontexts']), rawFragment(rng, text));
  return p;
}

/** A JOSE header: `alg` (real or hostile), `typ`, `kid`, `enc`, and odd members. */
export function header(rng: Rng, text: JsonText): unknown {
  if (rng.chance(0.08)) return rng.chance(0.5) ? hostileValue(rng, 2) : rawFragment(rng, text);
  const h: Record<string, unknown> = {};
  if (rng.chance(0.95)) setOwn(h, 'alg', algValue(rng, 2));
  if (rng.chance(0.6)) setOwn(h, 'typ', rng.chance(0.8) ? 'JWT' : hostileValue(rng, 2));
  if (rng.chance(0.4))
    setOwn(h, 'kid', rng.chance(0.8) ? rng.chars(rng.range(4, 40), B64URL_ALPHABET) : hostileValue(rng, 2));
  if (rng.chance(0.1)) setOwn(h, 'enc', rng.chance(0.8) ? 'A256GCM' : hostileValue(rng, 2));
  if (rng.chance(0.2)) setOwn(h, rng.pick(ODD_STRINGS), hostileValue(rng, 2));
  return h;
}

/** Segment text: mostly JSON text of `value`, sometimes bytes that are not UTF-8 or not JSON. */
function segmentBytes(rng: Rng, value: unknown, text: JsonText): Uint8Array | string {
  return rng.weighted<() => Uint8Array | string>([
    [14, () => text.stringify(value, rng.chance(0.1) ? 2 : undefined)],
    [1, () => `\ufeff${text.stringify(value)}`],
    [1, () => rng.bytes(rng.size(16, 400))],
    [1, () => hostileString(rng)],
    [1, () => text.stringify(value).slice(0, -1)],
  ])();
}

/** Damage to a whole token string: whitespace, a scheme prefix, extra or missing segments, bad characters. */
function damage(rng: Rng, token: string): string {
  return rng.weighted<() => string>([
    [1, () => ` ${token}\n`],
    [1, () => `Bearer ${token}`],
    [1, () => `${token}.`],
    [1, () => `${token}.${token}`],
    [1, () => token.split('.').slice(0, rng.range(1, 2)).join('.')],
    [1, () => token.replace(/\./, '..')],
    [
      1,
      () => {
        const i = rng.int(token.length + 1);
        return (
          token.slice(0, i) + rng.pick(['!', ' ', '\n', '.', '%', '=', '\u00e9', '\ud800', '\u0000']) + token.slice(i)
        );
      },
    ],
    [1, () => token.slice(0, rng.int(token.length))],
  ])();
}

/**
 * A JWT-like string: random or hostile header and claims (e.g. `{"alg":{"toString":0}}`, huge numbers,
 * deep nesting, long strings), each segment in a random base64 variant, sometimes damaged.
 */
export function jwtLike(rng: Rng, now = 1_795_231_371_942): string {
  const text = new JsonText(rng);
  const h = segmentBytes(rng, header(rng, text), text);
  const p = segmentBytes(rng, rng.chance(0.95) ? claims(rng, text, now) : hostileValue(rng, 3), text);
  const variant = (): B64Variant => rng.pick(B64_VARIANTS);
  const v = variant();
  const segs = [encodeB64(h, v), encodeB64(p, rng.chance(0.8) ? v : variant())];
  const sig = rng.weighted<() => string>([
    [6, () => encodeB64(rng.bytes(rng.pick([32, 64, 256, 512])), rng.chance(0.8) ? v : variant())],
    [1, () => ''],
    [1, () => rng.chars(rng.size(40, cap(70_000), 0.02), B64URL_ALPHABET)],
  ])();
  segs.push(sig);
  if (rng.chance(0.05)) segs.push(...Array.from({ length: 2 }, () => encodeB64(rng.bytes(rng.range(0, 48)), v)));
  const token = segs.join('.');
  return rng.chance(0.12) ? damage(rng, token) : token;
}
