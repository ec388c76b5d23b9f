import { X509Certificate, createPublicKey } from 'node:crypto';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeKeyInput, verifyTokenSignature, type SignatureVerdict } from '../../src/analysis/formats/signature';
import { b64url } from '../helpers/tokens';

type Pair = { publicKey: CryptoKey; privateKey: CryptoKey };
let rsa: Pair, rsa2: Pair, ec: Pair, ed: Pair;
let hsSecret: Uint8Array;
let rsaPem: string, rsa2Pem: string, ecPem: string;

const sign = (key: CryptoKey | Uint8Array, header: { alg: string; kid?: string }) =>
  new SignJWT({ sub: 'contact-1', iss: 'https://portal.example' })
    .setProtectedHeader({ typ: 'JWT', ...header })
    .setIssuedAt()
    .sign(key);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const pub = async (p: Pair, extra: Partial<JWK> = {}) => ({ ...(await exportJWK(p.publicKey)), ...extra });

/** A complete, helpful sentence that does not leak the token. */
function expectSentence(v: SignatureVerdict, token: string) {
  expect(v.message).toMatch(/^[A-Z].{30,}[.)]$/s);
  expect(v.message).not.toContain(token);
  const signature = token.split('.')[2] ?? '';
  if (signature.length > 16) expect(v.message).not.toContain(signature);
}

// A self-signed X.509 certificate for `pair`, DER-encoded by hand (jose can import certificates, not create them).
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const len = body.length < 128 ? [body.length] : [0x82, body.length >> 8, body.length & 255];
  return Buffer.concat([Uint8Array.of(tag, ...len), body]);
}
async function selfSignedCert(pair: Pair): Promise<string> {
  const sha256WithRsa = tlv(
    0x30,
    Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b),
    Uint8Array.of(0x05, 0x00),
  );
  const name = tlv(
    0x30,
    tlv(0x31, tlv(0x30, Uint8Array.of(0x06, 0x03, 0x55, 0x04, 0x03), tlv(0x0c, Buffer.from('signature test')))),
  );
  const validity = tlv(0x30, tlv(0x17, Buffer.from('250101000000Z')), tlv(0x17, Buffer.from('350101000000Z')));
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const version3 = tlv(0xa0, Uint8Array.of(0x02, 0x01, 0x02));
  const tbs = tlv(0x30, version3, Uint8Array.of(0x02, 0x01, 0x01), sha256WithRsa, name, validity, name, spki);
  const sig = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, new Uint8Array(tbs)));
  const der = tlv(0x30, tbs, sha256WithRsa, tlv(0x03, Uint8Array.of(0), sig));
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

beforeAll(async () => {
  [rsa, rsa2, ec, ed] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('EdDSA', { extractable: true }),
  ]);
  hsSecret = crypto.getRandomValues(new Uint8Array(32));
  [rsaPem, rsa2Pem, ecPem] = await Promise.all([
    exportSPKI(rsa.publicKey),
    exportSPKI(rsa2.publicKey),
    exportSPKI(ec.publicKey),
  ]);
});

