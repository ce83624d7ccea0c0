// The S3 stand-in takes what S3 takes in one PUT: bodies well over fauxqs's own 11 MiB limit, with
// the real S3 client, byte for byte.
import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices, type LocalServices } from '../../../local/aws/services';

let services: LocalServices;
let s3: S3Client;

beforeAll(async () => {
  services = await startServices({ region: 'eu-west-1' });
  s3 = new S3Client({ region: services.region, endpoint: services.endpoints.s3, credentials: services.credentials, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
});

afterAll(async () => {
  s3?.destroy();
  await services?.close();
});

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('S3 stand-in request bodies', () => {
  it("stores a 24 MiB PUT (over fauxqs's 11 MiB) and gives back the same bytes", async () => {
    const body = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32LE(i, i);
    await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'uploads/phone.mp4', Body: body, ContentType: 'video/mp4' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'big', Key: 'uploads/phone.mp4' }));
    const bytes = await got.Body!.transformToByteArray();
    expect(bytes.length).toBe(body.length);
    expect(md5(bytes)).toBe(md5(body));
  });
});
