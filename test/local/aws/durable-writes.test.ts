// An S3 write is answered only once it is on disk with its notification (issue #17 item 1): the
// data dir holds the object the moment the 200 arrives, a delete the moment its 204 arrives, and
// a write whose notification cannot be queued is refused (503) and undone, not half-kept.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices, type LocalServices } from '../../../local/aws/services';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vodflow-durable-'));
const snapshot = () =>
  JSON.parse(readFileSync(path.join(dataDir, 'sqs-s3', 'state.json'), 'utf8')) as {
    buckets: Array<{ name: string; objects: Array<{ key: string }> }>;
  };
const keysOnDisk = () => snapshot().buckets.flatMap((b) => b.objects.map((o) => o.key));
let services: LocalServices;
let s3: S3Client;
let failNotification = false;
const notified: string[] = [];

beforeAll(async () => {
  services = await startServices({
    region: 'eu-west-1',
    dataDir,
    beforeS3Answer: async (request) => {
      if (request.method !== 'PUT') return;
      if (failNotification) throw new Error('queue unreachable');
      notified.push(request.url);
    },
  });
  s3 = new S3Client({
    region: 'eu-west-1',
    credentials: services.credentials,
    endpoint: services.endpoints.s3,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
});
afterAll(async () => {
  s3?.destroy();
  await services?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local S3 durability', () => {
  it('has the object on disk, and its notification sent, when the 200 arrives', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'a/😀.mp4', Body: 'bytes' }));
    expect(keysOnDisk()).toContain('a/😀.mp4'); // before: written 300 ms after the answer
    expect(notified.some((u) => u.includes('/durable/a/'))).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket: 'durable', Key: 'a/😀.mp4' }));
    expect(keysOnDisk()).not.toContain('a/😀.mp4');
  });

  it('refuses (503) and undoes a write whose notification could not be queued', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'kept.mp4', Body: 'first' }));
    failNotification = true;
    try {
      await expect(s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'kept.mp4', Body: 'second' }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 503 },
      });
      await expect(s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'new.mp4', Body: 'x' }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 503 },
      });
    } finally {
      failNotification = false;
    }
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'kept.mp4' }));
    expect(await kept.Body!.transformToString()).toBe('first');
    expect(keysOnDisk()).not.toContain('new.mp4');
  });
});
