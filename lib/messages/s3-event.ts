// The S3 event notification as delivered to SQS (event version 2.x), and the one-off
// `s3:TestEvent` S3 sends when the notification is configured. Keys arrive URL-encoded with
// `+` for spaces. Only ingest parses these, though every function loads lib/messages: z.lazy.
import * as z from 'zod';

export const s3EventRecord = z.lazy(() =>
  z.looseObject({
    eventVersion: z.string(),
    eventSource: z.literal('aws:s3'),
    eventName: z.string(),
    eventTime: z.string().optional(),
    s3: z.looseObject({
      bucket: z.looseObject({ name: z.string().min(1), arn: z.string().optional() }),
      object: z.looseObject({
        key: z.string().min(1),
        size: z.number().int().nonnegative().optional(),
        eTag: z.string().optional(),
        versionId: z.string().optional(),
        sequencer: z.string().optional(),
      }),
    }),
  }),
);
export type S3EventRecord = z.infer<typeof s3EventRecord>;

export const s3TestEvent = z.lazy(() => z.looseObject({ Event: z.literal('s3:TestEvent'), Bucket: z.string().optional() }));

export const s3Notification = z.lazy(() =>
  z.union([
    z.looseObject({ Records: z.array(s3EventRecord) }).transform((n) => ({ kind: 'records' as const, records: n.Records })),
    s3TestEvent.transform((t) => ({ kind: 'test' as const, bucket: t.Bucket })),
  ]),
);
export type S3Notification = z.output<typeof s3Notification>;

/** `a+b%2Fc.mp4` → `a b/c.mp4` */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));
