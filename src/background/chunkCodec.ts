/**
 * How closed log chunks are stored in `storage.session`. Chrome counts a stored value by its memory
 * footprint: an array of entry objects costs about 3.5 bytes of the 10 MiB quota per byte of JSON, a
 * string about one byte per character. So the log stores strings only: the open chunk's pieces as JSON
 * text (tabLog.ts), closed chunks compressed once, when they close, with gzip
 * (CompressionStream, https://developer.mozilla.org/docs/Web/API/CompressionStream): a tenth of the JSON.
 *
 * Stored values: `{ gz: <base64 of gzip(JSON)> }` (gzip codec) or `{ json: <JSON text> }` (plain codec,
 * and the open chunk's pieces); a bare array of entries (an older layout) is still read.
 */
import type { LogEntry } from '../shared/events';

export interface ChunkCodec {
  /** Encodes the JSON text of an array of entries. Called once per closed chunk. */
  encode(json: string): Promise<Record<string, unknown>>;
  /** Throws when `stored` is none of the layouts. */
  decode(stored: unknown): Promise<LogEntry[]>;
  /** Characters the stored value takes, for the storage budget. */
  sizeOf(stored: unknown): number;
}

function decodePlain(stored: unknown): LogEntry[] | undefined {
  if (Array.isArray(stored)) return stored as LogEntry[];
  const json = stored && typeof stored === 'object' ? (stored as { json?: unknown }).json : undefined;
  if (typeof json === 'string') {
    const parsed: unknown = JSON.parse(json);
    if (!Array.isArray(parsed)) throw new Error('not a stored chunk');
    return parsed as LogEntry[];
  }
  return undefined;
}

function sizeOfStored(stored: unknown): number {
  if (!stored || typeof stored !== 'object') return 0;
  const s = stored as { gz?: unknown; json?: unknown };
  if (typeof s.gz === 'string') return s.gz.length;
  if (typeof s.json === 'string') return s.json.length;
  return Array.isArray(stored) ? JSON.stringify(stored).length * 4 : 0;
}

/** Stores chunks as JSON text (tests, and browsers without CompressionStream). */
export const plainCodec: ChunkCodec = {
  encode: async (json) => ({ json }),
  decode: async (stored) => {
    const plain = decodePlain(stored);
    if (!plain) throw new Error('not a stored chunk');
    return plain;
  },
  sizeOf: sizeOfStored,
};

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** gzip + base64; falls back to the plain layout where CompressionStream is missing. */
export const gzipCodec: ChunkCodec =
  typeof CompressionStream === 'function'
    ? {
        async encode(json) {
          return { gz: toBase64(await pipe(new TextEncoder().encode(json), new CompressionStream('gzip'))) };
        },
        async decode(stored) {
          const plain = decodePlain(stored);
          if (plain) return plain;
          const gz = stored && typeof stored === 'object' ? (stored as { gz?: unknown }).gz : undefined;
          if (typeof gz !== 'string') throw new Error('not a stored chunk');
          return JSON.parse(
            new TextDecoder().decode(await pipe(fromBase64(gz), new DecompressionStream('gzip'))),
          ) as LogEntry[];
        },
        sizeOf: sizeOfStored,
      }
    : plainCodec;
