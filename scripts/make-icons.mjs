// Writes the extension's PNG icons (a speech bubble with a key slot) into assets/icons/.
// Run once by hand (`node scripts/make-icons.mjs`); the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};

function icon(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size,
        v = (y + 0.5) / size;
      const inBubble = ((u - 0.5) / 0.45) ** 2 + ((v - 0.45) / 0.38) ** 2 <= 1;
      const inTail = v > 0.7 && v < 0.95 && u > 0.22 && u < 0.42 && u - 0.22 < (0.95 - v) * 0.8;
      const inKey =
        ((u - 0.5) / 0.12) ** 2 + ((v - 0.38) / 0.12) ** 2 <= 1 || (u > 0.46 && u < 0.54 && v > 0.38 && v < 0.62);
      if (inKey && inBubble) row.push(255, 255, 255, 255);
      else if (inBubble || inTail) row.push(0x1f, 0x6f, 0xd6, 255);
      else row.push(0, 0, 0, 0);
    }
    rows.push(Buffer.from(row));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(new URL('../assets/icons/', import.meta.url), { recursive: true });
for (const size of [16, 48, 128])
  writeFileSync(new URL(`../assets/icons/icon${size}.png`, import.meta.url), icon(size));
