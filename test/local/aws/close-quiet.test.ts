// Once `close()` has resolved, the local SQS/S3 writes nothing more to its data dir, so a caller
// may remove the folder right away. A request still being answered when the server closed (here an
// S3 PUT whose notification is slow) used to start one more snapshot into the removed folder: a
// clean CI run failed its console test on `rmdir …/sqs-s3: ENOTEMPTY`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { startServices } from '../../../local/aws/services';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('writes nothing to the data dir once close() resolved, with a write still being answered', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vodflow-close-'));
  let slow = false;
  const services = await startServices({
    region: 'eu-west-1',
    dataDir,
    beforeS3Answer: async () => {
      if (slow) await sleep(400);
    },
  });
  const s3 = new S3Client({
    region: 'eu-west-1',
    credentials: services.credentials,
    endpoint: services.endpoints.s3,
    forcePathStyle: true,
    maxAttempts: 1,
  });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'closing' }));
    slow = true;
    const put = s3.send(new PutObjectCommand({ Bucket: 'closing', Key: 'late.mp4', Body: 'bytes' }));
    const answered = put.then(
      () => 'acknowledged',
      () => 'refused',
    );
    await sleep(100); // the PUT is waiting for its notification
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
    await sleep(800);
    expect(existsSync(dataDir)).toBe(false);
    // The write was never acknowledged: its connection closed with the server.
    expect(await answered).toBe('refused');
  } finally {
    s3.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