describe('verifyTokenSignature: valid signatures', () => {
  it('verifies RS256 with an SPKI PEM, even indented and with CRLF line ends', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    const pasted = `\n  ${rsaPem.replace(/\n/g, '\r\n  ')}`;
    const v = await verifyTokenSignature(token, pasted);
    expect(v).toMatchObject({
      status: 'valid',
      alg: 'RS256',
      keySource: 'pem',
      keyDescription: 'SPKI PEM public key, an RSA 2048-bit key',
    });
    expect(v.message).toMatch(/not exp, nbf or iat/);
    expectSentence(v, token);
  });

  it('verifies ES256 with a PEM, EdDSA with a JWK, PS256 with an RSA PEM', async () => {
    expect(await verifyTokenSignature(await sign(ec.privateKey, { alg: 'ES256' }), ecPem)).toMatchObject({
      status: 'valid',
      alg: 'ES256',
    });
    expect(
      await verifyTokenSignature(await sign(ed.privateKey, { alg: 'EdDSA' }), JSON.stringify(await pub(ed))),
    ).toMatchObject({ status: 'valid', keySource: 'jwk' });
    const ps = await generateKeyPair('PS256', { extractable: true });
    expect(
      await verifyTokenSignature(await sign(ps.privateKey, { alg: 'PS256' }), await exportSPKI(ps.publicKey)),
    ).toMatchObject({ status: 'valid', alg: 'PS256' });
  });

  it('verifies with a single JWK', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256', kid: 'k2' });
    const v = await verifyTokenSignature(
      token,
      JSON.stringify(await pub(rsa, { kid: 'k2', use: 'sig', alg: 'RS256' })),
    );
    expect(v).toMatchObject({ status: 'valid', keySource: 'jwk', kid: 'k2' });
    expectSentence(v, token);
  });

  it('verifies HS256 with an oct JWK', async () => {
    const token = await sign(hsSecret, { alg: 'HS256' });
    const v = await verifyTokenSignature(
      token,
      JSON.stringify({ kty: 'oct', k: Buffer.from(hsSecret).toString('base64url') }),
    );
    expect(v).toMatchObject({
      status: 'valid',
      alg: 'HS256',
      keySource: 'jwk',
      keyDescription: 'JWK, an oct 256-bit shared secret',
    });
    const other = JSON.stringify({ kty: 'oct', k: Buffer.from(new Uint8Array(32)).toString('base64url') });
    expect(await verifyTokenSignature(token, other)).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' });
  });

  it('chooses the JWKS key by kid among several', async () => {
    const jwks = JSON.stringify({
      keys: [await pub(rsa2, { kid: 'k1' }), await pub(rsa, { kid: 'k2' }), await pub(ec, { kid: 'k3' })],
    });
    const token = await sign(rsa.privateKey, { alg: 'RS256', kid: 'k2' });
    const v = await verifyTokenSignature(token, jwks);
    expect(v).toMatchObject({ status: 'valid', keySource: 'jwks', kid: 'k2' });
    expect(v.status === 'valid' && v.keyDescription).toMatch(/kid 'k2'/);
    expect(v.message).not.toMatch(/tried in turn/);
    expectSentence(v, token);
    // The kid decides: the same kid on a token from another key does not verify.
    const forged = await sign(rsa2.privateKey, { alg: 'RS256', kid: 'k2' });
    expect(await verifyTokenSignature(forged, jwks)).toMatchObject({
      status: 'invalid',
      reason: 'signature-mismatch',
      kid: 'k2',
    });
  });

  it('tries each JWKS key when the token has no kid, and says which one verified', async () => {
    const jwks = JSON.stringify({ keys: [await pub(rsa2, { kid: 'k1' }), await pub(rsa, { kid: 'k2' })] });
    const v = await verifyTokenSignature(await sign(rsa.privateKey, { alg: 'RS256' }), jwks);
    expect(v).toMatchObject({ status: 'valid', kid: 'k2' });
    expect(v.message).toMatch(/2 keys could match.*number 2/);
  });

  it('verifies with an Omnichannel key array (base64 PEM entries), chosen by kid', async () => {
    const array = JSON.stringify([
      { kid: 'old', publicKey: b64(rsa2Pem), expiry: '2026-01-01T00:00:00Z' },
      { kid: 'new', publicKey: b64(rsaPem), expiry: '2027-01-01T00:00:00Z' },
    ]);
    const token = await sign(rsa.privateKey, { alg: 'RS256', kid: 'new' });
    const v = await verifyTokenSignature(token, array);
    expect(v).toMatchObject({ status: 'valid', keySource: 'omnichannel-array', kid: 'new' });
    expect(v.status === 'valid' && v.keyDescription).toMatch(/kid 'new'.*expiry '2027/);
    expectSentence(v, token);
  });

  it('tries each Omnichannel entry when the token has no kid, and uses a single entry as is', async () => {
    const two = JSON.stringify([{ publicKey: b64(rsa2Pem) }, { publicKey: b64(rsaPem) }]);
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    const v = await verifyTokenSignature(token, two);
    expect(v).toMatchObject({ status: 'valid', keySource: 'omnichannel-array' });
    expect(v.status === 'valid' && v.keyDescription).toMatch(/entry #2/);
    expect(v.message).toMatch(/number 2/);
    const one = JSON.stringify([{ kid: 'only', publicKey: b64(rsaPem) }]);
    const withKid = await verifyTokenSignature(await sign(rsa.privateKey, { alg: 'RS256', kid: 'other' }), one);
    expect(withKid).toMatchObject({ status: 'valid', kid: 'only' });
    expect(withKid.message).toMatch(/does not match the only entry/);
  });

  it('verifies with a plain PEM served by the Omnichannel URL, and with base64 of that PEM', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    expect(await verifyTokenSignature(token, JSON.stringify(rsaPem))).toMatchObject({
      status: 'valid',
      keySource: 'pem',
    });
    expect(await verifyTokenSignature(token, b64(rsaPem))).toMatchObject({ status: 'valid', keySource: 'pem' });
  });

  it('verifies with an X.509 certificate', async () => {
    const cert = await selfSignedCert(rsa);
    expect(new X509Certificate(cert).verify(createPublicKey(rsaPem))).toBe(true); // the fixture is a real certificate
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    const v = await verifyTokenSignature(token, cert);
    expect(v).toMatchObject({ status: 'valid', keySource: 'x509' });
    expect(await verifyTokenSignature(await sign(rsa2.privateKey, { alg: 'RS256' }), cert)).toMatchObject({
      status: 'invalid',
      reason: 'signature-mismatch',
      keySource: 'x509',
    });
  });
});

