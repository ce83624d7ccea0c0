// Pass 1 of a file upload takes the SHA-1 and every part's MD5 (lib/vod/upload-digests.ts), the
// MD5s on a real side worker thread; pass 2 sends them with bytes read again, so the emulator's
// MD5 check is what catches a part changed in between.
import { createHash, randomBytes } from 'node:crypto';
import { openSync, closeSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../../emulator';
import { createVodClient, VodApiError } from '../../../lib/vod/client';
import { uploadStream, VodUploadError } from '../../../lib/vod/upload';
import { digestFile } from '../../../lib/vod/upload-digests';

const MiB = 1_048_576;
const HALF = 524_288;
const DATA = randomBytes(3 * MiB + 12_345);
const hex = (alg: string, bytes: Uint8Array) => createHash(alg).update(bytes).digest('hex');
const partMd5s = (data: Buffer, size: number) =>
  Array.from({ length: Math.ceil(data.length / size) }, (_, i) => hex('md5', data.subarray(i * size, (i + 1) * size)));
/** The side worker exists with two CPUs or more (CI machines have them). */
const SIDE = availableParallelism() >= 2;

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vodflow-digests-'));
  path = join(dir, 'clip.mp4');
  await writeFile(path, DATA);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.VODFLOW_HASH_WORKERS;
});

describe('digestFile', () => {
  it('gives the SHA-1 and the MD5 of each part, the short last one included', async () => {
    for (const partSize of [HALF, MiB]) {
      const d = await digestFile(path, partSize);
      expect(d).toMatchObject({ sha1: hex('sha1', DATA), size: DATA.length, partSize });
      expect(d.partMd5s).toEqual(SIDE ? partMd5s(DATA, partSize) : undefined);
      // Its buffers, for pass 2: one being read, one hashed here, at most 3 at the side worker.
      expect(d.blocks.length).toBeGreaterThan(0);
      expect(d.blocks.length).toBeLessThanOrEqual(5);
      for (const b of d.blocks) expect(b.length).toBe(partSize);
    }
  });

  it('takes the SHA-1 only without a side worker (VODFLOW_HASH_WORKERS=0), leaving the MD5s to pass 2', async () => {
    process.env.VODFLOW_HASH_WORKERS = '0';
    const d = await digestFile(path, MiB);
    expect(d.sha1).toBe(hex('sha1', DATA));
    expect(d.partMd5s).toBeUndefined();
  });

  it('stops on abort', async () => {
    await expect(digestFile(path, HALF, AbortSignal.abort())).rejects.toThrow();
  });
});

describe('uploadStream of a file with pass 1 MD5s, against the emulator', () => {
  let emu: RunningEmulator;
  let dataDir: string;
  const client = () =>
    createVodClient({
      secretId: DEV_ACCOUNT.secretId,
      secretKey: DEV_ACCOUNT.secretKey,
      endpoint: emu.endpoint,
      uploadEndpoint: emu.uploadEndpoint,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    });
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vodflow-digests-emu-'));
    emu = await startEmulator({ env: false, log: false, dataDir });
  });
  afterAll(async () => {
    await emu.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads; the emulator accepts every part and the whole file', async () => {
    const result = await uploadStream({ client: client(), source: path, fileName: 'clip.mp4', chunkSize: HALF });
    expect(result).toMatchObject({ fileSha: hex('sha1', DATA), size: DATA.length, uploadedParts: 7, instant: false });
  });

  it("resumes at the server's dataSize, other than the part size pass 1 took MD5s for", async () => {
    const resumed = join(dir, 'resumed.mp4');
    const data = randomBytes(DATA.length);
    await writeFile(resumed, data);
    // A first attempt in 512 KiB parts, aborted once two of them are on the emulator.
    const stop = new AbortController();
    const first = uploadStream({
      client: client(),
      source: resumed,
      fileName: 'clip.mp4',
      chunkSize: HALF,
      concurrency: 1,
      signal: stop.signal,
      onProgress: ({ sentBytes }) => {
        if (sentBytes >= 2 * HALF) stop.abort();
      },
    });
    await expect(first).rejects.toBeInstanceOf(VodUploadError);
    // InitUpload answers code 1 with dataSize 512 KiB: pass 1's 1 MiB MD5s do not apply.
    const result = await uploadStream({ client: client(), source: resumed, fileName: 'clip.mp4', chunkSize: MiB });
    expect(result.fileSha).toBe(hex('sha1', data));
    expect(result.skippedParts).toBeGreaterThanOrEqual(2);
    expect(result.skippedParts + result.uploadedParts).toBe(7);
  });

  it('a part changed after pass 1 (same size, not yet sent) ends in VodUploadError, without FinishUpload', async () => {
    const changing = join(dir, 'changing.mp4');
    const data = randomBytes(DATA.length);
    await writeFile(changing, data);
    let touched = false;
    const before = emu.stats();
    const finishes = before.actions.FinishUpload ?? 0;
    const refused = before.codes['-10006'] ?? 0;
    const onProgress = () => {
      if (touched) return;
      touched = true;
      // The last byte, in the last part: pass 2 reads it after this first acknowledgement.
      const fd = openSync(changing, 'r+');
      writeSync(fd, Buffer.from([(data.at(-1)! + 1) % 256]), 0, 1, data.length - 1);
      closeSync(fd);
    };
    const error = await uploadStream({
      client: client(),
      source: changing,
      fileName: 'clip.mp4',
      chunkSize: HALF,
      partAttempts: 2,
      onProgress,
    }).catch((e: unknown) => e);
    expect(touched).toBe(true);
    expect(error).toBeInstanceOf(VodUploadError);
    expect((error as Error).message).toMatch(/^source changed between the hashing pass and the upload pass/);
    if (SIDE) {
      // The emulator's MD5 check refused the last part (6 × HALF), sent with pass 1's MD5.
      expect((error as Error).message).toMatch(/UploadPart refused the bytes at offset 3145728 \(code -10006: the body's MD5/);
      expect((error as Error).cause).toBeInstanceOf(VodApiError);
    }
    const after = emu.stats();
    expect(after.actions.FinishUpload ?? 0).toBe(finishes);
    // Both attempts at the changed part (canRetry 1), or none when the file check caught it.
    expect((after.codes['-10006'] ?? 0) - refused).toBe(SIDE ? 2 : 0);
  });
});
