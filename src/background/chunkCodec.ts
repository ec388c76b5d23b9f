/**
 * How log chunks are stored in `storage.session`. Chrome counts about 3.5 bytes of its 10 MB
 * session quota per byte of JSON, so a plain log fills it at about 10,000 events; gzip
 * (CompressionStream, https://developer.mozilla.org/docs/Web/API/CompressionStream) stores the same
 * chunk in a tenth of the space. A stored chunk is `{ gz: <base64 of gzip(JSON)> }`; a bare array
 * (older layout) is still read.
 */
import type { LogEntry } from '../shared/events';

export interface ChunkCodec {
  encode(entries: LogEntry[]): Promise<unknown>;
  /** Throws when `stored` is neither layout. */
  decode(stored: unknown): Promise<LogEntry[]>;
}

/** Stores chunks as they are (tests, and browsers without CompressionStream). */
export const plainCodec: ChunkCodec = {
  encode: async (entries) => entries,
  decode: async (stored) => {
    if (!Array.isArray(stored)) throw new Error('not a stored chunk');
    return stored as LogEntry[];
  },
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
        async encode(entries) {
          return { gz: toBase64(await pipe(new TextEncoder().encode(JSON.stringify(entries)), new CompressionStream('gzip'))) };
        },
        async decode(stored) {
          if (Array.isArray(stored)) return stored as LogEntry[];
          const gz = stored && typeof stored === 'object' ? (stored as { gz?: unknown }).gz : undefined;
          if (typeof gz !== 'string') throw new Error('not a stored chunk');
          return JSON.parse(new TextDecoder().decode(await pipe(fromBase64(gz), new DecompressionStream('gzip')))) as LogEntry[];
        },
      }
    : plainCodec;
