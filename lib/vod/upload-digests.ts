// Pass 1 over a file (lib/vod/upload-source.ts): the whole file's SHA-1, which InitUpload needs
// before any part is sent, and on the same reads each part's MD5 (UploadPart's dataMd5), so that
// pass 2 only reads and sends. The SHA-1 is serial and takes one CPU; the MD5s go to a side worker
// (lib/vod/upload-hash.ts sideHasher) on the CPU that pass 1 otherwise leaves idle, and the main
// thread takes a block's MD5 itself when the worker already has SIDE_DEPTH blocks queued (MD5 is
// about half as fast as SHA-1, so the two threads share the MD5s and finish together).
//
// Memory: one block being read, one being hashed here, SIDE_DEPTH at the worker (5 parts, as
// many as pass 2 holds at its default concurrency); a block comes back from the worker
// (transferred, not copied) and is read into again. With one CPU there is no side worker and
// pass 1 takes the SHA-1 only, as the MD5s would then just lengthen the serial pass.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { sideHasher } from './upload-hash';

export interface FileDigests {
  sha1: string;
  size: number;
  /** Parts of `partSize` bytes (the last may be shorter), by index = offset / partSize. */
  partSize: number;
  /** Undefined without a side worker (or when it failed): pass 2 then hashes the parts itself. */
  partMd5s?: string[];
  /** The blocks pass 1 read into (partSize bytes each), for pass 2 to read into in turn. */
  blocks: Buffer[];
}

/** Blocks queued at the worker: enough that it never waits for the main thread to hand it one. */
const SIDE_DEPTH = 3;

export async function digestFile(path: string, partSize: number, signal?: AbortSignal): Promise<FileDigests> {
  const sha1 = createHash('sha1');
  const side = sideHasher();
  const handle = await open(path, 'r');
  const md5s: string[] = [];
  const free: Buffer[] = [];
  const atWorker = new Set<Promise<void>>();
  let workerFailed = false;
  const readAt = async (buf: Buffer, position: number): Promise<number> => {
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled;
  };
  const take = () => free.pop() ?? Buffer.allocUnsafeSlow(partSize);
  let size = 0;
  let buf = take();
  let reading = readAt(buf, 0);
  try {
    for (let index = 0; ; index++) {
      const filled = await reading;
      if (filled === 0) break;
      const block = buf;
      size += filled;
      // Read the next block while this one is hashed.
      if (filled === partSize) reading = readAt((buf = take()), size);
      else reading = Promise.resolve(0);
      const bytes = block.subarray(0, filled);
      sha1.update(bytes);
      if (!side) {
        free.push(block); // one CPU: pass 2 takes the MD5s, overlapped with the server's work
      } else if (!workerFailed && filled === partSize && side.load < SIDE_DEPTH) {
        const slot = side.digest('md5', block).then(
          (hashed) => {
            md5s[index] = hashed.digest;
            free.push(hashed.bytes);
          },
          () => {
            workerFailed = true; // the block went down with the worker
          },
        );
        atWorker.add(slot);
        void slot.finally(() => atWorker.delete(slot));
      } else {
        // After a worker failure the MD5s are dropped (pass 2 takes them): none to take here.
        if (!workerFailed) md5s[index] = createHash('md5').update(bytes).digest('hex');
        free.push(block);
      }
      signal?.throwIfAborted();
    }
  } finally {
    await reading.catch(() => undefined);
    await Promise.all(atWorker);
    await handle.close();
  }
  free.push(buf);
  const blocks = [...new Set(free)].filter((b) => b.length === partSize);
  return { sha1: sha1.digest('hex'), size, partSize, partMd5s: side && !workerFailed ? md5s : undefined, blocks };
}
