// Chunked upload against a real HTTP upload host that reassembles the parts and checks SHA-1/MD5.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVodClient, VodApiError, type VodClient } from '../../../lib/vod/client';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../../emulator';
import { uploadStream, VodUploadError, type UploadProgress } from '../../../lib/vod/upload';
import { startScriptedVodServer, type RecordedRequest, type Reply, type ScriptedVodServer } from '../../support/scripted-vod-server';

const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const MiB = 1_048_576;
const DATA = randomBytes(3 * MiB + 12_345);
const SHA = createHash('sha1').update(DATA).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const byNumber = (a: number, b: number) => a - b;
const HALF = 524_288; // the smallest chunk: 7 parts of DATA

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
    expect(result).toMatchObject({
      fileId: '7031868222808505913',
      fileSha: SHA,
      size: DATA.length,
      instant: false,
      uploadedParts: 4,
      skippedParts: 0,
    });
    expect(host.file?.equals(DATA)).toBe(true);
    expect(host.partOffsets(server).sort(byNumber)).toEqual([0, MiB, 2 * MiB, 3 * MiB]);
    const init = server.requests[0];
    expect(init?.params).toMatchObject({
      Action: 'InitUpload',
      fileSha: SHA,
      fileSize: String(DATA.length),
      dataSize: String(MiB),
      fileType: 'mp4',
      fileName: 'clip.mp4',
    });
    expect(server.requests.every((r) => r.signature.ok && r.path === '/v3/index.php' && r.method === 'POST')).toBe(true);
    expect(Math.max(...server.requests.map((r) => r.body.length))).toBeLessThanOrEqual(MiB);
    // Parts are answered in any order: the sum of acknowledged parts, one step per part.
    const sent = progress.map((p) => p.sentBytes);
    expect(sent.map((b, i) => b - (sent[i - 1] ?? 0)).sort(byNumber)).toEqual([12_345, MiB, MiB, MiB]);
    expect(sent.at(-1)).toBe(DATA.length);
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
    const part = (i: number, dataMd5?: string) => ({
      offset: i * half,
      dataSize: half,
      dataMd5: dataMd5 ?? md5(DATA.subarray(i * half, (i + 1) * half)),
    });
    // Parts 0, 2, 3 present; part 5 present but with a wrong MD5 (must be resent).
    host.resume = { dataSize: half, parts: [part(0), part(2), part(3), part(5, 'f'.repeat(32))] };
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(host.partOffsets(server).sort(byNumber)).toEqual([1, 4, 5, 6].map((i) => i * half));
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
    let faulted = false;
    host.partFault = (_, offset) =>
      offset === MiB && !faulted ? ((faulted = true), { json: { code: -10004, message: 'write cache failed', canRetry: 1 } }) : undefined;
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(host.partOffsets(server).sort(byNumber)).toEqual([0, MiB, MiB, 2 * MiB, 3 * MiB]);
    expect(result.uploadedParts).toBe(4);
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('part retries are bounded; canRetry=0 is not retried; no FinishUpload after a failed part', async () => {
    host.partFault = (_, offset) => (offset === MiB ? { json: { code: -10005, message: 'cache', canRetry: 1 } } : undefined);
    const error = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', partAttempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodApiError);
    expect(error).toMatchObject({ code: -10005, attempts: 3 });
    expect(host.partOffsets(server).filter((o) => o === MiB)).toHaveLength(3);
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
    // Pass 2 does not hash the whole file again: the host's SHA-1 check at FinishUpload refuses it.
    const error = await uploadStream({ client, source: changing, fileName: 'clip.mp4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodUploadError);
    expect((error as Error).message).toMatch(/source changed between the hashing pass and the upload pass.*-29200/);
    expect((error as Error).cause).toMatchObject({ action: 'FinishUpload', code: -29200 });
    expect(host.file?.equals(DATA)).toBe(false);
  });

  it('refuses a file changed during the upload pass before FinishUpload', async () => {
    const path = join(dir, 'changing.mp4');
    await writeFile(path, DATA);
    let touched = false;
    const onProgress = ({ sentBytes }: UploadProgress) => {
      // Same size, one byte different, in a part already sent.
      if (sentBytes > 0 && !touched) {
        touched = true;
        const copy = Buffer.from(DATA);
        copy[5] = (copy[5]! + 1) % 256;
        writeFileSync(path, copy);
      }
    };
    await expect(uploadStream({ client, source: path, fileName: 'clip.mp4', chunkSize: HALF, onProgress })).rejects.toThrow(
      new VodUploadError('source changed between the hashing pass and the upload pass'),
    );
    expect(touched).toBe(true);
    expect(server.requests.some((r) => r.action === 'FinishUpload')).toBe(false);
  });

  it('validates chunkSize, size, empty sources and fileType before sending anything', async () => {
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', chunkSize: 1000 })).rejects.toThrow(/chunkSize/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', chunkSize: 2 * MiB })).rejects.toThrow(/chunkSize/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', concurrency: 17 })).rejects.toThrow(/concurrency/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'a.mp4', size: 5 })).rejects.toThrow(/expected 5/);
    await expect(uploadStream({ client, source: () => Readable.from([]), fileName: 'a.mp4' })).rejects.toThrow(/empty/);
    await expect(uploadStream({ client, source: piecewise, fileName: 'noext' })).rejects.toThrow(/fileType/);
    await expect(uploadStream({ client, source: piecewise(), sha1: SHA, fileName: 'a.mp4' })).rejects.toThrow(/size is required/);
    expect(server.requests).toHaveLength(0);
  });
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

