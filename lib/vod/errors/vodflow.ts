// vodflow's own codes: failures that no VOD response carries, because vodflow itself stopped
// waiting. Negative like VOD's processing codes, but far from every documented range.
import type { ErrorEntry } from './types';

export const DEADLINE_CODE = -1;
export const STALLED_CODE = -2;
/** Push mode: the S3 object is not the one the job was created for (overwritten or deleted). */
export const SOURCE_GONE_CODE = -3;
/** A request vodflow built breaks a limit VOD documents: checked before sending, so never sent. */
export const REQUEST_INVALID_CODE = -4;

export const VODFLOW_CODES: readonly ErrorEntry[] = [
  {
    code: DEADLINE_CODE,
    stage: 'task',
    step: null,
    cause: 'deadline-exceeded',
    category: 'gave-up',
    message: '任务未在期限内完成',
    message_en: 'VOD did not finish the task before the job deadline (JOB_DEADLINE_S)',
    action: 'Check the task with `vodflow api GetTaskInfo vodTaskId=…`; for long videos raise JOB_DEADLINE_S, then submit the video again.',
    basis: 'vodflow',
  },
  {
    code: STALLED_CODE,
    stage: 'pipeline',
    step: null,
    cause: 'stalled',
    category: 'gave-up',
    message: '任务长时间没有进展',
    message_en:
      'The job stopped moving: one of its messages kept failing and was parked in a dead-letter queue, or a step never finished (STALE_JOB_S)',
    action:
      'See why with `vodflow jobs show <jobId>` and the dead-letter queues (`vodflow jobs redrive --dry-run`); fix the cause, then upload the video again.',
    basis: 'vodflow',
  },
  {
    code: SOURCE_GONE_CODE,
    stage: 'source',
    step: null,
    cause: 'source-gone',
    category: 'not-found',
    message: '源文件已被覆盖或删除',
    message_en:
      'The S3 object this job was created for is gone: it was overwritten (S3 refused If-Match on its ETag, 412) or deleted (404) before vodflow read it for the push upload',
    action:
      'Nothing to retry for these bytes: an overwrite is a new object with a job of its own, and a deleted video must be uploaded again.',
    basis: 'vodflow',
  },
  {
    code: REQUEST_INVALID_CODE,
    stage: 'api',
    step: null,
    cause: 'request-invalid',
    category: 'invalid-request',
    message: '请求参数超出 VOD 文档的限制，未发送',
    message_en:
      "vodflow's request for this video breaks a limit VOD documents (the detail names the field and the limit), so it was not sent",
    action:
      'Fix what the detail names, usually configuration (VOD_CLASS_ID, VOD_DEFINITIONS, VIDEO_EXTENSIONS…), then submit the video again; where the field comes from the video itself (its name or type), report it, since vodflow should have fitted it.',
    basis: 'vodflow',
  },
];
