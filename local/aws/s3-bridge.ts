// fauxqs accepts PutBucketNotificationConfiguration but delivers nothing, so the bridge watches
// successful S3 writes (before they are answered) and sends S3-shaped ObjectCreated records to
// the queues serverless.yml wires to each bucket, honouring event names and key filters. The
// answer waits for the SendMessage: an acknowledged upload always has its notification queued.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { S3StoreT } from './fauxqs-stores';
import { matchesNotification, s3EventMessage, s3TestEventMessage, type ObjectCreated, type ObjectCreatedKind } from './s3-event';
import type { BucketSpec } from '../serverless/model';

export interface S3BridgeOptions {
  buckets: BucketSpec[];
  queueUrls: Record<string, string>; // logical id → URL
  sqs: SQSClient;
  s3Store: S3StoreT;
  region: string;
  log?: (message: string) => void;
}

export interface S3Bridge {
  /** Feed every successful S3 write here before it is answered; rejects if a notification was not queued. */
  beforeAnswer(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Like S3 when a notification configuration is applied: one s3:TestEvent per target queue. */
  sendTestEvents(bucketNames?: string[]): Promise<void>;
  /** Resolves when every notification triggered so far has been sent. */
  idle(): Promise<void>;
  readonly delivered: number;
}

export function createS3Bridge(options: S3BridgeOptions): S3Bridge {
  const byName = new Map(options.buckets.map((bucket) => [bucket.name, bucket]));
  const pending = new Set<Promise<void>>();
  const log = options.log ?? ((message: string) => console.error(message));
  let delivered = 0;

  const send = (queueLogicalId: string, body: string): Promise<void> => {
    const queueUrl = options.queueUrls[queueLogicalId];
    if (!queueUrl) {
      log(`[s3-bridge] no URL for queue ${queueLogicalId}; notification dropped`);
      return Promise.resolve();
    }
    const promise = options.sqs
      .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
      .then(() => {
        delivered++;
      })
      .finally(() => pending.delete(promise));
    pending.add(promise);
    return promise;
  };

  return {
    async beforeAnswer(request, reply) {
      if (reply.statusCode !== 200) return;
      const created = objectCreated(request, options.s3Store);
      if (!created) return;
      const bucket = byName.get(created.bucket);
      const sends = (bucket?.notifications ?? []).flatMap((notification, i) =>
        matchesNotification(notification, created.kind, created.key)
          ? [send(notification.queueLogicalId, s3EventMessage(created, options.region, `${bucket!.logicalId}-notification-${i + 1}`))]
          : [],
      );
      const failed = (await Promise.allSettled(sends)).find((r) => r.status === 'rejected');
      if (failed)
        throw new Error(
          `sending the ${created.kind} notification of ${created.bucket}/${created.key} failed: ${(failed.reason as Error).message}`,
        );
    },
    async sendTestEvents(bucketNames) {
      for (const bucket of options.buckets) {
        if (bucketNames && !bucketNames.includes(bucket.name)) continue;
        const queues = new Set(bucket.notifications.map((n) => n.queueLogicalId));
        for (const queue of queues) {
          send(queue, s3TestEventMessage(bucket.name, randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase())).catch((error: unknown) =>
            log(`[s3-bridge] sending the test event to ${queue} failed: ${(error as Error).message}`),
          );
        }
      }
      await this.idle();
    },
    async idle() {
      while (pending.size) await Promise.allSettled([...pending]);
    },
    get delivered() {
      return delivered;
    },
  };
}

/** Recognises the requests that create an object (fauxqs routes: PUT /:bucket/*, POST ?uploadId). */
function objectCreated(request: FastifyRequest, store: S3StoreT): ObjectCreated | undefined {
  const params = request.params as { bucket?: string; '*'?: string } | undefined;
  const bucket = params?.bucket;
  const key = params?.['*'];
  if (!bucket || !key) return undefined;
  const query = (request.query ?? {}) as Record<string, string | undefined>;
  let kind: ObjectCreatedKind;
  if (request.method === 'PUT' && !query.partNumber) kind = request.headers['x-amz-copy-source'] ? 'Copy' : 'Put';
  else if (request.method === 'POST' && query.uploadId) kind = 'CompleteMultipartUpload';
  else return undefined;
  let object: { contentLength: number; etag: string };
  try {
    object = store.headObject(bucket, key);
  } catch {
    return undefined; // deleted in between; S3 would still notify, but there is nothing to describe
  }
  return {
    kind,
    bucket,
    key,
    size: object.contentLength,
    eTag: object.etag.replace(/"/g, ''),
    sourceIp: request.ip,
    requestId: String(request.id),
    time: new Date(),
  };
}
