// Tencent's own API 2.0 clients against the emulator, unchanged but for the host: the v4 server
// upload SDK (reproduced in ./clients/vod-node-v4, it is only on GitHub), `@tencent-sdk/capi` 2.x
// in API 2.0 mode and `qcloudapi-sdk`. What they do, and what the live service answered them.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Capi } from '@tencent-sdk/capi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { vodNodeV4 } from './clients/vod-node-v4';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false, limits: { minDataSize: 1024 } });
});
afterAll(() => emu?.close());

const capi = (secretKey: string = DEV_ACCOUNT.secretKey, signatureMethod: 'sha1' | 'sha256' = 'sha1') =>
  new Capi({
    secretId: DEV_ACCOUNT.secretId,
    secretKey,
    region: 'gz',
    serviceType: 'vod',
    host: new URL(emu.url).host,
    path: '/v2/index.php',
    protocol: 'http',
    signatureMethod,
    // Without a version the SDK signs `Version=` but got drops the undefined field: every client
    // of it sets one. VOD v2 ignores Version; it is signed and sent like any parameter.
    version: '2017-03-12',
    // VOD v2 parameter names are camelCase; the SDK would otherwise PascalCase them.
    isPascalCase: false,
  });

describe('vod-nodejs-server-sdk-v4 (server upload)', () => {
  it('uploads, and a re-upload of the same file (InitUpload code 2) finishes with its fileId and url', async () => {
    const sdk = vodNodeV4(emu.url, DEV_ACCOUNT.secretId, DEV_ACCOUNT.secretKey);
    const bytes = randomBytes(40_000);
    const first = await sdk.uploadVideo(bytes, 'movie', 'mp4', 16 * 1024);
    expect(first.init).toMatchObject({ code: 0, canRetry: 0 });
    expect(first.finish).toMatchObject({
      code: 0,
      canRetry: 0,
      fileId: expect.stringMatching(/^\d+$/),
      url: expect.stringContaining('/f0.mp4'),
    });
    const again = await sdk.uploadVideo(bytes, 'movie', 'mp4', 16 * 1024);
    expect(again.init).toMatchObject({ code: 2, fileId: first.finish.fileId });
    expect(again.finish).toMatchObject({ code: 0, message: '', canRetry: 0, fileId: first.finish.fileId, url: first.finish.url });
    // An unknown fileSha with no session still says so.
    const none = await sdk.uploadVideo(Buffer.alloc(0), 'x', 'mp4', 16 * 1024);
    expect(none.init.code).toBeLessThan(0);
  });

  it('answers the upload host codes: -10002 for a bad signature, -10001 for a bad common parameter, with canRetry', async () => {
    const wrongKey = await vodNodeV4(emu.url, DEV_ACCOUNT.secretId, 'not-the-key').uploadVideo(randomBytes(2000), 'a', 'mp4', 1024);
    expect(wrongKey.init).toMatchObject({ code: -10002, canRetry: 0, codeDesc: 'UploadFailure' });
    const unknownId = await vodNodeV4(emu.url, 'AKIDnobody', 'x').uploadVideo(randomBytes(2000), 'a', 'mp4', 1024);
    expect(unknownId.init).toMatchObject({ code: -10002, canRetry: 0 });
    const noRegion = await vodNodeV4(emu.url, DEV_ACCOUNT.secretId, DEV_ACCOUNT.secretKey, '').uploadVideo(
      randomBytes(2000),
      'a',
      'mp4',
      1024,
    );
    expect(noRegion.init).toMatchObject({ code: -10001, canRetry: 0, message: expect.stringContaining('Region') });
  });
});

describe('@tencent-sdk/capi 2.x, API 2.0 mode (form body sent as Content-Type: application/json)', () => {
  it('is answered: GET and POST, HmacSHA1 and HmacSHA256', async () => {
    for (const signatureMethod of ['sha1', 'sha256'] as const) {
      const post = await capi(DEV_ACCOUNT.secretKey, signatureMethod).request({ action: 'DescribeAllClass' }, { method: 'POST' } as never);
      expect(post, signatureMethod).toMatchObject({ code: 0, codeDesc: 'Success', data: expect.any(Array) });
      const get = await capi(DEV_ACCOUNT.secretKey, signatureMethod).request({ action: 'DescribeAllClass' }, { method: 'GET' } as never);
      expect(get, signatureMethod).toMatchObject({ code: 0 });
    }
    const created = await capi().request({ action: 'CreateClass', className: 'from capi' }, { method: 'POST' } as never);
    expect(created).toMatchObject({ code: 0, newClassId: expect.any(String) });
  });

  it('still fails a wrong key with 4100, and a real JSON document with 4000', async () => {
    expect(await capi('wrong').request({ action: 'DescribeAllClass' }, { method: 'POST' } as never)).toMatchObject({ code: 4100 });
    const res = await fetch(emu.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Action: 'DescribeAllClass' }),
    });
    expect(await res.json()).toMatchObject({ code: 4000, message: expect.stringContaining('form') });
  });
});

describe('qcloudapi-sdk', () => {
  type Callback = (error: Error | null, body: Record<string, unknown>) => void;
  const Ctor = createRequire(import.meta.url)('qcloudapi-sdk') as new (
    d: Record<string, unknown>,
  ) => { request(data: Record<string, unknown>, opts: Record<string, unknown>, cb: Callback): void };

  it('a SignatureMethod other than HmacSHA256 (the SDK sends what it is given) is checked as HmacSHA1', async () => {
    // qcloudapi-sdk signs with sha1 unless signatureMethod is 'sha256', and sends SignatureMethod as a plain param.
    const sdk = new Ctor({ SecretId: DEV_ACCOUNT.secretId, SecretKey: DEV_ACCOUNT.secretKey, Region: 'gz', serviceType: 'vod' });
    const body = await new Promise<Record<string, unknown>>((resolve, reject) =>
      sdk.request(
        { Action: 'DescribeAllClass', SignatureMethod: 'HMAC-SHA1' },
        { host: new URL(emu.url).host, protocol: 'http', path: '/v2/index.php', method: 'GET' },
        (e, b) => (e ? reject(e) : resolve(b)),
      ),
    );
    expect(body).toMatchObject({ code: 0 });
  });
});
