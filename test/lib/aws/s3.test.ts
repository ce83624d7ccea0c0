// lib/aws/s3 presigns without the S3 client; here its URLs are held to the S3 client's own
// (getSignedUrl with the same credentials and signing date) over regions of every partition, the
// FIPS and dual-stack settings, a custom endpoint, bucket names that are and are not host labels,
// and keys in every script. Then over the wire: a presigned PUT and GET against the local S3
// stand-in, which checks signatures as S3 does (local/aws/s3-presigned).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../../lib/aws/clients';
import { getObject, presignGet, presignPut, S3RequestError } from '../../../lib/aws/s3';
import { s3ObjectUrl } from '../../../lib/aws/s3-endpoint';
import { startServices, type LocalServices } from '../../../local/aws/services';

const saved = { ...process.env };
const VARS = [
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_SESSION_TOKEN',
];
const restore = () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  resetClients();
};
afterAll(restore);

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2026-12-01T12:34:56Z');

const KEYS = [
  'clip.mp4',
  'uploads/job-1/a b+c.mp4',
  '视频/测试 文件.mov',
  'emoji 📹🎬/it\'s "quoted".mkv',
  "odd !'()*~%.ts",
  'a//double/slash.mp4',
  '/leading-slash.mp4',
  'ctl\u0001char\ttab.mp4',
  'ümlaut/Ñandú/Ελληνικά/العربية.webm',
  // Dot segments are part of an S3 key; a URL parser would fold them (so no fetch() below sends one).
  'drops/../dots/./x.mp4',
];