describe('verifyTokenSignature: invalid signatures', () => {
  it('reports a signature made with another key', async () => {
    const token = await sign(rsa2.privateKey, { alg: 'RS256' });
    const v = await verifyTokenSignature(token, rsaPem);
    expect(v).toMatchObject({ status: 'invalid', reason: 'signature-mismatch', keySource: 'pem' });
    expect(v.message).toMatch(/does not match the SPKI PEM public key \(an RSA 2048-bit key\)/);
    expectSentence(v, token);
  });

  it('reports a payload changed after signing', async () => {
    const [h, , s] = (await sign(rsa.privateKey, { alg: 'RS256' })).split('.');
    const token = `${h}.${b64url({ sub: 'someone-else' })}.${s}`;
    expect(await verifyTokenSignature(token, rsaPem)).toMatchObject({
      status: 'invalid',
      reason: 'signature-mismatch',
    });
  });

  it('reports an RS256 token checked with an EC key as an algorithm mismatch (PEM and JWK)', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    const v = await verifyTokenSignature(token, ecPem);
    expect(v).toMatchObject({ status: 'invalid', reason: 'alg-mismatch', keySource: 'pem' });
    expect(v.message).toMatch(/is an EC P-256 key, but the token header says RS256, which needs an RSA key/);
    expectSentence(v, token);
    const j = await verifyTokenSignature(token, JSON.stringify(await pub(ec)));
    expect(j).toMatchObject({ status: 'invalid', reason: 'alg-mismatch', keySource: 'jwk' });
  });

  it('names the curve when an EC key is on the wrong curve, and lists every key of a JWKS that does not fit', async () => {
    const p384 = await generateKeyPair('ES384', { extractable: true });
    const es256 = await sign(ec.privateKey, { alg: 'ES256' });
    const v = await verifyTokenSignature(es256, await exportSPKI(p384.publicKey));
    expect(v).toMatchObject({ status: 'invalid', reason: 'alg-mismatch' });
    expect(v.message).toMatch(
      /is an EC P-384 key, but the token header says ES256, which needs an EC key on curve P-256\./,
    );
    expect(
      await verifyTokenSignature(await sign(rsa.privateKey, { alg: 'RS256' }), await exportSPKI(p384.publicKey)),
    ).toMatchObject({ reason: 'alg-mismatch' });
    const jwks = JSON.stringify({ keys: [await pub(p384, { kid: 'a' }), await pub(rsa, { kid: 'b' })] });
    const all = await verifyTokenSignature(es256, jwks);
    expect(all).toMatchObject({ status: 'invalid', reason: 'alg-mismatch' });
    expect(all.message).toMatch(
      /^None of the 2 keys fits ES256.*kid 'a' is an EC P-384 key; .*kid 'b' is an RSA 2048-bit key\./,
    );
  });

  it('reports an HS256 token checked with an RSA public key as an algorithm mismatch', async () => {
    const token = await sign(hsSecret, { alg: 'HS256' });
    const v = await verifyTokenSignature(token, rsaPem);
    expect(v).toMatchObject({ status: 'invalid', reason: 'alg-mismatch' });
    expect(v.message).toMatch(/oct JWK/);
    expect(v.message).toMatch(/algorithm confusion/);
  });

  it('reports a JWK whose "alg" differs from the token header', async () => {
    const v = await verifyTokenSignature(
      await sign(rsa.privateKey, { alg: 'RS256' }),
      JSON.stringify(await pub(rsa, { alg: 'RS512' })),
    );
    expect(v).toMatchObject({ status: 'invalid', reason: 'alg-mismatch' });
    expect(v.message).toMatch(/its "alg" is 'RS512'/);
  });

  it('reports a kid that is not in the JWKS, listing the kids it has', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256', kid: 'abc' });
    const jwks = JSON.stringify({ keys: [await pub(rsa, { kid: 'k1' }), await pub(rsa2, { kid: 'k2' })] });
    const v = await verifyTokenSignature(token, jwks);
    expect(v).toMatchObject({ status: 'invalid', reason: 'no-matching-kid', kid: 'abc', keySource: 'jwks' });
    expect(v.message).toMatch(/^No key in the JWKS has kid 'abc'; the JWKS has kids 'k1', 'k2'\./);
    expectSentence(v, token);
  });

  it('reports a kid that is not in an Omnichannel array of several entries', async () => {
    const token = await sign(rsa.privateKey, { alg: 'RS256', kid: 'abc' });
    const array = JSON.stringify([
      { kid: 'a', publicKey: b64(rsaPem) },
      { kid: 'b', publicKey: b64(rsa2Pem) },
    ]);
    const v = await verifyTokenSignature(token, array);
    expect(v).toMatchObject({ status: 'invalid', reason: 'no-matching-kid', keySource: 'omnichannel-array' });
    expect(v.message).toMatch(/kids 'a', 'b'/);
  });

  it.each([
    ['alg "none"', { alg: 'none' }, '', /alg 'none': this is an unsecured JWT/],
    ['alg "None" with a signature segment', { alg: 'None' }, 'c2lnbmF0dXJl', /alg 'None': this is an unsecured JWT/],
    ['RS256 with an empty signature', { alg: 'RS256' }, '', /says RS256, but the signature segment is empty/],
  ])('reports %s as unsigned, whatever the key', async (_label, header, signature, message) => {
    const token = `${b64url(header)}.${b64url({ sub: 'x' })}.${signature}`;
    for (const key of [rsaPem, 'garbage']) {
      const v = await verifyTokenSignature(token, key);
      expect(v).toMatchObject({ status: 'invalid', reason: 'unsigned' });
      expect(v.message).toMatch(message);
      expectSentence(v, token);
    }
  });
});

