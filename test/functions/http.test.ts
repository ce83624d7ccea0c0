// The public HTTP API over HTTP: POST /uploads → PUT to the presigned URL → the pipeline → GET
// /jobs/{id}; POST /upload-signatures; API-key auth and field-naming 4xx. Also push mode and a
// signed HTTP subscriber.
import '../support/quiet';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT } from '../../emulator';
import { jobs } from '../../lib/jobs';
import { verifyUploadSignature } from '../../lib/vod/upload-signature';
import { notifyObject } from '../support/s3-notify';
import { startHttpApi, type HttpLambda } from '../support/http-api';
import { API_KEY, startHarness, type Harness } from './harness';

let h: Harness;
let api: Awaited<ReturnType<typeof startHttpApi>>;
const SIGNING_SECRET = `whsec_${Buffer.from('vodflow-test-signing-secret-32b!').toString('base64')}`;

beforeAll(async () => {
  h = await startHarness();
  const load = async (n: string) => (await import(`../../functions/${n}.ts`)).handler as HttpLambda;
  api = await startHttpApi([
    { method: 'POST', path: '/uploads', handler: await load('create-upload') },
    { method: 'GET', path: '/jobs/{id}', handler: await load('get-job') },
    { method: 'POST', path: '/upload-signatures', handler: await load('sign-upload') },
  ]);
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

const call = (method: string, path: string, body?: unknown, key: string | null = API_KEY) =>
  fetch(`${api.url}${path}`, {
    method,
    headers: { ...(key ? { 'x-api-key': key } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('auth and validation', () => {
  it('answers 401 without or with a wrong x-api-key', async () => {
    expect((await call('GET', '/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa', undefined, null)).status).toBe(401);
    const wrong = await call('POST', '/uploads', { filename: 'a.mp4', contentType: 'video/mp4', size: 1 }, 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('names the bad field in a 400', async () => {
    const res = await call('POST', '/uploads', { filename: '../x.mp4', contentType: 'video/mp4', size: 10 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fields: Array<{ field: string }> };
    expect(body.fields.map((f) => f.field)).toEqual(['body.filename']);
    // Its object would be skipped by ingest (macOS metadata), leaving the job waiting for a video.
    const appleDouble = await call('POST', '/uploads', { filename: '._clip.mp4', contentType: 'video/mp4', size: 10 });
    expect(appleDouble.status).toBe(400);
    expect(await appleDouble.json()).toMatchObject({
      fields: [{ field: 'body.filename', message: expect.stringContaining('"._" metadata') }],
    });
    const big = await call('POST', '/uploads', { filename: 'a.mp4', contentType: 'text/plain', size: 1e13 });
    expect(((await big.json()) as { fields: Array<{ field: string }> }).fields.map((f) => f.field).sort()).toEqual([
      'body.contentType',
      'body.size',
    ]);
    const long = await call('POST', '/uploads', { filename: 'a.mp4', contentType: 'video/mp4', size: 1, passthrough: 'x'.repeat(256) });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual(['body.passthrough']);
    expect((await call('GET', '/jobs/NOT_AN_ID')).status).toBe(400);
    expect((await call('GET', '/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });
});

describe('upload flow', () => {
  it('POST /uploads → PUT → ingest uses the returned jobId → GET /jobs/{id} shows the outputs', async () => {
    const created = await call('POST', '/uploads', {
      filename: 'my clip.mp4',
      contentType: 'video/mp4',
      size: h.goodClip.length,
      passthrough: 'order-1234 ✓',
    });
    expect(created.status).toBe(201);
    const { jobId, upload } = (await created.json()) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
    expect((await (await call('GET', `/jobs/${jobId}`)).json()) as { status: string }).toMatchObject({
      status: 'AWAITING_UPLOAD',
      passthrough: 'order-1234 ✓',
    });

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: h.goodClip });
    expect(put.status).toBe(200);
    await notifyObject(h.stack, `uploads/${jobId}/my clip.mp4`);
    await h.settle(jobId);

    const job = (await (await call('GET', `/jobs/${jobId}`)).json()) as {
      status: string;
      progress: number;
      attempts: number;
      outputs: { playSet: unknown[] };
    };
    expect(job).toMatchObject({ status: 'SUCCEEDED', progress: 100, attempts: 1 });
    expect(job.outputs.playSet.length).toBeGreaterThanOrEqual(2);
    expect((await h.events())[0]).toMatchObject({ subject: jobId, data: { passthrough: 'order-1234 ✓' } });
  });

  it('echoes passthrough in video.failed too', async () => {
    const passthrough = `{"user":42,"note":"${'é'.repeat(200)}"}`;
    const created = await call('POST', '/uploads', {
      filename: 'broken.mp4',
      contentType: 'video/mp4',
      size: h.brokenClip.length,
      passthrough,
    });
    const { jobId, upload } = (await created.json()) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
    await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: h.brokenClip });
    await notifyObject(h.stack, `uploads/${jobId}/broken.mp4`);
    await h.settle(jobId);
    expect(await h.events()).toEqual([
      expect.objectContaining({ type: 'vodflow.video.failed', subject: jobId, data: expect.objectContaining({ passthrough }) }),
    ]);
  });

  it('POST /upload-signatures issues a verifiable one-time client upload signature', async () => {
    const res = await call('POST', '/upload-signatures', { validitySeconds: 600, classId: 7, procedure: 'QCVB_SimpleProcessFile(1,1)' });
    expect(res.status).toBe(201);
    const { signature, oneTimeValid } = (await res.json()) as { signature: string; oneTimeValid: boolean };
    expect(oneTimeValid).toBe(true);
    const check = verifyUploadSignature(signature, {
      secretKeyOf: (id) => (id === DEV_ACCOUNT.secretId ? DEV_ACCOUNT.secretKey : undefined),
      oneTimeStore: { claim: () => true },
    });
    expect(check).toMatchObject({ ok: true, params: { classId: 7, procedure: 'QCVB_SimpleProcessFile(1,1)', oneTimeValid: true } });
    expect((await call('POST', '/upload-signatures', { validitySeconds: 10 })).status).toBe(400);
  });
});

describe('push mode and HTTP subscribers', () => {
  it('streams the object through the chunked upload and signs the event for subscribers', async () => {
    const received: Array<{ headers: Record<string, string>; body: string }> = [];
    const sub = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(received.length === 1 ? 503 : 204).end(); // the first delivery fails
      });
    });
    await new Promise<void>((r) => sub.listen(0, '127.0.0.1', r));
    const subUrl = `http://127.0.0.1:${(sub.address() as AddressInfo).port}/hooks`;
    h.env({ UPLOAD_MODE: 'push', EVENT_SUBSCRIBERS: subUrl, EVENT_SIGNING_SECRET: SIGNING_SECRET, EVENT_RETRY_BASE_DELAY_S: '0' });
    const before = h.emu.stats().actions;
    try {
      const created = await call('POST', '/uploads', { filename: 'push.mp4', contentType: 'video/mp4', size: h.goodClip.length });
      const { jobId, upload } = (await created.json()) as { jobId: string; upload: { url: string; headers: Record<string, string> } };
      await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: h.goodClip });
      await notifyObject(h.stack, `uploads/${jobId}/push.mp4`);
      await h.settle(jobId);
      // The outbox hands the event to the deliver queue; deliver-event retries the failed delivery.
      const { runUntil } = await import('../support/stack');
      await runUntil(
        h.stack,
        h.handlers,
        async () => ((await jobs().getJob(jobId))!.eventDeliveredTo ?? []).includes(subUrl) && received.length >= 2,
      );
      const after = h.emu.stats().actions;
      expect((after.InitUpload ?? 0) - (before.InitUpload ?? 0)).toBe(1);
      expect((after.MultiPullVodFile ?? 0) - (before.MultiPullVodFile ?? 0)).toBe(0);
      expect(await h.events()).toHaveLength(1);
      expect(received).toHaveLength(2);
      const last = received[1]!;
      const verified = new Webhook(SIGNING_SECRET).verify(last.body, last.headers) as { id: string; type: string };
      expect(verified).toMatchObject({ id: `${jobId}.ready`, type: 'vodflow.video.ready' });
      expect(last.headers['webhook-id']).toBe(`${jobId}.ready`);
      expect(() =>
        new Webhook(`whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`).verify(last.body, last.headers),
      ).toThrow();
    } finally {
      h.env();
      sub.close();
    }
  });
});
