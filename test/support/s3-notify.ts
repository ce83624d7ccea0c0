// fauxqs accepts bucket notification settings but delivers nothing, so tests play S3's part:
// put the object, then send the ObjectCreated:Put record S3 would send, built from the stored
// object's real ETag and size, to the ingest queue.
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Stack } from './stack';

export function s3EventRecord(bucket: string, key: string, size: number, eTag: string, eventName = 'ObjectCreated:Put') {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: new Date().toISOString(),
    eventName,
    userIdentity: { principalId: 'AWS:TEST' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'TEST', 'x-amz-id-2': 'TEST' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'ingest',
      bucket: { name: bucket, ownerIdentity: { principalId: 'TEST' }, arn: `arn:aws:s3:::${bucket}` },
      // S3 sends keys URL-encoded with '+' for spaces.
      object: {
        key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'),
        size,
        eTag,
        sequencer: Date.now().toString(16).toUpperCase(),
      },
    },
  };
}

/** Sends the notification of an object already in the bucket (as S3 would, possibly twice). */
export async function notifyObject(stack: Stack, key: string): Promise<void> {
  const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
  const record = s3EventRecord(stack.bucket, key, head.ContentLength ?? 0, (head.ETag ?? '').replaceAll('"', ''));
  await stack.sqs.send(new SendMessageCommand({ QueueUrl: stack.queueUrl('ingest'), MessageBody: JSON.stringify({ Records: [record] }) }));
}

export async function putObject(stack: Stack, key: string, body: Uint8Array, notify = true): Promise<void> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: key, Body: body }));
  if (notify) await notifyObject(stack, key);
}
