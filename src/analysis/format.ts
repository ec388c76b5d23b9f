/** Small formatting helpers shared by the panel and the headless printer. Pure. */

/** A duration in ms as text: "123.4 ms" under a second, "10.51 s" under a minute, then "2 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
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
  const d = new Date(epochMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

type SummaryLike = null | boolean | number | string | SummaryLike[] | { [key: string]: SummaryLike };

/**
 * A page-value summary (see `summarize` in the page hook) as short JavaScript-like text:
 * `{inNewWindow: false}`, `ƒ getToken`, `undefined`, `TypeError: boom`. Cut to `max` characters.
 */
export function summaryText(value: SummaryLike | undefined, max = 120): string {
  const text = render(value, 3);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function render(v: SummaryLike | undefined, depth: number): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
  if (Array.isArray(v)) return depth <= 0 ? '[…]' : `[${v.map((x) => render(x, depth - 1)).join(', ')}]`;
  const t = v.$type;
  if (typeof t === 'string') {
    switch (t) {
      case 'undefined':
        return 'undefined';
      case 'function':
        return `ƒ ${typeof v.name === 'string' && v.name ? v.name : 'anonymous'}`;
      case 'error':
        return `${String(v.name)}: ${String(v.message)}`;
      case 'node':
        return `<${String(v.name).toLowerCase()}>`;
      case 'promise':
        return 'Promise';
      case 'getter':
        return '(getter)';
      case 'cycle':
        return '(circular)';
      case 'object':
        return '{…}';
      case 'more':
        return `…+${String(v.count)}`;
      case 'bigint':
        return `${String(v.value)}n`;
      case 'symbol':
        return `Symbol(${String(v.value)})`;
      case 'number':
        return String(v.value);
      case 'unreadable':
        return '(unreadable)';
    }
  }
  if (depth <= 0) return '{…}';
  const parts = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${render(x, depth - 1)}`);
  return `{${parts.join(', ')}}`;
}
