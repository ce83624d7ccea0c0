// zod schemas of the 2018-07-17 actions the pipeline calls (vod-v3-api.md §4; sdk-models names).
// Requests are checked before sending; responses are parsed loosely (members may be null, new
// members may appear) but every field vodflow reads is typed. Each schema is a z.lazy, built on its
// first parse: a function loads this module with the v3 client whichever API version it is
// configured for, and calls two or three actions at most.
import * as z from 'zod';

const str = z.string();
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);
const num = z.number();

// ---- requests -----------------------------------------------------------------------------
export const pullUploadRequest = z.lazy(() =>
  z.object({
    MediaUrl: z.url({ protocol: /^https?$/ }),
    MediaName: z.string().max(256).optional(),
    MediaType: z.string().max(16).optional(),
    ClassId: z.number().int().min(0).optional(),
    Procedure: z.string().max(128).optional(),
    SessionContext: z.string().max(1000).optional(),
    SessionId: z.string().max(50).optional(),
    SourceContext: z.string().max(250).optional(),
  }),
);
export const applyUploadRequest = z.lazy(() =>
  z.object({
    MediaType: z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'an extension such as mp4'),
    MediaName: z.string().max(256).optional(),
    ClassId: z.number().int().min(0).optional(),
    Procedure: z.string().max(128).optional(),
    SourceContext: z.string().max(250).optional(),
    SessionContext: z.string().max(1000).optional(),
  }),
);
export const commitUploadRequest = z.lazy(() => z.object({ VodSessionKey: z.string().min(1) }));
const coverTask = z.lazy(() =>
  z.object({ Definition: z.number().int(), PositionType: z.enum(['Time', 'Percent']), PositionValue: z.number() }),
);
const snapshotTask = z.lazy(() =>
  z.object({
    Definition: z.number().int(),
    ExtTimeOffsetSet: z.array(z.string()).optional(),
    TimeOffsetSet: z.array(z.number()).optional(),
  }),
);
export const processMediaRequest = z.lazy(() =>
  z.object({
    FileId: z.string().min(1),
    MediaProcessTask: z.object({
      TranscodeTaskSet: z.array(z.object({ Definition: z.number().int() })).optional(),
      CoverBySnapshotTaskSet: z.array(coverTask).optional(),
      SnapshotByTimeOffsetTaskSet: z.array(snapshotTask).optional(),
    }),
    TasksPriority: z.number().int().min(-10).max(10).optional(),
    TasksNotifyMode: z.enum(['Finish', 'Change', 'None']).optional(),
    SessionContext: z.string().max(1000).optional(),
    SessionId: z.string().max(50).optional(),
  }),
);
export const describeTaskDetailRequest = z.lazy(() => z.object({ TaskId: z.string().min(1) }));
export const describeMediaInfosRequest = z.lazy(() =>
  z.object({
    FileIds: z.array(z.string().min(1)).min(1).max(20),
    Filters: z.array(z.string()).optional(),
  }),
);
export const pullEventsRequest = z.lazy(() => z.object({}));
export const confirmEventsRequest = z.lazy(() => z.object({ EventHandles: z.array(z.string().min(1)).min(1).max(16) }));
export const describeAllClassRequest = z.lazy(() => z.object({}));

// ---- responses ----------------------------------------------------------------------------
export const tempCertificate = z.lazy(() => z.looseObject({ SecretId: str, SecretKey: str, Token: str, ExpiredTime: num }));
export const applyUploadResponse = z.lazy(() =>
  z.looseObject({
    StorageBucket: str,
    StorageRegion: str,
    VodSessionKey: str,
    MediaStoragePath: str,
    CoverStoragePath: opt(str),
    TempCertificate: opt(tempCertificate),
  }),
);
export const commitUploadResponse = z.lazy(() => z.looseObject({ FileId: str, MediaUrl: opt(str), CoverUrl: opt(str) }));
export const taskIdResponse = z.lazy(() => z.looseObject({ TaskId: str }));

