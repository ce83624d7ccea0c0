// Downstream events, version 1: CloudEvents 1.0 (structured JSON) sent to the events queue and,
// signed with Standard Webhooks headers, to optional HTTP subscribers. Exactly one terminal
// event per job; its `id` is derived from the job and the terminal state, so a redelivered copy
// carries the same id and consumers can drop it.
import * as z from 'zod';
import { jobErrorSchema, outputsSchema } from '../jobs/schema';

export const EVENT_TYPES = { ready: 'vodflow.video.ready', failed: 'vodflow.video.failed' } as const;
export const DATA_SCHEMA_VERSION = 1;

const sourceRef = z.object({
  bucket: z.string(),
  key: z.string(),
  etag: z.string().optional(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
});

/** `urn:vodflow:schema:<type>:v1`: the events' `dataschema`, and the `$id` of their JSON Schema. */
export const dataSchemaOf = (type: string): string => `urn:vodflow:schema:${type}:v${DATA_SCHEMA_VERSION}`;

/**
 * CloudEvents extension attributes (e.g. `traceparent` of distributed tracing) are allowed beside
 * the envelope: the spec types them as strings, integers or booleans.
 */
const extensionValue = z.union([z.string(), z.number().int(), z.boolean()]);

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z
    .object({
      specversion: z.literal('1.0'),
      id: z
        .string()
        .min(1)
        .describe(
          'Deterministic per job and terminal state: duplicates share it. The events queue (SQS FIFO) deduplicates on it for 5 minutes; drop older repeats and webhook retries by it',
        ),
      source: z.string().min(1).describe('URI-reference of the emitting vodflow deployment'),
      type: z.literal(type),
      subject: z.string().min(1).describe("The jobId (the events queue's MessageGroupId)"),
      time: z.iso.datetime({ offset: true }),
      datacontenttype: z.literal('application/json'),
      dataschema: z.literal(dataSchemaOf(type)).describe('Names the schema and its version: the $id of this JSON Schema'),
      data,
    })
    .catchall(extensionValue);

const passthrough = z.string().max(255).optional().describe('The passthrough string given to POST /uploads, echoed as is');

export const videoReadyDataV1 = z.object({
  jobId: z.string(),
  source: sourceRef.optional(),
  attempts: z.number().int().min(1),
  passthrough,
  fileId: outputsSchema.shape.fileId,
  playSet: outputsSchema.shape.playSet.describe('One playable URL per transcoding definition'),
  coverUrl: outputsSchema.shape.coverUrl,
  snapshots: outputsSchema.shape.snapshots,
  duration: outputsSchema.shape.duration.describe('Seconds'),
});

export const videoFailedDataV1 = z.object({
  jobId: z.string(),
  source: sourceRef.optional(),
  attempts: z.number().int().min(1),
  passthrough,
  fileId: z.string().optional(),
  vodTaskId: z.string().optional(),
  error: jobErrorSchema.describe('The VOD code explained: where it happened, why, whether a retry helps, what to do'),
});

export const videoReadyEventV1 = envelope(EVENT_TYPES.ready, videoReadyDataV1);
export const videoFailedEventV1 = envelope(EVENT_TYPES.failed, videoFailedDataV1);
export const downstreamEvent = z.discriminatedUnion('type', [videoReadyEventV1, videoFailedEventV1]);

export type VideoReadyEvent = z.infer<typeof videoReadyEventV1>;
export type VideoFailedEvent = z.infer<typeof videoFailedEventV1>;
export type DownstreamEvent = z.infer<typeof downstreamEvent>;
