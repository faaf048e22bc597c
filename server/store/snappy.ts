// Snappy decompression (the raw format, github.com/google/snappy format_description.txt),
// which LevelDB uses for table blocks when it saves space. Only what store-check.ts needs
// to read a table's index and data blocks without opening the store; a block whose bytes
// do not decode is reported as damaged, never guessed at.

export class SnappyError extends Error {}

function varint32(src: Uint8Array, pos: number): [number, number] {
  let result = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    if (pos >= src.length) throw new SnappyError("truncated length");
    const byte = src[pos++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result >>> 0, pos];
  }
  throw new SnappyError("length varint too long");
}

/** The bytes `src` (one complete snappy block) decompresses to; throws SnappyError if it is not one. */
export function snappyUncompress(src: Uint8Array): Uint8Array {
  const [length, start] = varint32(src, 0);
  const out = new Uint8Array(length);
  let op = 0;
  let ip = start;
  while (ip < src.length) {
    const tag = src[ip++];
    if ((tag & 3) === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const bytes = len - 60;
        if (ip + bytes > src.length) throw new SnappyError("truncated literal length");
        len = 0;
        for (let i = 0; i < bytes; i++) len |= src[ip + i] << (8 * i);
        len = (len >>> 0) + 1;
        ip += bytes;
      }
      if (ip + len > src.length || op + len > length) throw new SnappyError("literal past the end");
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if ((tag & 3) === 1) {
      if (ip + 1 > src.length) throw new SnappyError("truncated copy");
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip++];
    } else if ((tag & 3) === 2) {
      if (ip + 2 > src.length) throw new SnappyError("truncated copy");
      len = (tag >>> 2) + 1;
      offset = src[ip] | (src[ip + 1] << 8);
      ip += 2;
    } else {
      if (ip + 4 > src.length) throw new SnappyError("truncated copy");
      len = (tag >>> 2) + 1;
      offset = (src[ip] | (src[ip + 1] << 8) | (src[ip + 2] << 16) | (src[ip + 3] << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op || op + len > length) throw new SnappyError("copy out of range");
    // Byte by byte: a copy may overlap what it writes (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset];
  }
  if (op !== length) throw new SnappyError(`decoded ${op} bytes of ${length}`);
  return out;
}
