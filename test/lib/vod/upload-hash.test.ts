// The hash workers of the chunked upload: real worker threads and OpenSSL, digests compared with
// node:crypto on the main thread.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator } from '../../../emulator';
import { createVodClient } from '../../../lib/vod/client';
import { uploadStream } from '../../../lib/vod/upload';
import { hashPool } from '../../../lib/vod/upload-hash';

// Real worker threads whatever the machine (the default on two CPUs or fewer is inline).
process.env.VODFLOW_HASH_WORKERS = '2';

const hex = (alg: string, bytes: Uint8Array) => createHash(alg).update(bytes).digest('hex');
const MiB = 1_048_576;

describe('hashPool', () => {
  it('gives the MD5 and SHA-1 of a part, and its memory back', async () => {
    const part = Buffer.allocUnsafeSlow(MiB);
    randomBytes(MiB).copy(part);
    const copy = Buffer.from(part);
    for (const alg of ['md5', 'sha1'] as const) {
      const before = hex(alg, copy);
      const input = alg === 'md5' ? part : Buffer.from(copy.buffer.slice(0), 0, MiB);
      const { digest, bytes } = await hashPool().digest(alg, input);
      expect(digest).toBe(before);
      expect(bytes.equals(copy)).toBe(true);
    }
  });

  it('moves a buffer that owns its memory to the worker instead of copying it', async () => {
    const part = Buffer.allocUnsafeSlow(MiB).fill(3);
    const memory = part.buffer;
    const { digest, bytes } = await hashPool().digest('md5', part);
    expect(digest).toBe(hex('md5', Buffer.alloc(MiB, 3)));
    expect(part.length).toBe(0); // detached: the caller must use `bytes`
    expect(memory.byteLength).toBe(0);
    expect(bytes.length).toBe(MiB);
  });

  it('copies a slice of shared memory and leaves the caller its buffer', async () => {
    const shared = randomBytes(3 * MiB);
    const slice = shared.subarray(MiB, 2 * MiB + 17);
    const small = Buffer.from('part'); // from Node's shared pool
    const [a, b] = await Promise.all([hashPool().digest('md5', slice), hashPool().digest('sha1', small)]);
    expect(a).toEqual({ digest: hex('md5', slice), bytes: slice });
    expect(b).toEqual({ digest: hex('sha1', small), bytes: small });
    expect(shared.length).toBe(3 * MiB);
  });

  it('keeps many digests in flight apart', async () => {
    const parts = Array.from({ length: 24 }, (_, i) => {
      const part = Buffer.allocUnsafeSlow(64 * 1024 + i);
      randomBytes(part.length).copy(part);
      return part;
    });
    const expected = parts.map((p) => hex('md5', p));
    const results = await Promise.all(parts.map((p) => hashPool().digest('md5', p)));
    expect(results.map((r) => r.digest)).toEqual(expected);
    expect(results.map((r) => r.bytes.length)).toEqual(parts.map((_, i) => 64 * 1024 + i));
  });

  it('hashes an empty buffer (and a detached one, which looks the same) as no bytes', async () => {
    const part = Buffer.allocUnsafeSlow(MiB);
    const { bytes } = await hashPool().digest('md5', part);
    for (const empty of [part, Buffer.alloc(0)]) expect((await hashPool().digest('md5', empty)).digest).toBe(hex('md5', Buffer.alloc(0)));
    expect((await hashPool().digest('md5', bytes)).bytes.length).toBe(MiB);
  });

  it('carries a chunked upload through the emulator, both sides hashing in workers', async () => {
    const data = randomBytes(3 * MiB + 4321);
    const emu = await startEmulator({ env: false, log: false });
    try {
      const client = createVodClient({ ...DEV_ACCOUNT, endpoint: emu.endpoint, uploadEndpoint: emu.uploadEndpoint });
      const source = () => Readable.from([data.subarray(0, 1_000_000), data.subarray(1_000_000)]);
      const result = await uploadStream({ client, source, fileName: 'clip.mp4', chunkSize: 524_288, concurrency: 3 });
      expect(result).toMatchObject({ fileSha: hex('sha1', data), uploadedParts: 7, instant: false });
      expect(Buffer.from(await (await fetch(result.url!)).arrayBuffer()).equals(data)).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
