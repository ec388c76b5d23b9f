/**
 * Small formatting helpers shared by the panel, the viewer and the headless printer. Pure.
 *
 * Page values are untrusted: a decoded JWT header or claim, an `lwicontexts` value, an event's
 * detail or payload can be any JSON (objects where strings are expected, `{"toString": 0}`, keys such
 * as `__proto__` or `constructor`, numbers too large for a double). Whatever turns such a value into
 * text goes through `safeText` / `safeJson` here: they never call a method of the value (no
 * `String(value)`, template literal, `toString`, `valueOf` or `toJSON`), never run a getter, and
 * bound their output.
 */

/** A duration in ms as text: "123.4 ms" under a second, "10.51 s" under a minute, then "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return safeText(ms, 40);
  const abs = Math.abs(ms);
  if (abs < 1000) return `${ms.toFixed(1)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(abs / 1000);
  const parts: string[] = [];
  const d = Math.floor(totalSeconds / 86_400);
  const h = Math.floor((totalSeconds % 86_400) / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m && !d) parts.push(`${m} min`);
  if (s && !d && !h) parts.push(`${s} s`);
  return (ms < 0 ? '-' : '') + parts.join(' ');
}

/** How far `whenMs` is from `referenceMs` (both ms since the Unix epoch), e.g. "2 h 3 min before capture". */
export function formatRelative(whenMs: number, referenceMs: number, reference = 'capture'): string {
  const delta = whenMs - referenceMs;
  if (Math.abs(delta) < 1000) return `at ${reference}`;
  return `${formatDuration(Math.abs(delta))} ${delta < 0 ? 'before' : 'after'} ${reference}`;
}

/** Wall-clock time of day with ms, in the local zone: "14:03:07.123". */
export function formatClock(epochMs: number): string {
  const d = new Date(typeof epochMs === 'number' ? epochMs : NaN);
  if (Number.isNaN(d.getTime())) return '--:--:--.---';
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * A count with its noun in the right number, digits grouped: `counted(1, 'event')` → "1 event",
 * `counted(20000, 'event')` → "20,000 events".
 */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `text` cut to `max` characters, ending with "…" when cut. */
export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** Reads an own data property; undefined for a missing one or an accessor (whose getter is never run). */
export function ownValue(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    return d && 'value' in d ? d.value : undefined;
  } catch {
    return undefined;
  }
}

function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false; // a revoked proxy
  }
}

/**
 * What kind of value this is, in words, for explanations: "a string", "a number", "an object",
 * "an array", "null", "undefined", "a boolean", "a function". Never calls the value's methods.
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'object':
      return 'an object';
    default:
      return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
  }
}

/** A function's own `name`, or "anonymous". */
function functionName(fn: unknown): string {
  const name = ownValue(fn, 'name');
  return typeof name === 'string' && name ? name : 'anonymous';
}

/** Options of {@link safeJson}. */
export interface SafeJsonOptions {
  /** Longest result in characters (default 100,000); a longer one is cut and ends with "…". */
  max?: number;
  /** Spaces of indentation per level, as JSON.stringify's third argument (default 0: compact). */
  indent?: number;
  /** Deepest nesting written (default 64); deeper objects and arrays are written {…} and […]. */
  depth?: number;
  /** Our own hook to change a member before it is written (like a JSON.stringify replacer, minus `this`). */
  replace?: (key: string, value: unknown) => unknown;
}

/**
 * An untrusted value as JSON text, for display. Never calls a method of the value (no toJSON,
 * toString or valueOf), never runs a getter (accessors are written "(getter)"), and stops at
 * `max` characters, so it is cheap on huge values. JSON values (anything JSON.parse returns) come
 * out exactly as JSON.stringify writes them, except numbers JSON cannot hold: Infinity (what
 * JSON.parse makes of 1e400), -Infinity and NaN are written as such. Values JSON has no text for
 * are written as markers: undefined, ƒ name, 12n, Symbol(x), (circular).
 */
