/**
 * The tokenizer behind redaction (src/analysis/redact.ts). One scan of a string finds what an export
 * must not let out:
 *
 * - **JOSE compact tokens**: JWS (3 segments, RFC 7515 §7.1) and JWE (5 segments, RFC 7516 §7.1) whose
 *   first segment decodes to a JSON object with an `alg` member (and `enc` for a JWE), written in
 *   base64url or standard base64 (`+ / =`), padded or not, anywhere: bare, in URLs (query, fragment,
 *   path), in percent-encoded parameters (`%2E`, `%2B`, `%3D`, also encoded twice, `%252B`), in headers
 *   and cookies, in JSON text (`\/` escapes) and in prose, glued to the text before them or not
 *   (`%22eyJ…`, `id_token=eyJ…`, `22eyJ…`).
 * - **Secret values**: the value of a secret-named key, in JSON text (`"password": "…"`, also escaped
 *   `\"…\"` or percent-encoded), query, fragment and form parameters (`?code=…`, `&hmac=…`, also nested
 *   and percent-encoded), header lines (`Authorization: Bearer …`, `AuthenticatedUserToken: …`), JS
 *   object text (`token: '…'`) and every value of a `Cookie:` / `Set-Cookie:` header.
 *
 * It only reports where things are (offsets into the string); redact.ts decides what to write.
 *
 * **Linear time.** Every pass moves forward and never starts again from an earlier position:
 * 1. the string is read once into *logical characters* (a percent escape or a JSON `\/` counts as the one
 *    character it stands for, with its encoding level: 0 plain, 1 `%XX`, 2 `%25XX`);
 * 2. maximal runs of token characters (`A–Z a–z 0–9 - _ + / = .`) are split at dots into segments, and
 *    each segment is tested once as a possible header. A header may be glued to text before it, so its
 *    start is not known; but a base64 suffix is decoded in whole 4-character groups, so the suffixes of a
 *    segment fall into 3 classes (length mod 4 = 0, 2, 3), each the tail of one decoding. In each class,
 *    only one suffix can be a JSON object: the one that starts at the `{` matching the final `}`, which a
 *    backward bracket scan finds (string state is unambiguous backwards: a `"` preceded by an even number
 *    of backslashes toggles it). So a segment costs at most 3 decodes and 3 `JSON.parse` of its own
 *    length, and a run of n characters O(n), whatever it holds (`"ey"` × 8,192, 64 KB with no dot, …).
 *    A token starts at every segment that holds a header, so a segment may belong to two tokens (a
 *    signature glued to the next header, `…sig/eyJ…` in a URL path); redact.ts then hides rather than keeps;
 * 3. a forward scan reads words; after a secret-named word followed by `:` or `=` it reads the value. A
 *    quoted value is scanned to its closing quote and skipped; an unquoted one (or a cookie's) ends at the
 *    first terminator, looked up in a table built once, and the scan goes on from the value's start, so
 *    that a key glued inside it is still seen, without reading any character twice as a value.
 * A string in which `%Xe` precedes `y`/`w` is read a second time with those escapes left as written (a
 * `%0` glued before `eyJ…`), and the tokens of both readings are kept: at most 2 × the work.
 * `ScanWork` counts the characters and bytes each pass touches, so tests can check the bound exactly.
 */

/** Work done by a scan, for tests and benchmarks: characters and bytes visited, header decodes tried. */
export interface ScanWork {
  /** Logical characters read by the passes, plus base64 bytes decoded, scanned backwards and parsed. */
  steps: number;
  /** How many times a segment's tail was decoded as a possible JOSE header (at most 3 per segment). */
  decodes: number;
}

/** A JOSE compact token found in the text. Offsets are into the scanned string, end exclusive. */
export interface JoseToken {
  kind: 'jws' | 'jwe';
  /** Where the token (its header) starts; text glued before it is not part of it. */
  start: number;
  /** Where its last segment ends. */
  end: number;
  /**
   * Its segments as [start, end): header, payload, signature (JWS), or header, encrypted key, IV,
   * ciphertext, tag (JWE). A JWE cut short has fewer. The last one stops where a token glued after
   * it begins.
   */
  parts: [number, number][];
  /** The token as it reads once percent escapes and `\/` are undone (for fingerprints). */
  text: string;
}

