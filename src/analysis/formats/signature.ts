/**
 * Checks a token's signature (JWS compact serialization, https://www.rfc-editor.org/rfc/rfc7515#section-5.2)
 * against a key the user pastes: a PEM public key or certificate, a JWK or JWKS
 * (https://www.rfc-editor.org/rfc/rfc7517), or what a Dynamics 365 Omnichannel "public key URL" serves
 * (a PEM, or a JSON array of `{ kid, publicKey: base64 of a PEM, expiry }`; "Setup for custom portals" in
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/create-chat-auth-settings).
 * All JOSE work is done by jose (https://github.com/panva/jose); we only pick keys and explain outcomes.
 * Pure: WebCrypto only, no extension APIs. Only the signature is checked, never exp/nbf/iat.
 */
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  importJWK,
  importSPKI,
  importX509,
  type JWK,
} from 'jose';
import { errorMessage, safeText } from '../model/format';

/**
 * Where the verifying key came from: a PEM (SPKI), an X.509 certificate's key, a JWK, a JWKS member, or an Omnichannel
 * array entry.
 */
export type KeySource = 'pem' | 'x509' | 'jwk' | 'jwks' | 'omnichannel-array';

/**
 * The outcome of {@link verifyTokenSignature}. `alg` is the token header's `alg`
 * (https://www.rfc-editor.org/rfc/rfc7518#section-3.1); `kid` is the kid of the key that verified
 * (valid) or the header's kid (invalid). `keyDescription`: which key and its type/size in bits,
 * e.g. "JWKS key with kid 'k2', an RSA 2048-bit key". `message`: complete sentences for the user,
 * never containing the token.
 */
export type SignatureVerdict =
  | { status: 'valid'; alg: string; kid?: string; keySource: KeySource; keyDescription: string; message: string }
  | {
      status: 'invalid';
      reason: 'signature-mismatch' | 'alg-mismatch' | 'no-matching-kid' | 'unsigned';
      alg: string;
      kid?: string;
      keySource?: KeySource;
      keyDescription?: string;
      message: string;
    }
  | { status: 'error'; reason: 'bad-key' | 'bad-token' | 'unsupported-alg'; message: string };

/**
 * The key text format recognised by {@link describeKeyInput} (PEM labels per https://www.rfc-editor.org/rfc/rfc7468).
 */
export type KeyInputFormat =
  'empty' | 'spki-pem' | 'x509-pem' | 'pkcs1-pem' | 'private-key' | 'jwk' | 'jwks' | 'omnichannel-array' | 'unknown';

/**
 * What the pasted key text is. `label`: short name, e.g. "JWKS with 2 keys (kids 'a', 'b')"; `problem` (when not
 * `usable`): why, as a sentence.
 */
export interface KeyInputDescription {
  format: KeyInputFormat;
  usable: boolean;
  label: string;
  problem?: string;
}

/**
 * Key type each supported `alg` needs (RFC 7518 §3.1; RFC 8037 for EdDSA). Ours, to name mismatches in the user's
 * terms.
 */
const ALGS: Record<string, { kty: 'RSA' | 'EC' | 'OKP' | 'oct'; crv?: string }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
  HS256: { kty: 'oct' },
  HS384: { kty: 'oct' },
  HS512: { kty: 'oct' },
};

const TIME_NOTE =
  'Only the signature was checked (RFC 7515), not exp, nbf or iat; the time claims are shown separately.';
const OCT_HINT = 'paste the shared secret as an oct JWK: {"kty":"oct","k":"<the secret in base64url>"}';
const PKCS1_HELP =
  'This is a PKCS#1 RSA public key ("BEGIN RSA PUBLIC KEY"); only SPKI public keys ("BEGIN PUBLIC KEY") ' +
  'can be imported here. Convert it with: openssl rsa -RSAPublicKey_in -in key.pem -pubout -out spki.pem';

/** The key type and size of a key, as far as we know it. */
interface KeyShape {
  kty: string;
  crv?: string;
  bits?: number;
}
type VerifyKey = CryptoKey | Uint8Array | ReturnType<typeof createLocalJWKSet>;
type Prepared =
  { ok: true; key: VerifyKey; shape: KeyShape } | { ok: false; wrongType: boolean; shape?: KeyShape; why: string };