export function safeJson(value: unknown, opts: SafeJsonOptions = {}): string {
  const max = opts.max ?? 100_000;
  const indent = ' '.repeat(Math.max(0, Math.min(10, opts.indent ?? 0)));
  const maxDepth = opts.depth ?? 64;
  const replace = opts.replace;
  const out: string[] = [];
  let length = 0;
  let full = false;
  const push = (s: string) => {
    if (full) return;
    if (length + s.length > max) {
      out.push(s.slice(0, max - length));
      length = max;
      full = true;
    } else {
      out.push(s);
      length += s.length;
    }
  };
  const seen = new Set<object>();
  const write = (v: unknown, depth: number, pad: string): void => {
    if (full) return;
    switch (typeof v) {
      case 'string':
        // Never more than what still fits: a 64 KB claim costs what is shown, not its whole length.
        push(JSON.stringify(v.length > max - length + 2 ? v.slice(0, max - length + 2) : v));
        return;
      case 'number':
      case 'boolean':
        push(String(v)); // a primitive: no method of the page's runs
        return;
      case 'bigint':
        push(`${v}n`);
        return;
      case 'undefined':
        push('undefined');
        return;
      case 'symbol':
        push(String(v));
        return;
      case 'function':
        push(`ƒ ${functionName(v)}`);
        return;
      case 'object':
        break; // below: null, then arrays and objects
    }
    if (v === null) return push('null');
    const obj = v as object;
    const array = isArray(obj);
    if (seen.has(obj)) return push('(circular)');
    const keys = array ? null : Object.keys(obj);
    const count = array ? (ownValue(obj, 'length') as number) : keys!.length;
    if (count === 0) return push(array ? '[]' : '{}');
    if (depth >= maxDepth) return push(array ? '[…]' : '{…}');
    seen.add(obj);
    const inner = pad + indent;
    const sep = indent ? `,\n${inner}` : ',';
    push(array ? '[' : '{');
    if (indent) push(`\n${inner}`);
    for (let i = 0; i < count && !full; i++) {
      if (i > 0) push(sep);
      const key = array ? String(i) : keys![i]!;
      let d: PropertyDescriptor | undefined;
      try {
        d = Object.getOwnPropertyDescriptor(obj, key);
      } catch {
        d = undefined;
      }
      let member: unknown = d && 'value' in d ? d.value : d ? GETTER : undefined;
      if (replace) member = replace(key, member);
      if (!array) push(`${JSON.stringify(key)}:${indent ? ' ' : ''}`);
      if (member === GETTER) push('"(getter)"');
      else write(member, depth + 1, inner);
    }
    if (indent) push(`\n${pad}`);
    push(array ? ']' : '}');
    seen.delete(obj);
  };
  try {
    write(replace ? replace('', value) : value, 0, '');
  } catch {
    // Object.keys on a proxy runs its trap; whatever happens, say so instead of failing.
    push('…(unreadable)');
  }
  const text = out.join('');
  return full ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

const GETTER = Symbol('getter');

/**
 * An untrusted value as one short piece of text: a string as is, a number or boolean as written,
 * null and undefined as words, an object or array as compact JSON (see {@link safeJson}). Cut to
 * `max` characters with "…". Never calls a method of the value, never throws.
 */
export function safeText(value: unknown, max = 200): string {
  if (typeof value === 'string') return cut(value, max);
  return safeJson(value, { max });
}

/** The message of something thrown, as text (an Error's message, else the value itself); never throws. */
export function errorMessage(e: unknown, max = 300): string {
  try {
    if (e instanceof Error) {
      const message = ownValue(e, 'message');
      if (typeof message === 'string' && message) return cut(message, max);
      const name = ownValue(Object.getPrototypeOf(e), 'name');
      return typeof name === 'string' ? name : 'Error';
    }
  } catch {
    // a proxy's traps: fall through to the value itself
  }
  return safeText(e, max);
}

/** An instant (ms since the Unix epoch) as ISO 8601, or "an invalid time" when out of the Date range. */
export function isoTime(epochMs: unknown): string {
  const d = new Date(typeof epochMs === 'number' ? epochMs : NaN);
  return Number.isNaN(d.getTime()) ? 'an invalid time' : d.toISOString();
}

/** Strings joined with `separator`, cut after `max` characters with "… (N more)". */
export function listText(items: readonly unknown[], max = 200, separator = ', '): string {
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const item = safeText(items[i], max);
    const next = i === 0 ? item : `${text}${separator}${item}`;
    if (next.length > max) return `${text}${i ? separator : ''}… (${items.length - i} more)`;
    text = next;
  }
  return text;
}

type SummaryLike = null | boolean | number | string | SummaryLike[] | { [key: string]: SummaryLike };

/**
 * A page-value summary (see `summarize` in the page hook) as short JavaScript-like text:
 * `{inNewWindow: false}`, `ƒ getToken`, `undefined`, `TypeError: boom`. Cut to `max` characters.
 * The summary's content is the page's: every member is read as data and written with the safe
 * helpers above, whatever its type.
 */
export function summaryText(value: SummaryLike | undefined, max = 120): string {
  // A bound on the work, not the cut: nested members count once per level (depth 3), so allow 4×.
  const budget = { left: 4 * max + 64 };
  return cut(render(value, 3, budget), max);
}

/** Text of a summary member expected to be a string (a marker's name, message, value). */
const word = (v: unknown, max = 80) => (typeof v === 'string' ? v : safeText(v, max));

function render(v: unknown, depth: number, budget: { left: number }): string {
  const text = renderOne(v, depth, budget);
  budget.left -= text.length;
  return text;
}

function renderOne(v: unknown, depth: number, budget: { left: number }): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
  if (typeof v !== 'object') return safeText(v, 60);
  if (isArray(v)) {
    if (depth <= 0) return '[…]';
    const items = v as unknown[];
    const parts: string[] = [];
    for (let i = 0; i < items.length; i++) {
      if (budget.left <= 0) {
        parts.push('…');
        break;
      }
      parts.push(render(ownValue(items, String(i)), depth - 1, budget));
    }
    return `[${parts.join(', ')}]`;
  }
  const t = ownValue(v, '$type');
  const get = (key: string) => ownValue(v, key);
  if (typeof t === 'string') {
    switch (t) {
      case 'undefined':
        return 'undefined';
      case 'function':
        return `ƒ ${typeof get('name') === 'string' && get('name') ? (get('name') as string) : 'anonymous'}`;
      case 'error':
        return `${word(get('name'))}: ${word(get('message'), 200)}`;
      case 'node':
        return `<${word(get('name'), 40).toLowerCase()}>`;
      case 'promise':
        return 'Promise';
      case 'getter':
        return '(getter)';
      case 'cycle':
        return '(circular)';
      case 'object':
        return '{…}';
      case 'more':
        return `…+${word(get('count'), 20)}`;
      case 'bigint':
        return `${word(get('value'), 40)}n`;
      case 'symbol':
        return `Symbol(${word(get('value'), 40)})`;
      case 'number':
        return word(get('value'), 40);
      case 'unreadable':
        return '(unreadable)';
    }
  }
  if (depth <= 0) return '{…}';
  const parts: string[] = [];
  for (const k of Object.keys(v)) {
    if (budget.left <= 0) {
      parts.push('…');
      break;
    }
    const name = /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
    budget.left -= name.length + 2;
    parts.push(`${name}: ${render(get(k), depth - 1, budget)}`);
  }
  return `{${parts.join(', ')}}`;
}