/** A value held by a secret-named key. */
export interface SecretValue {
  /** The key as written (lower case not forced), e.g. `id_token`, `Authorization`, a cookie name. */
  key: string;
  start: number;
  end: number;
}

export interface Scan {
  /**
   * In order of their start; two may overlap when the text is ambiguous (a header that is also another token's part).
   */
  tokens: JoseToken[];
  /** In order of their start. A value may hold or overlap another (a key inside an unquoted value) or a token. */
  secrets: SecretValue[];
}

// ── character classes ───────────────────────────────────────────────────────────────────────────

const B64 = 1; // base64 and base64url alphabet: A–Z a–z 0–9 + / - _
const RUN = 2; // B64 plus '=' and '.': what a token is made of
const WORD = 4; // key names: A–Z a–z 0–9 _ $ -
const TERM = 8; // ends an unquoted value
const SPACE = 16;

const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) CLASS[c]! |= B64 | RUN;
  if (ch === '=' || ch === '.') CLASS[c]! |= RUN;
  if (/[A-Za-z0-9_$-]/.test(ch)) CLASS[c]! |= WORD;
  if (/[\s&#;,"'<>\\)\]}`|]/.test(ch)) CLASS[c]! |= TERM;
  if (/\s/.test(ch)) CLASS[c]! |= SPACE;
}
const is = (code: number, cls: number) => code < 128 && (CLASS[code]! & cls) !== 0;

/** base64 / base64url character → 6-bit value. */
const SEXTET = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  SEXTET[ch.charCodeAt(0)] = i;
SEXTET['-'.charCodeAt(0)] = 62;
SEXTET['_'.charCodeAt(0)] = 63;

/** Percent escapes read as the character they stand for: printable ASCII, tab, LF, CR. */
const isEscaped = (v: number) => (v >= 0x20 && v < 0x7f) || v === 0x09 || v === 0x0a || v === 0x0d;

const hexValue = (c: number) =>
  c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;

const DOT = 46;
const EQUALS = 61;
const COLON = 58;
const QUOTE = 34;
const APOS = 39;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
/** Stands for a percent-encoded byte ≥ 0x80 (part of a UTF-8 sequence): never a token, word or terminator character. */
const OTHER = 0xfffd;

// ── logical characters ──────────────────────────────────────────────────────────────────────────

/**
 * The string as logical characters: `%XX` is one character at level 1 (printable ASCII, tab, LF, CR;
 * a byte ≥ 0x80 reads as "other"; any other control byte stays as written), `%25XX` one at level 2,
 * JSON's `\/` is `/`; any other `\x` is two characters, so `\"` stays an escaped quote. A
 * string with no `%` and no `\` is read in place.
 *
 * One spelling is ambiguous: `%Xe` followed by `y` or `w` may be an escape, or a `%X` glued to a token
 * that starts `ey…`/`ew…`. Such escapes are counted in `ambiguous`; reading the string again with
 * `literal` set keeps them as written, and the token scan runs on both readings.
 */
class Chars {
  readonly length: number;
  /** How many escapes could also be a `%X` glued before a token. */
  readonly ambiguous: number = 0;
  private readonly codes: Uint16Array | undefined;
  private readonly starts: Int32Array | undefined;
  private readonly levels: Uint8Array | undefined;

  constructor(
    readonly text: string,
    work: ScanWork,
    literal = false,
  ) {
    const n = text.length;
    work.steps += n;
    if (text.indexOf('%') < 0 && text.indexOf('\\') < 0) {
      this.length = n;
      return;
    }
    const codes = new Uint16Array(n);
    const starts = new Int32Array(n + 1);
    const levels = new Uint8Array(n);
    /**
     * Is the hex digit pair ending at raw index q an `e` before `y`/`w` (an escape that may be a token's first letter)?
     */
    const tokenAhead = (q: number) =>
      text.charCodeAt(q) === 101 && (text.charCodeAt(q + 1) === 121 || text.charCodeAt(q + 1) === 119);
    let ambiguous = 0;
    let m = 0;
    for (let p = 0; p < n; m++) {
      const c = text.charCodeAt(p);
      starts[m] = p;
      if (c === 37 && p + 2 < n) {
        const hi = hexValue(text.charCodeAt(p + 1));
        const lo = hexValue(text.charCodeAt(p + 2));
        if (hi >= 0 && lo >= 0) {
          const v = hi * 16 + lo;
          if (v === 0x25 && p + 4 < n) {
            const hi2 = hexValue(text.charCodeAt(p + 3));
            const lo2 = hexValue(text.charCodeAt(p + 4));
            const v2 = hi2 * 16 + lo2;
            if (hi2 >= 0 && lo2 >= 0 && isEscaped(v2) && !(tokenAhead(p + 4) && (ambiguous++, literal))) {
              codes[m] = v2;
              levels[m] = 2;
              p += 5;
              continue;
            }
          }
          if ((v >= 0x80 || isEscaped(v)) && !(tokenAhead(p + 2) && (ambiguous++, literal))) {
            codes[m] = v < 0x80 ? v : OTHER;
            levels[m] = 1;
            p += 3;
            continue;
          }
        }
      }
      if (c === BACKSLASH && p + 1 < n && text.charCodeAt(p + 1) === 47) {
        codes[m] = 47; // JSON's \/
        p += 2;
        continue;
      }
      codes[m] = c;
      p += 1;
      // Any other escape is two characters (so that `\"` stays an escaped quote), the second read as it is.
      if (c === BACKSLASH && p < n && text.charCodeAt(p) !== 37) {
        m++;
        starts[m] = p;
        codes[m] = text.charCodeAt(p);
        p += 1;
      }
    }
    starts[m] = n;
    this.ambiguous = ambiguous;
    this.length = m;
    this.codes = codes;
    this.starts = starts;
    this.levels = levels;
  }

  code(i: number): number {
    return this.codes ? this.codes[i]! : this.text.charCodeAt(i);
  }

  /** Offset in the string where logical character `i` starts (`length` → the string's length). */
  start(i: number): number {
    return this.starts ? this.starts[i]! : i;
  }

  level(i: number): number {
    return this.levels ? this.levels[i]! : 0;
  }

  /** Logical characters [a, b) as text. */
  slice(a: number, b: number): string {
    if (!this.codes || this.starts![b]! - this.starts![a]! === b - a)
      return this.text.slice(this.start(a), this.start(b));
    let out = '';
    for (let i = a; i < b; i += 8192) out += String.fromCharCode(...this.codes.subarray(i, Math.min(b, i + 8192)));
    return out;
  }
}

// ── JOSE tokens ─────────────────────────────────────────────────────────────────────────────────

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
let bytes = new Uint8Array(1024);

/** A header found in a segment: where it starts (logical index) and whether it announces a JWE. */
interface Header {
  start: number;
  jwe: boolean;
}

/**
 * The JOSE header that ends segment [s, e) (logical indices), if any: the longest tail of the segment
 * (after its last `=` that is not trailing padding) that decodes to a JSON object with an `alg` member.
 */
function headerIn(ch: Chars, s: number, e: number, work: ScanWork): Header | undefined {
  let r1 = e;
  while (r1 > s && ch.code(r1 - 1) === EQUALS) r1--;
  let r0 = r1;
  while (r0 > s && ch.code(r0 - 1) !== EQUALS) r0--;
  work.steps += e - s;
  if (r1 - r0 < 4) return undefined;
  let best: Header | undefined;
  for (const k of [0, 2, 3]) {
    // Suffixes of length ≡ k (mod 4): full groups [cs, r1 - k), then a partial group of k characters.
    if (r1 - k - r0 < (k === 0 ? 4 : 0)) continue;
    const groups = Math.floor((r1 - k - r0) / 4);
    const cs = r1 - k - 4 * groups;
    const nb = 3 * groups + (k === 0 ? 0 : k - 1);
    if (nb < 2) continue;
    // Cheap test first: the decoded tail must end with '}' (or JSON whitespace after it).
    const lastByte = lastDecodedByte(ch, r1, k);
    if (lastByte !== CLOSE_BRACE && lastByte !== 0x20 && lastByte !== 0x0a && lastByte !== 0x0d && lastByte !== 0x09)
      continue;
    work.decodes += 1;
    work.steps += nb;
    if (bytes.length < nb) bytes = new Uint8Array(Math.max(nb, bytes.length * 2));
    decodeGroups(ch, cs, r1, k, bytes);
    const q = matchingBrace(bytes, nb, work);
    if (q < 0 || q % 3 !== 0) continue;
    const start = cs + (q / 3) * 4;
    if (best && best.start <= start) continue;
    work.steps += nb - q;
    const header = parseObject(bytes.subarray(q, nb));
    // `alg` is required in every JOSE header (RFC 7515 §4.1.1); a hostile page may give it any type.
    if (header && Object.hasOwn(header, 'alg')) best = { start, jwe: Object.hasOwn(header, 'enc') };
  }
  return best;
}

/** The last byte of the suffix class k of [.., r1), or -1. */
function lastDecodedByte(ch: Chars, r1: number, k: number): number {
  if (k === 0) {
    const c = SEXTET[ch.code(r1 - 2)]!;
    const d = SEXTET[ch.code(r1 - 1)]!;
    return ((c & 3) << 6) | d;
  }
  if (k === 2) return (SEXTET[ch.code(r1 - 2)]! << 2) | (SEXTET[ch.code(r1 - 1)]! >> 4);
  return ((SEXTET[ch.code(r1 - 2)]! & 15) << 4) | (SEXTET[ch.code(r1 - 1)]! >> 2);
}

/** Decodes [cs, r1) as base64 (full groups, then a partial group of k characters) into `out`. */
function decodeGroups(ch: Chars, cs: number, r1: number, k: number, out: Uint8Array): void {
  let o = 0;
  let i = cs;
  for (const end = r1 - k; i < end; i += 4) {
    const n =
      (SEXTET[ch.code(i)]! << 18) |
      (SEXTET[ch.code(i + 1)]! << 12) |
      (SEXTET[ch.code(i + 2)]! << 6) |
      SEXTET[ch.code(i + 3)]!;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (k >= 2) {
    const n =
      (SEXTET[ch.code(i)]! << 18) | (SEXTET[ch.code(i + 1)]! << 12) | (k === 3 ? SEXTET[ch.code(i + 2)]! << 6 : 0);
    out[o++] = n >> 16;
    if (k === 3) out[o] = (n >> 8) & 255; // the last byte of the group
  }
}

/**
 * Scanning `buf[0, nb)` backwards from its last '}': the index of the '{' that matches it, or -1.
 * Only there can a JSON object that ends at nb start.
 */
function matchingBrace(buf: Uint8Array, nb: number, work: ScanWork): number {
  let p = nb - 1;
  while (p >= 0 && (buf[p] === 0x20 || buf[p] === 0x0a || buf[p] === 0x0d || buf[p] === 0x09)) p--;
  if (p < 0 || buf[p] !== CLOSE_BRACE) return -1;
  const stack: number[] = [];
  let inString = false;
  const from = p;
  for (; p >= 0; p--) {
    const b = buf[p]!;
    if (b === QUOTE) {
      let t = p - 1;
      while (t >= 0 && buf[t] === BACKSLASH) t--;
      if ((p - 1 - t) % 2 === 0) inString = !inString;
    } else if (inString) {
      continue;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      stack.push(b);
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (stack.pop() !== (b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET)) break;
      if (stack.length === 0) {
        work.steps += from - p;
        return p;
      }
    }
  }
  work.steps += from - p;
  return -1;
}

function parseObject(buf: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(fatalUtf8.decode(buf));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A token found, in logical offsets. */
interface Found {
  kind: 'jws' | 'jwe';
  start: number;
  end: number;
  parts: [number, number][];
}

/** Every JOSE token in the logical characters, in order of their start. */
function findTokens(ch: Chars, work: ScanWork): Found[] {
  const tokens: Found[] = [];
  const m = ch.length;
  const dots: number[] = [];
  for (let i = 0; i < m;) {
    if (!is(ch.code(i), RUN)) {
      i++;
      continue;
    }
    let j = i;
    dots.length = 0;
    for (; j < m; j++) {
      const c = ch.code(j);
      if (!is(c, RUN)) break;
      if (c === DOT) dots.push(j);
    }
    work.steps += j - i;
    if (dots.length >= 2) tokensInRun(ch, i, j, dots, tokens, work);
    i = j;
  }
  return tokens;
}

/** Tokens in the run [a, b) whose dots are at `dots`. A token starts at every segment that holds a header. */
function tokensInRun(ch: Chars, a: number, b: number, dots: readonly number[], out: Found[], work: ScanWork): void {
  const count = dots.length + 1;
  const segStart = (k: number) => (k === 0 ? a : dots[k - 1]! + 1);
  const segEnd = (k: number) => (k === count - 1 ? b : dots[k]!);
  const known: (Header | null | undefined)[] = new Array(count);
  // Only a segment followed by two more can open a token.
  const header = (k: number): Header | null => {
    if (k + 2 >= count) return null;
    if (known[k] === undefined) known[k] = headerIn(ch, segStart(k), segEnd(k), work) ?? null;
    return known[k]!;
  };
  for (let k = 0; k + 2 < count; k++) {
    const h = header(k);
    if (!h) continue;
    const last = Math.min(k + (h.jwe ? 4 : 2), count - 1);
    const parts: [number, number][] = [[h.start, segEnd(k)]];
    for (let t = k + 1; t <= last; t++) parts.push([segStart(t), segEnd(t)]);
    // The last part ends where a token glued after it begins ("<signature>/eyJ…" in a URL path).
    const next = header(last);
    if (next && next.start > segStart(last)) parts[parts.length - 1]![1] = next.start;
    const start = h.start;
    const end = parts[parts.length - 1]![1];
    work.steps += end - start;
    out.push({ kind: h.jwe ? 'jwe' : 'jws', start, end, parts });
  }
}

// ── secret-named keys ───────────────────────────────────────────────────────────────────────────

/** What a key name says about its value. */
const enum KeyKind {
  None,
  /** A secret as a query, fragment or form parameter only (`?t=`, `&code=`, `&key=`, `&sig=`). */
  Param,
  /** A secret under any separator. */
  Name,
  /** Like Name; an unquoted header value may start with a scheme (`Bearer `, `Basic `), kept. */
  Authorization,
  /** A cookie header: every `name=value` pair of it is a secret. */
  Cookie,
}

/**
 * Key names (lower case, without `-` and `_`) that hold a secret as a whole: those that end with one
 * of these (`token`, `id_token`, `csrfToken`, `AuthenticatedUserToken`, `x-api-key`, …)…
 */
const SECRET_ENDINGS = [
  'token',
  'accesskey',
  'privatekey',
  'subscriptionkey',
  'apikey',
  'passphrase',
  'codeverifier',
  'clientassertion',
];
/** …and those that contain one of these (`client_secret`, `newPassword`, `hmacKey`, `Proxy-Authorization`, …). */
const SECRET_PARTS = ['secret', 'password', 'passwd', 'authorization', 'hmac', 'signature'];
const COOKIE_NAMES = new Set(['cookie', 'setcookie']);
/** Names that are secrets only as URL or form parameters: Direct Line's `t`, SAS `sig`, OAuth `code`, `key`. */
const PARAM_NAMES = new Set(['t', 'code', 'key', 'sig', 'pwd']);

/** Longest key name looked at: of a longer word (a key glued to the text before it), its last characters. */
const MAX_KEY = 64;

const normalizeKey = (key: string) => key.slice(-MAX_KEY).toLowerCase().replace(/[-_]/g, '');

function keyKind(key: string): KeyKind {
  const k = normalizeKey(key);
  if (COOKIE_NAMES.has(k)) return KeyKind.Cookie;
  if (k.includes('authorization')) return KeyKind.Authorization;
  if (SECRET_ENDINGS.some((end) => k.endsWith(end)) || SECRET_PARTS.some((part) => k.includes(part)))
    return KeyKind.Name;
  if (PARAM_NAMES.has(k)) return KeyKind.Param;
  return KeyKind.None;
}

/**
 * True when a value under this object key (a JSON member of a captured event or page value) is a
 * secret as a whole. Non-secret "token" names (`tokenType`, `tokenExchangeResource`, …) are not.
 */
export function isSecretKeyName(key: string): boolean {
  const kind = keyKind(key);
  return kind === KeyKind.Name || kind === KeyKind.Authorization || kind === KeyKind.Cookie;
}

/** A value read after a key: logical [start, end). */
interface Value {
  start: number;
  end: number;
}

/**
 * Every secret value after a secret-named key. After an unquoted value the scan goes on from the
 * value's start, not its end, so a key glued inside it (`…%3D%3DseeAuthorization: Bearer …`) is still
 * seen; the value's end is then looked up (`nextStop`), never scanned again, which keeps it linear.
 * Values may therefore overlap; they come in order of their start.
 */
function findSecrets(ch: Chars, work: ScanWork): SecretValue[] {
  const out: SecretValue[] = [];
  const m = ch.length;
  const stops = new Stops(ch, work);
  let i = 0;
  while (i < m) {
    if (!is(ch.code(i), WORD)) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < m && is(ch.code(j), WORD)) j++;
    work.steps += j - i;
    let next = j;
    // Cheap test first: a key is followed by a separator (after a closing quote and blanks).
    if (j < m && separatorAt(ch, j) >= 0) {
      let key = ch.slice(Math.max(i, j - MAX_KEY), j);
      let kind = keyKind(key);
      if (kind === KeyKind.Param && i > 0 && !'?&#;'.includes(String.fromCharCode(ch.code(i - 1)))) kind = KeyKind.None;
      if (kind === KeyKind.None && i > 0 && ch.level(i - 1) > 0) {
        // `%DAuthorization:` reads as an escape (0xDA) then "uthorization": try the key as written too.
        const rawKey = rawWordBefore(ch.text, ch.start(j));
        if (keyKind(rawKey) !== KeyKind.Param) [key, kind] = [rawKey, keyKind(rawKey)];
      }
      if (kind !== KeyKind.None) {
        const values: Value[] = [];
        next = Math.max(j, valueAfterKey(ch, j, kind, stops, values, work));
        for (const value of values)
          if (value.end > value.start) out.push({ key, start: ch.start(value.start), end: ch.start(value.end) });
      }
    }
    i = next;
  }
  return out;
}

/**
 * Where an unquoted value that starts at i ends: the first terminator (blank, `&`, `#`, `;`, `,`, a
 * quote, `<`, `>`, `\`, a closing bracket) whose encoding level is at most the separator's, so that
 * `%26` ends a value only inside a percent-encoded parameter. Each level's table is built once, backwards.
 */
class Stops {
  private readonly tables: (Int32Array | undefined)[] = [];
  constructor(
    private readonly ch: Chars,
    private readonly work: ScanWork,
  ) {}

  next(i: number, level: number): number {
    let table = this.tables[level];
    if (!table) {
      const { ch } = this;
      const m = ch.length;
      table = new Int32Array(m + 1);
      table[m] = m;
      for (let p = m - 1; p >= 0; p--) table[p] = is(ch.code(p), TERM) && ch.level(p) <= level ? p : table[p + 1]!;
      this.work.steps += m;
      this.tables[level] = table;
    }
    return table[i]!;
  }

  private equals: Int32Array | undefined;

  /** The first `=` at or after i (any level), or the length. */
  nextEquals(i: number): number {
    if (!this.equals) {
      const { ch } = this;
      const m = ch.length;
      const table = new Int32Array(m + 1);
      table[m] = m;
      for (let p = m - 1; p >= 0; p--) table[p] = ch.code(p) === EQUALS ? p : table[p + 1]!;
      this.work.steps += m;
      this.equals = table;
    }
    return this.equals[i]!;
  }
}

/** The word (key name characters) that ends at raw offset `end`, as written, at most MAX_KEY long. */
function rawWordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && end - start < MAX_KEY && is(text.charCodeAt(start - 1), WORD)) start--;
  return text.slice(start, end);
}

