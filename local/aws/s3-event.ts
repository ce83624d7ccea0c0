// The S3 event notification record, as S3 itself sends it to SQS (event structure version 2.1).
import type { NotificationSpec } from '../serverless/model';

export type ObjectCreatedKind = 'Put' | 'Post' | 'Copy' | 'CompleteMultipartUpload';

export interface ObjectCreated {
  kind: ObjectCreatedKind;
  bucket: string;
  key: string; // raw key, as stored
  size: number;
  eTag: string; // without quotes, as in S3 events
  sourceIp: string;
  requestId: string;
  time: Date;
}

/**
 * S3 form-encodes keys in events: space → '+', everything but `A-Za-z0-9 - _ . *` and '/'
 * percent-encoded (so `decodeURIComponent(key.replace(/\+/g, ' '))` restores the key).
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/** Whether a notification configuration selects this event (event name and key prefix/suffix). */
export function matchesNotification(notification: NotificationSpec, kind: ObjectCreatedKind, key: string): boolean {
  const nameMatches = notification.events.some((event) => event === 's3:ObjectCreated:*' || event === `s3:ObjectCreated:${kind}`);
  if (!nameMatches) return false;
  if (notification.prefix !== undefined && !key.startsWith(notification.prefix)) return false;
  if (notification.suffix !== undefined && !key.endsWith(notification.suffix)) return false;
  return true;
}

let lastSequencer = 0n;

/** Sequencers only need to grow per key; a time-based hex counter does that across restarts. */
function nextSequencer(): string {
  const now = BigInt(Date.now()) << 16n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

export function s3EventMessage(event: ObjectCreated, region: string, configurationId: string): string {
  const principalId = 'AWS:LOCAL-VODFLOW';
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: event.time.toISOString(),
        eventName: `ObjectCreated:${event.kind}`,
        userIdentity: { principalId },
        requestParameters: { sourceIPAddress: event.sourceIp },
        responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': `local/${event.requestId}` },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: { name: event.bucket, ownerIdentity: { principalId }, arn: `arn:aws:s3:::${event.bucket}` },
          object: { key: encodeEventKey(event.key), size: event.size, eTag: event.eTag, sequencer: nextSequencer() },
        },
      },
    ],
  });
}

/** The message S3 puts on a queue when a notification configuration is (re)applied. */
export function s3TestEventMessage(bucket: string, requestId: string): string {
  return JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: new Date().toISOString(),
    Bucket: bucket,
    RequestId: requestId,
    HostId: `local/${requestId}`,
  });
}
