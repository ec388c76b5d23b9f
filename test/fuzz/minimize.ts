/**
 * A greedy input minimizer for reproducers: drops object members and array items, empties and
 * shortens strings, and minimizes JSON embedded in strings (and the JSON inside base64 segments of a
 * token), keeping every change after which the input still fails with the same signature.
 */

type Pred = (value: unknown) => boolean;

interface Budget {
  left: number;
}

const tryIt = (candidate: unknown, pred: Pred, budget: Budget): boolean => {
  if (budget.left <= 0) return false;
  budget.left -= 1;
  try {
    return pred(candidate);
  } catch {
    return false;
  }
};

/** Chunk deletion on a string (ddmin-style), largest chunks first. */
function shortenString(s: string, pred: (s: string) => boolean, budget: Budget): string {
  let cur = s;
  if (cur !== '' && budget.left > 0 && tryIt('', (x) => pred(x as string), budget)) return '';
  for (let size = Math.max(1, cur.length >> 1); size >= 1 && budget.left > 0; size >>= 1) {
    for (let i = 0; i + size <= cur.length && budget.left > 0;) {
      const candidate = cur.slice(0, i) + cur.slice(i + size);
      if (tryIt(candidate, (x) => pred(x as string), budget)) cur = candidate;
      else i += size;
    }
  }
  return cur;
}

const b64decode = (seg: string): string | undefined => {
  try {
    const text = Buffer.from(seg.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    return /^\s*[[{]/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
};

/** Minimizes a value so that `pred` stays true; returns the smallest found within the budget. */
function minimizeValue(value: unknown, pred: Pred, budget: Budget, depth = 0): unknown {
  if (budget.left <= 0 || depth > 60) return value;
  if (typeof value === 'string') {
    let cur = value;
    // JSON text inside the string: minimize the structure, then write it back.
    if (/^\s*[[{]/.test(cur) && cur.length > 2) {
      try {
        const parsed = JSON.parse(cur) as unknown;
        if (JSON.stringify(parsed) !== cur && !pred(JSON.stringify(parsed))) throw new Error('not round-trippable');
        const min = minimizeValue(parsed, (v) => pred(JSON.stringify(v)), budget, depth + 1);
        cur = JSON.stringify(min);
      } catch {
        // leave it as text
      }
    }
    // A token: minimize the JSON in each base64 segment, re-encoded as base64url.
    const segs = cur.split('.');
    if (segs.length >= 2 && segs.length <= 6) {
      for (let i = 0; i < segs.length; i++) {
        const json = b64decode(segs[i]!);
        if (json === undefined) continue;
        const encode = (v: unknown) =>
          segs
            .map((s, j) =>
              j === i ? Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url') : s,
            )
            .join('.');
        if (!tryIt(encode(json), pred, budget)) continue;
        const min = minimizeValue(json, (v) => pred(encode(v)), budget, depth + 1);
        segs[i] = Buffer.from(typeof min === 'string' ? min : JSON.stringify(min)).toString('base64url');
        cur = segs.join('.');
      }
    }
    return shortenString(cur, (s) => pred(s), budget);
  }
  if (Array.isArray(value)) {
    let cur = value.slice();
    for (let size = Math.max(1, cur.length >> 1); size >= 1 && budget.left > 0; size >>= 1) {
      for (let i = 0; i + size <= cur.length && budget.left > 0;) {
        const candidate = [...cur.slice(0, i), ...cur.slice(i + size)];
        if (tryIt(candidate, pred, budget)) cur = candidate;
        else i += size;
      }
    }
    for (let i = 0; i < cur.length && budget.left > 0; i++) {
      const at = i;
      cur[at] = minimizeValue(cur[at], (v) => pred(cur.map((x, j) => (j === at ? v : x))), budget, depth + 1);
    }
    return cur;
  }
  if (value && typeof value === 'object') {
    const cur: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(cur, k, { value: v, enumerable: true, writable: true, configurable: true });
    const clone = (o: Record<string, unknown>, k: string, v: unknown, drop = false) => {
      const out: Record<string, unknown> = {};
      for (const [key, x] of Object.entries(o))
        if (!(drop && key === k))
          Object.defineProperty(out, key, {
            value: key === k ? v : x,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      return out;
    };
    for (const k of Object.keys(cur)) {
      if (budget.left <= 0) break;
      const without = clone(cur, k, undefined, true);
      if (tryIt(without, pred, budget)) delete cur[k];
    }
    for (const k of Object.keys(cur)) {
      if (budget.left <= 0) break;
      const v = minimizeValue(cur[k], (x) => pred(clone(cur, k, x)), budget, depth + 1);
      Object.defineProperty(cur, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return cur;
  }
  return value;
}

/** The smallest input found (within `runs` tries) for which `pred` still holds. */
export function minimize<T>(input: T, pred: (input: T) => boolean, runs = 3_000): T {
  return minimizeValue(input, pred as Pred, { left: runs }) as T;
}
