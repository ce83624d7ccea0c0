// The two passes over an upload source (lib/vod/upload.ts): pass 1 measures the SHA-1 and size,
// pass 2 reads the same bytes again as chunks into buffers owned by the caller, so the part pump
// can recycle a fixed set of buffers instead of allocating one per part.
//
// A file is read with positional reads straight into those buffers (no stream, no copy); pass 1
// over a file also takes each part's MD5 on the idle CPU (lib/vod/upload-digests.ts).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAbortSignal, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestFile } from './upload-digests';

/** A file path, a one-shot stream, or a function that opens the same bytes again on each call. */
export type UploadSource = string | Readable | (() => Readable | Promise<Readable>);

/** The source is unusable (empty, changed between the passes, one-shot read twice) or the upload was aborted. */
export class VodUploadError extends Error {
  override readonly name = 'VodUploadError';
}

export interface Measured {
  sha1: string;
  size: number;
}

/** Fills caller-owned buffers with the source's next bytes, in order. */
export interface ChunkReader {
  /** Bytes written at the start of `buf`; fewer than buf.length only at the end of the source. */
  fill(buf: Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface Prepared extends Measured {
  /** Each part's MD5 (index = offset / partSize), taken in pass 1 of a file. */
  parts?: { partSize: number; md5s: readonly string[] };
  /** Buffers pass 1 is done with, for pass 2 to reuse (memory stays bounded across the passes). */
  spare?: Buffer[];
  /** Opens the source for pass 2. */
  open(): Promise<ChunkReader>;
  /**
   * A file path: whether the file still has the size, inode and modification time it had when
   * pass 1 began, checked after pass 2 and before FinishUpload (the server's SHA-1 check at
   * FinishUpload catches what this cannot, e.g. a re-openable stream that yields other bytes).
   */
  unchanged?(): Promise<boolean>;
}

/** What identifies a file's content without reading it, and its size. */
const fingerprint = async (path: string): Promise<{ key: string; size: number }> => {
  const s = await stat(path, { bigint: true });
  return { key: `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`, size: Number(s.size) };
};

const toBuffer = (piece: unknown): Buffer =>
  Buffer.isBuffer(piece) ? piece : typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece as Uint8Array);

async function hashStream(stream: AsyncIterable<unknown>, signal?: AbortSignal): Promise<Measured> {
  const hash = createHash('sha1');
  let size = 0;
  for await (const piece of stream) {
    const buf = toBuffer(piece);
    hash.update(buf);
    size += buf.length;
    signal?.throwIfAborted();
  }
  return { sha1: hash.digest('hex'), size };
}

/** Positional reads into the caller's buffer. */
async function fileReader(path: string): Promise<ChunkReader> {
  const handle: FileHandle = await open(path, 'r');
  let position = 0;
  return {
    async fill(buf) {
      let filled = 0;
      while (filled < buf.length) {
        const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position);
        if (bytesRead === 0) break;
        filled += bytesRead;
        position += bytesRead;
      }
      return filled;
    },
    close: () => handle.close(),
  };
}

/** Copies a stream's pieces into the caller's buffer, keeping what does not fit for the next fill. */
function streamReader(stream: Readable, signal?: AbortSignal): ChunkReader {
  // Aborting destroys the stream, so a read waiting on a stalled source fails at once.
  if (signal) addAbortSignal(signal, stream);
  const pieces = stream[Symbol.asyncIterator]();
  let rest: Buffer = Buffer.alloc(0);
  let ended = false;
  return {
    async fill(buf) {
      let filled = 0;
      while (filled < buf.length) {
        if (rest.length === 0) {
          if (ended) break;
          const next = await pieces.next();
          if (next.done) {
            ended = true;
            break;
          }
          rest = toBuffer(next.value);
          continue;
        }
        const n = rest.copy(buf, filled);
        filled += n;
        rest = rest.subarray(n);
      }
      return filled;
    },
    async close() {
      rest = Buffer.alloc(0);
      if (!stream.destroyed) stream.destroy();
    },
  };
}

export interface PrepareInput {
  source: UploadSource;
  sha1?: string;
  size?: number;
  tmpDir?: string;
  signal?: AbortSignal;
  /** The part size pass 1 of a file takes MD5s for. */
  partSize: number;
}

/**
 * Pass 1: the SHA-1 and size, plus a way to read the same bytes for pass 2. A one-shot stream
 * without a known SHA-1 is spooled to a temporary file (its removal is pushed onto `cleanup`).
 */
export async function prepare(input: PrepareInput, cleanup: Array<() => Promise<void>>): Promise<Prepared> {
  const { source, signal } = input;
  const known = input.sha1?.toLowerCase();
  if (typeof source === 'string') {
    const open = () => fileReader(source);
    const before = await fingerprint(source);
    const unchanged = async () => (await fingerprint(source)).key === before.key;
    if (known) return { sha1: known, size: input.size ?? before.size, open, unchanged };
    const { sha1, size, partSize, partMd5s, blocks } = await digestFile(source, input.partSize, signal);
    return { sha1, size, open, unchanged, parts: partMd5s && { partSize, md5s: partMd5s }, spare: blocks };
  }
  if (typeof source === 'function') {
    const open = async () => streamReader(await source(), signal);
    if (known && input.size !== undefined) return { sha1: known, size: input.size, open };
    const stream = await source();
    if (signal) addAbortSignal(signal, stream);
    try {
      return { ...(await hashStream(stream, signal)), open };
    } finally {
      if (!stream.destroyed) stream.destroy();
    }
  }
  if (known) {
    if (input.size === undefined) throw new VodUploadError('size is required with sha1 for a one-shot stream');
    let used = false;
    const open = async () => {
      if (used) throw new VodUploadError('a one-shot stream cannot be read twice');
      used = true;
      return streamReader(source, signal);
    };
    return { sha1: known, size: input.size, open };
  }
  // One-shot stream, hash unknown: spool it while hashing; pass 2 reads the spool.
  const dir = await mkdtemp(join(input.tmpDir ?? tmpdir(), 'vodflow-upload-'));
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
    { signal },
  );
  return { sha1: hash.digest('hex'), size, open: () => fileReader(spool) };
}
