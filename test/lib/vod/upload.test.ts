// Chunked upload against a real HTTP upload host that reassembles the parts and checks SHA-1/MD5.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVodClient, VodApiError, type VodClient } from '../../../lib/vod/client';
import { uploadStream, VodUploadError, type UploadProgress } from '../../../lib/vod/upload';
import { startScriptedVodServer, type RecordedRequest, type Reply, type ScriptedVodServer } from '../../support/scripted-vod-server';

const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const MiB = 1_048_576;
const DATA = randomBytes(3 * MiB + 12_345);
const SHA = createHash('sha1').update(DATA).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** A data-upload host that keeps the parts in memory and verifies them at FinishUpload. */
class UploadHost {
  file: Buffer | undefined;
  size = 0;
  dataSize = 0;
  received = new Map<number, string>(); // offset → md5
  resume: { dataSize: number; parts: Array<{ offset: number; dataSize: number; dataMd5?: string }> } | undefined;
  existingFileId: string | undefined;
  /** Per UploadPart request: a scripted failure, or undefined to accept. */
  partFault: (seq: number, offset: number) => Reply | undefined = () => undefined;
  partRequests = 0;

  handle = (req: RecordedRequest): Reply => {
    const p = req.params;
    const fail = (code: number, message: string): Reply => ({ json: { code, message, codeDesc: '', canRetry: 0 } });
    if (req.action === 'InitUpload') {
      if (this.existingFileId && p.fileSha === SHA) {
        return { json: { code: 2, message: '', canRetry: 0, fileId: this.existingFileId } };
      }
      this.size = Number(p.fileSize);
      this.file = Buffer.alloc(this.size);
      if (this.resume) {
        this.dataSize = this.resume.dataSize;
        for (const part of this.resume.parts) {
          DATA.copy(this.file, part.offset, part.offset, part.offset + part.dataSize);
          this.received.set(part.offset, md5(DATA.subarray(part.offset, part.offset + part.dataSize)));
        }
        return { json: { code: 1, message: '', canRetry: 0, dataSize: this.dataSize, listParts: this.resume.parts } };
      }
      this.dataSize = Number(p.dataSize);
      return { json: { code: 0, message: '', codeDesc: '', canRetry: 0 } };
    }
    if (req.action === 'UploadPart') {
      this.partRequests++;
      const offset = Number(p.offset);
      const fault = this.partFault(this.partRequests, offset);
      if (fault) return fault;
      if (!this.file || p.fileSha !== SHA) return fail(-10003, 'unknown fileSha');
      if (Number(p.dataSize) !== req.body.length) return fail(-10006, 'dataSize differs from the body');
      if (md5(req.body) !== p.dataMd5) return fail(-10006, 'dataMd5 differs from the body');
      if (offset % this.dataSize !== 0 || req.body.length > this.dataSize) return fail(-10003, 'bad offset or size');
      req.body.copy(this.file, offset);
      this.received.set(offset, p.dataMd5);
      return { json: { code: 0, message: '', codeDesc: '', canRetry: 0 } };
    }
    if (req.action === 'FinishUpload') {
      const covered = [...this.received.keys()].length === Math.ceil(this.size / this.dataSize);
      if (!this.file || !covered) return fail(-10003, 'parts missing');
      if (createHash('sha1').update(this.file).digest('hex') !== p.fileSha) return fail(-29200, 'sha not equal');
      return { json: { code: 0, message: '', canRetry: 0, fileId: '7031868222808505913', url: 'http://x/vod/7031868222808505913/f0.mp4' } };
    }
    return fail(-10001, 'unknown action');
  };

  partOffsets(server: ScriptedVodServer): number[] {
    return server.requests.filter((r) => r.action === 'UploadPart').map((r) => Number(r.params.offset));
  }
}

let server: ScriptedVodServer;
let host: UploadHost;
let client: VodClient;
let dir: string;
beforeAll(async () => {
  server = await startScriptedVodServer({ secretKey: SECRET_KEY });
  client = createVodClient({
    secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA',
    secretKey: SECRET_KEY,
    endpoint: server.endpoint,
    uploadEndpoint: server.uploadEndpoint,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  dir = await mkdtemp(join(tmpdir(), 'vodflow-upload-test-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  host = new UploadHost();
  server.setHandler(host.handle);
});

/** A stream of DATA in uneven pieces, so chunk boundaries never line up with reads. */
const piecewise = (data: Buffer = DATA) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 100_003) yield data.subarray(i, i + 100_003);
    })(),
  );

