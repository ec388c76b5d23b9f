/**
 * A small seeded PRNG for the fuzzer: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128-bit state) seeded through splitmix32. Every fuzz input is generated from its own 32-bit seed,
 * derived from the run seed, the target name and the input's index, so any single input can be
 * regenerated from `<target>:<seed>` alone (`npm run fuzz -- --replay <target>:<seed>`).
 */

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): [value: number, next: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
}

/** A 32-bit hash of numbers and strings (FNV-1a over their characters, finished with splitmix32). */
export function hash32(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part >>> 0}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h)[0];
}

/** The seed of input `index` of `target` in a run seeded with `runSeed`. */
export const inputSeed = (runSeed: number, target: string, index: number): number => hash32(runSeed, target, index);

/** A 32-bit seed as 8 hex digits, the form the fuzzer prints and `--replay` reads. */
export const seedHex = (seed: number): string => (seed >>> 0).toString(16).padStart(8, '0');

/** Reads a seed written as hex (8 digits, optional 0x) or decimal; NaN when it is neither. */
export function parseSeed(text: string): number {
  const t = text.trim();
  if (/^(0x)?[0-9a-f]{1,8}$/i.test(t) && (/^0x/i.test(t) || /[a-f]/i.test(t) || t.length === 8))
    return parseInt(t.replace(/^0x/i, ''), 16) >>> 0;
  if (/^\d+$/.test(t) && Number(t) <= 0xffffffff) return Number(t) >>> 0;
  return NaN;
}

/** sfc32: fast, 128-bit state, passes PractRand to large sizes; plenty for input generation. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    const take = () => {
      const [value, next] = splitmix32(s);
      s = next;
      return value | 0;
    };
    this.a = take();
    this.b = take();
    this.c = take();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n); 0 when n ≤ 0. */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.float() * n);
  }

  /** A uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty list');
    return items[this.int(items.length)]!;
  }

  /** One item, chosen with the given relative weights. */
  weighted<T>(choices: readonly (readonly [weight: number, item: T])[]): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let x = this.float() * total;
    for (const [w, item] of choices) {
      if (x < w) return item;
      x -= w;
    }
    return choices[choices.length - 1]![1];
  }

  /**
   * A size that is usually small and sometimes large: with probability `pBig` uniform in
   * [small, big], else uniform in [0, small]. Keeps most inputs cheap while the tail reaches the limits.
   */
  size(small: number, big: number, pBig = 0.05): number {
    return this.chance(pBig) ? this.range(small, big) : this.range(0, small);
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const x = this.u32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A string of `n` characters drawn from `alphabet`. */
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  /** An independent generator seeded from this one. */
  fork(): Rng {
    return new Rng(this.u32());
  }
}
