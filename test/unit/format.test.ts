/**
 * The safe formatting helpers (src/analysis/format.ts) on hostile values: whatever JSON a page puts in
 * a token, an event detail or a capture file, they never call a method of the value, never run a
 * getter, never throw, and stay within their bounds.
 */
import { describe, expect, it } from 'vitest';
import { NASTY_JSON } from '../helpers/nasty';
import {
  counted,
  cut,
  errorMessage,
  formatClock,
  formatDuration,
  isoTime,
  kindOf,
  listText,
  ownValue,
  safeJson,
  safeText,
  summaryText,
} from '../../src/analysis/model/format';

/** A value whose every method and getter records being called (and throws), to prove nothing runs. */
function booby(calls: string[]) {
  const trap = (name: string) => () => {
    calls.push(name);
    throw new Error(`${name} called`);
  };
  const inner = { toString: trap('inner.toString'), valueOf: trap('inner.valueOf') };
  return {
    toString: trap('toString'),
    valueOf: trap('valueOf'),
    toJSON: trap('toJSON'),
    [Symbol.toPrimitive]: trap('toPrimitive'),
    get secret() {
      calls.push('getter');
      return 'leaked';
    },
    inner,
    list: [inner],
  };
}

describe('safeJson and safeText on nasty JSON', () => {
  it.each(NASTY_JSON)('%s: never throws, bounded, JSON.stringify text for JSON values', (_label, json) => {
    const value: unknown = JSON.parse(json);
    for (const max of [1, 10, 80, 1000, 100_000]) {
      const text = safeJson(value, { max });
      expect(text.length).toBeLessThanOrEqual(max);
      expect(safeText(value, max).length).toBeLessThanOrEqual(max);
    }
    const whole = safeJson(value, { max: 1_000_000, depth: 1000 });
    // What JSON.parse returns writes as JSON.stringify does, but for numbers JSON cannot hold.
    if (!/e400/.test(json)) {
      expect(whole).toBe(JSON.stringify(value));
      expect(safeJson(value, { max: 1_000_000, depth: 1000, indent: 2 })).toBe(JSON.stringify(value, null, 2));
    }
    expect(typeof kindOf(value)).toBe('string');
    expect(() => summaryText(value as never)).not.toThrow();
    expect(summaryText(value as never, 50).length).toBeLessThanOrEqual(50);
    expect(() => listText([value, value], 40)).not.toThrow();
  });

  it('writes numbers JSON cannot hold as what they became, not as null', () => {
    expect(safeJson(JSON.parse('{"exp":1e400,"iat":-1e400}'))).toBe('{"exp":Infinity,"iat":-Infinity}');
    expect(safeText(NaN)).toBe('NaN');
  });

  it('keeps a __proto__ key as the data it is', () => {
    const value = JSON.parse('{"__proto__":{"alg":"none"},"alg":"RS256"}');
    expect(safeJson(value)).toBe('{"__proto__":{"alg":"none"},"alg":"RS256"}');
  });

  it('never calls toString, valueOf, toJSON or Symbol.toPrimitive, and never runs a getter', () => {
    const calls: string[] = [];
    const v = booby(calls);
    const texts = [
      safeJson(v),
      safeJson(v, { indent: 2 }),
      safeText(v),
      safeText(v, 5),
      kindOf(v),
      summaryText(v as never),
      listText([v]),
      errorMessage(v),
      safeText([v, v.inner]),
    ];
    expect(calls).toEqual([]);
    expect(texts[0]).toBe(
      '{"toString":ƒ anonymous,"valueOf":ƒ anonymous,"toJSON":ƒ anonymous,"secret":"(getter)","inner":{"toString":ƒ anonymous,"valueOf":ƒ anonymous},"list":[{"toString":ƒ anonymous,"valueOf":ƒ anonymous}]}',
    );
  });

  it('writes values JSON has no text for as markers', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(safeText(cyclic)).toBe('{"a":1,"self":(circular)}');
    expect(safeText([undefined, 10n, Symbol('s'), function named() {}, null])).toBe(
      '[undefined,10n,Symbol(s),ƒ named,null]',
    );
    expect(safeText(Object.create(null))).toBe('{}');
    expect(safeText(undefined)).toBe('undefined');
    expect(safeText(null)).toBe('null');
    expect(
      safeText(
        new Proxy(
          {},
          {
            ownKeys: () => {
              throw new Error('trap');
            },
          },
        ),
      ),
    ).toBe('…(unreadable)');
    const revocable = Proxy.revocable([], {});
    revocable.revoke();
    expect(() => safeText(revocable.proxy)).not.toThrow();
    expect(kindOf(revocable.proxy)).toBe('an object');
  });

  it('cuts deep values at the depth bound and long ones at max, with "…"', () => {
    expect(safeJson(JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`), { depth: 3 })).toBe('[[[[…]]]]');
    expect(safeJson({ a: { b: { c: { d: 1 } } } }, { depth: 2 })).toBe('{"a":{"b":{…}}}');
    expect(safeText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(safeText({ long: 'y'.repeat(50) }, 12)).toBe('{"long":"yy…');
  });

  it('is cheap on huge values: only what is shown is written', () => {
    // Members past the cut are never written: 20,000 members of 10 KB each (200 MB as JSON) cost a key list.
    const wide = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`k${i}`, { deep: 'v'.repeat(10_000), more: [1, 2, 3] }]),
    );
    const long = 'z'.repeat(10_000_000);
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      expect(safeText(wide, 200).length).toBe(200);
      expect(safeText([long, long], 100).length).toBe(100);
    }
    // Generous for a busy machine: writing it all would take seconds and hundreds of MB.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('replace() changes members before they are written', () => {
    expect(safeJson({ token: 'abcdef', other: 'abcdef' }, { replace: (k, v) => (k === 'token' ? '(cut)' : v) })).toBe(
      '{"token":"(cut)","other":"abcdef"}',
    );
  });
});

describe('the other helpers', () => {
  it('counted puts the noun in the right number and groups the digits', () => {
    expect([0, 1, 2, 20_000].map((n) => counted(n, 'event'))).toEqual([
      '0 events',
      '1 event',
      '2 events',
      '20,000 events',
    ]);
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
  });

  it('kindOf says what a value is', () => {
    expect([null, undefined, 'x', 1, true, [], {}, () => 1, 1n, Symbol('s')].map(kindOf)).toEqual([
      'null',
      'undefined',
      'a string',
      'a number',
      'a boolean',
      'an array',
      'an object',
      'a function',
      'a bigint',
      'a symbol',
    ]);
  });

  it('errorMessage reads an Error without running page code, anything else safely', () => {
    expect(errorMessage(new TypeError('boom'))).toBe('boom');
    expect(errorMessage(new RangeError(''))).toBe('RangeError');
    expect(errorMessage({ toString: 0 })).toBe('{"toString":0}');
    expect(errorMessage('x'.repeat(1000), 20)).toHaveLength(20);
    const e = new Error('m');
    Object.defineProperty(e, 'message', {
      get: () => {
        throw new Error('getter');
      },
    });
    expect(() => errorMessage(e)).not.toThrow();
  });

  it('isoTime, formatDuration and formatClock take any number without throwing', () => {
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoTime(1e300)).toBe('an invalid time');
    expect(isoTime({ valueOf: 0 })).toBe('an invalid time');
    expect(formatDuration(Infinity)).toBe('Infinity');
    expect(formatDuration({ toString: 0 } as never)).toBe('{"toString":0}');
    expect(formatDuration(1e300)).toMatch(/ d\b/);
    expect(formatClock(1e300)).toBe('--:--:--.---');
  });

  it('listText bounds a list and says how many were left out', () => {
    expect(listText(['a', 'b', 'c'])).toBe('a, b, c');
    expect(
      listText(
        Array.from({ length: 100 }, (_, i) => `item${i}`),
        30,
      ),
    ).toMatch(/^item0, item1, item2, item3, … \(96 more\)$/);
  });

  it('ownValue reads own data only', () => {
    expect(ownValue(JSON.parse('{"a":1}'), 'a')).toBe(1);
    expect(ownValue({}, 'toString')).toBeUndefined();
    expect(
      ownValue(
        {
          get a() {
            throw new Error('no');
          },
        },
        'a',
      ),
    ).toBeUndefined();
    expect(ownValue(null, 'a')).toBeUndefined();
  });

  it('cut keeps short text and marks a cut', () => {
    expect(cut('abc', 3)).toBe('abc');
    expect(cut('abcd', 3)).toBe('ab…');
  });
});

describe('summaryText on hostile summaries', () => {
  it.each([
    [
      'an error marker whose name is an object',
      { $type: 'error', name: { toString: 0 }, message: ['x'] },
      '{"toString":0}: ["x"]',
    ],
    ['a node marker with a non-string name', { $type: 'node', name: { toString: 0 } }, '<{"tostring":0}>'],
    ['a more marker with an object count', { $type: 'more', count: { valueOf: 0 } }, '…+{"valueOf":0}'],
    ['a bigint marker with an array value', { $type: 'bigint', value: [1] }, '[1]n'],
    ['a symbol marker with an object value', { $type: 'symbol', value: { toString: 0 } }, 'Symbol({"toString":0})'],
    ['a number marker with an object value', { $type: 'number', value: { toString: 0 } }, '{"toString":0}'],
    ['a $type that is an object', { $type: { toString: 0 }, a: 1 }, '{$type: {toString: 0}, a: 1}'],
    ['a $type that is a method name', { $type: 'toString' }, '{$type: "toString"}'],
    [
      'method names as keys',
      { toString: 0, valueOf: { toString: 0 }, constructor: 1 },
      '{toString: 0, valueOf: {toString: 0}, constructor: 1}',
    ],
  ])('%s', (_label, summary, text) => {
    expect(summaryText(summary as never)).toBe(text);
  });

  it('stops early on huge summaries and keeps its bound', () => {
    const huge = Array.from({ length: 1000 }, () => Array.from({ length: 300 }, () => ({ toString: 0 })));
    const started = performance.now();
    expect(summaryText(huge as never, 60).length).toBeLessThanOrEqual(60);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('says the same as before for ordinary summaries', () => {
    expect(summaryText({ inNewWindow: false })).toBe('{inNewWindow: false}');
    expect(summaryText({ $type: 'function', name: 'getToken' })).toBe('ƒ getToken');
    expect(summaryText({ $type: 'error', name: 'TypeError', message: 'boom' })).toBe('TypeError: boom');
    expect(summaryText(['a', 1, null, { 'x-y': true }])).toBe('["a", 1, null, {"x-y": true}]');
  });
});
