// API 3.0 codes (vod-v3-api.md §3.3, §6): the video-processing ErrCodeExt strings (doc 266/50368),
// the common 3.0 codes and the VOD-specific ones the pipeline meets. Same vocabulary and the same
// retry rule (rule.ts) as the v2 table: every row names one category, retryability follows it.
// Chinese messages paraphrase the reference's meanings (the doc's own Chinese was not retrieved).
import { type Category, type ErrorEntry, type ErrorRow, referenceEntry, type Stage } from './types';

/** A v3 row: the same entry shape, keyed by the dotted string code. */
export type V3ErrorEntry = Omit<ErrorEntry, 'code'> & { readonly code: string };

type Row = ErrorRow<string>;
const toEntry = (row: Row): V3ErrorEntry => referenceEntry(row);

const REENCODE = 're-encode the source with a standard encoder (H.264/AAC in MP4) and upload it again.';

/** Sub-task ErrCodeExt values ("视频处理类错误码", cn:266/50368 = intl:266/39145). */
export const V3_PROCESSING_CODES: readonly V3ErrorEntry[] = (
  [
    [
      'InvalidInput',
      'task',
      'invalid-input',
      'invalid-request',
      '输入参数不合法',
      'Invalid input parameter',
      // Also the class of task-level ErrCode 40000, for a pull as for a procedure: the action names both.
      "VOD refused the task's input: for a pull, the source URL or its media type; for processing, the parameters vodflow sent (definitions, cover, snapshots). See the message, fix that, then resubmit the video.",
    ],
    [
      'InvalidInput.InvalidTimeOffset',
      'task',
      'invalid-time-offset',
      'invalid-request',
      '时间点不合法',
      'Invalid time point (a snapshot or cover position outside the video)',
      "Use snapshot offsets and a cover position inside the video's duration (VOD_SNAPSHOT_OFFSETS_MS, VOD_COVER_PERCENT), then resubmit.",
    ],
    [
      'InvalidInput.DefinitionNotExist',
      'task',
      'definition-not-exist',
      'invalid-request',
      '模板 ID 不存在',
      'The template id does not exist',
      'Use a template that exists in this application: v3 presets are 100010-100080 (MP4) and 100210-100280 (HLS); check VOD_DEFINITIONS.',
    ],
    [
      'InvalidInput.ConfigurationUnsupported',
      'task',
      'configuration-unsupported',
      'invalid-request',
      '配置不合法：未注册用户、参数取值或范围不合法、模板损坏或未指定处理任务',
      'Invalid configuration: unregistered user, bad value or range, broken template, or no processing task given',
      'Check the account and the templates named in the request; fix the configuration, then resubmit.',
    ],
    [
      'InvalidInput.TaskDuplicated',
      'task',
      'task-duplicated',
      'invalid-request',
      '任务重复',
      'Duplicate task',
      'The same task was already submitted: wait for the first one instead of sending it again.',
    ],
    [
      'InvalidInput.PermissionDenied',
      'task',
      'permission-denied',
      'account',
      '账号未开通该功能',
      'The feature is not enabled for the account',
      'Enable the feature for this VOD application in the console, or drop it from the request.',
    ],
    [
      'InvalidInput.ResultFileSizeTooLarge',
      'task',
      'result-too-large',
      'invalid-request',
      '结果文件过大',
      'The resulting file is too large',
      'Produce a smaller output (shorter input or a lower definition), then resubmit.',
    ],
    [
      'SourceFileError',
      'source',
      'source-error',
      'source',
      '源文件错误（例如文件损坏）',
      'Source file error (e.g. corrupted)',
      `The source is damaged or unreadable: ${REENCODE}`,
    ],
    [
      'SourceFileError.NoVideoMedia',
      'source',
      'no-video-stream',
      'source',
      '源文件没有视频画面',
      'The source has no video picture (no video track)',
      'Upload a file with a video track; audio-only files need an audio template instead of a video definition.',
    ],
    [
      'SourceFileError.NoVideoResolution',
      'source',
      'no-video-resolution',
      'source',
      '无法获取源文件的分辨率',
      'The resolution of the source cannot be determined',
      `The video stream declares no usable width/height: ${REENCODE}`,
    ],
    [
      'SourceFileError.ContentMalformed',
      'source',
      'content-malformed',
      'source',
      '源文件内容有问题：文件缺失、损坏或无法解码',
      'Source content problem: missing, corrupted or undecodable',
      `The source cannot be decoded: ${REENCODE}`,
    ],
    [
      'SourceFileError.ContentUnsupported',
      'source',
      'content-unsupported',
      'source',
      '源文件格式、大小或时长不支持',
      'Unsupported source format, size or duration',
      `Convert the source to a supported container and codec (MP4 H.264/AAC) within VOD's size and duration limits, then upload it again.`,
    ],
    [
      'SourceFileError.DownloadNotAccessible',
      'source',
      'download-not-accessible',
      'source',
      '无法下载源文件',
      'The source could not be downloaded',
      'Make the source URL reachable from Tencent Cloud (public, not expired; raise PULL_URL_TTL_S), or use push mode (UPLOAD_MODE=push).',
    ],
    [
      'InternalError',
      'task',
      'internal-error',
      'internal',
      '内部错误，建议重试',
      'Internal error; retry advised',
      'VOD failed internally: retry the task; if it keeps failing, contact Tencent support with the RequestId and TaskId.',
    ],
  ] as Row[]
).map(toEntry);