/** The quote at logical index p: 1 `"`, 2 `'`, 3 `\"` (JSON inside a JSON string), or 0. */
function quoteAt(ch: Chars, p: number): 0 | 1 | 2 | 3 {
  if (p >= ch.length) return 0;
  const c = ch.code(p);
  if (c === QUOTE) return 1;
  if (c === APOS) return 2;
  if (c === BACKSLASH && p + 1 < ch.length && ch.code(p + 1) === QUOTE) return 3;
  return 0;
}
const quoteLength = (q: number) => (q === 3 ? 2 : q === 0 ? 0 : 1);

/**
 * After an authorization key: the start of the credential when the value starts with a scheme (`Bearer `, `Basic `),
 * else p.
 */
function afterScheme(ch: Chars, p: number, end: number): number {
  let q = p;
  while (q < end && (ch.code(q) | 32) >= 97 && (ch.code(q) | 32) <= 122) q++;
  if (q === p || q - p > 20 || q >= end || ch.code(q) !== 32) return p;
  let r = q;
  while (r < end && ch.code(r) === 32) r++;
  return r < end && !is(ch.code(r), TERM) ? r : p;
}

/** Where the `:` or `=` after a word that ends at j is (after a closing quote and blanks), or -1. */
function separatorAt(ch: Chars, j: number): number {
  const m = ch.length;
  let p = j + quoteLength(quoteAt(ch, j));
  while (p < m && (ch.code(p) === 32 || ch.code(p) === 9)) p++;
  return p < m && (ch.code(p) === COLON || ch.code(p) === EQUALS) ? p : -1;
}

