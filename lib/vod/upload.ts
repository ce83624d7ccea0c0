// Chunked server upload to VOD (InitUpload → UploadPart… → FinishUpload, reference §4.1.2).
//
// InitUpload needs the SHA-1 of the whole file before any byte is sent, so the source is read
// twice: pass 1 hashes, pass 2 uploads. Memory stays bounded by one chunk in both passes:
// - a file path or a re-openable source `() => Readable` is simply opened twice;
// - a one-shot Readable is spooled to a temporary file during pass 1 (deleted afterwards);
// - a caller that already knows the SHA-1 (and size) passes `sha1` and skips pass 1.
// Pass 2 hashes again and refuses to finish if the bytes changed between the passes.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, VodResponseError, type VodClient } from './client';

export const DEFAULT_CHUNK_SIZE = MAX_CHUNK_SIZE;
/** A server-chosen dataSize (resume) above this is refused, to keep memory bounded. */
const MAX_SERVER_CHUNK_SIZE = 16 * MAX_CHUNK_SIZE;

/** A file path, a one-shot stream, or a function that opens the same bytes again on each call. */
export type UploadSource = string | Readable | (() => Readable | Promise<Readable>);

export interface UploadProgress {
  /** Bytes now on the server (parts sent or already present). */
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
  onProgress?: (progress: UploadProgress) => void;
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

/** The source is unusable: empty, or its bytes differ between the two passes. */
export class VodUploadError extends Error {
  override readonly name = 'VodUploadError';
}

interface Measured {
  sha1: string;
  size: number;
}

async function hashStream(stream: AsyncIterable<unknown>): Promise<Measured> {
  const hash = createHash('sha1');
  let size = 0;
  for await (const piece of stream) {
    const buf = toBuffer(piece);
    hash.update(buf);
    size += buf.length;
  }
  return { sha1: hash.digest('hex'), size };
}

const toBuffer = (piece: unknown): Buffer =>
  Buffer.isBuffer(piece) ? piece : typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece as Uint8Array);

/** Cut a stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* chunksOf(stream: AsyncIterable<unknown>, size: number): AsyncGenerator<Buffer> {
  let buf = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const piece of stream) {
    let rest = toBuffer(piece);
    while (rest.length > 0) {
      const n = Math.min(size - filled, rest.length);
      rest.copy(buf, filled, 0, n);
      filled += n;
      rest = rest.subarray(n);
      if (filled === size) {
        yield buf;
        buf = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buf.subarray(0, filled);
}

const validChunkSize = (chunkSize: number): number => {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunkSize must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}], got ${chunkSize}`);
  }
  return chunkSize;
};

const fileTypeOf = (fileName: string): string => {
  const ext = extname(fileName).slice(1).toLowerCase();
  if (!ext) throw new VodUploadError(`cannot tell the fileType of "${fileName}": pass fileType`);
  return ext;
};

/** Pass 1: the SHA-1 and size, plus a way to open the same bytes for pass 2. */
async function prepare(
  options: UploadStreamOptions,
  cleanup: Array<() => Promise<void>>,
): Promise<Measured & { open: () => Promise<AsyncIterable<unknown>> }> {
  const { source } = options;
  if (typeof source === 'string') {
    const open = async () => createReadStream(source);
    if (options.sha1) return { sha1: options.sha1.toLowerCase(), size: options.size ?? (await stat(source)).size, open };
    return { ...(await hashStream(await open())), open };
  }
  if (typeof source === 'function') {
    const open = async () => source();
    if (options.sha1 && options.size !== undefined) return { sha1: options.sha1.toLowerCase(), size: options.size, open };
    return { ...(await hashStream(await open())), open };
  }
  if (options.sha1) {
    if (options.size === undefined) throw new VodUploadError('size is required with sha1 for a one-shot stream');
    let used = false;
    const open = async () => {
      if (used) throw new VodUploadError('a one-shot stream cannot be read twice');
      used = true;
      return source;
    };
    return { sha1: options.sha1.toLowerCase(), size: options.size, open };
  }
  // One-shot stream, hash unknown: spool it while hashing; pass 2 reads the spool.
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'vodflow-upload-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const spool = join(dir, 'source');
  const hash = createHash('sha1');
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<unknown>) {
      for await (const piece of chunks) {
        const buf = toBuffer(piece);
        hash.update(buf);
        size += buf.length;
        yield buf;
      }
    },
    createWriteStream(spool),
  );
  return { sha1: hash.digest('hex'), size, open: async () => createReadStream(spool) };
}

export async function uploadStream(options: UploadStreamOptions): Promise<UploadResult> {
  const { client, signal, onProgress } = options;
  const chunkSize = validChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const fileType = options.fileType ?? fileTypeOf(options.fileName);
  const partCall = { signal, retry: { maxAttempts: options.partAttempts ?? 5 } };
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const { sha1: fileSha, size, open } = await prepare(options, cleanup);
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
    const present = new Map(init.code === 1 ? init.listParts.map((p) => [p.offset, p] as const) : []);

    const verify = createHash('sha1');
    let offset = 0;
    let skippedParts = 0;
    let uploadedParts = 0;
    for await (const chunk of chunksOf(await open(), dataSize)) {
      verify.update(chunk);
      if (offset + chunk.length > size) throw new VodUploadError(`source grew beyond ${size} bytes between the passes`);
      const dataMd5 = createHash('md5').update(chunk).digest('hex');
      const part = present.get(offset);
      // A part counts as present only if size and MD5 match; without dataMd5 it is resent.
      if (part && part.dataSize === chunk.length && part.dataMd5?.toLowerCase() === dataMd5) {
        skippedParts++;
      } else {
        await client.uploadPart({ fileSha, offset, data: chunk, dataMd5 }, partCall);
        uploadedParts++;
      }
      offset += chunk.length;
      onProgress?.({ sentBytes: offset, totalBytes: size });
    }
    if (offset !== size || verify.digest('hex') !== fileSha) {
      throw new VodUploadError('source changed between the hashing pass and the upload pass');
    }

    const finish = await client.finishUpload({ fileSha }, { signal });
    return { fileId: finish.fileId, url: finish.url, fileSha, size, instant: false, skippedParts, uploadedParts };
  } finally {
    // A one-shot stream left unread (instant upload, early failure) is ours to release.
    if (typeof options.source === 'object' && !options.source.readableEnded) options.source.destroy();
    for (const step of cleanup) await step().catch(() => undefined);
  }
}
