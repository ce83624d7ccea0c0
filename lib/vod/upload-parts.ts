// Pass 2 of the chunked upload (lib/vod/upload.ts): read the source in order, one chunk at a time,
// and keep up to `concurrency` UploadPart calls in flight.
//
// Memory: a chunk is read only into a free buffer, and the next one only once fewer than
// `concurrency` parts are in flight, so at most concurrency + 1 buffers of dataSize exist (the
// parts in flight and the one being read); a buffer is reused once its part has settled.
//
// Failure: the first part that fails for good (the client has already retried what it may) stops
// the pump: no new part starts, the parts in flight are aborted and awaited, then that first
// error is thrown. Every part's promise is caught where it is made, so none can go unhandled.
import { createHash } from 'node:crypto';
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
  sendPart(part: { offset: number; data: Buffer; dataMd5: string }, signal: AbortSignal): Promise<unknown>;
  /** Bytes acknowledged so far (parts answered or already present): only grows. */
  onAcknowledged?(bytes: number): void;
  signal?: AbortSignal;
}

export interface PumpResult {
  /** SHA-1 and length of what pass 2 read, to compare with pass 1. */
  sha1: string;
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
  const verify = createHash('sha1');
  const free: Buffer[] = [];
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
  const send = async (buf: Buffer, chunk: Buffer, at: number, dataMd5: string): Promise<void> => {
    try {
      await input.sendPart({ offset: at, data: chunk, dataMd5 }, partSignal);
    } catch (error) {
      fail(error);
      return;
    } finally {
      free.push(buf);
    }
    uploadedParts++;
    acknowledge(chunk.length);
  };

  try {
    while (!failure) {
      const buf = free.pop() ?? Buffer.allocUnsafe(dataSize);
      const filled = await unlessAborted(reader.fill(buf), partSignal);
      if (filled === 0) break;
      const chunk = buf.subarray(0, filled);
      if (offset + filled > size) throw new VodUploadError(`source grew beyond ${size} bytes between the passes`);
      verify.update(chunk);
      const dataMd5 = createHash('md5').update(chunk).digest('hex');
      const at = offset;
      offset += filled;
      const part = present.get(at);
      // A part counts as present only if size and MD5 match; without dataMd5 it is resent.
      if (part && part.dataSize === filled && part.dataMd5?.toLowerCase() === dataMd5) {
        free.push(buf);
        skippedParts++;
        acknowledge(filled);
      } else {
        while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
        if (failure) break;
        const sending = send(buf, chunk, at, dataMd5).finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
      if (filled < dataSize) break;
    }
  } catch (error) {
    fail(error);
  } finally {
    // Settles quickly after a failure: the parts in flight were aborted by fail().
    await Promise.all(inFlight);
  }
  if (failure) throw failure.error;
  return { sha1: verify.digest('hex'), bytes: offset, skippedParts, uploadedParts };
}