/**
 * Reads `<closing quote>? <sep> <opening quote>? value` after a secret-named key that ends at j, adds
 * the value(s) to `values`, and returns where the scan goes on (j when no value follows).
 */
function valueAfterKey(ch: Chars, j: number, kind: KeyKind, stops: Stops, values: Value[], work: ScanWork): number {
  const m = ch.length;
  let p = j;
  const keyQuote = quoteAt(ch, p);
  p += quoteLength(keyQuote);
  const skipBlanks = () => {
    while (p < m && (ch.code(p) === 32 || ch.code(p) === 9)) p++;
  };
  skipBlanks();
  if (p >= m) return j;
  const sep = ch.code(p);
  if (sep !== COLON && sep !== EQUALS) return j;
  if (sep === EQUALS && p + 1 < m && ch.code(p + 1) === EQUALS) return j; // `token == x` is code, not a value
  if (sep === COLON && kind === KeyKind.Param) return j;
  const level = ch.level(p);
  p++;
  skipBlanks();
  const valueQuote = quoteAt(ch, p);
  work.steps += p - j;
  // A JSON member whose value is not a string (a number, an object, null) holds nothing to hide.
  if (keyQuote !== 0 && sep === COLON && valueQuote === 0) return p;
  if (valueQuote !== 0) {
    let s = p + quoteLength(valueQuote);
    const [e, next] = closingQuote(ch, s, valueQuote, ch.level(p), work);
    if (kind === KeyKind.Authorization) s = afterScheme(ch, s, e);
    values.push({ start: s, end: e });
    return next;
  }
  if (kind === KeyKind.Cookie && sep === COLON) return cookiePairs(ch, p, level, stops, values, work);
  const s = kind === KeyKind.Authorization ? afterScheme(ch, p, m) : p;
  values.push({ start: s, end: stops.next(s, level) });
  return s; // keys inside the value are read too
}