describe('verifyTokenSignature: errors', () => {
  it.each([
    ['garbage', 'not a key at all', /^This is not a PEM, a JWK, a JWKS or an Omnichannel key array:/],
    ['an empty paste', '   ', /No key was pasted/],
    ['broken JSON', '{"kty": "RSA",', /starts like JSON but does not parse/],
    ['JSON that is no key', '{"hello": 1}', /neither "kty".*'hello'/],
    [
      'a private key',
      '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----',
      /private key.*public key instead/,
    ],
    [
      'a truncated PEM',
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
      /could not be imported/,
    ],
  ])('explains %s', async (_label, keyText, message) => {
    const token = await sign(rsa.privateKey, { alg: 'RS256' });
    const v = await verifyTokenSignature(token, keyText);
    expect(v).toMatchObject({ status: 'error', reason: 'bad-key' });
    expect(v.message).toMatch(message);
    expectSentence(v, token);
  });

  it('explains that PKCS#1 PEM must be converted to SPKI, with the openssl command', async () => {
    const pkcs1 = createPublicKey(rsaPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    const v = await verifyTokenSignature(await sign(rsa.privateKey, { alg: 'RS256' }), pkcs1);
    expect(v).toMatchObject({ status: 'error', reason: 'bad-key' });
    expect(v.message).toMatch(
      /only SPKI public keys \("BEGIN PUBLIC KEY"\).*openssl rsa -RSAPublicKey_in -in key\.pem -pubout/,
    );
  });

  it('hints at the oct JWK form when an HS256 token comes with a raw secret', async () => {
    const v = await verifyTokenSignature(await sign(hsSecret, { alg: 'HS256' }), 'my secret');
    expect(v).toMatchObject({ status: 'error', reason: 'bad-key' });
    expect(v.message).toMatch(/\{"kty":"oct","k":/);
  });

  it.each([
    ['two segments', 'aaa.bbb', /has 3 dot-separated segments; this one has 2\./],
    ['a JWE', 'a.b.c.d.e', /encrypted token \(JWE\)/],
    ['a header that is not JSON', `${b64url('nope')}.${b64url({})}.c2ln`, /header cannot be decoded/],
    ['a header without alg', `${b64url({ typ: 'JWT' })}.${b64url({})}.c2ln`, /no "alg"/],
  ])('explains a malformed token: %s', async (_label, token, message) => {
    const v = await verifyTokenSignature(token, rsaPem);
    expect(v).toMatchObject({ status: 'error', reason: 'bad-token' });
    expect(v.message).toMatch(message);
    expectSentence(v, token);
  });

  it('reports an algorithm it does not support', async () => {
    const token = `${b64url({ alg: 'ES256K' })}.${b64url({})}.c2ln`;
    const v = await verifyTokenSignature(token, rsaPem);
    expect(v).toMatchObject({ status: 'error', reason: 'unsupported-alg' });
    expect(v.message).toMatch(/'ES256K'.*Supported: .*RS256/);
  });

  it('refuses a private JWK', async () => {
    const jwk = await exportJWK(rsa.privateKey);
    const v = await verifyTokenSignature(await sign(rsa.privateKey, { alg: 'RS256' }), JSON.stringify(jwk));
    expect(v).toMatchObject({ status: 'error', reason: 'bad-key' });
    expect(v.message).toMatch(/private JWK/);
  });
});

describe('describeKeyInput', () => {
  it('names each format', async () => {
    expect(describeKeyInput(rsaPem)).toMatchObject({ format: 'spki-pem', usable: true });
    expect(describeKeyInput(await selfSignedCert(rsa))).toMatchObject({ format: 'x509-pem', usable: true });
    expect(describeKeyInput(JSON.stringify(await pub(ec, { kid: 'e' })))).toMatchObject({
      format: 'jwk',
      label: "JWK: an EC P-256 key, kid 'e'",
    });
    expect(describeKeyInput(JSON.stringify({ keys: [await pub(rsa, { kid: 'a' })] }))).toMatchObject({
      format: 'jwks',
      label: "JWKS with 1 key (kids 'a')",
    });
    expect(describeKeyInput(JSON.stringify([{ kid: 'x', publicKey: b64(rsaPem) }]))).toMatchObject({
      format: 'omnichannel-array',
      usable: true,
    });
    expect(describeKeyInput(createPublicKey(rsaPem).export({ type: 'pkcs1', format: 'pem' }).toString())).toMatchObject(
      { format: 'pkcs1-pem', usable: false },
    );
    expect(describeKeyInput('')).toMatchObject({ format: 'empty', usable: false });
    expect(describeKeyInput('???')).toMatchObject({ format: 'unknown', usable: false });
  });
});
