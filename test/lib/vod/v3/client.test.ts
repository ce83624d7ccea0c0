// The thin API 3.0 client over the real protocol, against the emulator's 3.0 surface: typed
// calls, SubAppId, the Response.Error envelope as VodApiError classified by the one retry rule,
// retries of retryable answers (injected InternalError, HTTP 503), and zod on both sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../../../emulator';
import { VodApiError, VodParamsError, VodTransportError } from '../../../../lib/vod/client';
import { createVodV3Client } from '../../../../lib/vod/v3/client';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false });
});
afterAll(async () => emu?.close());

const client = (extra: Partial<Parameters<typeof createVodV3Client>[0]> = {}) =>
  createVodV3Client({
    secretId: DEV_ACCOUNT.secretId,
    secretKey: DEV_ACCOUNT.secretKey,
    endpoint: emu.url,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });

describe('VOD API 3.0 client', () => {
  it('calls an action and parses its response', async () => {
    const res = await client().call('DescribeAllClass', {});
    expect(res.ClassInfoSet[0]).toMatchObject({ ClassId: 0, ParentId: -1 });
  });

  it('sends SubAppId: the wrong application is refused with the 3.0 code, not retried', async () => {
    const err = await client({ subAppId: 42 })
      .call('DescribeAllClass', {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VodApiError);
    expect(err).toMatchObject({ code: 'InvalidParameterValue.SubAppId', attempts: 1, retryable: false });
    expect((err as VodApiError).options.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(client({ subAppId: DEV_ACCOUNT.appId }).call('DescribeAllClass', {})).resolves.toBeTruthy();
  });

  it('a wrong key is AuthFailure.SignatureFailure, classified permanent', async () => {
    const err = (await client({ secretKey: 'wrong' })
      .call('DescribeAllClass', {})
      .catch((e: unknown) => e)) as VodApiError;
    expect(err.code).toBe('AuthFailure.SignatureFailure');
    expect(err.classification).toMatchObject({ known: true, stage: 'auth', retryable: false });
  });

  it('retries InternalError and HTTP 503, then succeeds or gives up after maxAttempts', async () => {
    emu.setFaults({ seed: 7, error6000: 1 });
    try {
      const err = (await client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } })
        .call('DescribeAllClass', {})
        .catch((e: unknown) => e)) as VodApiError;
      expect(err).toBeInstanceOf(VodApiError);
      expect(err.code).toBe('InternalError');
      expect(err.attempts).toBe(3);
      emu.setFaults({ seed: 7, http503: 1 });
      const t = (await client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } })
        .call('DescribeAllClass', {})
        .catch((e: unknown) => e)) as VodTransportError;
      expect(t).toBeInstanceOf(VodTransportError);
      expect(t.status).toBe(503);
      expect(t.attempts).toBe(2);
      emu.setFaults({ seed: 7, error6000: 0.5 });
      await expect(client({ retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 2 } }).call('DescribeAllClass', {})).resolves.toBeTruthy();
    } finally {
      emu.setFaults({});
    }
  });

  it('checks requests with zod before sending', async () => {
    await expect(client().call('DescribeMediaInfos', { FileIds: [] })).rejects.toBeInstanceOf(VodParamsError);
    await expect(client().call('PullUpload', { MediaUrl: 'ftp://x/y.mp4' })).rejects.toBeInstanceOf(VodParamsError);
  });

  it('unknown files are listed, not an error; unknown tasks are InvalidParameterValue.TaskId', async () => {
    await expect(client().call('DescribeMediaInfos', { FileIds: ['1'] })).resolves.toMatchObject({
      MediaInfoSet: [],
      NotExistFileIdSet: ['1'],
    });
    await expect(client().call('DescribeTaskDetail', { TaskId: 'nope' })).rejects.toMatchObject({
      code: 'InvalidParameterValue.TaskId',
      retryable: false,
    });
  });
});
