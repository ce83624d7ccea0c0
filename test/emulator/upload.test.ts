// Data-upload API (reference §4.1.2) and client upload by signature (§4.1.3, §5.1).
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueUploadSignature } from '../../lib/vod/upload-signature';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { api, startReceiver, type Json, type Receiver } from './helpers';

const hex = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');
const DATA_SIZE = 2048;

let emu: RunningEmulator;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  emu = await startEmulator({ env: false, log: false, callbackUrl: receiver.url, callbackMode: 'http' });
});
afterAll(async () => {
  await emu?.close();
  await receiver?.close();
});

const part = (bytes: Buffer, offset: number) => bytes.subarray(offset, offset + DATA_SIZE);

describe('server upload', () => {
  it('uploads in parts, resumes with listParts, finishes, then finishes instantly (code 2)', async () => {
    const bytes = randomBytes(5000);
    const fileSha = hex('sha1', bytes);
    const init = { fileName: 'movie.mp4', fileSha, fileSize: bytes.length, dataSize: DATA_SIZE, fileType: 'mp4' };
    expect(await api(emu.uploadEndpoint, 'InitUpload', init)).toMatchObject({ code: 0, canRetry: 0 });
    const first = part(bytes, 0);
    expect(
      (
        await api(
          emu.uploadEndpoint,
          'UploadPart',
          { fileSha, offset: 0, dataSize: first.length, dataMd5: hex('md5', first) },
          { body: first },
        )
      ).code,
    ).toBe(0);

    const resumed = await api(emu.uploadEndpoint, 'InitUpload', init);
    expect(resumed).toMatchObject({
      code: 1,
      dataSize: DATA_SIZE,
      listParts: [{ offset: 0, dataSize: DATA_SIZE, dataMd5: hex('md5', first) }],
    });

    const second = part(bytes, DATA_SIZE);
    const corrupt = await api(
      emu.uploadEndpoint,
      'UploadPart',
      { fileSha, offset: DATA_SIZE, dataSize: second.length, dataMd5: hex('md5', first) },
      { body: second },
    );
    expect(corrupt).toMatchObject({ code: -10006, canRetry: 1 });
    const early = await api(emu.uploadEndpoint, 'FinishUpload', { fileSha });
    expect(early).toMatchObject({ code: -10003, canRetry: 0 });
    expect(early.message).toContain('2048');

    for (const offset of [DATA_SIZE, 2 * DATA_SIZE]) {
      const p = part(bytes, offset);
      expect(
        (await api(`${emu.url}/v3/index.php`, 'UploadPart', { fileSha, offset, dataSize: p.length, dataMd5: hex('md5', p) }, { body: p }))
          .code,
      ).toBe(0);
    }
    const done = await api(emu.uploadEndpoint, 'FinishUpload', { fileSha });
    expect(done).toMatchObject({ code: 0, canRetry: 0, fileId: expect.stringMatching(/^\d{19}$/) });
    expect(done.url).toBe(`${emu.url}/vod${DEV_ACCOUNT.appId}/${done.fileId}/f0.mp4`);
    expect(Buffer.from(await (await fetch(done.url)).arrayBuffer()).equals(bytes)).toBe(true);

    expect(await api(emu.uploadEndpoint, 'InitUpload', init)).toMatchObject({ code: 2, fileId: done.fileId, url: done.url });
    const event = await receiver.waitFor((b) => b.eventType === 'NewFileUpload' && b.data.fileId === done.fileId);
    expect(event.data).toMatchObject({ sourceType: 'ServerUpload', fileName: 'movie.mp4', fileUrl: done.url });
  });

  it('refuses bad parameters with -10003 and a SHA-1 mismatch at finish with -10006', async () => {
    expect(
      await api(emu.uploadEndpoint, 'InitUpload', { fileName: 'a.mp4', fileSha: 'xyz', fileSize: 10, dataSize: DATA_SIZE }),
    ).toMatchObject({ code: -10003, canRetry: 0 });
    expect((await api(emu.uploadEndpoint, 'InitUpload', { fileSha: 'a'.repeat(40), fileSize: 10, dataSize: DATA_SIZE })).message).toContain(
      'fileName',
    );
    const bytes = randomBytes(100);
    const fileSha = 'b'.repeat(40);
    expect((await api(emu.uploadEndpoint, 'InitUpload', { fileName: 'x.mp4', fileSha, fileSize: 100, dataSize: DATA_SIZE })).code).toBe(0);
    expect(
      (await api(emu.uploadEndpoint, 'UploadPart', { fileSha, offset: 0, dataSize: 100, dataMd5: hex('md5', bytes) }, { body: bytes }))
        .code,
    ).toBe(0);
    expect(await api(emu.uploadEndpoint, 'FinishUpload', { fileSha })).toMatchObject({ code: -10006, canRetry: 0 });
    expect(
      (await api(emu.uploadEndpoint, 'UploadPart', { fileSha, offset: 0, dataSize: 100, dataMd5: hex('md5', bytes) }, { body: bytes }))
        .code,
    ).toBe(-10003);
  });
});

