/**
 * Safe, bounded JSON summaries of page values for the log.
 *
 * The page is untrusted: values may be proxies, have throwing getters or cycles.
 * We read only own data properties through property descriptors (never invoking
 * getters), cap depth, width and string length, and never throw.
 */
import { MAX_STRING } from './constants';
import type { ErrorSummary, Summary } from './events';
import { getOwnDescriptor, isArray, NodeCtor, ownKeys, PromiseCtor, protoOf, tagOf } from './builtins';

const MAX_DEPTH = 4;
const MAX_KEYS = 50;

/**
 * Cuts a string to at most `max` characters, the marker included (`…[+N chars]`, N the characters cut),
 * so a cut value always fits the schema's limit and is kept, never dropped.
 */
export function clip(s: string, max = MAX_STRING): string {
  if (s.length <= max) return s;
  // The marker's length depends on N, which depends on the marker's length: size it for the largest N.
  const marker = (n: number) => `…[+${n} chars]`;
  const keep = Math.max(0, max - marker(s.length).length);
  return `${s.slice(0, keep)}${marker(s.length - keep)}`.slice(0, max);
}

function describeOwn(obj: object, key: PropertyKey): PropertyDescriptor | undefined {
  return getOwnDescriptor(obj, key);
}

function isErrorLike(value: object): boolean {
  return tagOf(value) === '[object Error]';
}

/**
 * Summarizes any value as JSON-safe data.
 * Shapes: primitives as themselves (strings clipped to MAX_STRING characters);
 * otherwise `{ $type: T, … }`, where T is one of 'undefined' | 'function' | 'error' | 'node' | 'promise' | 'getter' |
 * 'cycle' | 'object' | 'more' | 'unreadable' | 'bigint' | 'symbol' | 'number'.
 * Never throws.
 */
export function summarize(value: unknown, depth = MAX_DEPTH, seenSoFar?: Set<object>): Summary {
  try {
    switch (typeof value) {
      case 'string':
        return clip(value);
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : { $type: 'number', value: String(value) };
      case 'undefined':
        return { $type: 'undefined' };
      case 'bigint':
        return { $type: 'bigint', value: String(value) };
      case 'symbol':
        return { $type: 'symbol', value: clip(String(value.description ?? '')) };
      case 'function': {
        const name = describeOwn(value, 'name')?.value;
        return { $type: 'function', name: typeof name === 'string' ? clip(name, 200) : '' };
      }
      case 'object':
        break; // below: null, then objects
    }
    if (value === null) return null;
    const obj = value as object;
    // Made for the first object only: most summarized values (SDK arguments) are primitives.
    const seen = seenSoFar ?? new Set<object>();
    if (seen.has(obj)) return { $type: 'cycle' };
    if (isErrorLike(obj)) return { $type: 'error', ...summarizeError(obj) };
    if (NodeCtor && obj instanceof NodeCtor) return { $type: 'node', name: clip(String((obj as Node).nodeName), 100) };
    if (obj instanceof PromiseCtor) return { $type: 'promise' };
    if (depth <= 0) return { $type: 'object', keys: isArray(obj) ? obj.length : ownKeys(obj).length };
    seen.add(obj);
    try {
      if (isArray(obj)) {
        const out: Summary[] = [];
        const n = Math.min(obj.length, MAX_KEYS);
        for (let i = 0; i < n; i++) out.push(summarizeSlot(obj, i, depth, seen));
        if (obj.length > n) out.push({ $type: 'more', count: obj.length - n });
        return out;
      }
      const out: { [k: string]: Summary } = {};
      const keys = ownKeys(obj);
      const n = Math.min(keys.length, MAX_KEYS);
      for (let i = 0; i < n; i++) out[clip(keys[i]!, 200)] = summarizeSlot(obj, keys[i]!, depth, seen);
      if (keys.length > n) out.$more = keys.length - n;
      return out;
    } finally {
      seen.delete(obj);
    }
  } catch (e) {
    return { $type: 'unreadable', reason: clip(safeMessage(e), 200) };
  }
}

function summarizeSlot(obj: object, key: PropertyKey, depth: number, seen: Set<object>): Summary {
  const d = describeOwn(obj, key);
  if (!d) return { $type: 'undefined' };
  if ('value' in d) return summarize(d.value, depth - 1, seen);
  return { $type: 'getter' };
}

function safeMessage(e: unknown): string {
  try {
    if (e && typeof e === 'object') {
      const m = describeOwn(e, 'message')?.value;
      if (typeof m === 'string') return m;
    }
    return String(e);
  } catch {
    return 'unreadable error';
  }
}

/**
 * Summarizes a thrown value: `{ name, message }`. For an Error, its own `message`
 * and its constructor's `name`; for anything else, `typeof` and String(value). Never throws.
 */
export function summarizeError(e: unknown): ErrorSummary {
  try {
    if (e && typeof e === 'object') {
      const ownName = describeOwn(e, 'name')?.value;
      const ctorName = (() => {
        const proto = protoOf(e) as object | null;
        const n = proto && describeOwn(proto, 'name')?.value;
        if (typeof n === 'string') return n;
        const ctor = proto && describeOwn(proto, 'constructor')?.value;
        const cn = typeof ctor === 'function' ? describeOwn(ctor, 'name')?.value : undefined;
        return typeof cn === 'string' ? cn : 'Object';
      })();
      return { name: clip(typeof ownName === 'string' ? ownName : ctorName, 200), message: clip(safeMessage(e)) };
    }
    return { name: typeof e, message: clip(String(e)) };
  } catch {
    return { name: 'unknown', message: 'unreadable error' };
  }
}