/**
 * The end of a quoted value that starts at s, and where the scan goes on. A quote of another
 * encoding level (`%22` inside plain JSON) is part of the value; an unterminated value runs to the end.
 */
function closingQuote(ch: Chars, s: number, quote: 1 | 2 | 3, level: number, work: ScanWork): [number, number] {
  const m = ch.length;
  let i = s;
  try {
    if (quote === 3) {
      // JSON text inside a JSON string: `\\` is an escaped backslash of the inner text, `\"` its quote.
      let innerEscape = false;
      for (; i < m; i++) {
        const c = ch.code(i);
        if (c === BACKSLASH && i + 1 < m) {
          const d = ch.code(i + 1);
          if (d === QUOTE && !innerEscape) return [i, i + 2];
          innerEscape = d === BACKSLASH ? !innerEscape : false;
          i++;
          continue;
        }
        if (c === QUOTE) return [i, i]; // the outer string ends
        innerEscape = false;
      }
      return [m, m];
    }
    const close = quote === 1 ? QUOTE : APOS;
    for (; i < m; i++) {
      const c = ch.code(i);
      if (c === BACKSLASH && ch.level(i) <= level) {
        i++;
        continue;
      }
      if (c === close && ch.level(i) <= level) return [i, i + 1];
    }
    return [m, m];
  } finally {
    work.steps += i - s;
  }
}