/** One key that may verify the token. `name` is a noun phrase, e.g. "the JWKS key with kid 'k1'". */
interface Candidate {
  name: string;
  kid?: string;
  prepare: (alg: string) => Promise<Prepared>;
}
interface ParsedKeys {
  format: KeyInputFormat;
  label: string;
  source?: KeySource;
  candidates: Candidate[];
  /** Why nothing can be verified with this input (a complete sentence). */
  problem?: string;
  notes: string[];
}

const q = (s: unknown) => `'${safeText(s, 61)}'`;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const errText = (e: unknown) => errorMessage(e);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function shapeText(s: KeyShape): string {
  if (s.kty === 'RSA') return `an RSA ${s.bits ? `${s.bits}-bit ` : ''}key`;
  if (s.kty === 'oct') return `an oct ${s.bits ? `${s.bits}-bit ` : ''}shared secret`;
  return `an ${s.kty}${s.crv ? ` ${s.crv}` : ''} key`;
}

function expectedText(alg: string): string {
  const need = ALGS[alg]!;
  if (need.kty === 'RSA') return 'an RSA key of at least 2048 bits';
  if (need.kty === 'oct') return `a shared secret (${OCT_HINT})`;
  return `an ${need.kty} key on curve ${need.crv}`;
}

const fits = (alg: string, s: KeyShape) => ALGS[alg]!.kty === s.kty && (!ALGS[alg]!.crv || ALGS[alg]!.crv === s.crv);

