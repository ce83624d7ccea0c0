// Buffers for UploadPart bodies, reused from part to part. A fresh 1 MiB buffer per part costs
// page faults on first touch and external-memory GC pressure (about a tenth of the emulator's
// time in the upload bench); the body is copied once from the socket's pieces either way.
// A buffer comes back once its part is written and hashed (uploads/session.ts); a body that
// fails a check is simply left to the GC. At most KEEP buffers per size are kept.
const KEEP = 8;
/** Smaller bodies are not worth keeping (and would come from Node's shared pool anyway). */
const MIN_SIZE = 64 * 1024;
const free = new Map<number, Buffer[]>();

/** A buffer of exactly `size` bytes (contents undefined), its memory its own. */
export function takePartBuffer(size: number): Buffer {
  return free.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
}

export function releasePartBuffer(buf: Buffer): void {
  // A detached buffer (its bytes moved to a worker) has length 0.
  if (buf.length < MIN_SIZE || buf.byteOffset !== 0 || buf.length !== buf.buffer.byteLength) return;
  let list = free.get(buf.length);
  if (!list) free.set(buf.length, (list = []));
  if (list.length < KEEP && !list.includes(buf)) list.push(buf);
}

/** readBody's `into` for data-upload requests. */
export const PART_BODY = { minSize: MIN_SIZE, take: takePartBuffer };
