// Signing, retries and fault handling of the client against a real HTTP server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  backoffDelay,
  createVodClient,
  VodApiError,
  VodResponseError,
  VodTransportError,
  type VodClientOptions,
} from '../../../../lib/vod/client';
import { startScriptedVodServer, type ScriptedVodServer } from '../../../support/scripted-vod-server';

const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const SHA = 'a'.repeat(40);

let server: ScriptedVodServer;
beforeAll(async () => {
  server = await startScriptedVodServer({ secretKey: SECRET_KEY });
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setHandler(undefined);
});

const client = (options: Partial<VodClientOptions> = {}) =>
  createVodClient({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    endpoint: server.endpoint,
    uploadEndpoint: server.uploadEndpoint,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 2_000,
    ...options,
  });

describe('signature as verified by the server', () => {
  it.each([
    ['POST', 'HmacSHA1'],
    ['POST', 'HmacSHA256'],
    ['GET', 'HmacSHA1'],
    ['GET', 'HmacSHA256'],
  ] as const)('%s with %s', async (method, signatureMethod) => {
    const res = await client({ method, signatureMethod }).describeVodPlayUrls({ fileId: '24961954183381008' });
    expect(res.code).toBe(0);
    const [req] = server.requests;
    expect(req?.method).toBe(method);
    expect(req?.signature).toEqual({ ok: true, signatureMethod });
    expect(req?.params.SignatureMethod).toBe(signatureMethod);
    // Host as sent, port included, is what was signed.
    expect(req?.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(req?.params).toMatchObject({ Action: 'DescribeVodPlayUrls', Region: 'gz', SecretId: SECRET_ID, fileId: '24961954183381008' });
    if (method === 'POST') expect(req?.contentType).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('defaults to POST, HmacSHA1 (no SignatureMethod sent), region gz', async () => {
    await client().describeClass();
    const [req] = server.requests;
    expect(req?.method).toBe('POST');
    expect(req?.params.SignatureMethod).toBeUndefined();
    expect(req?.signature).toEqual({ ok: true, signatureMethod: 'HmacSHA1' });
  });

  it('signs the data-upload host: POST, params in the query, octet-stream body, /v3 path', async () => {
    const data = Buffer.from('chunk bytes');
    await client({ signatureMethod: 'HmacSHA256' }).uploadPart({ fileSha: SHA, offset: 0, data });
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v3/index.php', contentType: 'application/octet-stream' });
    expect(req?.signature.ok).toBe(true);
    expect(req?.body.equals(data)).toBe(true);
    expect(req?.params).toMatchObject({ Action: 'UploadPart', fileSha: SHA, offset: '0', dataSize: String(data.length) });
  });

  it('works with a /v2 data-upload path too', async () => {
    const c = client({ uploadEndpoint: server.endpoint });
    server.enqueue({ json: { code: 0, message: '', fileId: '7031868222808505913', url: 'http://x/f0.mp4', canRetry: 0 } });
    const res = await c.finishUpload({ fileSha: SHA });
    expect(res.fileId).toBe('7031868222808505913');
    expect(server.requests[0]).toMatchObject({ path: '/v2/index.php', method: 'POST' });
    expect(server.requests[0]?.signature.ok).toBe(true);
  });

  it('sends the temporary-credential Token, signed', async () => {
    await client({ token: 'tok-123' }).describeClass();
    expect(server.requests[0]?.params.Token).toBe('tok-123');
    expect(server.requests[0]?.signature.ok).toBe(true);
  });

  it('a wrong key is refused by the server and surfaces as a classified VodApiError', async () => {
    const error = await client({ secretKey: 'wrong-key', retry: { maxAttempts: 3 } })
      .describeClass()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodApiError);
    expect(error).toMatchObject({ code: 4100, attempts: 1 });
    expect((error as VodApiError).classification.retryable).toBe(false);
    expect(String((error as Error).message)).not.toContain('wrong-key');
    expect(server.requests).toHaveLength(1);
  });
});

describe('retries', () => {
  it('6000 then success: 2 attempts, each freshly signed (new Nonce; Timestamp taken anew)', async () => {
    server.enqueue({ json: { code: 6000, message: 'internal', codeDesc: 'InternalError' } });
    server.enqueue({ json: { code: 0, message: '', data: [] } });
    const retries: number[] = [];
    const res = await client({ onRetry: (i) => retries.push(i.attempt) }).describeClass();
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(retries).toEqual([1]);
    const [a, b] = server.requests;
    expect(a?.params.Nonce).not.toBe(b?.params.Nonce);
    expect(a?.params.Signature).not.toBe(b?.params.Signature);
    expect(Number(b?.params.Timestamp)).toBeGreaterThanOrEqual(Number(a?.params.Timestamp));
    expect(Math.abs(Number(b?.params.Timestamp) - Date.now() / 1000)).toBeLessThan(5);
    expect(b?.signature.ok).toBe(true);
  });

  it('HTTP 503 is retried', async () => {
    server.enqueue({ status: 503, text: 'Service Unavailable' });
    const res = await client().describeClass();
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('a reset connection is retried', async () => {
    server.enqueue({ reset: true });
    const res = await client().describeClass();
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('a timeout is retried, and each attempt is bounded by timeoutMs', async () => {
    server.enqueue({ delayMs: 1_000, json: { code: 0, message: '' } });
    const started = performance.now();
    const res = await client({ timeoutMs: 150 }).describeClass();
    expect(res.code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('4100 is not retried: VodApiError with classification', async () => {
    server.enqueue({ json: { code: 4100, message: '鉴权失败', codeDesc: 'AuthFailure' } });
    const error = (await client()
      .describeClass()
      .catch((e: unknown) => e)) as VodApiError;
    expect(error).toBeInstanceOf(VodApiError);
    expect(error).toMatchObject({ action: 'DescribeClass', code: 4100, codeDesc: 'AuthFailure', attempts: 1 });
    expect(error.classification).toMatchObject({ code: 4100, known: true, retryable: false });
    expect(error.response).toMatchObject({ code: 4100, codeDesc: 'AuthFailure' });
    expect(server.requests).toHaveLength(1);
  });

  it('malformed JSON is a VodResponseError and is not retried', async () => {
    server.enqueue({ text: '{"code": 0, "message": ', contentType: 'application/json' });
    const error = (await client()
      .describeClass()
      .catch((e: unknown) => e)) as VodResponseError;
    expect(error).toBeInstanceOf(VodResponseError);
    expect(error.message).toMatch(/not JSON/);
    expect(server.requests).toHaveLength(1);
  });

  it('JSON without a numeric code is a VodResponseError', async () => {
    server.enqueue({ json: { Response: { Error: { Code: 'AuthFailure' } } } });
    await expect(client().describeClass()).rejects.toBeInstanceOf(VodResponseError);
  });

  it('a response failing its schema is a VodResponseError listing the issue', async () => {
    server.enqueue({ json: { code: 0, message: '' } }); // ProcessFile must answer a vodTaskId
    const error = (await client()
      .processFile({ fileId: '1', transcode: { definition: [20] } })
      .catch((e: unknown) => e)) as VodResponseError;
    expect(error).toBeInstanceOf(VodResponseError);
    expect(error.details.issues?.join()).toMatch(/vodTaskId/);
    expect(server.requests).toHaveLength(1);
  });

  it('attempts are bounded: persistent 503 stops after maxAttempts with VodTransportError', async () => {
    server.setHandler(() => ({ status: 503, text: 'busy' }));
    const error = (await client({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } })
      .describeClass()
      .catch((e: unknown) => e)) as VodTransportError;
    expect(error).toBeInstanceOf(VodTransportError);
    expect(error).toMatchObject({ attempts: 3, status: 503 });
    expect(server.requests).toHaveLength(3);
  });

  it('elapsed time is bounded: slow answers stop at maxElapsedMs even with attempts left', async () => {
    server.setHandler(() => ({ delayMs: 2_000, json: { code: 0, message: '' } }));
    const started = performance.now();
    const error = await client({ timeoutMs: 10_000, retry: { maxAttempts: 50, maxElapsedMs: 400, baseDelayMs: 1, maxDelayMs: 2 } })
      .describeClass()
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(VodTransportError);
    expect((error as Error).message).toMatch(/no answer within/);
    expect(elapsed).toBeLessThan(1_500);
    expect(server.requests.length).toBeLessThan(50);
  });

  it('an unreachable host is a VodTransportError naming the endpoint, without the key', async () => {
    const closed = await startScriptedVodServer({ secretKey: SECRET_KEY });
    await closed.close();
    const c = client({ endpoint: closed.endpoint, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = (await c.describeClass().catch((e: unknown) => e)) as VodTransportError;
    expect(error).toBeInstanceOf(VodTransportError);
    expect(error.attempts).toBe(2);
    expect(error.message).toContain(closed.endpoint);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).not.toContain('Signature');
  });

  it('the upload host: canRetry=1 is retried, canRetry=0 is not', async () => {
    server.enqueue({ json: { code: -10004, message: 'write cache failed', canRetry: 1 } });
    server.enqueue({ json: { code: 0, message: '', canRetry: 0 } });
    await client().uploadPart({ fileSha: SHA, offset: 0, data: Buffer.from('x') });
    expect(server.requests).toHaveLength(2);

    server.reset();
    server.enqueue({ json: { code: -10003, message: 'bad params', canRetry: 0 } });
    const error = (await client()
      .uploadPart({ fileSha: SHA, offset: 0, data: Buffer.from('x') })
      .catch((e: unknown) => e)) as VodApiError;
    expect(error).toBeInstanceOf(VodApiError);
    expect(error).toMatchObject({ code: -10003, canRetry: 0, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('a caller abort stops retrying at once', async () => {
    server.setHandler(() => ({ status: 503, text: 'busy' }));
    const controller = new AbortController();
    const c = client({ onRetry: () => controller.abort(), retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 200 } });
    const error = await c.describeClass({}, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VodTransportError);
    expect((error as Error).message).toMatch(/aborted/);
    expect(server.requests).toHaveLength(1);
  });
});

describe('backoffDelay (full jitter)', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, maxElapsedMs: 60_000 };
  it('is uniform below min(max, base·2^(n−1))', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(9, policy, () => 0.999)).toBe(999);
  });
});
