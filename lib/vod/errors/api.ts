// API-level codes: the common API 2.0 codes (reference §3.1, §3.2), the data-upload host's codes
// (§3.4) and the frequent per-action VOD codes (§3.5, §4). Chinese messages are the reference's
// words; where the reference gives only English (70014) the message is that English text.
import type { Category, ErrorEntry, Stage } from './types';

type Row = [code: number, stage: Stage, cause: string, category: Category, message: string, message_en: string, action: string];

const toEntry = ([code, stage, cause, category, message, message_en, action]: Row): ErrorEntry => ({
  code,
  stage,
  step: null,
  cause,
  category,
  message,
  message_en,
  action,
  basis: 'reference',
});

const RETRY_LATER = 'retry later; if it persists, contact Tencent Cloud support with the response message.';

/** Envelope success and the common API 2.0 codes, "4000-7000 参见公共错误码". */
export const COMMON_API_CODES: readonly ErrorEntry[] = ([
  [0, 'api', 'success', 'success', '成功', 'Success', 'Nothing to do: the call succeeded.'],
  [4000, 'api', 'invalid-parameter', 'invalid-request', '请求参数非法：缺少必要参数，或者参数值格式不正确，具体错误信息请查看错误描述 message 字段。', 'Invalid request parameters: a required parameter is missing or a value is malformed; the message field names it', 'Fix the parameter named in the response message, then send the request again.'],
  [4100, 'auth', 'auth-failed', 'auth', '鉴权失败：签名鉴权失败，请参考文档中鉴权部分。', 'Authentication failed: the signature did not verify', 'Check VOD_SECRET_ID and VOD_SECRET_KEY and that the signed host, path, method and parameters are exactly those sent, then send a newly signed request.'],
  [4101, 'auth', 'unauthorized-action', 'auth', '未授权访问接口', 'Not authorised to call this action (older CVM docs: the SecretId is not authorised for it)', 'Grant this key permission to call the action (CAM policy), or use a key that has it.'],
  [4102, 'auth', 'unauthorized-resource', 'auth', '未授权访问资源', 'Not authorised to access the resource (the message lists the resource ids)', 'Grant this key access to the resources named in the message, or use a key that has it.'],
  [4103, 'auth', 'unauthorized-action-resource', 'auth', '未授权访问当前接口所操作的资源', 'Not authorised to access the resources this action operates on (older CVM docs: a sub-user SecretId may not call this action)', 'Grant this key access to the resources this action operates on (CAM policy), or use a key that has it.'],
  [4104, 'auth', 'secret-id-not-found', 'auth', '密钥不存在', 'The secret key does not exist', 'The SecretId does not exist: check VOD_SECRET_ID for a deleted or mistyped key.'],
  [4105, 'auth', 'token-invalid', 'auth', 'token 错误', 'Token error', 'The temporary-credential Token is wrong or expired: fetch fresh temporary credentials and sign the request with them.'],
  [4106, 'auth', 'mfa-failed', 'auth', 'MFA 校验失败', 'MFA verification failed', 'Complete the account\'s MFA check, or use a key that does not require it.'],
  [4110, 'auth', 'cam-auth-failed', 'auth', '其他 CAM 鉴权失败', 'Other CAM authorisation failure', 'CAM refused the request: check the key\'s CAM policies for this action and resource.'],
  [4200, 'auth', 'request-expired', 'stale-request', '请求过期：请求已经过期，请参考文档中请求有效期部分。', 'Request expired: the request is past its validity period', 'Sync the clock (Timestamp must be close to Tencent\'s server time), then resend with a fresh Timestamp and Nonce.'],
  [4300, 'api', 'access-denied', 'account', '拒绝访问：帐号被封禁，或者不在接口针对的用户范围内等。', 'Access denied: the account is banned or not among the users this action serves', 'Contact Tencent Cloud support about the account; resending will not help.'],
  [4400, 'api', 'quota-exceeded', 'throttled', '超过配额：请求的次数超过了配额限制，请参考文档请求配额部分。', 'Quota exceeded: too many requests for the quota', 'Slow down and retry later, or ask Tencent Cloud for a higher quota.'],
  [4500, 'auth', 'replay-attack', 'stale-request', '重放攻击：请求的 Nonce 和 Timestamp 参数用于确保每次请求只会在服务器端被执行一次,所以本次的 Nonce 和上次的不能重复, Timestamp 与腾讯服务器相差不能超过 2 小时。', 'Replay attack: the Nonce repeats the previous one, or the Timestamp is more than 2 hours (later docs: 5 minutes) from Tencent\'s server time', 'Sign again with a new Nonce and a Timestamp close to server time (sync the clock), then resend.'],
  [4600, 'api', 'protocol-unsupported', 'invalid-request', '协议不支持：协议不支持，请参考文档说明。', 'Protocol not supported', 'Call the action with the documented protocol and method (HTTPS; GET or POST as the action allows).'],
  [5000, 'api', 'resource-not-found', 'not-found', '资源不存在：资源标识对应的实例不存在，或者实例已经被退还，或者访问了其他用户的资源。', 'Resource not found: no instance has this id, it was released, or it belongs to another user', 'Check the id and that it belongs to this account.'],
  [5100, 'api', 'resource-operation-failed', 'internal', '资源操作失败：对资源的操作失败，具体错误信息请查看错误描述 message 字段，稍后重试或者联系客服人员帮忙解决。', 'Resource operation failed: see the message field; retry later or contact support', `The operation on the resource failed: ${RETRY_LATER}`],
  [5200, 'api', 'purchase-failed', 'account', '资源购买失败：购买资源失败，可能是不支持实例配置，资源不足等等。', 'Purchase failed: unsupported configuration, insufficient resources or similar', 'Change the configuration being bought, or contact Tencent Cloud support.'],
  [5300, 'api', 'insufficient-balance', 'account', '资源购买失败：购买资源失败，余额不足。', 'Purchase failed: insufficient balance', 'Top up the account balance, then try again.'],
  [5400, 'api', 'partial-success', 'partial', '部分执行成功：批量操作部分执行成功, 详情见方法返回值。', 'Partly successful: part of the batch succeeded; the response details which', 'Read the per-item results and resend only the items that failed.'],
  [5500, 'api', 'qualification-rejected', 'account', '用户资质审核未通过：购买资源失败，用户资质审核未通过。', 'Purchase failed: the account\'s qualification review did not pass', 'Contact Tencent Cloud support about the account qualification.'],
  [6000, 'api', 'internal-error', 'internal', '服务器内部错误：服务器内部出现错误，请稍后重试或者联系客服人员帮忙解决。', 'Internal server error: retry later or contact support', `Tencent's server hit an internal error: ${RETRY_LATER}`],
  [6100, 'api', 'action-unsupported', 'invalid-request', '版本暂不支持：本版本内不支持此接口或该接口处于维护状态等。注意: 出现这个错误时, 请先确定接口的域名是否正确, 不同的模块, 域名可能不一样。', 'Not supported in this version: the action is unsupported here or under maintenance; check the endpoint domain first', 'Check the endpoint (VOD uses vod.api.qcloud.com, uploads vod2.qcloud.com) and the action name.'],
  [6200, 'api', 'action-unavailable', 'internal', '接口暂时无法访问：当前接口处于停服维护状态，请稍后重试。', 'Action temporarily unavailable: under maintenance, retry later', 'The action is down for maintenance: retry later.'],
] satisfies Row[]).map(toEntry);

