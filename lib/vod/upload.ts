// Chunked server upload to VOD (InitUpload → UploadPart… → FinishUpload, reference §4.1.2).
//
// InitUpload needs the SHA-1 of the whole file before any byte is sent, so the source is read
// twice (lib/vod/upload-source.ts): pass 1 hashes, pass 2 uploads. Memory stays bounded by the
// chunk size (times the parts in flight) in both passes:
// - a file path or a re-openable source `() => Readable` is simply opened twice;
// - a one-shot Readable is spooled to a temporary file during pass 1 (deleted afterwards);
// - a caller that already knows the SHA-1 (and size) passes `sha1` and skips pass 1.
// Pass 2 (lib/vod/upload-parts.ts) keeps `concurrency` parts in flight, so the upload is not
// bound by one round trip per part. Pass 1 over a file also takes each part's MD5 on the CPU the
// serial SHA-1 leaves idle (lib/vod/upload-digests.ts), so pass 2 only reads and sends; other
// sources are hashed part by part in pass 2.
//
// A source that changed between the passes ends in VodUploadError: pass 2 counts the bytes, a
// file path is checked (size, inode, mtime) before FinishUpload, a part whose bytes are not the
// ones pass 1 took its MD5 of is refused by the server (-10006), and the server checks the
// assembled bytes against fileSha at FinishUpload (the emulator's -10006; the legacy API's
// -29200 "upload file sha checksum not equal", reference §3.4). Pass 2 does not hash the whole
// file a second time for that: it was a third SHA-1 pass over every byte (after pass 1 and the
// server's), the largest share of the uploader's CPU after MD5.
import { fileTypeOf } from './media-name';
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, VodApiError, VodResponseError, type VodClient } from './client';
import { pumpParts } from './upload-parts';
import { prepare, VodUploadError, type ChunkReader, type UploadSource } from './upload-source';

export { VodUploadError, type UploadSource } from './upload-source';

export const DEFAULT_CHUNK_SIZE = MAX_CHUNK_SIZE;
/** A server-chosen dataSize (resume) above this is refused, to keep memory bounded. */
const MAX_SERVER_CHUNK_SIZE = 16 * MAX_CHUNK_SIZE;
export const DEFAULT_CONCURRENCY = 4;
const MAX_CONCURRENCY = 16;

export interface UploadProgress {
  /** Bytes now on the server (parts acknowledged or already present); never decreases. */
  sentBytes: number;
  totalBytes: number;
}

export interface UploadStreamOptions {
  client: Pick<VodClient, 'initUpload' | 'uploadPart' | 'finishUpload'>;
  source: UploadSource;
  fileName: string;
  /** Container by extension (mp4, mov…); default: the extension of fileName. */
  fileType?: string;
  /** Bytes; required when `sha1` is given for a stream, otherwise measured (and checked if given). */
  size?: number;
  /** SHA-1 of the whole source (hex), when known: skips the hashing pass. */
  sha1?: string;
  /** Bytes per part, 524288 … 1048576 (the documented dataSize range); default 1 MiB. */
  chunkSize?: number;
  tags?: string[];
  classId?: number;
  isTranscode?: boolean;
  isScreenshot?: boolean;
  isWatermark?: boolean;
  /** Attempts per part: network faults, HTTP 5xx and canRetry=1 answers are retried; default 5. */
  partAttempts?: number;
  /**
   * UploadPart calls in flight, 1 … 16; default 4. Memory for chunks is at most
   * (concurrency + 1) × chunk size.
   */
  concurrency?: number;
  onProgress?: (progress: UploadProgress) => void;
  /** Stops hashing, reading and every part in flight; the upload then rejects with VodUploadError. */
  signal?: AbortSignal;
  /** Where a one-shot stream is spooled; default os.tmpdir(). */
  tmpDir?: string;
}

export interface UploadResult {
  fileId: string;
  url?: string;
  fileSha: string;
  size: number;
  /** InitUpload answered code 2: the file already existed, nothing was sent. */
  instant: boolean;
  /** Parts skipped because the server already had them (InitUpload code 1). */
  skippedParts: number;
  uploadedParts: number;
}

/** FinishUpload's answers for assembled bytes whose SHA-1 is not fileSha (reference §3.4). */
const ASSEMBLED_SHA1_MISMATCH = new Set<number | string>([-10006, -29200]);
const CHANGED = 'source changed between the hashing pass and the upload pass';
/** UploadPart's "包体非法" (reference §3.4): the body is not dataSize bytes with MD5 dataMd5. */
const BODY_REFUSED = -10006;