function cryptoKeyShape(key: CryptoKey): KeyShape {
  const a = key.algorithm as KeyAlgorithm & { modulusLength?: number; namedCurve?: string };
  if (a.name === 'ECDSA') return { kty: 'EC', crv: a.namedCurve };
  if (a.name === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519' };
  return { kty: 'RSA', bits: a.modulusLength };
}

function jwkShape(jwk: Record<string, unknown>): KeyShape {
  // base64url without padding: 4 characters carry 3 bytes.
  const bits = (v: unknown) => (typeof v === 'string' ? Math.floor((v.length * 3) / 4) * 8 : undefined);
  if (jwk.kty === 'RSA') return { kty: 'RSA', bits: bits(jwk.n) };
  if (jwk.kty === 'oct') return { kty: 'oct', bits: bits(jwk.k) };
  return { kty: safeText(jwk.kty, 40), crv: typeof jwk.crv === 'string' ? jwk.crv : undefined };
}

/** A PEM (SPKI or certificate) as a candidate. Import failures are probed to name the key's real type. */
function pemCandidate(name: string, pem: string, x509: boolean): Candidate {
  const importer = x509 ? importX509 : importSPKI;
  return {
    name,
    async prepare(alg) {
      let key: CryptoKey;
      try {
        key = await importer(pem, alg);
      } catch (e) {
        // jose needs the alg to import; try one per key family so we can say what the key is.
        for (const probe of ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA']) {
          try {
            return { ok: false, wrongType: true, shape: cryptoKeyShape(await importer(pem, probe)), why: '' };
          } catch {
            /* not this family */
          }
        }
        return {
          ok: false,
          wrongType: false,
          why: `${cap(name)} could not be imported (${errText(e)}). Check that the whole PEM was pasted.`,
        };
      }
      const shape = cryptoKeyShape(key);
      if (!fits(alg, shape)) return { ok: false, wrongType: true, shape, why: '' };
      return { ok: true, key, shape };
    },
  };
}

/**
 * A JWK as a candidate. In a JWKS, asymmetric keys go through `createLocalJWKSet` so jose applies its RFC 7517 matching
 * rules.
 */
function jwkCandidate(name: string, jwk: unknown, inSet: boolean): Candidate {
  const kid = isObject(jwk) && typeof jwk.kid === 'string' ? jwk.kid : undefined;
  return {
    name,
    kid,
    async prepare(alg) {
      if (!isObject(jwk) || typeof jwk.kty !== 'string')
        return { ok: false, wrongType: false, why: `${cap(name)} is not a JWK object with a "kty" member.` };
      const shape = jwkShape(jwk);
      if ('d' in jwk)
        return {
          ok: false,
          wrongType: false,
          shape,
          why: `${cap(name)} is a private JWK (it has "d"); paste the public JWK only.`,
        };
      if (!fits(alg, shape)) return { ok: false, wrongType: true, shape, why: '' };
      if (typeof jwk.alg === 'string' && jwk.alg !== alg)
        return { ok: false, wrongType: true, shape, why: `its "alg" is ${q(jwk.alg)}` };
      if (typeof jwk.use === 'string' && jwk.use !== 'sig')
        return { ok: false, wrongType: true, shape, why: `its "use" is ${q(jwk.use)}, not 'sig'` };
      if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify'))
        return { ok: false, wrongType: true, shape, why: `its "key_ops" do not include 'verify'` };
      try {
        const key =
          inSet && shape.kty !== 'oct' ? createLocalJWKSet({ keys: [jwk as JWK] }) : await importJWK(jwk as JWK, alg);
        return { ok: true, key, shape };
      } catch (e) {
        return { ok: false, wrongType: false, shape, why: `${cap(name)} could not be imported (${errText(e)}).` };
      }
    },
  };
}

/** Finds the PEM block to use: the first public key or certificate, else the first block. */
function parsePem(text: string, notes: string[], name?: string): ParsedKeys {
  const blocks = [...text.replace(/\\n/g, '\n').matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  const block = blocks.find((b) => b[1] === 'PUBLIC KEY' || b[1] === 'CERTIFICATE') ?? blocks[0];
  const none = (format: KeyInputFormat, label: string, problem: string): ParsedKeys => ({
    format,
    label,
    candidates: [],
    problem,
    notes,
  });
  if (!block)
    return none(
      'unknown',
      'Incomplete PEM',
      'The PEM has a BEGIN line but no matching END line; paste the whole block.',
    );
  if (blocks.length > 1) notes.push(`The text has ${blocks.length} PEM blocks; the ${block[1]} block was used.`);
  const label = block[1]!;
  // jose wants the armor at the very start; rebuild it so pasted indentation or CRLF does not matter.
  const pem = `-----BEGIN ${label}-----\n${block[2]!.replace(/\s+/g, '')}\n-----END ${label}-----`;
  if (label === 'PUBLIC KEY')
    return {
      format: 'spki-pem',
      label: 'SPKI PEM public key',
      source: 'pem',
      candidates: [pemCandidate(name ?? 'the SPKI PEM public key', pem, false)],
      notes,
    };
  if (label === 'CERTIFICATE')
    return {
      format: 'x509-pem',
      label: 'X.509 certificate (PEM)',
      source: 'x509',
      candidates: [pemCandidate(name ?? "the certificate's public key", pem, true)],
      notes,
    };
  if (label === 'RSA PUBLIC KEY') return none('pkcs1-pem', 'PKCS#1 RSA public key (not supported)', PKCS1_HELP);
  if (label.includes('PRIVATE KEY'))
    return none(
      'private-key',
      'Private key',
      `This is a private key (${label}); paste the public key instead (openssl pkey -in key.pem -pubout).`,
    );
  return none(
    'unknown',
    `PEM block ${label}`,
    `A PEM block labelled ${q(label)} is not a public key or a certificate; ` +
      'paste a "BEGIN PUBLIC KEY" or "BEGIN CERTIFICATE" block.',
  );
}

/** Decodes base64 text that holds a PEM, or DER (read as SPKI); undefined when it is neither. */
function base64Pem(b64: string): string | undefined {
  const clean = b64.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]+=*$/.test(clean)) return undefined;
  let bin: string;
  try {
    bin = atob(clean);
  } catch {
    return undefined;
  }
  if (bin.includes('-----BEGIN')) return bin;
  // 0x30 opens a DER SEQUENCE: someone served the key without the PEM armor.
  return bin.charCodeAt(0) === 0x30 ? `-----BEGIN PUBLIC KEY-----\n${clean}\n-----END PUBLIC KEY-----` : undefined;
}

