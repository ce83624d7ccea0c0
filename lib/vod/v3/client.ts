// Thin typed client of VOD API 3.0 (2018-07-17): one method per action the pipeline needs,
// request checked by zod before sending, response parsed by zod. SubAppId, when configured, goes
// into every request ("accounts opened since 2023-12-25 must send it", §1.6). Tencent's SDK is not
// the runtime client: bundled it is ~575 KB minified (the Lambda budget is 250 KB) and adds ~60 ms
// of cold start; the signer is proven against it instead (test/lib/vod/v3/sign.test.ts).
import type * as z from 'zod';
import { VodParamsError, VodResponseError, describeIssues } from '../client/errors';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type RetryInfo, type RetryPolicy } from '../client/transport';
import * as s from './schemas';
import { DEFAULT_V3_ENDPOINT, send3, type V3CallOptions, type V3TransportConfig } from './transport';

export interface VodV3ClientOptions {
  secretId: string;
  secretKey: string;
  token?: string;
  /** Default https://vod.tencentcloudapi.com */
  endpoint?: string;
  /** X-TC-Region for ApplyUpload/CommitUpload (required there); default ap-guangzhou. */
  region?: string;
  /** The VOD application id. */
  subAppId?: number;
  /** COS base override (the emulator's `/cos`); default the real COS host per bucket. */
  storageEndpoint?: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (info: RetryInfo) => void;
}

type Def<Req extends z.ZodType, Res extends z.ZodType> = { request: Req; response: Res; region?: boolean };
const def = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res, region = false): Def<Req, Res> => ({
  request,
  response,
  region,
});

export const V3_ACTIONS = {
  PullUpload: def(s.pullUploadRequest, s.taskIdResponse),
  ApplyUpload: def(s.applyUploadRequest, s.applyUploadResponse, true),
  CommitUpload: def(s.commitUploadRequest, s.commitUploadResponse, true),
  ProcessMedia: def(s.processMediaRequest, s.taskIdResponse),
  DescribeTaskDetail: def(s.describeTaskDetailRequest, s.describeTaskDetailResponse),
  DescribeMediaInfos: def(s.describeMediaInfosRequest, s.describeMediaInfosResponse),
  PullEvents: def(s.pullEventsRequest, s.pullEventsResponse),
  ConfirmEvents: def(s.confirmEventsRequest, s.emptyResponse),
  DescribeAllClass: def(s.describeAllClassRequest, s.describeAllClassResponse),
} as const;
export type V3ActionName = keyof typeof V3_ACTIONS;
type Req<K extends V3ActionName> = z.input<(typeof V3_ACTIONS)[K]['request']>;
type Res<K extends V3ActionName> = z.output<(typeof V3_ACTIONS)[K]['response']>;

export interface VodV3Client {
  call<K extends V3ActionName>(action: K, request: Req<K>, options?: V3CallOptions): Promise<Res<K>>;
  /** Any action by name; the `Response` object unparsed (errors still throw VodApiError). */
  raw(action: string, request: Record<string, unknown>, options?: V3CallOptions): Promise<Record<string, unknown>>;
  readonly endpoint: string;
  /** COS base override, for the push upload (lib/vod/v3/push.ts). */
  readonly storageEndpoint?: string;
}

export function createVodV3Client(options: VodV3ClientOptions): VodV3Client {
  if (!options.secretId || !options.secretKey) throw new TypeError('VOD client needs secretId and secretKey');
  const endpoint = options.endpoint ?? DEFAULT_V3_ENDPOINT;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`endpoint must be http(s): ${endpoint}`);
  const config: V3TransportConfig = {
    secretId: options.secretId,
    secretKey: options.secretKey,
    token: options.token,
    endpoint,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    onRetry: options.onRetry,
  };
  const region = options.region ?? 'ap-guangzhou';
  const withApp = (body: Record<string, unknown>) => (options.subAppId === undefined ? body : { ...body, SubAppId: options.subAppId });

  const call = async <K extends V3ActionName>(action: K, request: Req<K>, callOptions: V3CallOptions = {}): Promise<Res<K>> => {
    const d = V3_ACTIONS[action] as Def<z.ZodType, z.ZodType>;
    const input = d.request.safeParse(request);
    if (!input.success) throw new VodParamsError(action, describeIssues(input.error.issues));
    const response = await send3(config, action, withApp(input.data as Record<string, unknown>), {
      ...(d.region ? { region } : {}),
      ...callOptions,
    });
    const parsed = d.response.safeParse(response);
    if (!parsed.success)
      throw new VodResponseError(action, 'response does not match its schema', { endpoint, issues: describeIssues(parsed.error.issues) });
    return parsed.data as Res<K>;
  };

  return {
    endpoint,
    storageEndpoint: options.storageEndpoint,
    call,
    raw: (action, request, callOptions) => send3(config, action, withApp(request), callOptions),
  };
}

export { V3_VERSION, DEFAULT_V3_ENDPOINT } from './transport';
