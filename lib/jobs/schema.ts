// The parts of a job record that other contracts reuse (the downstream events carry the outputs
// and the explained error; queue messages name the task kind). A leaf module: it imports nothing
// of vodflow, so lib/events can build on it while the job record itself types its outbox event.
import * as z from 'zod';

/** The two kinds of VOD task a job waits on. */
export const TASK_KINDS = ['pull', 'procedure'] as const;
export const taskKindSchema = z.enum(TASK_KINDS);
export type TaskKind = z.infer<typeof taskKindSchema>;

export const UPLOAD_MODES = ['pull', 'push'] as const;
export type UploadMode = (typeof UPLOAD_MODES)[number];

export const sourceSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  etag: z.string().optional(),
  versionId: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  contentType: z.string().optional(),
});
export type JobSource = z.infer<typeof sourceSchema>;

export const playItemSchema = z.object({
  definition: z.number().int(),
  url: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  bitrate: z.number().optional(),
});

export const snapshotSchema = z.object({ timeOffset: z.number(), url: z.string() });

export const outputsSchema = z.object({
  fileId: z.string(),
  playSet: z.array(playItemSchema),
  coverUrl: z.string().optional(),
  snapshots: z.array(snapshotSchema),
  duration: z.number().optional(),
});
export type JobOutputs = z.infer<typeof outputsSchema>;

/** Why a job failed, in words a user can act on (codes explained by lib/vod/errors). */
export const jobErrorSchema = z.object({
  /** API 2.0 codes are numbers (-43001), API 3.0 codes dotted strings (SourceFileError.ContentMalformed). */
  code: z.union([z.number().int(), z.string()]),
  stage: z.string().nullable(),
  step: z.string().nullable(),
  cause: z.string().nullable(),
  retryable: z.boolean(),
  message: z.string(),
  message_en: z.string(),
  action: z.string(),
  /** VOD's own words for this failure, if any (task message or API message). */
  detail: z.string().optional(),
  attempts: z.number().int().min(1),
});
export type JobError = z.infer<typeof jobErrorSchema>;
