// Pass 2 of the chunked upload (lib/vod/upload.ts): read the source in order, one chunk at a time,
// and keep up to `concurrency` UploadPart calls in flight.
//
// Memory: a chunk is read only into a free buffer, and the next one only once fewer than
// `concurrency` parts are in flight, so at most concurrency + 1 buffers of dataSize exist (the
// parts in flight and the one being read); a buffer is reused once its part has settled.
//
// A part's MD5 comes from pass 1 when it took them (a file: lib/vod/upload-digests.ts); otherwise
// it is computed (lib/vod/upload-hash.ts) as the first step of its slot, so the MD5s of the parts
// in flight overlap with the reading and sending of the others.
// Pass 2 does not hash the whole file again: the server checks the assembled bytes against the
// announced SHA-1 at FinishUpload (lib/vod/upload.ts turns that refusal into VodUploadError).
//
// Failure: the first part that fails for good (the client has already retried what it may) stops
// the pump: no new part starts, the parts in flight are aborted and awaited, then that first
// error is thrown. Every part's promise is caught where it is made, so none can go unhandled.
import { hashPool } from './upload-hash';
import { VodUploadError, type ChunkReader } from './upload-source';

export interface PresentPart {
  dataSize: number;
  dataMd5?: string;
}

export interface PumpInput {
  reader: ChunkReader;
  /** Bytes per part (the last may be shorter). */
  dataSize: number;
  /** Bytes announced in InitUpload; reading past them is an error. */
  size: number;
  concurrency: number;
  /** Parts the server already has (resume), by offset. */
  present: ReadonlyMap<number, PresentPart>;
  /** Buffers to read into before allocating any (those of another length are ignored). */
  buffers?: Buffer[];
  /** A part's MD5 when pass 1 took it already (then pass 2 does not hash that part). */
  knownMd5?(offset: number, bytes: number): string | undefined;
  sendPart(part: { offset: number; data: Buffer; dataMd5: string }, signal: AbortSignal): Promise<unknown>;
  /** Bytes acknowledged so far (parts answered or already present): only grows. */
  onAcknowledged?(bytes: number): void;
  signal?: AbortSignal;
}

export interface PumpResult {
  /** Length of what pass 2 read, to compare with pass 1. */
  bytes: number;
  skippedParts: number;
  uploadedParts: number;
}

/** Rejects as soon as `signal` aborts (a stalled read must not hold the failure); `work`'s late outcome is ignored. */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function pumpParts(input: PumpInput): Promise<PumpResult> {
  const { reader, dataSize, size, concurrency, present, signal } = input;
  const stop = new AbortController();
  const partSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const pool = hashPool();
  const free: Buffer[] = (input.buffers ?? []).filter((b) => b.length === dataSize).slice(0, concurrency + 1);
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let acknowledged = 0;
  let skippedParts = 0;
  let uploadedParts = 0;
  let offset = 0;

  const fail = (error: unknown): void => {
    if (failure) return;
    failure = { error };
    stop.abort(error);
  };
  const acknowledge = (bytes: number): void => {
    acknowledged += bytes;
    try {
      input.onAcknowledged?.(acknowledged);
    } catch (error) {
      fail(error);
    }
  };
  /** One slot: the MD5, then the part unless the server already has it; `buf` is recycled after. */
  const part = async (buf: Buffer, filled: number, at: number): Promise<void> => {
    let owner: Buffer | undefined = buf;
    try {
      let chunk = buf.subarray(0, filled);
      let dataMd5 = input.knownMd5?.(at, filled);
      if (dataMd5 === undefined) {
        const hashed = await pool.digest('md5', chunk);
        // Transferred to the worker and back: the same memory, in a new Buffer.
        chunk = hashed.bytes;
        if (chunk.buffer !== buf.buffer) owner = chunk;
        dataMd5 = hashed.digest;
      }
      const known = present.get(at);
      // A part counts as present only if size and MD5 match; without dataMd5 it is resent.
      if (known && known.dataSize === filled && known.dataMd5?.toLowerCase() === dataMd5) {
        skippedParts++;
        acknowledge(filled);
        return;
      }
      if (failure) return;
      await input.sendPart({ offset: at, data: chunk, dataMd5 }, partSignal);
      uploadedParts++;
      acknowledge(filled);
    } catch (error) {
      // A worker that died with the bytes leaves a detached buffer: it is not recycled.
      if (owner.byteLength === 0) owner = undefined;
      fail(error);
    } finally {
      if (owner) free.push(owner);
    }
  };

  try {
    while (!failure) {
      const buf = free.pop() ?? Buffer.allocUnsafe(dataSize);
      const filled = await unlessAborted(reader.fill(buf), partSignal);
      if (filled === 0) break;
      if (offset + filled > size) throw new VodUploadError(`source grew beyond ${size} bytes between the passes`);
      const at = offset;
      offset += filled;
      while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
      if (failure) break;
      const slot = part(buf, filled, at).finally(() => inFlight.delete(slot));
      inFlight.add(slot);
      if (filled < dataSize) break;
    }
  } catch (error) {
    fail(error);
  } finally {
    // Settles quickly after a failure: the parts in flight were aborted by fail().
    await Promise.all(inFlight);
  }
  if (failure) throw failure.error;
  return { bytes: offset, skippedParts, uploadedParts };
}