/** vod2.qcloud.com codes; a response's own canRetry flag overrides the category (see rule.ts). */
export const UPLOAD_HOST_CODES: readonly ErrorEntry[] = ([
  [-10001, 'upload', 'invalid-common-params', 'invalid-request', '检查公共参数出错', 'Checking the common parameters failed', 'Fix the common parameters (Action, Region, Timestamp, Nonce, SecretId, Signature) of the upload request, then resend it.'],
  [-10002, 'upload', 'bad-signature', 'auth', '检查签名出错', 'Checking the signature failed', 'Sign the upload request for the exact host, path (/v2/index.php) and parameters sent, with the right key, then resend it.'],
  [-10003, 'upload', 'invalid-protocol-params', 'invalid-request', '检查协议参数出错', 'Checking the protocol parameters failed', 'Fix the upload parameters (fileName, fileSha, fileSize, dataSize, offset, vodSessionKey), then resend.'],
  [-10004, 'upload', 'cache-write-failed', 'internal', '写缓存信息失败', 'Writing the cache information failed', 'The upload host failed to save the upload state: retry the request.'],
  [-10005, 'upload', 'cache-read-failed', 'internal', '获取缓存信息失败', 'Reading the cache information failed', 'The upload host failed to read the upload state: retry the request; if it repeats, start the upload again with InitUpload.'],
  [-10006, 'upload', 'invalid-body', 'invalid-request', '包体非法', 'The request body is invalid', 'Send the part exactly as declared (dataSize bytes at offset, matching the file sha1), then resend.'],
] satisfies Row[]).map(toEntry);

const INTERNAL = 'VOD hit an internal error: retry later.';