/** Omnichannel array entries `{ kid, publicKey: base64 of a PEM, expiry }` as candidates. */
function parseOmnichannel(entries: unknown[], notes: string[]): ParsedKeys {
  const candidates = entries.map((entry, i): Candidate => {
    const e = isObject(entry) ? entry : {};
    const kid = typeof e.kid === 'string' ? e.kid : undefined;
    const name =
      'the Omnichannel entry ' +
      `${kid ? `with kid ${q(kid)}` : `#${i + 1} (no kid)`}${e.expiry !== undefined ? ` (expiry ${q(e.expiry)})` : ''}`;
    const raw = typeof e.publicKey === 'string' ? e.publicKey : '';
    const pemText = raw.includes('-----BEGIN') ? raw : base64Pem(raw);
    const inner = pemText ? parsePem(pemText, [], name) : undefined;
    const pem = inner?.candidates[0];
    if (pem) return { ...pem, kid };
    const why = inner?.problem ?? `its "publicKey" is ${raw ? 'not base64 of a PEM' : 'missing or not a string'}.`;
    return {
      name,
      kid,
      prepare: async () => ({ ok: false, wrongType: false, why: `${cap(name)} cannot be used: ${why}` }),
    };
  });
  const kids = candidates.map((c) => c.kid).filter((k) => k !== undefined);
  const label =
    `Omnichannel key array with ${entries.length} ` +
    `${entries.length === 1 ? 'entry' : 'entries'}${kids.length ? ` (kids ${kids.map(q).join(', ')})` : ''}`;
  return { format: 'omnichannel-array', label, source: 'omnichannel-array', candidates, notes };
}

