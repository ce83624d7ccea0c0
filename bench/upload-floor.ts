// The work an upload cannot avoid, measured on this machine in the same run (bench/upload.ts), as
// CPU seconds (user + system, every thread) per GiB: what the protocol makes both sides hash, and
// what the kernel must copy — the source read twice (the SHA-1 before InitUpload, then the parts),
// the parts over loopback TCP into a reused buffer, and the emulator's one write of the file into
// the page cache (the same copy the disk-write baseline makes). Nothing of vodflow runs here.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';

const GiB = 1024 ** 3;
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

/** One thread's OpenSSL hashing, 1 MiB updates as the upload feeds them: CPU s per GiB. */
export function hashCpu(alg: 'sha1' | 'md5', bytes: number, block: Buffer): number {
  const since = process.cpuUsage();
  const hash = createHash(alg);
  for (let off = 0; off < bytes; off += block.length) hash.update(block);
  hash.digest();
  return (cpuSeconds(since) * GiB) / bytes;
}

/** Positional 1 MiB reads of a file in the page cache into one reused buffer: CPU s per GiB. */
export function readCpu(path: string, bytes: number, block: Buffer): number {
  const fd = openSync(path, 'r');
  try {
    const since = process.cpuUsage();
    let read = 0;
    while (read < bytes) {
      const n = readSync(fd, block, 0, block.length, read);
      if (n === 0) break;
      read += n;
    }
    return (cpuSeconds(since) * GiB) / read;
  } finally {
    closeSync(fd);
  }
}

/**
 * `bytes` over loopback TCP in this process, 1 MiB writes with backpressure, the receiver copying
 * the socket's pieces into one reused 1 MiB buffer (as the emulator reads a part): CPU s per GiB
 * for both ends, the kernel's work included.
 */
export async function loopbackCpu(bytes: number, block: Buffer): Promise<number> {
  const part = Buffer.allocUnsafeSlow(block.length);
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // the sender's destroy() at the end may reset it
    let at = 0;
    socket.on('data', (piece: Buffer) => {
      for (let i = 0; i < piece.length; ) {
        const n = piece.copy(part, at, i);
        i += n;
        at = (at + n) % part.length;
      }
      received += piece.length;
      if (received >= bytes) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const since = process.cpuUsage();
  for (let sent = 0; sent < bytes; sent += block.length) {
    if (!client.write(block)) await new Promise<void>((resolve) => client.once('drain', resolve));
  }
  await finished;
  const seconds = cpuSeconds(since);
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return (seconds * GiB) / bytes;
}