const validChunkSize = (chunkSize: number): number => {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}], got ${chunkSize}`);
  }
  return chunkSize;
};

const validConcurrency = (concurrency: number): number => {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new RangeError(`concurrency must be an integer in [1, ${MAX_CONCURRENCY}], got ${concurrency}`);
  }
  return concurrency;
};

const fileTypeFrom = (fileName: string): string => {
  const type = fileTypeOf(fileName);
  if (!type) throw new VodUploadError(`cannot tell the fileType of "${fileName}": pass fileType`);
  return type;
};

export async function uploadStream(options: UploadStreamOptions): Promise<UploadResult> {
  const { client, signal, onProgress } = options;
  const chunkSize = validChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const concurrency = validConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  const fileType = options.fileType ?? fileTypeFrom(options.fileName);
  const partAttempts = options.partAttempts ?? 5;
  const cleanup: Array<() => Promise<void>> = [];
  let reader: ChunkReader | undefined;
  try {
    const { sha1: fileSha, size, open, unchanged, parts, spare } = await prepare({ ...options, partSize: chunkSize }, cleanup);
    if (options.size !== undefined && options.size !== size) {
      throw new VodUploadError(`source has ${size} bytes, expected ${options.size}`);
    }
    if (size === 0) throw new VodUploadError('source is empty: VOD cannot store an empty file');

    const init = await client.initUpload(
      {
        fileName: options.fileName,
        fileSha,
        fileSize: size,
        dataSize: chunkSize,
        fileType,
        tags: options.tags,
        classId: options.classId,
        isTranscode: options.isTranscode,
        isScreenshot: options.isScreenshot,
        isWatermark: options.isWatermark,
      },
      { signal },
    );
    if (init.code === 2) {
      if (!init.fileId) throw new VodResponseError('InitUpload', 'code 2 (file exists) without fileId');
      onProgress?.({ sentBytes: size, totalBytes: size });
      return { fileId: init.fileId, url: init.url, fileSha, size, instant: true, skippedParts: 0, uploadedParts: 0 };
    }
    // On resume the server's dataSize is binding ("must be used from then on").
    const dataSize = init.dataSize ?? chunkSize;
    if (!Number.isInteger(dataSize) || dataSize <= 0 || dataSize > MAX_SERVER_CHUNK_SIZE) {
      throw new VodResponseError('InitUpload', `unusable dataSize ${dataSize}`);
    }
    reader = await open();
    // Pass 1's MD5s hold for parts of the size it cut (not for a resume at another dataSize).
    const md5s = parts?.partSize === dataSize ? parts.md5s : undefined;
    const sendPart = (part: { offset: number; data: Buffer; dataMd5: string }, partSignal: AbortSignal) =>
      client.uploadPart({ fileSha, ...part }, { signal: partSignal, retry: { maxAttempts: partAttempts } }).catch((error: unknown) => {
        // Pass 2 sent pass 1's MD5 with bytes read again: the server found them different.
        if (md5s && error instanceof VodApiError && error.code === BODY_REFUSED) {
          throw new VodUploadError(
            `${CHANGED}, or the part was damaged on its way: UploadPart refused the bytes at offset ${part.offset} (code ${error.code}: ${error.apiMessage})`,
            { cause: error },
          );
        }
        throw error;
      });
    const pass2 = await pumpParts({
      reader,
      dataSize,
      size,
      concurrency,
      buffers: spare,
      present: new Map(init.code === 1 ? init.listParts.map((p) => [p.offset, p] as const) : []),
      knownMd5: md5s && ((offset, bytes) => (bytes === Math.min(dataSize, size - offset) ? md5s[offset / dataSize] : undefined)),
      sendPart,
      onAcknowledged: onProgress && ((sentBytes) => onProgress({ sentBytes, totalBytes: size })),
      signal,
    });
    if (pass2.bytes !== size || (unchanged && !(await unchanged()))) throw new VodUploadError(CHANGED);

    const finish = await client.finishUpload({ fileSha }, { signal }).catch((error: unknown) => {
      if (error instanceof VodApiError && ASSEMBLED_SHA1_MISMATCH.has(error.code)) {
        // With a caller's sha1 there was no hashing pass: that sha1 is the first suspect.
        const why = options.sha1 ? `the source's bytes are not the sha1 given (${fileSha})` : CHANGED;
        throw new VodUploadError(
          `${why}: FinishUpload found other bytes than fileSha ${fileSha} (code ${error.code}: ${error.apiMessage})`,
          {
            cause: error,
          },
        );
      }
      throw error;
    });
    const { skippedParts, uploadedParts } = pass2;
    return { fileId: finish.fileId, url: finish.url, fileSha, size, instant: false, skippedParts, uploadedParts };
  } catch (error) {
    // Whatever was running when the caller aborted (a hash, a read, a part) fails in its own way.
    if (signal?.aborted) throw new VodUploadError('upload aborted by the caller', { cause: signal.reason });
    throw error;
  } finally {
    await reader?.close().catch(() => undefined);
    // A one-shot stream left unread (instant upload, early failure) is ours to release.
    if (typeof options.source === 'object' && !options.source.readableEnded) options.source.destroy();
    for (const step of cleanup) await step().catch(() => undefined);
  }
}