describe('uploadStream', () => {
  it('uploads ~3 MiB in 1 MiB parts from a re-openable source; the server reassembles and verifies', async () => {
    const progress: UploadProgress[] = [];
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ fileId: '7031868222808505913', fileSha: SHA, size: DATA.length, instant: false, uploadedParts: 4, skippedParts: 0 });
    expect(host.file?.equals(DATA)).toBe(true);
    expect(host.partOffsets(server)).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    const init = server.requests[0];
    expect(init?.params).toMatchObject({ Action: 'InitUpload', fileSha: SHA, fileSize: String(DATA.length), dataSize: String(MiB), fileType: 'mp4', fileName: 'clip.mp4' });
    expect(server.requests.every((r) => r.signature.ok && r.path === '/v3/index.php' && r.method === 'POST')).toBe(true);
    expect(Math.max(...server.requests.map((r) => r.body.length))).toBeLessThanOrEqual(MiB);
    expect(progress.map((p) => p.sentBytes)).toEqual([MiB, 2 * MiB, 3 * MiB, DATA.length]);
    expect(progress.every((p) => p.totalBytes === DATA.length)).toBe(true);
  });

  it('uploads from a file path, opened twice', async () => {
    const path = join(dir, 'source.mp4');
    await writeFile(path, DATA);
    const result = await uploadStream({ client, source: path, fileName: 'source.mp4', chunkSize: 524_288 });
    expect(result.uploadedParts).toBe(7);
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('uploads a one-shot stream by spooling it during the hashing pass', async () => {
    const result = await uploadStream({ client, source: piecewise(), fileName: 'x.mov', tmpDir: dir });
    expect(result).toMatchObject({ fileSha: SHA, uploadedParts: 4 });
    expect(host.file?.equals(DATA)).toBe(true);
    expect(server.requests[0]?.params.fileType).toBe('mov');
    // The spool is gone afterwards.
    expect((await readdir(dir)).filter((name) => name.startsWith('vodflow-upload-'))).toEqual([]);
  });

  it('uses a known sha1 with a one-shot stream in a single pass', async () => {
    const result = await uploadStream({ client, source: piecewise(), sha1: SHA.toUpperCase(), size: DATA.length, fileName: 'x.mp4' });
    expect(result.fileId).toBe('7031868222808505913');
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('resume (code 1): sends only the missing parts, at the server-given dataSize', async () => {
    const half = 524_288;
    const part = (i: number, dataMd5?: string) => ({ offset: i * half, dataSize: half, dataMd5: dataMd5 ?? md5(DATA.subarray(i * half, (i + 1) * half)) });
    // Parts 0, 2, 3 present; part 5 present but with a wrong MD5 (must be resent).
    host.resume = { dataSize: half, parts: [part(0), part(2), part(3), part(5, 'f'.repeat(32))] };
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(host.partOffsets(server)).toEqual([1, 4, 5, 6].map((i) => i * half));
    expect(result).toMatchObject({ skippedParts: 3, uploadedParts: 4 });
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('instant upload (code 2): returns the fileId without any UploadPart or FinishUpload', async () => {
    host.existingFileId = '16092504232103571364';
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(result).toMatchObject({ fileId: '16092504232103571364', instant: true, uploadedParts: 0 });
    expect(server.requests.map((r) => r.action)).toEqual(['InitUpload']);
  });

  it('a part answered canRetry=1 is retried, then the upload completes', async () => {
    host.partFault = (seq) => (seq === 2 ? { json: { code: -10004, message: 'write cache failed', canRetry: 1 } } : undefined);
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(host.partOffsets(server)).toEqual([0, MiB, MiB, 2 * MiB, 3 * MiB]);
    expect(result.uploadedParts).toBe(4);
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('part retries are bounded; canRetry=0 is not retried; no FinishUpload after a failed part', async () => {
    host.partFault = (_, offset) => (offset === MiB ? { json: { code: -10005, message: 'cache', canRetry: 1 } } : undefined);
    const error = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', partAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodApiError);
    expect(error).toMatchObject({ code: -10005, attempts: 3 });
    expect(host.partOffsets(server)).toEqual([0, MiB, MiB, MiB]);
    expect(server.requests.some((r) => r.action === 'FinishUpload')).toBe(false);

    server.reset();
    host = new UploadHost();
    host.partFault = () => ({ json: { code: -10006, message: 'bad body', canRetry: 0 } });
    server.setHandler(host.handle);
    await expect(uploadStream({ client, source: piecewise, fileName: 'clip.mp4' })).rejects.toMatchObject({ code: -10006, attempts: 1 });
  });

  it('refuses a source that changes between the passes', async () => {
    let opened = 0;
    const changing = () => {
      opened++;
      const copy = Buffer.from(DATA);
      if (opened > 1) copy[5] = (copy[5]! + 1) % 256;
      return piecewise(copy);
    };
    await expect(uploadStream({ client, source: changing, fileName: 'clip.mp4' })).rejects.toBeInstanceOf(VodUploadError);
    expect(server.requests.some((r) => r.action === 'FinishUpload')).toBe(false);
  });

  it('validates chunkSize, size, empty sources and fileType before sending anything', async () => {
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', chunkSize: 1000 })).rejects.toThrow(/chunkSize/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', chunkSize: 2 * MiB })).rejects.toThrow(/chunkSize/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', size: 5 })).rejects.toThrow(/expected 5/);
    await expect(uploadStream({ client, source: () => Readable.from([]), fileName: 'a.mp4' })).rejects.toThrow(/empty/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'noext' })).rejects.toThrow(/fileType/);
    await expect(uploadStream({ client, source: piecewise(), sha1: SHA, fileName: 'a.mp4' })).rejects.toThrow(/size is required/);
    expect(server.requests).toHaveLength(0);
  });
});