const RETRY_LATER = 'retry later; if it persists, contact Tencent support with the RequestId.';
// Shared sentences (each literal is kept once in the bundles).
const GRANT = 'Grant this key the VOD action in a CAM policy, or use a key that has it.';
const SLOW = 'Slow down and retry after a delay.';
const CHECK_FILE = 'Check the fileId and that it belongs to this application (VOD_SUB_APP_ID).';
const MEDIA_TYPE = 'Upload a file with a video extension VOD accepts (mp4, mov, flv, m3u8…).';
const TEMPLATES = 'Use template ids that exist in this application (v3 presets 100010-100080, 100210-100280); check VOD_DEFINITIONS.';
const MFA = "Complete the account's MFA check, or use a key that does not require it.";
const CHECK_ID = 'Check the id and that it belongs to this application.';

/** Common 3.0 codes (intl:266/70594, cn:1592/76198) and VOD-specific codes (go-errors). */
export const V3_API_CODES: readonly V3ErrorEntry[] = (
  [
    [
      'AuthFailure',
      'auth',
      'auth-failed',
      'auth',
      'CAM 签名/鉴权错误',
      'CAM signature or authentication error',
      "Check VOD_SECRET_ID / VOD_SECRET_KEY and the key's CAM policy.",
    ],
    [
      'AuthFailure.InvalidAuthorization',
      'auth',
      'invalid-authorization',
      'auth',
      'Authorization 请求头格式不正确',
      'The Authorization header is malformed',
      'Send a TC3-HMAC-SHA256 Authorization header in the documented format.',
    ],
    [
      'AuthFailure.InvalidSecretId',
      'auth',
      'invalid-secret-id',
      'auth',
      '密钥非云 API 密钥类型',
      'The key is not a cloud API key',
      'Use an API key from the CAM console (API keys), not another kind of key.',
    ],
    ['AuthFailure.MFAFailure', 'auth', 'mfa-failed', 'auth', 'MFA 错误', 'MFA failed', MFA],
    [
      'AuthFailure.SecretIdNotFound',
      'auth',
      'secret-id-not-found',
      'auth',
      '密钥不存在或已被禁用',
      'The key does not exist or is disabled',
      'Check VOD_SECRET_ID (no whitespace) and that the key is enabled in the CAM console.',
    ],
    [
      'AuthFailure.SignatureExpire',
      'auth',
      'signature-expired',
      'stale-request',
      '签名过期：时间戳与服务器时间相差超过 5 分钟',
      'Signature expired: X-TC-Timestamp is more than 5 minutes from server time',
      'Sync the clock, then resend with a fresh timestamp (vodflow re-signs every attempt).',
    ],
    [
      'AuthFailure.SignatureFailure',
      'auth',
      'signature-failure',
      'auth',
      '签名错误',
      'The signature does not verify',
      'Check VOD_SECRET_KEY and that the signed host, body and headers are exactly those sent.',
    ],
    [
      'AuthFailure.TokenFailure',
      'auth',
      'token-invalid',
      'auth',
      'token 错误',
      'The temporary-credential token is wrong or expired',
      'Fetch fresh temporary credentials and sign the request with them.',
    ],
    [
      'AuthFailure.UnauthorizedOperation',
      'auth',
      'unauthorized-operation',
      'auth',
      '请求未授权',
      'The request is not authorised by CAM',
      GRANT,
    ],
    ['UnauthorizedOperation', 'auth', 'unauthorized-operation', 'auth', '未授权操作', 'Unauthorised operation', GRANT],
    [
      'ServiceUnavailable',
      'api',
      'service-unavailable',
      'internal',
      '服务当前无法提供',
      'Service temporarily unavailable',
      `VOD is temporarily unavailable: ${RETRY_LATER}`,
    ],
    [
      'RequestLimitExceeded',
      'api',
      'rate-limited',
      'throttled',
      '请求频率超过限制',
      'Request rate limit exceeded',
      'Slow down and retry after a delay (VOD allows about 100 requests/s per action).',
    ],
    [
      'LimitExceeded',
      'api',
      'quota-exceeded',
      'throttled',
      '超过配额限制',
      'Quota exceeded',
      'Retry later, or ask Tencent Cloud for a higher quota.',
    ],
    [
      'InvalidAction',
      'api',
      'invalid-action',
      'invalid-request',
      '接口不存在',
      'The action does not exist',
      'Call a documented VOD 2018-07-17 action.',
    ],
    [
      'ActionOffline',
      'api',
      'action-offline',
      'invalid-request',
      '接口已下线',
      'The action has been retired',
      'Move to the action Tencent lists as its replacement.',
    ],
    [
      'NoSuchVersion',
      'api',
      'no-such-version',
      'invalid-request',
      '接口版本不存在',
      'The API version does not exist',
      'Send X-TC-Version 2018-07-17.',
    ],
    [
      'InvalidParameter',
      'api',
      'invalid-parameter',
      'invalid-request',
      '参数错误（格式或类型）',
      'Invalid parameter (format or type)',
      'Fix the parameter the message names, then resend.',
    ],
    [
      'InvalidParameterValue',
      'api',
      'invalid-parameter-value',
      'invalid-request',
      '参数取值错误',
      'Invalid or out-of-range parameter value',
      'Fix the value the message names, then resend.',
    ],
    [
      'InvalidParameterValue.Definition',
      'api',
      'invalid-definition',
      'invalid-request',
      '模板 ID 不合法',
      'Invalid template id',
      TEMPLATES,
    ],
    [
      'InvalidParameterValue.MediaUrl',
      'api',
      'invalid-media-url',
      'invalid-request',
      '媒体地址不合法',
      'Invalid media URL',
      'Pull from an http(s) URL VOD can reach, or use push mode (UPLOAD_MODE=push).',
    ],
    ['InvalidParameterValue.MediaType', 'api', 'invalid-media-type', 'invalid-request', '媒体类型不合法', 'Invalid media type', MEDIA_TYPE],
    [
      'InvalidParameterValue.SessionId',
      'api',
      'duplicate-session-id',
      'invalid-request',
      '去重识别码重复，请求被去重',
      'Duplicate SessionId: the request was deduplicated',
      'The same request was already accepted: read the first task instead of sending it again.',
    ],
    [
      'InvalidParameterValue.SubAppId',
      'auth',
      'invalid-sub-app-id',
      'auth',
      '应用 ID 不合法',
      'Invalid SubAppId (application id)',
      'Set VOD_SUB_APP_ID to the VOD application id (required for accounts opened since 2023-12-25).',
    ],
    ['InvalidParameterValue.FileId', 'api', 'file-not-found', 'not-found', 'FileId 不存在', 'The FileId does not exist', CHECK_FILE],
    [
      'InvalidParameterValue.TaskId',
      'api',
      'task-not-found',
      'not-found',
      '任务不存在',
      'The task does not exist (tasks are kept 3 days)',
      'Check the task id; tasks older than 3 days cannot be read.',
    ],
    [
      'InvalidParameterValue.VodSessionKey',
      'upload',
      'invalid-session-key',
      'invalid-request',
      'VodSessionKey 不合法',
      'Invalid VodSessionKey',
      'Apply for a new upload (ApplyUpload) and commit with its VodSessionKey.',
    ],
    [
      'MissingParameter',
      'api',
      'missing-parameter',
      'invalid-request',
      '缺少参数',
      'A required parameter is missing',
      'Add the parameter named in the message.',
    ],
    [
      'UnknownParameter',
      'api',
      'unknown-parameter',
      'invalid-request',
      '未知参数',
      'An undefined parameter was supplied',
      'Remove the parameter named in the message.',
    ],
    [
      'RequestSizeLimitExceeded',
      'api',
      'request-too-large',
      'invalid-request',
      '请求包超过限制大小',
      'The request is too large',
      'Send a smaller request (POST with TC3: at most 10 MB).',
    ],
    [
      'UnsupportedOperation',
      'api',
      'unsupported-operation',
      'invalid-request',
      '操作不支持',
      'Unsupported operation',
      'The operation is not supported in this state or application; see the message.',
    ],
    [
      'UnsupportedRegion',
      'api',
      'unsupported-region',
      'invalid-request',
      '接口不支持所传地域',
      'The action is not available in that region',
      'Set VOD_REGION to a region VOD supports (e.g. ap-guangzhou).',
    ],
    [
      'UnsupportedProtocol',
      'api',
      'unsupported-protocol',
      'invalid-request',
      '协议不支持，只支持 GET 和 POST',
      'HTTP(S) protocol error: only GET and POST',
      'Call the API with POST (or GET) over HTTPS.',
    ],
    ['ResourceNotFound', 'api', 'resource-not-found', 'not-found', '资源不存在', 'Resource not found', CHECK_ID],
    ['ResourceNotFound.FileNotExist', 'api', 'file-not-found', 'not-found', '文件不存在', 'The file does not exist', CHECK_FILE],
    ['ResourceNotFound.TemplateNotExist', 'api', 'template-not-found', 'not-found', '模板不存在', 'The template does not exist', TEMPLATES],
    [
      'ResourceInUse',
      'api',
      'resource-in-use',
      'transient-state',
      '资源被占用',
      'The resource is in use',
      "Retry after the resource's current operation finishes.",
    ],
    ['ResourceUnavailable', 'api', 'resource-unavailable', 'transient-state', '资源不可用', 'The resource is unavailable', 'Retry later.'],
    [
      'FailedOperation',
      'api',
      'failed-operation',
      'unknown',
      '操作失败',
      'Operation failed',
      'See the message; retry once, and if it repeats contact Tencent support with the RequestId.',
    ],
    [
      'FailedOperation.InvalidVodUser',
      'api',
      'vod-not-activated',
      'account',
      '没有开通点播业务',
      'VOD is not activated for this account',
      'Activate VOD in the Tencent Cloud console, then retry.',
    ],
    [
      'FailedOperation.InvalidAccount',
      'api',
      'invalid-account',
      'account',
      '账号异常',
      'Account problem (e.g. overdue)',
      'Resolve the account problem in the Tencent Cloud console.',
    ],
    [
      'FailedOperation.TaskDuplicate',
      'api',
      'task-duplicate',
      'invalid-request',
      '任务已存在',
      'The task already exists',
      'Read the existing task instead of submitting it again.',
    ],
    [
      'FailedOperation.UploadCosFail',
      'upload',
      'storage-upload-failed',
      'internal',
      '上传到存储失败',
      'Upload to storage failed',
      `The storage upload failed: ${RETRY_LATER}`,
    ],
    [
      'FailedOperation.MediaType',
      'upload',
      'unsupported-media-type',
      'invalid-request',
      '媒体类型不支持',
      'Unsupported media type',
      MEDIA_TYPE,
    ],
  ] as Row[]
).map(toEntry);

