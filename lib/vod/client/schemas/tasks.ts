// Tasks, reference §4.6. Task `type` is normalised to lower case (`Procedure` → `procedure`,
// `clipVideo` → `clip`) and status FINISHED to FINISH, so callers compare against one spelling.
import * as z from 'zod';
import { envelopeFields, list, optNum, str, taskStatus } from './common';
import { clipCompleteData, concatCompleteData, procedureStateChangedData, pullCompleteData, transcodeCompleteData } from './events';

// A Map: the type comes from the wire, and `constructor` must stay a string, not Object.
const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([['clipvideo', 'clip']]);

export const normaliseTaskType = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const lower = v.toLowerCase();
  return TYPE_ALIASES.get(lower) ?? lower;
};

const taskType = z.lazy(() => z.preprocess(normaliseTaskType, z.string()));

const taskTimes = {
  status: taskStatus,
  createTime: optNum,
  beginProcessTime: optNum,
  finishTime: optNum,
};

// GetTaskInfo's `data` is the matching event's `data`; absent while WAITING.
const typedTask = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.looseObject({ ...envelopeFields, ...taskTimes, type: z.literal(type), data: data.optional() });

const KNOWN_TYPES = ['procedure', 'transcode', 'pull', 'clip', 'concat'];

export const getTaskInfoParams = z.lazy(() => z.strictObject({ vodTaskId: z.string().min(1) }));
export const getTaskInfoResponse = z.lazy(() =>
  z.preprocess(
    (v) => (v && typeof v === 'object' ? { ...v, type: normaliseTaskType((v as { type?: unknown }).type) } : v),
    z.union([
      typedTask('procedure', procedureStateChangedData),
      typedTask('transcode', transcodeCompleteData),
      typedTask('pull', pullCompleteData),
      typedTask('clip', clipCompleteData),
      typedTask('concat', concatCompleteData),
      z.looseObject({
        ...envelopeFields,
        ...taskTimes,
        type: z.string().refine((t) => !KNOWN_TYPES.includes(t), 'a known task type must match its schema'),
        data: z.unknown().optional(),
      }),
    ]),
  ),
);
export type TaskInfo = z.output<typeof getTaskInfoResponse>;

export const getTaskListParams = z.lazy(() =>
  z.strictObject({
    /** Required by the EN (live) doc; FINISHED is the CN spelling. */
    status: z.enum(['WAITING', 'PROCESSING', 'FINISH', 'FINISHED']),
    fileId: z.string().optional(),
    maxCount: z.number().int().min(10).max(100).optional(),
    next: z.string().optional(),
  }),
);

const taskSummary = z.lazy(() =>
  z.looseObject({
    vodTaskId: z.string(),
    type: taskType,
    createTime: optNum,
    /** 0 while queued. */
    beginProcessTime: optNum,
    /** 0 while running. */
    finishTime: optNum,
  }),
);

const taskGroup = z
  .looseObject({
    status: taskStatus,
    next: str,
    taskList: list(taskSummary).optional(),
    vodTaskList: list(taskSummary).optional(),
  })
  .transform(({ vodTaskList, ...rest }) => ({ ...rest, taskList: rest.taskList ?? vodTaskList ?? [] }));

/**
 * Live (and EN doc): `data` is one `{status, next, taskList}`; the CN doc has an array of such
 * groups. Normalised to the array, so both read the same.
 */
export const getTaskListResponse = z.lazy(() =>
  z.looseObject({
    ...envelopeFields,
    data: z
      .union([taskGroup, z.array(taskGroup)])
      .nullish()
      .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v])),
  }),
);

export const redoTaskParams = z.lazy(() => z.strictObject({ vodTaskId: z.string().min(1) }));
