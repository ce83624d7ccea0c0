// Vocabulary of the error table: where a code happened (stage, step), why (cause), and which
// retry class it belongs to (category, see rule.ts).

/** Where in VOD the code arises. Processing stages come from the seed's range prefixes. */
export type Stage = 'probe' | 'snapshot' | 'transcode' | 'source' | 'api' | 'auth' | 'upload' | 'task' | 'pipeline';

/** The command that failed, for processing codes (one per seed range). */
export type Step =
  | 'probe-source' //         -430xx 查询，查询命令执行
  | 'probe-concat-inputs' //  -431xx 查询，查询待拼接文件的命令执行
  | 'snapshot' //             -440xx 截图，截图命令执行
  | 'snapshot-info' //        -441xx 截图，获取截图信息命令执行
  | 'transcode' //            -450xx 音视频转码，转码命令执行
  | 'probe-before-verify' //  -451xx 音视频转码，校验转码后文件前获取文件信息
  | 'probe-before-upload' //  -452xx 音视频转码，上传文件前获取文件信息
  | 'verify-output' //        -491xx 音视频转码，校验转码后文件
  | 'check-source' //         -471xx/-472xx/-474xx 原文件不符合要求
  | 'check-concat-inputs'; // -473xx 原文件不符合要求，拼接…

/**
 * Retry class of a code. rule.ts says which classes are worth a retry; every table entry has
 * exactly one, so retryability is never decided code by code.
 */
export type Category =
  | 'source' //           reading/decoding the source, or a source requirement: permanent
  | 'output' //           VOD checking its own output: retry
  | 'internal' //         server-side/internal error: retry
  | 'throttled' //        quota, rate or "too many pull tasks": retry later
  | 'stale-request' //    expired timestamp / replayed nonce: re-sign and resend
  | 'transient-state' //  file or task in a transitional state: retry later
  | 'auth' //             credentials, signature, permissions: permanent
  | 'invalid-request' //  bad parameters, unsupported protocol/action: permanent
  | 'not-found' //        missing file, task, class, resource: permanent
  | 'account' //          account banned, billing, qualification: permanent
  | 'partial' //          batch partly done: do not resend the batch as a whole
  | 'gave-up' //          vodflow stopped waiting (deadline, stalled job): permanent for this job
  | 'success' //          code 0
  | 'unknown'; //         not in the table: retry within the caller's attempt limit

/**
 * Where an entry's words come from: the seed table, the API reference (§3, §4 of
 * vod-v2-api.md), an inference (meaning undocumented), a structural decode of an unlisted code
 * (its range is known, its suffix is not), vodflow's own codes (never sent by VOD), or nothing.
 */
export type Basis = 'seed' | 'reference' | 'inferred' | 'decoded' | 'vodflow' | 'none';

/** One row of the table. */
export interface ErrorEntry {
  readonly code: number;
  readonly stage: Stage | null;
  readonly step: Step | null;
  readonly cause: string | null;
  readonly category: Category;
  /** Chinese text: the seed's verbatim for seed codes, the reference's words otherwise. */
  readonly message: string;
  readonly message_en: string;
  /** One sentence telling a user what to do. */
  readonly action: string;
  readonly basis: Basis;
}

/** What `classify` returns: an entry plus whether it was known and whether to retry. */
export interface Classification {
  /** API 2.0: a number; API 3.0: the dotted string (SourceFileError.ContentMalformed). */
  code: number | string;
  known: boolean;
  stage: Stage | null;
  step: Step | null;
  cause: string | null;
  retryable: boolean;
  message: string;
  message_en: string;
  action: string;
  category: Category;
  basis: Basis;
}

/** A table row as written in the tables: code, stage, cause, category and the three texts. */
export type ErrorRow<C> = [code: C, stage: Stage, cause: string, category: Category, message: string, message_en: string, action: string];

/** The entry of a row whose words come from the API reference (no processing step). */
export const referenceEntry = <C>([code, stage, cause, category, message, message_en, action]: ErrorRow<C>) => ({
  code,
  stage,
  step: null,
  cause,
  category,
  message,
  message_en,
  action,
  basis: 'reference' as const,
});