interface Overlap {
  /** UploadPart requests being held right now, and the most at once. */
  now: number;
  max: number;
  /** Offsets in the order they were answered, and their bytes. */
  answered: number[];
  answeredBytes: number;
}

/** UploadPart answers wait for `hold`; the host sees how many parts overlap. */
function holdParts(hold: (offset: number, overlap: Overlap) => Promise<unknown>): Overlap {
  const overlap: Overlap = { now: 0, max: 0, answered: [], answeredBytes: 0 };
  server.setHandler(async (req) => {
    if (req.action !== 'UploadPart') return host.handle(req);
    overlap.max = Math.max(overlap.max, ++overlap.now);
    try {
      await hold(Number(req.params.offset), overlap);
    } finally {
      overlap.now--;
    }
    overlap.answered.push(Number(req.params.offset));
    overlap.answeredBytes += req.body.length;
    return host.handle(req);
  });
  return overlap;
}

const finished = () => server.requests.some((r) => r.action === 'FinishUpload');

describe('uploadStream: parts in flight', () => {
  it('keeps `concurrency` parts in flight and reassembles parts answered out of order', async () => {
    // Part 0 is answered last of all; the others flow through the remaining slots.
    const overlap = holdParts(async (offset, o) => {
      if (offset !== 0) await sleep(10);
      while (offset === 0 && o.answered.length < 6) await sleep(2);
    });
    const result = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', chunkSize: HALF, concurrency: 3 });
    expect(overlap.max).toBe(3);
    expect(overlap.answered.at(-1)).toBe(0);
    // FinishUpload succeeded: the host's SHA-1 of the reassembled bytes matched.
    expect(result).toMatchObject({ fileId: '7031868222808505913', uploadedParts: 7 });
    expect(host.file?.equals(DATA)).toBe(true);
  });

  it('defaults to 4 parts in flight; concurrency 1 sends them one by one, in order', async () => {
    const four = deferred();
    const overlap = holdParts((_, o) => (o.now === 4 && four.resolve(), Promise.race([four.promise, sleep(2000)])));
    await uploadStream({ client, source: piecewise, fileName: 'clip.mp4' });
    expect(overlap.max).toBe(4);

    server.reset();
    host = new UploadHost();
    const serial = holdParts(() => sleep(2));
    await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', chunkSize: HALF, concurrency: 1 });
    expect(serial.max).toBe(1);
    expect(serial.answered).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => i * HALF));
  });

  it('a part failing with canRetry=0 stops the upload with that error; the parts in flight are aborted, none unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const release = deferred();
    host.partFault = (_, offset) => (offset === HALF ? { json: { code: -10006, message: 'bad body', canRetry: 0 } } : undefined);
    // Every other part is held until the end: the upload can only settle if it stops waiting for them.
    holdParts((offset) => (offset === HALF ? Promise.resolve() : release.promise));
    try {
      const error = await uploadStream({ client, source: piecewise, fileName: 'clip.mp4', chunkSize: HALF, concurrency: 3 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(VodApiError);
      expect(error).toMatchObject({ code: -10006, attempts: 1 });
      // No part started after the failure: only the first three were ever sent.
      expect(host.partOffsets(server)).toContain(HALF);
      expect(host.partOffsets(server).every((o) => o < 3 * HALF)).toBe(true);
      expect(finished()).toBe(false);
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      release.resolve();
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('abort stops hashing, reading and every part in flight', async () => {
    const release = deferred();
    const arrived = deferred();
    holdParts((_, o) => (o.now === 2 && arrived.resolve(), release.promise));
    const controller = new AbortController();
    const upload = uploadStream({
      client,
      source: piecewise,
      fileName: 'clip.mp4',
      chunkSize: HALF,
      concurrency: 2,
      signal: controller.signal,
    });
    const settled = upload.catch((e: unknown) => e);
    await arrived.promise;
    controller.abort();
    // Settles while the host still holds both parts: they were aborted, not awaited.
    const error = await settled;
    expect(error).toBeInstanceOf(VodUploadError);
    expect((error as Error).message).toMatch(/aborted/);
    const sent = host.partOffsets(server).length;
    release.resolve();
    await sleep(20);
    expect(host.partOffsets(server)).toHaveLength(sent);
    expect(finished()).toBe(false);

    server.reset();
    await expect(uploadStream({ client, source: piecewise, fileName: 'clip.mp4', signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      VodUploadError,
    );
    expect(server.requests).toHaveLength(0);

    // A source that stalls after its first part: the abort does not wait for more bytes.
    server.setHandler(host.handle);
    const stalled = new Readable({ read() {} });
    stalled.push(DATA.subarray(0, HALF + 1000));
    const late = new AbortController();
    const pending = uploadStream({
      client,
      source: stalled,
      sha1: SHA,
      size: DATA.length,
      fileName: 'clip.mp4',
      chunkSize: HALF,
      signal: late.signal,
    });
    const settledLate = pending.catch((e: unknown) => e);
    while (host.partOffsets(server).length === 0) await sleep(5);
    late.abort();
    expect(await settledLate).toBeInstanceOf(VodUploadError);
    expect(stalled.destroyed).toBe(true);
  });

  it('buffers at most (concurrency + 1) chunks of the source', async () => {
    const concurrency = 3;
    const piece = 65_536;
    let pulled = 0;
    let maxBuffered = 0;
    const overlap = holdParts(() => sleep(15));
    // Bytes taken from the source but not yet answered by the host, each time another piece is taken.
    const counting = () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < DATA.length; i += piece) {
            maxBuffered = Math.max(maxBuffered, pulled - overlap.answeredBytes);
            pulled += Math.min(piece, DATA.length - i);
            yield DATA.subarray(i, i + piece);
          }
        })(),
        { highWaterMark: 1 },
      );
    const result = await uploadStream({
      client,
      source: counting,
      sha1: SHA,
      size: DATA.length,
      fileName: 'clip.mp4',
      chunkSize: HALF,
      concurrency,
    });
    expect(result.uploadedParts).toBe(7);
    // Slack: the stream's own read-ahead (one piece) and the piece being cut.
    expect(maxBuffered).toBeLessThanOrEqual((concurrency + 1) * HALF + 2 * piece);
    expect(maxBuffered).toBeGreaterThanOrEqual(concurrency * HALF);
  });
});

