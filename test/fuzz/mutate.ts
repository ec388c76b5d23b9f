/**
 * Mutators for the fuzzer: structure-aware mutation of parsed JSON (captures, HAR files, page
 * messages), type-preserving mutation for logs that must stay schema-valid, and byte-level
 * mutation of text. All deterministic in the Rng.
 */
import { cap, hostileNumber, hostileString, hostileValue, jwtLike, rawFragment, setOwn, type JsonText } from './gen';
import type { Rng } from './prng';

type Container = Record<string, unknown> | unknown[];

interface Slot {
  parent: Container;
  key: string | number;
  value: unknown;
  depth: number;
}

/** Every (parent, key) slot of a JSON value, breadth-first, up to `limit` slots. */
export function slots(root: unknown, limit = 20_000): Slot[] {
  const out: Slot[] = [];
  const queue: [unknown, number][] = [[root, 0]];
  for (let q = 0; q < queue.length && out.length < limit; q++) {
    const [node, depth] = queue[q]!;
    if (!node || typeof node !== 'object') continue;
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [key, value] of entries) {
      out.push({ parent: node as Container, key, value, depth: depth + 1 });
      if (value && typeof value === 'object') queue.push([value, depth + 1]);
    }
  }
  return out;
}

function put(slot: Slot, value: unknown): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setOwn(slot.parent, slot.key as string, value);
}

function remove(slot: Slot): void {
  if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
  else delete slot.parent[slot.key as string];
}

/** A changed string: cut, grown, a character flipped, a token planted, or another odd string. */
export function mutateString(rng: Rng, s: string): string {
  return rng.weighted<() => string>([
    [3, () => hostileString(rng)],
    [2, () => s.slice(0, rng.int(s.length + 1))],
    [
      2,
      () => {
        const i = rng.int(s.length + 1);
        return s.slice(0, i) + hostileString(rng).slice(0, 64) + s.slice(i);
      },
    ],
    [
      1,
      () =>
        s +
        s
          .slice(0, 4_096)
          .repeat(rng.pick([2, 16, 100]))
          .slice(0, cap(70_000)),
    ],
    [
      2,
      () => {
        if (s.length === 0) return 'x';
        const i = rng.int(s.length);
        return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(8))) + s.slice(i + 1);
      },
    ],
    [2, () => jwtLike(rng)],
    [1, () => `${s} ${jwtLike(rng)}`],
  ])();
}

/**
 * Characters one mutation may add by copying items. Without a bound, copies of copies snowball
 * (1,000 copies of a HAR entry holding a large body, then 1,000 of those) past the engine's largest
 * string, and the input takes longer to make than any parser takes to read it.
 */
const MAX_COPIED_CHARS = 1_000_000;

/** How many copies of `item` (up to `wanted`, at least 1) fit in MAX_COPIED_CHARS. */
function copiesWithin(item: unknown, wanted: number): number {
  const size = JSON.stringify(item)?.length ?? 4;
  return Math.max(1, Math.min(wanted, Math.floor(MAX_COPIED_CHARS / Math.max(1, size))));
}

/** Whether one copy of `item` fits in MAX_COPIED_CHARS. */
const fitsCopy = (item: unknown) => (JSON.stringify(item)?.length ?? 0) <= MAX_COPIED_CHARS;

/** Mutation operations on one slot of a JSON tree. `text` lets a mutation plant raw fragments (deep nesting, 1e999). */
function mutateSlot(rng: Rng, slot: Slot, all: Slot[], text: JsonText | undefined): void {
  const v = slot.value;
  rng.weighted<() => void>([
    [4, () => put(slot, hostileValue(rng, 3))],
    [
      4,
      () => {
        // Same type, other value: keeps most of the file valid so deeper code runs.
        if (typeof v === 'string') put(slot, mutateString(rng, v));
        else if (typeof v === 'number') put(slot, hostileNumber(rng));
        else if (typeof v === 'boolean') put(slot, !v);
        else put(slot, hostileValue(rng, 2));
      },
    ],
    [2, () => remove(slot)],
    [1, () => put(slot, null)],
    [
      2,
      () => {
        // A value copied from elsewhere in the same file: ids that collide, times out of order, kinds swapped.
        const from = rng.pick(all).value;
        put(slot, fitsCopy(from) ? structuredClone(from) : hostileValue(rng, 2));
      },
    ],
    [
      2,
      () => {
        if (Array.isArray(slot.parent))
          slot.parent.splice(rng.int(slot.parent.length + 1), 0, fitsCopy(v) ? structuredClone(v) : null);
        else setOwn(slot.parent, hostileString(rng).slice(0, 100), hostileValue(rng, 2));
      },
    ],
    [
      1,
      () => {
        if (Array.isArray(v)) v.reverse();
        else if (v && typeof v === 'object') put(slot, Object.fromEntries(Object.entries(v).reverse()));
        else put(slot, [v]);
      },
    ],
    [
      1,
      () => {
        if (Array.isArray(v) && v.length) {
          const item = v[rng.int(v.length)];
          v.push(
            ...Array.from({ length: copiesWithin(item, rng.pick([10, 100, 1_000])) }, () => structuredClone(item)),
          );
        } else put(slot, { [rng.chance(0.5) ? 'value' : '__proto__']: v });
      },
    ],
    [text ? 1 : 0, () => put(slot, rawFragment(rng, text!))],
  ])();
}