/**
 * `name=value; name=value` after `Cookie:`: each value is a secret. Returns the start of the last value:
 * the scan reads it again for keys glued inside (values end at a blank, so what follows it is seen).
 */
function cookiePairs(ch: Chars, p: number, level: number, stops: Stops, values: Value[], work: ScanWork): number {
  const m = ch.length;
  const from = p;
  let resume = p + 1;
  for (;;) {
    while (p < m && (ch.code(p) === 32 || ch.code(p) === 9)) p++;
    const n0 = p;
    p = Math.min(stops.nextEquals(p), stops.next(p, level)); // the name, looked up: never scanned twice
    if (p === n0 || p >= m || ch.code(p) !== EQUALS) break;
    const v0 = p + 1;
    p = stops.next(v0, level);
    values.push({ start: v0, end: p });
    resume = v0;
    if (p < m && ch.code(p) === 59 && ch.level(p) <= level) {
      p++;
      continue;
    }
    break;
  }
  work.steps += 1;
  return Math.max(resume, from + 1);
}

/** A token found in logical characters, with offsets into the string. */
const toRaw =
  (ch: Chars) =>
  (f: Found): JoseToken => ({
    kind: f.kind,
    start: ch.start(f.start),
    end: ch.start(f.end),
    parts: f.parts.map(([s, e]) => [ch.start(s), ch.start(e)]),
    text: ch.slice(f.start, f.end),
  });

// ── entry point ─────────────────────────────────────────────────────────────────────────────────

/** Could `text` hold a token or a keyed secret at all? (A dot, a separator or an escape is needed.) */
const MAYBE = /[.=:%]/;

/** Finds every JOSE token and every value of a secret-named key in `text`, in time linear in its length. */
export function scanSecrets(text: string, work: ScanWork = { steps: 0, decodes: 0 }): Scan {
  if (!MAYBE.test(text)) {
    work.steps += text.length;
    return { tokens: [], secrets: [] };
  }
  const ch = new Chars(text, work);
  const secrets = findSecrets(ch, work);
  const tokens = findTokens(ch, work).map(toRaw(ch));
  if (ch.ambiguous > 0) {
    // `%0eyJ…`: also read the escapes that may be a token's first letters as written, and keep both readings' tokens.
    const literal = new Chars(text, work, true);
    tokens.push(...findTokens(literal, work).map(toRaw(literal)));
    tokens.sort((a, b) => a.start - b.start || a.end - b.end);
  }
  return { tokens, secrets };
}
