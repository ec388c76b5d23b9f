import type { SessionArea } from '../../src/background/tabLog';

/** Characters a stored value takes, roughly as the log's budget counts them (strings count their length). */
export function storedChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value && typeof value === 'object') {
    const v = value as { gz?: unknown; json?: unknown };
    if (typeof v.gz === 'string') return v.gz.length;
    if (typeof v.json === 'string') return v.json.length;
    return JSON.stringify(value).length;
  }
  return 8;
}

export interface MemoryArea extends SessionArea {
  data: Map<string, unknown>;
  /** Characters stored, values only. */
  used(): number;
  /** Keys of a tab's stored units (not the meta). */
  unitKeys(tabId: number): string[];
  calls: { set: number; remove: number };
}

/**
 * An in-memory stand-in for storage.session that, like the real one, stores copies; with `quota`, a
 * `set` that would take it over that many characters fails like Chrome's ("Resource::kQuotaBytes quota exceeded").
 */
export function memoryArea(quota = Infinity): MemoryArea {
  const data = new Map<string, unknown>();
  const used = () => [...data.values()].reduce<number>((n, v) => n + storedChars(v), 0);
  const area: MemoryArea = {
    data,
    used,
    calls: { set: 0, remove: 0 },
    unitKeys: (tabId) => [...data.keys()].filter((k) => new RegExp(`^log:${tabId}:\\d+$`).test(k)),
    async get(keys) {
      const list = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items) {
      area.calls.set += 1;
      let after = used();
      for (const [k, v] of Object.entries(items))
        after += storedChars(v) - (data.has(k) ? storedChars(data.get(k)) : 0);
      if (after > quota) throw new Error('Resource::kQuotaBytes quota exceeded');
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      area.calls.remove += 1;
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
  return area;
}