describe('uploadStream against the emulator', () => {
  let emu: RunningEmulator | undefined;
  let dataDir: string;
  const vodOf = (e: RunningEmulator) =>
    createVodClient({
      secretId: DEV_ACCOUNT.secretId,
      secretKey: DEV_ACCOUNT.secretKey,
      endpoint: e.endpoint,
      uploadEndpoint: e.uploadEndpoint,
    });
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vodflow-upload-emu-'));
  });
  afterAll(async () => {
    await emu?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads parts concurrently; after a crash, resume lists the parts from the journal', async () => {
    emu = await startEmulator({ env: false, log: false, dataDir });
    // Pass 2 of the first attempt breaks after 2 MiB: some parts reach the emulator, the upload fails.
    let opened = 0;
    const breaking = () => {
      if (++opened < 2) return piecewise();
      return Readable.from(
        (async function* () {
          yield DATA.subarray(0, 2 * MiB);
          await sleep(300); // the parts read so far are answered meanwhile
          throw new Error('source broke');
        })(),
      );
    };
    await expect(uploadStream({ client: vodOf(emu), source: breaking, fileName: 'clip.mp4', chunkSize: HALF })).rejects.toThrow(
      /source broke/,
    );
    await emu.close();
    const uploads = join(dataDir, 'uploads');
    const journal = (await readdir(uploads)).find((name) => name.endsWith('.parts'));
    const journaled = new Set(
      (await readFile(join(uploads, journal!), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { offset: number }).offset),
    );
    expect(journaled.size).toBeGreaterThan(0);
    // A crash leaves state.json as it was before the parts: only the journal knows them.
    const statePath = join(dataDir, 'state.json');
    const state = JSON.parse(await readFile(statePath, 'utf8')) as { uploads: Record<string, { parts: object }> };
    for (const session of Object.values(state.uploads)) session.parts = {};
    await writeFile(statePath, JSON.stringify(state));

    emu = await startEmulator({ env: false, log: false, dataDir });
    const result = await uploadStream({ client: vodOf(emu), source: piecewise, fileName: 'clip.mp4', chunkSize: HALF });
    expect(result.skippedParts).toBe(journaled.size);
    expect(result.skippedParts + result.uploadedParts).toBe(7);
    expect(Buffer.from(await (await fetch(result.url!)).arrayBuffer()).equals(DATA)).toBe(true);
    expect((await readdir(uploads)).filter((name) => name.endsWith('.parts'))).toEqual([]);
  });

  it('the SHA-1 kept while parts arrive survives a retried part and is dropped when a hashed part changes', async () => {
    const e = await startEmulator({ env: false, log: false });
    try {
      const vod = vodOf(e);
      const open = async (bytes: Buffer) => {
        const fileSha = createHash('sha1').update(bytes).digest('hex');
        await vod.initUpload({ fileName: 'clip.mp4', fileSha, fileSize: bytes.length, dataSize: HALF, fileType: 'mp4' });
        return {
          part: (i: number, data = bytes.subarray(i * HALF, (i + 1) * HALF)) => vod.uploadPart({ fileSha, offset: i * HALF, data }),
          finish: () => vod.finishUpload({ fileSha }),
        };
      };
      // Out of order (2 is read back once 0 and 1 are in), then part 0 again with the same bytes.
      const retried = await open(DATA.subarray(0, 2 * HALF + 100));
      for (const i of [2, 0, 1, 0]) await retried.part(i);
      expect((await retried.finish()).fileId).toMatch(/^\d+$/);

      // All in and hashed, then part 0 rewritten with other bytes: the finish must notice.
      const changed = await open(DATA.subarray(HALF, 3 * HALF + 100));
      for (const i of [0, 1, 2]) await changed.part(i);
      await changed.part(0, Buffer.alloc(HALF, 7));
      await expect(changed.finish()).rejects.toMatchObject({ code: -10006 });

      // uploadStream over a re-openable source whose bytes differ in pass 2: the emulator's check.
      let opened = 0;
      const changing = () => {
        const copy = Buffer.from(DATA.subarray(0, 2 * HALF));
        if (++opened > 1) copy[HALF + 3] = (copy[HALF + 3]! + 1) % 256;
        return piecewise(copy);
      };
      const error = await uploadStream({ client: vod, source: changing, fileName: 'clip.mp4', chunkSize: HALF }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VodUploadError);
      expect((error as Error).message).toMatch(/source changed between the hashing pass and the upload pass.*-10006/);
      expect((error as Error).cause).toMatchObject({ action: 'FinishUpload', code: -10006 });

      // A sha1 given by the caller that is not the bytes': the same check, said so.
      const wrongSha = createHash('sha1').update('another file').digest('hex');
      const given = uploadStream({
        client: vod,
        source: piecewise(DATA.subarray(0, HALF + 9)),
        sha1: wrongSha,
        size: HALF + 9,
        fileName: 'clip.mp4',
        chunkSize: HALF,
      });
      await expect(given).rejects.toThrow(new RegExp(`the source's bytes are not the sha1 given \\(${wrongSha}\\).*-10006`));
    } finally {
      await e.close();
    }
  });
});