/** Every v3 code, one entry each (InternalError: the processing row, the same retry class as the API one). */
export const V3_ERROR_TABLE: ReadonlyMap<string, V3ErrorEntry> = new Map(
  [...V3_API_CODES, ...V3_PROCESSING_CODES].map((e) => [e.code, e] as const),
);

/**
 * Task-level numeric ErrCode of API 3.0 (PullUploadTask & co., sdk-models): 40000 invalid input,
 * 60000 source file error, 70000 internal error. They name a class, not a cause, so vodflow
 * reports them as the class's dotted code (inference: the categorical parallel of §6.2).
 */
export const V3_TASK_ERRCODES: ReadonlyMap<number, string> = new Map([
  [40000, 'InvalidInput'],
  [60000, 'SourceFileError'],
  [70000, 'InternalError'],
]);

export const V3_CODE = /^[A-Z][A-Za-z0-9]{0,63}(\.[A-Za-z0-9]{1,64}){0,4}$/;

/** An unlisted dotted code follows its listed parent (InternalError.DBError → InternalError). */
export function lookupV3(code: string): { entry: V3ErrorEntry; exact: boolean } | undefined {
  const exact = V3_ERROR_TABLE.get(code);
  if (exact) return { entry: exact, exact: true };
  for (let cut = code.lastIndexOf('.'); cut > 0; cut = code.lastIndexOf('.', cut - 1)) {
    const parent = V3_ERROR_TABLE.get(code.slice(0, cut));
    if (parent)
      return {
        entry: {
          ...parent,
          code,
          cause: parent.cause,
          message: '',
          message_en: `${parent.message_en}: unlisted sub-code`,
          basis: 'decoded',
        },
        exact: false,
      };
  }
  return undefined;
}
