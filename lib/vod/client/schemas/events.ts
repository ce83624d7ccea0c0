// The nine event bodies VOD sends (HTTP callback body = PullEvent's eventContent), reference §4.7.4.
// GetTaskInfo reuses the `data` schemas: its `data` is the matching event's `data` (§4.6).
// Every function loads this module (the client's barrel) but few parse a 2.0 event: each `data`
// schema is a z.lazy, built on its first parse rather than at cold start.
import * as z from 'zod';
import { metaData, playItem } from './media-info';
import { eventVersion, idString, list, num, optNum, str, taskStatus } from './common';

/** `data.status` and `data.message`: 0 is success; failures carry a processing code (−4xxxx). */
const outcome = { status: optNum, message: str };

export const newFileUploadData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    fileId: idString,
    fileName: z.string().optional(),
    coverUrl: z.string().optional(),
    fileUrl: z.string().optional(),
    author: z.string().optional(),
    sourceType: z.string().optional(),
    sourceContext: z.string().optional(),
    streamId: z.string().optional(),
    procedureTaskId: z.string().optional(),
    transcodeTaskId: z.string().optional(),
    porncheckTaskId: z.string().optional(),
  }),
);

export const pullCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    fileId: idString.optional(),
    fileUrl: z.string().optional(),
    transcodeTaskId: z.string().optional(),
  }),
);

export const transcodeCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    fileId: idString.optional(),
    fileName: z.string().optional(),
    duration: optNum,
    coverUrl: z.string().optional(),
    playSet: list(playItem),
  }),
);

const outputFile = z.lazy(() =>
  z.looseObject({
    fileType: z.string().optional(),
    status: optNum,
    message: str,
    fileId: idString.optional(),
    fileUrl: z.string().optional(),
  }),
);

export const concatCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    fileInfo: list(outputFile),
  }),
);

/** `fileInfo` is an object in the example and an array in the table; one clip, one object. */
export const clipCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    srcFileId: idString.optional(),
    fileInfo: z
      .union([outputFile, z.array(outputFile)])
      .optional()
      .transform((v) => (Array.isArray(v) ? v[0] : v)),
  }),
);

export const createImageSpriteCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    fileId: idString.optional(),
    definition: optNum,
    totalCount: optNum,
    imageSpriteUrl: list(z.string()),
  }),
);

export const createSnapshotByTimeOffsetCompleteData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    vodTaskId: z.string().optional(),
    fileId: idString.optional(),
    definition: optNum,
    picInfo: list(z.looseObject({ timeOffset: num, url: z.string().optional(), status: optNum })),
  }),
);

export const fileDeletedData = z.lazy(() =>
  z.looseObject({
    ...outcome,
    fileInfo: list(z.looseObject({ fileId: idString })),
  }),
);

/** A procedure sub-task; `output` is present only on success. Fields depend on `taskType`. */
export const processTask = z.lazy(() =>
  z.looseObject({
    taskType: z.string(),
    /** PROCESSING | SUCCESS | FAIL (upper-cased here). */
    status: z.string().transform((s) => s.toUpperCase()),
    /** 30009 source problem, 30010 system failure or unknown (doc). */
    errCode: optNum,
    message: str,
    input: z.looseObject({}).optional(),
    // A Transcode output is the output file's metaData plus its URL; snapshot tasks add image URLs.
    output: metaData
      .extend({
        url: z.string().optional(),
        imageUrls: list(z.string()),
        imageUrl: z.string().optional(),
        image_url: z.string().optional(),
        imgInfo: list(z.looseObject({ timeOffset: num, url: z.string() })),
        fileId: idString.optional(),
        fileSize: optNum,
        totalCount: optNum,
      })
      .transform(({ image_url, ...rest }) => ({ ...rest, imageUrl: rest.imageUrl ?? image_url }))
      .optional(),
  }),
);

export const procedureStateChangedData = z.lazy(() =>
  z.looseObject({
    vodTaskId: z.string().optional(),
    status: taskStatus,
    errCode: optNum,
    message: str,
    fileId: idString.optional(),
    metaData: metaData.optional(),
    drm: z.looseObject({}).optional(),
    processTaskList: list(processTask),
  }),
);

const event = <T extends string, D extends z.ZodType>(eventType: T, data: D) =>
  z.looseObject({ version: eventVersion, eventType: z.literal(eventType), data });

export const vodEventSchemas = {
  NewFileUpload: event('NewFileUpload', newFileUploadData),
  PullComplete: event('PullComplete', pullCompleteData),
  TranscodeComplete: event('TranscodeComplete', transcodeCompleteData),
  ConcatComplete: event('ConcatComplete', concatCompleteData),
  ClipComplete: event('ClipComplete', clipCompleteData),
  CreateImageSpriteComplete: event('CreateImageSpriteComplete', createImageSpriteCompleteData),
  CreateSnapshotByTimeOffsetComplete: event('CreateSnapshotByTimeOffsetComplete', createSnapshotByTimeOffsetCompleteData),
  FileDeleted: event('FileDeleted', fileDeletedData),
  ProcedureStateChanged: event('ProcedureStateChanged', procedureStateChangedData),
};

export type VodEventType = keyof typeof vodEventSchemas;
export const VOD_EVENT_TYPES = Object.keys(vodEventSchemas) as VodEventType[];

export const vodEventSchema = z.lazy(() =>
  z.discriminatedUnion('eventType', [
    vodEventSchemas.NewFileUpload,
    vodEventSchemas.PullComplete,
    vodEventSchemas.TranscodeComplete,
    vodEventSchemas.ConcatComplete,
    vodEventSchemas.ClipComplete,
    vodEventSchemas.CreateImageSpriteComplete,
    vodEventSchemas.CreateSnapshotByTimeOffsetComplete,
    vodEventSchemas.FileDeleted,
    vodEventSchemas.ProcedureStateChanged,
  ]),
);
export type VodEvent = z.output<typeof vodEventSchema>;

export const isVodEventType = (t: unknown): t is VodEventType => typeof t === 'string' && Object.hasOwn(vodEventSchemas, t);

/** An event type this client does not model (porn-check, review…): kept, not rejected. */
export const unknownVodEventSchema = z.lazy(() =>
  z.looseObject({
    version: eventVersion,
    eventType: z.string().refine((t) => !isVodEventType(t), 'a known event type must match its schema'),
    data: z.unknown(),
  }),
);
export type UnknownVodEvent = z.output<typeof unknownVodEventSchema>;

/** Any event: a known type must match its schema; other types pass through untyped. */
export const anyVodEventSchema = z.lazy(() => z.union([vodEventSchema, unknownVodEventSchema]));
export type AnyVodEvent = VodEvent | UnknownVodEvent;

export const isKnownVodEvent = (e: AnyVodEvent): e is VodEvent => isVodEventType(e.eventType);

export const pullEventParams = z.lazy(() => z.strictObject({}));
export const pullEventResponse = z.lazy(() =>
  z.looseObject({
    code: num,
    message: str,
    codeDesc: z.string().optional(),
    // The empty-queue shape is undocumented: absent, null or [] all mean "no events".
    // Each event is parsed on its own (safeParseVodEvent): one that does not parse must not fail
    // the others of its batch.
    eventList: list(z.looseObject({ msgHandle: z.string().min(1), eventContent: z.unknown() })),
  }),
);

export const confirmEventParams = z.lazy(() =>
  z.strictObject({
    /** Flattened 1-based as in the doc example: msgHandle.1, msgHandle.2 … */
    msgHandle: z.array(z.string().min(1)).min(1),
  }),
);
