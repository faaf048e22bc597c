// A small record kept beside a store (its watermark, the relay's highest final block) and
// overwritten in place: two 256-byte slots written in turn, each with a generation and a
// CRC-32C, so that a write cut short leaves the other slot whole. Never grows, so a full
// disk cannot refuse it; not fsynced (see durable-level.ts for why that is safe).
import { open, readFile, type FileHandle } from "node:fs/promises";
import { crc32c } from "./crc32c.js";

const SLOT = 256;
const HEADER = 8; // crc32c u32, length u16, reserved u16

export type SlotRead<T> = { state: "absent" } | { state: "damaged"; reason: string } | { state: "ok"; value: T; generation: number };

/** Reads `file`: the slot with the highest generation whose checksum holds. */
export async function readSlotFile<T>(file: string): Promise<SlotRead<T>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "absent" };
    throw error;
  }
  let best: { value: T; generation: number } | undefined;
  for (let s = 0; s + SLOT <= bytes.length && s < 2 * SLOT; s += SLOT) {
    const length = bytes.readUInt16LE(s + 4);
    if (length === 0 || HEADER + length > SLOT || bytes.readUInt32LE(s) !== crc32c(bytes, s + 4, s + HEADER + length)) continue;
    try {
      const parsed = JSON.parse(bytes.subarray(s + HEADER, s + HEADER + length).toString("utf8")) as { g: number; v: T };
      if (Number.isSafeInteger(parsed.g) && (!best || parsed.g > best.generation)) best = { value: parsed.v, generation: parsed.g };
    } catch {
      // a slot whose checksum holds always parses; skip one that does not
    }
  }
  if (best) return { state: "ok", ...best };
  return { state: "damaged", reason: bytes.length < 2 * SLOT ? `${bytes.length} bytes, shorter than its two slots` : "neither of its two slots is whole" };
}

/** Writes records to `file`, alternating slots. */
export class SlotFile<T> {
  private constructor(private readonly handle: FileHandle, private generation: number) {}

  /** Opens (creating at full size) `file`; `generation`: the highest one read, if any. */
  static async open<T>(file: string, generation = 0): Promise<SlotFile<T>> {
    const handle = await open(file, "a+", 0o600);
    await handle.close();
    const rw = await open(file, "r+");
    // Both slots' bytes written now: later writes overwrite, and never need a new block.
    if ((await rw.stat()).size < 2 * SLOT) await rw.write(Buffer.alloc(2 * SLOT), 0, 2 * SLOT, 0);
    return new SlotFile<T>(rw, generation);
  }

  async write(value: T): Promise<void> {
    const g = ++this.generation;
    const body = Buffer.from(JSON.stringify({ g, v: value }), "utf8");
    if (HEADER + body.length > SLOT) throw new TypeError(`slot record of ${body.length} bytes is too long`);
    const slot = Buffer.alloc(SLOT);
    slot.writeUInt16LE(body.length, 4);
    body.copy(slot, HEADER);
    slot.writeUInt32LE(crc32c(slot, 4, HEADER + body.length), 0);
    await this.handle.write(slot, 0, SLOT, (g % 2) * SLOT);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