/** Applies 1–`max` random mutations to a JSON value in place (a clone is the caller's job); returns it. */
export function mutateJson<T>(rng: Rng, root: T, max = 8, text?: JsonText): T {
  const n = 1 + Math.min(rng.int(max), rng.int(max));
  for (let i = 0; i < n; i++) {
    const all = slots(root);
    if (all.length === 0) break;
    mutateSlot(rng, rng.pick(all), all, text);
  }
  return root;
}

/**
 * Type-preserving mutation of a log (LogEntry[]): strings stay strings, numbers numbers, booleans
 * booleans, so most entries still pass the event schemas and reach the diagnosis and the timeline;
 * Summary-typed members (args, detail, value, payload) take hostile JSON; entries are dropped,
 * duplicated, reordered; ids and times are copied across entries so they collide.
 */
export function mutateLog(rng: Rng, entries: unknown[], max = 10): unknown[] {
  const n = 1 + Math.min(rng.int(max), rng.int(max));
  for (let i = 0; i < n; i++) {
    if (entries.length === 0) break;
    rng.weighted<() => void>([
      [1, () => entries.splice(rng.int(entries.length), 1)],
      [1, () => entries.splice(rng.int(entries.length + 1), 0, structuredClone(entries[rng.int(entries.length)]))],
      [
        1,
        () => {
          const a = rng.int(entries.length);
          const b = rng.int(entries.length);
          [entries[a], entries[b]] = [entries[b], entries[a]];
        },
      ],
      [
        10,
        () => {
          const all = slots(entries);
          const slot = rng.pick(all);
          const v = slot.value;
          const key = String(slot.key);
          if (slot.parent === entries) return;
          if (['args', 'detail', 'value', 'payload', 'result'].includes(key)) {
            put(slot, hostileValue(rng, 3));
          } else if (typeof v === 'string') {
            const same = all.filter((s) => String(s.key) === key && typeof s.value === 'string');
            put(
              slot,
              rng.chance(0.3) && same.length
                ? rng.pick(same).value
                : /token/i.test(key) || rng.chance(0.1)
                  ? jwtLike(rng)
                  : mutateString(rng, v),
            );
          } else if (typeof v === 'number') {
            const same = all.filter((s) => String(s.key) === key && typeof s.value === 'number');
            put(slot, rng.chance(0.3) && same.length ? rng.pick(same).value : hostileNumber(rng));
          } else if (typeof v === 'boolean') put(slot, !v);
          else if (v === null) put(slot, rng.pick<unknown>([null, 0, '', 200]));
          else if (rng.chance(0.2)) remove(slot);
          else if (Array.isArray(v) && v.length) v.splice(rng.int(v.length), 1);
        },
      ],
      [
        2,
        () => {
          // A token planted where the timeline and the auth checks decode it.
          const e = (rng.pick(entries) as { event?: Record<string, unknown> })?.event;
          if (!e || typeof e !== 'object') return;
          if (e.kind === 'provider.callback') setOwn(e, 'token', jwtLike(rng));
          else if (e.kind === 'omnichannel.http') setOwn(e, 'authenticatedUserToken', jwtLike(rng));
        },
      ],
      [
        1,
        () => {
          // Another entry's kind, so fields meet checks that expect other shapes (mostly rejected by the schema).
          const a = (rng.pick(entries) as { event?: Record<string, unknown> })?.event;
          const b = (rng.pick(entries) as { event?: Record<string, unknown> })?.event;
          if (a && b && typeof a === 'object' && typeof b === 'object') setOwn(a, 'kind', b.kind);
        },
      ],
    ])();
  }
  return entries;
}

/** Byte-level damage to a text: cut, a range deleted or duplicated, a character changed or inserted. */
export function mutateText(rng: Rng, text: string): string {
  const n = 1 + rng.int(4);
  let s = text;
  for (let i = 0; i < n; i++) {
    const at = rng.int(s.length + 1);
    const len = Math.min(s.length - at, rng.size(8, 4_096));
    s = rng.weighted<() => string>([
      [1, () => s.slice(0, at)],
      [2, () => s.slice(0, at) + s.slice(at + len)],
      [1, () => s.slice(0, at + len) + s.slice(at, at + len) + s.slice(at + len)],
      [
        3,
        () =>
          s.slice(0, at) +
          rng.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\\u', '0', '-', 'e', '\u0000', '\ud800']) +
          s.slice(at + 1),
      ],
      [
        2,
        () =>
          s.slice(0, at) +
          rng.pick(['{"toString":0}', '1e999', '-0', 'null', '"__proto__":{},', '[[[[[[[[', ']]]]]']) +
          s.slice(at),
      ],
    ])();
  }
  return s;
}