interface Case {
  name: string;
  env: Record<string, string>;
  bucket: string;
  forcePathStyle?: boolean;
  /** Lambda's credentials are temporary: the URL carries X-Amz-Security-Token. */
  sessionToken?: string;
}
const CASES: Case[] = [
  { name: 'us-east-1', env: { AWS_REGION: 'us-east-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'eu-west-1', env: { AWS_REGION: 'eu-west-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'China (aws-cn)', env: { AWS_REGION: 'cn-north-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'GovCloud (aws-us-gov)', env: { AWS_REGION: 'us-gov-west-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'European Sovereign Cloud (aws-eusc)', env: { AWS_REGION: 'eusc-de-east-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'ISO (aws-iso)', env: { AWS_REGION: 'us-iso-east-1' }, bucket: 'vodflow-prod-uploads' },
  { name: 'a region newer than the table (regex match)', env: { AWS_REGION: 'ap-southeast-9' }, bucket: 'vodflow-prod-uploads' },
  { name: 'FIPS', env: { AWS_REGION: 'us-east-2', AWS_USE_FIPS_ENDPOINT: 'true' }, bucket: 'vodflow-prod-uploads' },
  { name: 'dual-stack', env: { AWS_REGION: 'ap-northeast-1', AWS_USE_DUALSTACK_ENDPOINT: 'true' }, bucket: 'vodflow-prod-uploads' },
  {
    name: 'FIPS + dual-stack',
    env: { AWS_REGION: 'us-west-2', AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' },
    bucket: 'vodflow-prod-uploads',
  },
  { name: 'a bucket name with dots (path-style)', env: { AWS_REGION: 'eu-central-1' }, bucket: 'media.example.com' },
  { name: 'a bucket name with dots in China', env: { AWS_REGION: 'cn-northwest-1' }, bucket: 'media.example.cn' },
  {
    name: 'a custom endpoint (stand-in, path-style)',
    env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' },
    bucket: 'vodflow-local-uploads',
    forcePathStyle: true,
  },
  {
    name: "temporary credentials (a Lambda role's session token)",
    env: { AWS_REGION: 'eu-west-1' },
    bucket: 'vodflow-prod-uploads',
    sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example/token==',
  },
  {
    name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS beside a configured endpoint',
    env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
    bucket: 'vodflow-prod-uploads',
  },
  {
    name: 'AWS_ENDPOINT_URL with a base path',
    env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'https://store.example.net:9000/s3/' },
    bucket: 'vodflow-local-uploads',
    forcePathStyle: true,
  },
];

const useCase = (c: Case) => {
  restore();
  for (const v of VARS) delete process.env[v];
  Object.assign(process.env, c.env, { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
  if (c.sessionToken) process.env.AWS_SESSION_TOKEN = c.sessionToken;
  delete process.env.AWS_PROFILE;
  // The client as vodflow built it before (lib/aws/s3 at 7da73ae): path-style for a custom endpoint.
  return new S3Client({
    credentials: { ...credentials, sessionToken: c.sessionToken },
    forcePathStyle: c.forcePathStyle ?? false,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
};

describe('presigned S3 URLs without the S3 client', () => {
  beforeEach(() => resetClients());

  for (const c of CASES) {
    it(`GET and PUT are the S3 client's own URLs: ${c.name}`, async () => {
      const client = useCase(c);
      for (const key of KEYS) {
        const ref = { bucket: c.bucket, key };
        const url = await presignGet(ref, 3600, signingDate);
        expect(url, `GET ${key}`).toBe(
          await getSignedUrl(client, new GetObjectCommand({ Bucket: c.bucket, Key: key }), { expiresIn: 3600, signingDate }),
        );
        expect(new URL(url).searchParams.get('X-Amz-Security-Token') ?? undefined).toBe(c.sessionToken);
        const versioned = { ...ref, versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo' };
        expect(await presignGet(versioned, 900, signingDate), `GET ${key} at a version`).toBe(
          await getSignedUrl(client, new GetObjectCommand({ Bucket: c.bucket, Key: key, VersionId: versioned.versionId }), {
            expiresIn: 900,
            signingDate,
          }),
        );
        const put = { contentType: 'video/mp4', contentLength: 123_456_789, ifNoneMatch: '*' as const };
        expect(await presignPut(ref, put, 900, signingDate), `PUT ${key}`).toBe(
          await getSignedUrl(
            client,
            new PutObjectCommand({
              Bucket: c.bucket,
              Key: key,
              ContentType: put.contentType,
              ContentLength: put.contentLength,
              IfNoneMatch: '*',
            }),
            { expiresIn: 900, signingDate },
          ),
        );
      }
      client.destroy();
    });
  }

  it('refuses what it does not address (access points, directory buckets) by name', () => {
    const s = { region: 'us-east-1', useFips: false, useDualstack: false };
    expect(() => s3ObjectUrl('arn:aws:s3:us-east-1:123456789012:accesspoint/ap', 'k', s)).toThrow(/general purpose bucket/);
    expect(() => s3ObjectUrl('media--use1-az4--x-s3', 'k', s)).toThrow(/directory buckets/);
  });

  it.each([
    ['AWS_USE_FIPS_ENDPOINT', /custom endpoint cannot be combined with FIPS/],
    ['AWS_USE_DUALSTACK_ENDPOINT', /custom endpoint cannot be combined with FIPS or dual-stack/],
  ])('refuses a custom endpoint with %s, as the S3 client does', async (variable, message) => {
    const client = useCase({
      name: variable,
      env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', [variable]: 'true' },
      bucket: 'b1',
      forcePathStyle: true,
    });
    const ref = { bucket: 'b1', key: 'k' };
    await expect(getSignedUrl(client, new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }))).rejects.toThrow(/custom endpoint/i);
    await expect(presignGet(ref, 60)).rejects.toThrow(message);
    client.destroy();
    restore();
  });
});

describe('presigned S3 URLs over the wire (local S3, which checks signatures)', () => {
  let services: LocalServices;
  let client: S3Client;
  const Bucket = 'vodflow-s3-test';

  beforeAll(async () => {
    restore();
    services = await startServices({ region: 'eu-west-1' });
    client = new S3Client({
      region: 'eu-west-1',
      credentials: services.credentials,
      endpoint: services.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(async () => {
    client?.destroy();
    await services?.close();
  });
  beforeEach(() => {
    restore();
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: services.endpoints.s3,
      AWS_ACCESS_KEY_ID: services.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: services.credentials.secretAccessKey,
    });
  });

  it('a presigned PUT stores the bytes under every key; GET and getObject read them back', async () => {
    for (const [i, key] of KEYS.filter((k) => !DOT_SEGMENT.test(k)).entries()) {
      const body = Buffer.from(`bytes of ${key}`);
      const url = await presignPut({ bucket: Bucket, key }, { contentType: 'video/mp4', contentLength: body.length, ifNoneMatch: '*' }, 60);
      const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'if-none-match': '*' }, body });
      expect(put.status, `PUT ${key}: ${await put.clone().text()}`).toBe(200);
      const again = await fetch(url, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'if-none-match': '*' }, body });
      expect(again.status, `a second PUT of ${key} is refused`).toBe(412);
      const got = await fetch(await presignGet({ bucket: Bucket, key }, 60));
      expect(Buffer.from(await got.arrayBuffer()).equals(body), `GET ${key}`).toBe(true);
      const stream = await getObject({ bucket: Bucket, key, ifMatch: put.headers.get('etag') ?? undefined });
      expect(Buffer.concat(await stream.toArray()).equals(body), `getObject ${key} (${i})`).toBe(true);
    }
  });

  it('getObject sends a key with dot segments as it is (the S3 client does; a URL would fold them)', async () => {
    const key = KEYS.find((k) => DOT_SEGMENT.test(k))!;
    await client.send(new PutObjectCommand({ Bucket, Key: key, Body: 'dot segments' }));
    await client.send(new PutObjectCommand({ Bucket, Key: 'dots/x.mp4', Body: 'the folded key' }));
    const stream = await getObject({ bucket: Bucket, key });
    expect(Buffer.concat(await stream.toArray()).toString()).toBe('dot segments');
  });

  it('getObject names S3’s refusal: an overwritten object (If-Match) and a missing one', async () => {
    const key = 'drops/overwritten 视频.mp4';
    const first = await client.send(new PutObjectCommand({ Bucket, Key: key, Body: 'first bytes' }));
    await client.send(new PutObjectCommand({ Bucket, Key: key, Body: 'other bytes' }));
    const overwritten = getObject({ bucket: Bucket, key, ifMatch: first.ETag });
    await expect(overwritten).rejects.toBeInstanceOf(S3RequestError);
    await expect(overwritten).rejects.toMatchObject({ status: 412, code: 'PreconditionFailed' });
    await expect(getObject({ bucket: Bucket, key: 'drops/never put.mp4' })).rejects.toMatchObject({ status: 404, code: 'NoSuchKey' });
    await expect(getObject({ bucket: Bucket, key: 'drops/never put.mp4' })).rejects.toThrow(
      /s3:\/\/vodflow-s3-test\/drops\/never put\.mp4: 404 NoSuchKey/,
    );
  });
});

describe('getObject retries what the S3 client retried (its own retry strategy)', () => {
  // A scripted S3: answers in turn from `script` (then 200), counting requests. Not a mock of
  // vodflow's code: the real HTTP handler, signer and retry strategy talk to it over TCP.
  const serve = async (script: Array<[number, string] | 'reset'>) => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const next = script.shift();
      if (next === 'reset') return req.socket.destroy();
      const [status, code] = next ?? [200, ''];
      res.writeHead(status, { 'content-type': status === 200 ? 'video/mp4' : 'application/xml' });
      res.end(
        status === 200 ? 'the bytes' : `<?xml version="1.0"?><Error><Code>${code}</Code><Message>scripted ${status}</Message></Error>`,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    restore();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    });
    return { seen, close: () => new Promise((r) => server.close(r)) };
  };
  const ref = { bucket: 'b1', key: 'in/clip.mp4' };
  afterAll(restore);

  /** Runs `check` against a scripted S3, closed afterwards whatever `check` does. */
  const withS3 = async (script: Parameters<typeof serve>[0], check: (seen: string[]) => Promise<void>) => {
    const s3 = await serve(script);
    try {
      await check(s3.seen);
    } finally {
      await s3.close();
    }
  };

  it('a 503 SlowDown and a dropped connection, then the bytes', () =>
    withS3([[503, 'SlowDown'], 'reset'], async (seen) => {
      const body = await getObject(ref);
      expect(Buffer.concat(await body.toArray()).toString()).toBe('the bytes');
      expect(seen).toHaveLength(3);
    }));

  it('gives up after 3 attempts of a 5xx, with S3’s words', () =>
    withS3(
      [
        [500, 'InternalError'],
        [500, 'InternalError'],
        [500, 'InternalError'],
        [500, 'InternalError'],
      ],
      async (seen) => {
        await expect(getObject(ref)).rejects.toMatchObject({ status: 500, code: 'InternalError' });
        expect(seen).toHaveLength(3);
      },
    ));

  it('does not retry a refusal that another try cannot change (404, 412, 403)', () =>
    withS3(
      [
        [404, 'NoSuchKey'],
        [412, 'PreconditionFailed'],
        [403, 'AccessDenied'],
      ],
      async (seen) => {
        await expect(getObject(ref)).rejects.toMatchObject({ status: 404 });
        await expect(getObject(ref)).rejects.toMatchObject({ status: 412 });
        await expect(getObject(ref)).rejects.toMatchObject({ status: 403, code: 'AccessDenied' });
        expect(seen).toHaveLength(3);
      },
    ));
});
