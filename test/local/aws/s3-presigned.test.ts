// The local S3 checks presigned URLs as S3 does (signature over the signed headers, expiry) and
// honours create-only PUTs (If-None-Match: *): the stand-in no longer accepts what S3 refuses.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices, type LocalServices } from '../../../local/aws/services';

let services: LocalServices;
let s3: S3Client;
const Bucket = 'presigned';

beforeAll(async () => {
  services = await startServices({ region: 'eu-west-1' });
  s3 = new S3Client({
    region: 'eu-west-1',
    credentials: services.credentials,
    endpoint: services.endpoints.s3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterAll(async () => {
  s3?.destroy();
  await services?.close();
});

const putUrl = (Key: string, size: number, expiresIn = 900) =>
  getSignedUrl(s3, new PutObjectCommand({ Bucket, Key, ContentType: 'video/mp4', ContentLength: size, IfNoneMatch: '*' }), { expiresIn });
const put = (url: string, body: Buffer, headers: Record<string, string> = { 'content-type': 'video/mp4', 'if-none-match': '*' }) =>
  fetch(url, { method: 'PUT', headers, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe('local S3: presigned URLs and conditional writes', () => {
  it('accepts the signed PUT, refuses a second PUT to the same URL with 412', async () => {
    const url = await putUrl('uploads/up-1/😀 clip.mp4', 10);
    expect((await put(url, Buffer.alloc(10, 1))).status).toBe(200);
    const again = await put(url, Buffer.alloc(10, 2));
    expect(again.status).toBe(412);
    expect(again.text).toContain('PreconditionFailed');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'uploads/up-1/😀 clip.mp4' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.alloc(10, 1)), 'the first bytes stay').toBe(true);
  });

  it('refuses a size other than the signed Content-Length, a dropped signed header, a tampered or expired URL', async () => {
    const url = await putUrl('uploads/up-2/a.mp4', 10);
    const bigger = await put(url, Buffer.alloc(11));
    expect(bigger.status).toBe(403);
    expect(bigger.text).toContain('SignatureDoesNotMatch');
    expect((await put(url, Buffer.alloc(10), { 'content-type': 'video/mp4' })).status).toBe(403); // no if-none-match
    // One hex digit of the signature changed (to another digit: a signature may already start with 0).
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_, d: string) => `X-Amz-Signature=${d === '0' ? '1' : '0'}`);
    expect(tampered).not.toBe(url);
    expect((await put(tampered, Buffer.alloc(10))).status).toBe(403);
    const short = await putUrl('uploads/up-3/a.mp4', 10, 1);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await put(short, Buffer.alloc(10));
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('Request has expired');
    expect((await put(url, Buffer.alloc(10))).status, 'the right request still works').toBe(200);
  });

  it('serves a presigned GET, and SDK requests signed in headers as before', async () => {
    await s3.send(new PutObjectCommand({ Bucket, Key: 'plain.bin', Body: 'hello' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: 'plain.bin' }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello');
  });
});
