/** Hostile JSON for the tests of the safe formatting helpers and of the analysis on page values. */

/**
 * Nasty JSON, as text: what JSON.parse gives a page's token or a capture file. Objects where strings are
 * expected, method names as keys, prototype keys, numbers a double cannot hold, deep and wide values.
 */
export const NASTY_JSON: [label: string, json: string][] = [
  ['toString 0', '{"toString":0}'],
  ['valueOf 0', '{"valueOf":0}'],
  ['toString and valueOf', '{"toString":0,"valueOf":0}'],
  ['toJSON 0', '{"toJSON":0}'],
  ['toJSON string', '{"toJSON":"x"}'],
  ['constructor', '{"constructor":{"prototype":{"toString":1}}}'],
  ['__proto__', '{"__proto__":{"toString":0,"alg":"RS256"}}'],
  ['Symbol.toPrimitive name', '{"Symbol(Symbol.toPrimitive)":0,"@@toPrimitive":0}'],
  ['hasOwnProperty', '{"hasOwnProperty":0,"isPrototypeOf":null}'],
  ['array of hostile', '[{"toString":0},["x"],null]'],
  ['nested hostile', '{"a":{"b":{"c":{"toString":0,"valueOf":{"toString":0}}}}}'],
  ['huge number', '1e400'],
  ['negative huge number', '-1e400'],
  ['huge number in object', '{"exp":1e400,"iat":-1e400}'],
  ['2^53 + 1', '9007199254740993'],
  ['tiny number', '5e-324'],
  ['negative zero', '-0'],
  ['empty object', '{}'],
  ['empty array', '[]'],
  ['empty key', '{"":""}'],
  ['control characters', '"\\u0000\\u001f\\u2028\\u2029"'],
  ['lone surrogate', '"\\ud800"'],
  ['RTL override', '"\\u202egnp.exe"'],
  ['html', '"<img src=x onerror=alert(1)>"'],
  ['deep array', `${'['.repeat(500)}${']'.repeat(500)}`],
  ['deep object', `${'{"a":'.repeat(300)}0${'}'.repeat(300)}`],
  [
    'wide object',
    JSON.stringify(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, { toString: i }]))),
  ],
  ['long string', JSON.stringify('x'.repeat(70_000))],
  ['true', 'true'],
  ['null', 'null'],
];
