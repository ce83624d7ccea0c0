import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEventKey } from '../../../local/aws/s3-event';
import type { LocalStack } from '../../../local/stack';
import { startFixtureStack } from '../helpers';

let stack: LocalStack;
let s3: S3Client;
let sqs: SQSClient;

beforeAll(async () => {
  stack = await startFixtureStack();
  const common = { region: stack.region, credentials: stack.credentials };
  s3 = new S3Client({ ...common, endpoint: stack.endpoints.s3, forcePathStyle: true });
  sqs = new SQSClient({ ...common, endpoint: stack.endpoints.sqs });
});

afterAll(async () => {
  s3?.destroy();
  sqs?.destroy();
  await stack?.close();
});

/** Takes every message now on the (consumer-less) ingest queue. */
async function takeNotifications(): Promise<unknown[]> {
  const url = stack.queues.IngestQueue!.url;
  const out: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!Messages.length) return out;
    for (const m of Messages) {
      out.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}

type Note = {
  Records: Array<{
    eventName: string;
    s3: { bucket: { name: string; arn: string }; object: { key: string; size: number; eTag: string; sequencer: string } };
  }>;
};

describe('S3 → SQS notification bridge', () => {
  it('sends s3:TestEvent when the bucket is created, as S3 does when notifications are configured', async () => {
    const [test] = await takeNotifications();
    expect(test).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: stack.bucket });
  });

  it('delivers ObjectCreated:Put in the shape S3 sends, with the key form-encoded', async () => {
    const key = 'incoming/my clip (1)+ü.mp4';
    const put = await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: Buffer.alloc(1234, 7) }));
    await stack.waitForIdle({ timeoutMs: 5000 });
    const [note] = (await takeNotifications()) as Array<Note & { Records: Array<Record<string, unknown>> }>;
    const record = note!.Records[0]!;
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventName: 'ObjectCreated:Put',
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      s3: {
        s3SchemaVersion: '1.0',
        bucket: { name: 'fixture-dev-uploads', arn: 'arn:aws:s3:::fixture-dev-uploads' },
        object: { key: 'incoming/my+clip+%281%29%2B%C3%BC.mp4', size: 1234, eTag: put.ETag!.replace(/"/g, '') },
      },
    });
    expect(decodeURIComponent(record.s3 && (record as unknown as Note['Records'][0]).s3.object.key.replace(/\+/g, ' '))).toBe(key);
    expect((record as unknown as Note['Records'][0]).s3.object.sequencer).toMatch(/^[0-9A-F]{16,}$/);
    expect(Date.parse(record.eventTime as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('honours prefix and suffix filters', async () => {
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'elsewhere/a.mp4', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'incoming/a.txt', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'incoming/b.mp4', Body: 'x' }));
    await stack.waitForIdle({ timeoutMs: 5000 });
    const notes = (await takeNotifications()) as Note[];
    expect(notes.map((n) => n.Records[0]!.s3.object.key)).toEqual(['incoming/b.mp4']);
  });

  it('reports CopyObject and CompleteMultipartUpload with their event names', async () => {
    await s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: 'source.bin', Body: 'copy me' }));
    await s3.send(new CopyObjectCommand({ Bucket: stack.bucket, Key: 'incoming/copied.mp4', CopySource: `${stack.bucket}/source.bin` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: stack.bucket, Key: 'incoming/multi.mp4' }));
    const part1 = await s3.send(
      new UploadPartCommand({
        Bucket: stack.bucket,
        Key: 'incoming/multi.mp4',
        UploadId,
        PartNumber: 1,
        Body: Buffer.alloc(5 * 1024 * 1024, 1),
      }),
    );
    const part2 = await s3.send(
      new UploadPartCommand({ Bucket: stack.bucket, Key: 'incoming/multi.mp4', UploadId, PartNumber: 2, Body: Buffer.alloc(10, 2) }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: stack.bucket,
        Key: 'incoming/multi.mp4',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: part1.ETag },
            { PartNumber: 2, ETag: part2.ETag },
          ],
        },
      }),
    );
    await stack.waitForIdle({ timeoutMs: 5000 });
    const notes = (await takeNotifications()) as Note[];
    const byKey = Object.fromEntries(notes.map((n) => [n.Records[0]!.s3.object.key, n.Records[0]!]));
    expect(Object.keys(byKey).sort()).toEqual(['incoming/copied.mp4', 'incoming/multi.mp4']); // no event for the part uploads
    expect(byKey['incoming/copied.mp4']!.eventName).toBe('ObjectCreated:Copy');
    expect(byKey['incoming/copied.mp4']!.s3.object.size).toBe(7);
    expect(byKey['incoming/multi.mp4']!.eventName).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(byKey['incoming/multi.mp4']!.s3.object.size).toBe(5 * 1024 * 1024 + 10);
  });
});

describe('encodeEventKey', () => {
  it('form-encodes like S3 event keys and keeps slashes', () => {
    expect(encodeEventKey('a b/c:d=e.mp4')).toBe('a+b/c%3Ad%3De.mp4');
    expect(encodeEventKey("it's~(x)*_-.mp4")).toBe('it%27s%7E%28x%29*_-.mp4');
    expect(encodeEventKey('视频.mp4')).toBe('%E8%A7%86%E9%A2%91.mp4');
  });
});