/** Frequent per-action codes (§3.5). "内部错误 variants" share one meaning and so one cause. */
export const ACTION_CODES: readonly ErrorEntry[] = ([
  [1, 'api', 'internal-error', 'internal', '内部错误/访问数据库出错', 'Internal error / database access failed', INTERNAL],
  [1000, 'api', 'invalid-parameter', 'invalid-request', '无效参数', 'Invalid parameter', 'Fix the parameter named in the response message, then send the request again.'],
  [1001, 'api', 'user-info-error', 'internal', '内部错误/用户信息错误', 'Internal error / user information error', 'VOD failed to read the account information: retry later; if it persists, check the account and key.'],
  ...[1003, 1016, 1023, 1108, 1152, 1801, 1802, 2000, 2001, 10010, 10012, 10022, 10027, 10702].map(
    (code): Row => [code, 'api', 'internal-error', 'internal', '内部错误', 'Internal error', INTERNAL],
  ),
  [1013, 'api', 'tag-write-failed', 'internal', '数据库添加标签失败', 'The database failed to add the tag', 'VOD failed to store the tag: retry later.'],
  [1018, 'api', 'too-many-pull-tasks', 'throttled', '拉取任务过多，请稍后再试', 'Too many pull tasks, try again later', 'Too many pull (MultiPullVodFile) tasks are running: wait and retry later.'],
  [1050, 'api', 'delete-task-start-failed', 'internal', '删除任务启动失败', 'Starting the delete task failed', 'VOD could not start deleting the file: retry later.'],
  [1102, 'api', 'storage-delete-failed', 'internal', '后端存储删除文件失败', 'The storage back end failed to delete the file', 'VOD storage failed to delete the file: retry later.'],
  [1163, 'api', 'no-watermark-configured', 'invalid-request', '没有水印，但请求中指定了要设置水印', 'A watermark was requested but none exists', 'Set up a watermark in the VOD console, or drop the watermark parameter.'],
  [1702, 'api', 'wechat-publish-upload-failed', 'internal', '微信发布模块文件上传失败', 'The WeChat publishing module failed to upload the file', 'VOD\'s WeChat publishing module failed: retry later.'],
  [1903, 'api', 'default-class-no-children', 'invalid-request', '默认分类下不能创建目录', 'Classes cannot be created under the default class', 'Choose another parent class (parentId) than the default one.'],
  [1904, 'api', 'parent-class-not-found', 'not-found', '父分类不存在', 'The parent class does not exist', 'Use an existing parent class id (see DescribeAllClass).'],
  [1905, 'api', 'class-not-found', 'not-found', '分类没有找到', 'The class was not found', 'Use an existing class id (see DescribeAllClass).'],
  [1907, 'api', 'duplicate-class-name', 'invalid-request', '分类名重复', 'The class name is already taken', 'Pick a class name not used under the same parent, or reuse the existing class.'],
  [10008, 'api', 'file-not-found', 'not-found', '文件不存在', 'The file does not exist', 'Check the fileId: the file does not exist or was deleted.'],
  [10009, 'api', 'file-state-abnormal', 'transient-state', '文件状态异常', 'The file is in an abnormal state', 'The file is not in a state that allows this, such as still uploading or processing: wait and retry; if it persists, check it with GetVideoInfo.'],
  [10026, 'api', 'task-missing-or-running', 'transient-state', '任务不存在/任务还在进行中', 'The task does not exist or is still running', 'RedoTask only re-runs finished tasks of the last 72 hours: wait for the task to finish and retry; for an older task, submit the processing again.'],
  [70014, 'api', 'task-not-found', 'not-found', 'The task does not exist', 'The task does not exist', 'Check the vodTaskId: tasks older than 72 hours are no longer kept.'],
  [31001, 'upload', 'bad-session-key', 'invalid-request', 'VodSessionKey错误', 'Wrong vodSessionKey', 'Commit with the exact vodSessionKey that ApplyUpload returned, or apply for the upload again.'],
  [32001, 'upload', 'internal-error', 'internal', '服务内部错误', 'Internal service error', INTERNAL],
  // The pull (MultiPullVodFile) status "源站拉取文件失败" (§4.7.6, 1.0 notifyUrl): VOD could not
  // download the URL. The origin is the job's own object: missing (deleted), refused (bucket
  // policy, a signature that expired) or unreadable does not mend itself, so it is permanent.
  [10001, 'upload', 'pull-source-failed', 'not-found', '源站拉取文件失败', 'VOD could not fetch the file from its source URL: the object is missing, access was refused (bucket policy, expired presigned URL) or the download failed', 'VOD could not download the source from the pull URL: check that the object still exists and that the URL is readable (bucket policy; PULL_URL_TTL_S for the presigned URL), then upload the video again.'],
  // ProcedureStateChanged processTaskList[].errCode (§4.7.4)
  [30009, 'task', 'source-file-error', 'source', '原文件异常失败', 'Failed because of an abnormal source file', 'The sub-task failed because of the source file: re-encode the source (H.264/AAC in MP4) and upload it again.'],
  [30010, 'task', 'system-failure', 'internal', '系统失败或未知', 'System failure or unknown', 'The sub-task failed inside VOD or for an unknown reason: retry the task (RedoTask or ProcessFile again).'],
] satisfies Row[]).map(toEntry);