async function uploadEx(signature: string, bytes: Buffer, fileName = 'phone.mp4'): Promise<Json> {
  const fileSha = hex('sha1', bytes);
  const q = (params: Record<string, string | number>) =>
    `${emu.uploadEndpoint}?${new URLSearchParams(Object.entries({ ...params, signature }).map(([k, v]): [string, string] => [k, String(v)]))}`;
  const cors = { origin: 'http://browser.example' };
  const init = await fetch(q({ Action: 'InitUploadEx', fileSha, fileSize: bytes.length, dataSize: DATA_SIZE, fileName }), {
    headers: cors,
  });
  expect(init.headers.get('access-control-allow-origin')).toBe('*');
  const initBody = (await init.json()) as Json;
  if (initBody.code !== 0) return initBody;
  for (let offset = 0; offset < bytes.length; offset += DATA_SIZE) {
    const p = part(bytes, offset);
    const r = (await (
      await fetch(q({ Action: 'UploadPartEx', fileSha, offset, dataSize: p.length, dataMd5: hex('md5', p) }), {
        method: 'POST',
        body: p,
        headers: cors,
      })
    ).json()) as Json;
    if (r.code !== 0) return r;
  }
  return (await (await fetch(q({ Action: 'FinishUploadEx', fileSha }), { headers: cors })).json()) as Json;
}

describe('client upload by signature', () => {
  it('uploads with a one-time signature, passes sourceContext through, refuses reuse with -10002', async () => {
    const { signature } = issueUploadSignature({
      ...DEV_ACCOUNT,
      validitySeconds: 600,
      sourceContext: 'user-42',
      oneTimeValid: true,
      classId: 0,
    });
    const done = await uploadEx(signature, randomBytes(3000));
    expect(done).toMatchObject({ code: 0, fileId: expect.stringMatching(/^\d+$/) });
    const event = await receiver.waitFor((b) => b.eventType === 'NewFileUpload' && b.data.fileId === done.fileId);
    expect(event.data).toMatchObject({ sourceType: 'ClientUpload', sourceContext: 'user-42', fileName: 'phone.mp4' });
    expect(await uploadEx(signature, randomBytes(100))).toMatchObject({ code: -10002, canRetry: 0 });
  });

  it('refuses expired, forged and unknown-key signatures with -10002', async () => {
    const expired = issueUploadSignature({ ...DEV_ACCOUNT, validitySeconds: 60, now: Math.floor(Date.now() / 1000) - 120 }).signature;
    expect(await uploadEx(expired, randomBytes(10))).toMatchObject({
      code: -10002,
      canRetry: 0,
      message: expect.stringContaining('expired'),
    });
    const forged = issueUploadSignature({ ...DEV_ACCOUNT, secretKey: 'not-the-key', validitySeconds: 60 }).signature;
    expect((await uploadEx(forged, randomBytes(10))).code).toBe(-10002);
    const stranger = issueUploadSignature({ secretId: 'AKIDstranger', secretKey: 'k', validitySeconds: 60 }).signature;
    expect((await uploadEx(stranger, randomBytes(10))).code).toBe(-10002);
  });

  it('runs the procedure named in the signature', async () => {
    const { signature } = issueUploadSignature({ ...DEV_ACCOUNT, validitySeconds: 600, procedure: 'QCVB_SimpleProcessFile({20},0,0,0)' });
    const done = await uploadEx(signature, randomBytes(1500), 'not-a-video.mp4');
    expect(done.code).toBe(0);
    const event = await receiver.waitFor((b) => b.eventType === 'NewFileUpload' && b.data.fileId === done.fileId);
    expect(event.data.procedureTaskId).toMatch(/-Procedure-/);
    // Random bytes are no video: the procedure ends with a probe code.
    const changed = await receiver.waitFor(
      (b) => b.eventType === 'ProcedureStateChanged' && b.data.vodTaskId === event.data.procedureTaskId,
    );
    expect(changed.data.errCode).toBeLessThan(-43000);
    const bad = issueUploadSignature({ ...DEV_ACCOUNT, validitySeconds: 600, procedure: 'my_custom_flow' }).signature;
    expect(await uploadEx(bad, randomBytes(10))).toMatchObject({ code: -10003, message: expect.stringContaining('procedure') });
  });
});