const subTaskResult = z.looseObject({
  Status: str,
  ErrCodeExt: opt(str),
  ErrCode: opt(num),
  Message: opt(str),
  Progress: opt(num),
  Output: opt(z.looseObject({})),
});
export const mediaProcessResult = z.lazy(() =>
  z.looseObject({
    Type: str,
    TranscodeTask: opt(subTaskResult),
    CoverBySnapshotTask: opt(subTaskResult.extend({ Output: opt(z.looseObject({ CoverUrl: opt(str) })) })),
    SnapshotByTimeOffsetTask: opt(
      subTaskResult.extend({
        Output: opt(z.looseObject({ Definition: opt(num), PicInfoSet: opt(z.array(z.looseObject({ TimeOffset: num, Url: str }))) })),
      }),
    ),
    SampleSnapshotTask: opt(subTaskResult),
    AdaptiveDynamicStreamingTask: opt(subTaskResult),
  }),
);
export type MediaProcessResult = z.infer<typeof mediaProcessResult>;
const metaData = z.lazy(() => z.looseObject({ Duration: opt(num), Width: opt(num), Height: opt(num), Bitrate: opt(num), Size: opt(num) }));
export const procedureTask = z.lazy(() =>
  z.looseObject({
    TaskId: str,
    Status: str,
    ErrCode: opt(num),
    Message: opt(str),
    FileId: opt(str),
    MetaData: opt(metaData),
    MediaProcessResultSet: opt(z.array(mediaProcessResult)).transform((v) => v ?? []),
    SessionContext: opt(str),
  }),
);
export type ProcedureTask = z.infer<typeof procedureTask>;
export const pullUploadTask = z.lazy(() =>
  z.looseObject({
    TaskId: str,
    Status: str,
    ErrCode: opt(num),
    Message: opt(str),
    FileId: opt(str),
    FileUrl: opt(str),
    MetaData: opt(metaData),
    ProcedureTaskId: opt(str),
    Progress: opt(num),
  }),
);
export type PullUploadTask = z.infer<typeof pullUploadTask>;
export const describeTaskDetailResponse = z.lazy(() =>
  z.looseObject({
    TaskType: str,
    // WAITING, PROCESSING, FINISH or ABORTED as documented; any other is read as it is (a status
    // vodflow does not know must end the job with its name, not fail the parse on every poll).
    Status: str,
    ProcedureTask: opt(procedureTask),
    PullUploadTask: opt(pullUploadTask),
  }),
);
export type TaskDetail = z.infer<typeof describeTaskDetailResponse>;

const transcodeItem = z.lazy(() =>
  z.looseObject({
    Url: str,
    Definition: num,
    Bitrate: opt(num),
    Height: opt(num),
    Width: opt(num),
    Duration: opt(num),
    Size: opt(num),
    Container: opt(str),
  }),
);
export const mediaInfo = z.lazy(() =>
  z.looseObject({
    FileId: str,
    BasicInfo: opt(
      z.looseObject({ Name: opt(str), CoverUrl: opt(str), MediaUrl: opt(str), Type: opt(str), ClassId: opt(num), Status: opt(str) }),
    ),
    MetaData: opt(metaData),
    TranscodeInfo: opt(z.looseObject({ TranscodeSet: opt(z.array(transcodeItem)).transform((v) => v ?? []) })),
    SnapshotByTimeOffsetInfo: opt(
      z.looseObject({
        SnapshotByTimeOffsetSet: opt(
          z.array(z.looseObject({ Definition: num, PicInfoSet: opt(z.array(z.looseObject({ TimeOffset: num, Url: str }))) })),
        ),
      }),
    ),
  }),
);
export type MediaInfo = z.infer<typeof mediaInfo>;
export const describeMediaInfosResponse = z.lazy(() =>
  z.looseObject({
    MediaInfoSet: opt(z.array(mediaInfo)).transform((v) => v ?? []),
    NotExistFileIdSet: opt(z.array(str)).transform((v) => v ?? []),
  }),
);

/** EventContent (§4.10); the HTTP callback body is the same without EventHandle (§4.11). */
export const eventContent = z.lazy(() =>
  z.looseObject({
    EventHandle: opt(str),
    EventType: str,
    FileUploadEvent: opt(z.looseObject({ FileId: str })),
    ProcedureStateChangeEvent: opt(procedureTask),
    PullCompleteEvent: opt(pullUploadTask),
  }),
);
export type EventContent = z.infer<typeof eventContent>;
// Each event is parsed on its own (eventContent): one that does not parse must not fail the others of its batch.
export const pullEventsResponse = z.lazy(() =>
  z.looseObject({ EventSet: opt(z.array(z.looseObject({ EventHandle: opt(str) }))).transform((v) => v ?? []) }),
);
export const emptyResponse = z.lazy(() => z.looseObject({}));
export const describeAllClassResponse = z.lazy(() =>
  z.looseObject({
    ClassInfoSet: opt(
      z.array(
        z.looseObject({
          ClassId: num,
          ParentId: num,
          Name: opt(str),
          ClassName: opt(str),
          Level: opt(num),
          SubClassIdSet: opt(z.array(num)),
        }),
      ),
    ).transform((v) => v ?? []),
  }),
);