/** A JWK or a JWKS as candidates. */
function parseJwks(keys: unknown[], notes: string[]): ParsedKeys {
  const kidOf = (k: unknown) => (isObject(k) && typeof k.kid === 'string' ? k.kid : undefined);
  const candidates = keys.map((k, i) =>
    jwkCandidate(`the JWKS key ${kidOf(k) !== undefined ? `with kid ${q(kidOf(k))}` : `#${i + 1} (no kid)`}`, k, true),
  );
  const kids = keys.map(kidOf).filter((k) => k !== undefined);
  const label =
    `JWKS with ${keys.length} ` +
    `${keys.length === 1 ? 'key' : 'keys'}${kids.length ? ` (kids ${kids.map(q).join(', ')})` : ''}`;
  if (!keys.length)
    return { format: 'jwks', label, candidates, notes, problem: 'The JWKS has no keys ("keys" is an empty array).' };
  return { format: 'jwks', label, source: 'jwks', candidates, notes };
}

function parseJson(value: unknown, notes: string[]): ParsedKeys {
  const none = (problem: string): ParsedKeys => ({
    format: 'unknown',
    label: 'Unrecognised JSON',
    candidates: [],
    problem,
    notes,
  });
  // A JSON string: the endpoint served the PEM as a JSON-encoded string.
  if (typeof value === 'string')
    return value.includes('-----BEGIN')
      ? parsePem(value, notes)
      : none(`${NOT_RECOGNISED} it is a JSON string that holds no PEM.`);
  if (Array.isArray(value)) {
    if (!value.length) return none('The JSON array is empty: there is no key in it.');
    if (value.every((v) => isObject(v) && 'kty' in v)) {
      notes.push('The text is a bare array of JWKs; it was read as the "keys" of a JWKS.');
      return parseJwks(value, notes);
    }
    if (value.some((v) => isObject(v) && 'publicKey' in v)) return parseOmnichannel(value, notes);
    return none(
      `${NOT_RECOGNISED} it is a JSON array whose items have neither "kty" (JWK) nor "publicKey" (Omnichannel).`,
    );
  }
  if (!isObject(value)) return none(`${NOT_RECOGNISED} it is JSON ${value === null ? 'null' : typeof value}.`);
  if (Array.isArray(value.keys)) return parseJwks(value.keys, notes);
  if (typeof value.kty === 'string') {
    const c = jwkCandidate(`the JWK${typeof value.kid === 'string' ? ` with kid ${q(value.kid)}` : ''}`, value, false);
    return {
      format: 'jwk',
      label: `JWK: ${shapeText(jwkShape(value))}${c.kid !== undefined ? `, kid ${q(c.kid)}` : ''}`,
      source: 'jwk',
      candidates: [c],
      notes,
    };
  }
  if ('publicKey' in value) return parseOmnichannel([value], notes);
  const members = Object.keys(value).slice(0, 8).map(q).join(', ');
  return none(
    `${NOT_RECOGNISED} it is a JSON object with neither "kty" (JWK), ` +
      `"keys" (JWKS) nor "publicKey" (Omnichannel); its members are ${members || 'none'}.`,
  );
}

const NOT_RECOGNISED = 'This is not a PEM, a JWK, a JWKS or an Omnichannel key array:';

function parseKeyText(keyText: string): ParsedKeys {
  const notes: string[] = [];
  const text = typeof keyText === 'string' ? keyText.trim() : '';
  const none = (format: KeyInputFormat, label: string, problem: string): ParsedKeys => ({
    format,
    label,
    candidates: [],
    problem,
    notes,
  });
  if (!text)
    return none(
      'empty',
      'Nothing pasted',
      'No key was pasted. Paste a PEM public key, a JWK, a JWKS, or what your Omnichannel public key URL serves.',
    );
  if (text.includes('-----BEGIN')) return parsePem(text, notes);
  if (/^[[{"]/.test(text)) {
    try {
      return parseJson(JSON.parse(text), notes);
    } catch (e) {
      return none(
        'unknown',
        'Invalid JSON',
        `The text starts like JSON but does not parse (${errText(e).split('\n')[0]}). Paste the whole JSON document.`,
      );
    }
  }
  const pem = base64Pem(text);
  if (pem) {
    notes.push('The text is base64 without PEM armor; it was decoded and read as a PEM.');
    return parsePem(pem, notes);
  }
  return none(
    'unknown',
    'Not recognised',
    `${NOT_RECOGNISED} it does not start with "-----BEGIN", "{" or "[", and it is not base64 of a PEM.`,
  );
}

/**
 * Tells which key format `keyText` is, without importing anything (cheap enough to call on every keystroke).
 * Never throws. Formats: SPKI/X.509 PEM (https://www.rfc-editor.org/rfc/rfc7468),
 * JWK/JWKS (https://www.rfc-editor.org/rfc/rfc7517#section-4, #section-5), Omnichannel key array.
 */
export function describeKeyInput(keyText: string): KeyInputDescription {
  const p = parseKeyText(keyText);
  return { format: p.format, usable: !p.problem, label: p.label, ...(p.problem ? { problem: p.problem } : {}) };
}

/** Picks the candidates for the token's kid (RFC 7515 §4.1.4), or explains why none can be used. */
function selectCandidates(p: ParsedKeys, kid: string | undefined): Candidate[] | string {
  const all = p.candidates;
  if (p.source !== 'jwks' && p.source !== 'omnichannel-array') {
    const own = all[0]?.kid;
    if (kid !== undefined && own !== undefined && own !== kid) {
      p.notes.push(
        `The token's kid ${q(kid)} differs from the key's kid ${q(own)}; ` +
          'the key was tried anyway because it is the only one.',
      );
    }
    return all;
  }
  if (kid === undefined) return all;
  const matching = all.filter((c) => c.kid === kid);
  if (matching.length) return matching;
  // Omnichannel puts a kid in the token only when it serves several keys: a single entry is used as is.
  if (p.source === 'omnichannel-array' && all.length === 1) {
    const own = all[0]!.kid;
    p.notes.push(
      `The token's kid ${q(kid)} does not match the only entry, ` +
        `which ${own !== undefined ? `has kid ${q(own)}` : 'has no kid'}; it was tried anyway.`,
    );
    return all;
  }
  const set = p.source === 'jwks' ? 'the JWKS' : 'the Omnichannel key array';
  const kids = all.map((c) => c.kid).filter((k) => k !== undefined);
  const has = kids.length
    ? `${set} has kids ${kids.map(q).join(', ')}`
    : `none of the ${all.length} keys in ${set} has a kid`;
  return (
    `No key in ${set} has kid ${q(kid)}; ${has}. Paste the keys your token ` +
    'service currently publishes, or check the kid it puts in the token header.'
  );
}

type KeyCheck = 'verified' | 'mismatch' | { badToken: string } | { wrongType: string } | { bad: string };

/** One RFC 7515 §5.2 verification with jose, its errors turned into outcomes. */
async function attempt(jws: string, key: VerifyKey, alg: string, name: string): Promise<KeyCheck> {
  try {
    await (typeof key === 'function'
      ? compactVerify(jws, key, { algorithms: [alg] })
      : compactVerify(jws, key, { algorithms: [alg] }));
    return 'verified';
  } catch (e) {
    if (e instanceof errors.JWSSignatureVerificationFailed) return 'mismatch';
    if (e instanceof errors.JWKSNoMatchingKey) return { wrongType: `jose finds it unusable for ${alg}` };
    if (e instanceof errors.JWSInvalid) return { badToken: `The token is not a valid JWS (${e.message}).` };
    return { bad: `${cap(name)} cannot verify ${alg} (${errText(e)}).` };
  }
}

const strip = (name: string) => name.replace(/^the /, '');

/**
 * Verifies the signature of `token` (a JWS compact string, https://www.rfc-editor.org/rfc/rfc7515#section-5.2)
 * with the key in `keyText`: SPKI or X.509 PEM, a JWK or JWKS (https://www.rfc-editor.org/rfc/rfc7517,
 * key chosen by `kid`, then tried in turn), or an Omnichannel key array. The algorithm is the header's
 * `alg` (https://www.rfc-editor.org/rfc/rfc7518#section-3.1); `none` or an empty signature is `unsigned`.
 * Only the signature is checked, never exp/nbf/iat. Never throws or rejects: every failure is a verdict.
 * Uses jose compactVerify: https://github.com/panva/jose/blob/main/docs/jws/compact/verify/functions/compactVerify.md
 */
export async function verifyTokenSignature(token: string, keyText: string): Promise<SignatureVerdict> {
  try {
    return await verify(typeof token === 'string' ? token.trim() : '', keyText);
  } catch (e) {
    return {
      status: 'error',
      reason: 'bad-key',
      message: `The check stopped unexpectedly (${errText(e)}); nothing was verified.`,
    };
  }
}

async function verify(jws: string, keyText: string): Promise<SignatureVerdict> {
  const badToken = (message: string): SignatureVerdict => ({ status: 'error', reason: 'bad-token', message });
  const segments = jws.split('.');
  if (segments.length !== 3) {
    const jwe =
      segments.length === 5 ? ' Five segments is an encrypted token (JWE), which has no signature to check.' : '';
    return badToken(`A signed token (JWS) has 3 dot-separated segments; this one has ${segments.length}.${jwe}`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (e) {
    return badToken(`The token header cannot be decoded (${errText(e)}).`);
  }
  const { alg } = header;
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  if (typeof alg !== 'string' || !alg)
    return badToken('The token header has no "alg", so there is no way to know how it was signed.');
  const unsigned = (why: string): SignatureVerdict => ({
    status: 'invalid',
    reason: 'unsigned',
    alg,
    ...(kid !== undefined ? { kid } : {}),
    message:
      `${why} Anyone could have written it, so services must reject it; ` +
      'have your token service sign it (Omnichannel expects RS256).',
  });
  if (alg.toLowerCase() === 'none')
    return unsigned(`The token header says alg ${q(alg)}: this is an unsecured JWT (RFC 7519 §6) with no signature.`);
  if (!segments[2])
    return unsigned(`The token header says ${alg}, but the signature segment is empty: the token is unsigned.`);
  if (!Object.hasOwn(ALGS, alg)) {
    return {
      status: 'error',
      reason: 'unsupported-alg',
      message:
        `The token header says alg ${q(alg)}, which this check does ` +
        `not support. Supported: ${Object.keys(ALGS).join(', ')}.`,
    };
  }

  const parsed = parseKeyText(keyText);
  if (parsed.problem || !parsed.source) {
    const hint =
      ALGS[alg]!.kty === 'oct' && parsed.format === 'unknown' ? ` The token uses ${alg}, so ${OCT_HINT}.` : '';
    return { status: 'error', reason: 'bad-key', message: `${parsed.problem ?? 'The key cannot be used.'}${hint}` };
  }
  const source = parsed.source;
  const base = { alg, ...(kid !== undefined ? { kid } : {}), keySource: source };
  const selected = selectCandidates(parsed, kid);
  if (typeof selected === 'string') return { status: 'invalid', reason: 'no-matching-kid', ...base, message: selected };

  const mismatched: { name: string; shape: KeyShape }[] = [];
  const wrongType: { name: string; shape?: KeyShape; why: string }[] = [];
  const bad: string[] = [];
  for (const [i, c] of selected.entries()) {
    const prepared = await c.prepare(alg);
    if (!prepared.ok) {
      if (prepared.wrongType) wrongType.push({ name: c.name, shape: prepared.shape, why: prepared.why });
      else bad.push(prepared.why);
      continue;
    }
    const result = await attempt(jws, prepared.key, alg, c.name);
    if (result === 'verified') {
      const which =
        selected.length > 1
          ? ` ${selected.length} keys could match, so they were tried in turn; this was number ${i + 1}.`
          : '';
      const keyDescription = `${strip(c.name)}, ${shapeText(prepared.shape)}`;
      const message = [
        `The signature is valid: ${c.name} (${shapeText(prepared.shape)}) verified this ${alg} token.${which}`,
        TIME_NOTE,
        ...parsed.notes,
      ].join(' ');
      return { status: 'valid', ...base, ...(c.kid !== undefined ? { kid: c.kid } : {}), keyDescription, message };
    }
    if (result === 'mismatch') mismatched.push({ name: c.name, shape: prepared.shape });
    else if ('badToken' in result) return badToken(result.badToken);
    else if ('wrongType' in result) wrongType.push({ name: c.name, shape: prepared.shape, why: result.wrongType });
    else bad.push(result.bad);
  }
  return explainFailure(alg, base, mismatched, wrongType, bad, parsed.notes);
}

/**
 * Turns the failed attempts into one verdict: a signature mismatch outranks a wrong key type, which outranks a bad key.
 */
function explainFailure(
  alg: string,
  base: { alg: string; kid?: string; keySource: KeySource },
  mismatched: { name: string; shape: KeyShape }[],
  wrongType: { name: string; shape?: KeyShape; why: string }[],
  bad: string[],
  notes: string[],
): SignatureVerdict {
  const finish = (s: string) => [s, ...notes].join(' ');
  if (mismatched.length) {
    const one = mismatched.length === 1 ? mismatched[0]! : undefined;
    const what = one
      ? `The signature does not match ${one.name} (${shapeText(one.shape)}).`
      : `None of the ${mismatched.length} keys tried ` +
        `(${mismatched.map((m) => strip(m.name)).join('; ')}) matches the signature.`;
    const others = wrongType.length + bad.length;
    const rest = others ? ` ${others} other ${others === 1 ? 'key' : 'keys'} could not be used for ${alg}.` : '';
    return {
      status: 'invalid',
      reason: 'signature-mismatch',
      ...base,
      ...(one ? { keyDescription: `${strip(one.name)}, ${shapeText(one.shape)}` } : {}),
      message: finish(
        `${what} The token was signed with a different private key, or changed after signing; ` +
          `check that this public key belongs to the private key your token service signs with.${rest}`,
      ),
    };
  }
  if (wrongType.length) {
    const each = (w: (typeof wrongType)[number]) =>
      `${w.name} is ${w.shape ? shapeText(w.shape) : 'a key'}${w.why ? ` but ${w.why}` : ''}`;
    const one = wrongType.length === 1 ? wrongType[0]! : undefined;
    let what: string;
    if (!one)
      what =
        `None of the ${wrongType.length} keys fits ${alg}, ` +
        `which needs ${expectedText(alg)}: ${wrongType.map(each).join('; ')}.`;
    else if (one.why) what = `${cap(each(one))}, so it cannot verify this ${alg} token.`;
    else what = `${cap(each(one))}, but the token header says ${alg}, which needs ${expectedText(alg)}.`;
    const secretHint =
      ALGS[alg]!.kty === 'oct'
        ? ' If this token should be signed with a public-key algorithm such as RS256, ' +
          'an HS* header is a sign of forgery (algorithm confusion).'
        : '';
    return {
      status: 'invalid',
      reason: 'alg-mismatch',
      ...base,
      ...(one?.shape ? { keyDescription: `${strip(one.name)}, ${shapeText(one.shape)}` } : {}),
      message: finish(
        `${what} Paste the key that matches the token's algorithm, ` +
          `or check which algorithm your token service signs with.${secretHint}`,
      ),
    };
  }
  return {
    status: 'error',
    reason: 'bad-key',
    message: bad.join(' ') || 'No usable key was found in the pasted text.',
  };
}
