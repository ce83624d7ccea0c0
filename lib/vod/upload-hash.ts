// MD5 (or SHA-1) of upload parts off the main thread. The protocol hashes every byte on both sides
// (the client's dataMd5 per part, the server's MD5 check and whole-file SHA-1, reference §4.1.2),
// and OpenSSL runs at about 1 GB/s (SHA-1) and 0.55 GB/s (MD5) here: on the main thread that
// leaves the socket and the disk idle while it hashes. A few worker threads hash while the main
// thread reads, sends and writes. A part's bytes are transferred to the worker and back, never
// copied (unless they share their memory with other buffers). See hashPool() for when it is used.
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type HashAlgorithm = 'md5' | 'sha1';

export interface HashPool {
  /** The hex digest of `bytes`, and `bytes` back (the same memory; the argument may be detached). */
  digest(alg: HashAlgorithm, bytes: Buffer): Promise<{ digest: string; bytes: Buffer }>;
}

// Inline CommonJS, so that bundles (esbuild for Lambda) need no separate worker file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', (m) => {
  try {
    const digest = createHash(m.alg).update(m.bytes).digest('hex');
    parentPort.postMessage({ id: m.id, digest, bytes: m.bytes }, m.transfer ? [m.bytes.buffer] : []);
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String((error && error.message) || error) });
  }
});
`;

/** Memory that is this buffer's alone can move to the worker; a slice of a pool must be copied. */
const ownsItsMemory = (bytes: Buffer): boolean =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;

const asBuffer = (u8: Uint8Array): Buffer => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);

interface Reply {
  id: number;
  digest?: string;
  bytes?: Uint8Array;
  error?: string;
}

class HashWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      // Only a worker with answers owed keeps the process alive.
      if (this.pending.size === 0) worker.unref();
      if (reply.error !== undefined) waiter.reject(new Error(`hash worker: ${reply.error}`));
      else waiter.resolve(reply);
    });
    const died = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`hash worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  ask(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      worker.postMessage({ ...message, id }, transfer); // throws on bytes that cannot be sent
      this.pending.set(id, { resolve, reject });
      worker.ref();
    });
  }

  /** Messages queued and not yet answered: the least loaded worker gets the next digest. */
  get load(): number {
    return this.pending.size;
  }
}

const inlinePool: HashPool = {
  async digest(alg, bytes) {
    return { digest: createHash(alg).update(bytes).digest('hex'), bytes };
  },
};

/** A pool that also tells how many digests it still owes. */
export interface LoadedHashPool extends HashPool {
  readonly load: number;
}

function workerPool(size: number): LoadedHashPool {
  const workers = Array.from({ length: size }, () => new HashWorker());
  const leastLoaded = () => workers.reduce((a, b) => (b.load < a.load ? b : a));
  return {
    get load() {
      return workers.reduce((sum, w) => sum + w.load, 0);
    },
    async digest(alg, bytes) {
      // Nothing to gain, and a detached buffer (also of length 0) posted to a worker is never delivered.
      if (bytes.length === 0) return inlinePool.digest(alg, bytes);
      const transfer = ownsItsMemory(bytes);
      const reply = await leastLoaded().ask({ alg, bytes, transfer }, transfer ? [bytes.buffer as ArrayBuffer] : []);
      return { digest: reply.digest!, bytes: transfer ? asBuffer(reply.bytes!) : bytes };
    },
  };
}

let shared: HashPool | undefined;
let side: LoadedHashPool | undefined;

/**
 * The process's pool. VODFLOW_HASH_WORKERS=<n> sets the number of workers (0: inline). By default
 * two workers when there are more than two CPUs, inline otherwise: with two, the uploader's main
 * thread and the kernel's network and disk work (or, in the bench, the emulator on the same
 * machine) already keep both busy, and the bench measured no gain from workers there, only
 * their overhead (npm run bench -- --only upload compares both).
 */
export function hashPool(): HashPool {
  if (!shared) {
    const wanted = Number(process.env.VODFLOW_HASH_WORKERS ?? (availableParallelism() > 2 ? 2 : 0));
    const workers = Number.isInteger(wanted) ? Math.max(0, Math.min(wanted, 8)) : 0;
    shared = workers > 0 ? workerPool(workers) : inlinePool;
  }
  return shared;
}

/**
 * One worker for the upload's hashing pass, which otherwise leaves a CPU idle: it takes the parts'
 * MD5s while the main thread takes the whole file's SHA-1 (lib/vod/upload-digests.ts). None with
 * one CPU or VODFLOW_HASH_WORKERS=0. The worker starts on first use and holds no process.
 */
export function sideHasher(): LoadedHashPool | undefined {
  if (process.env.VODFLOW_HASH_WORKERS === '0' || availableParallelism() < 2) return undefined;
  side ??= workerPool(1);
  return side;
}
