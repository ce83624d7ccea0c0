// Typed client of the VOD API v2: one method per action (nested params in, zod-parsed and
// normalised response out), plus `call` for a raw action by name.
import { flattenParams, type FlatParams, type ParamValue } from '../params';
import type { HttpMethod, SignatureMethod } from '../signer';
import { ACTIONS, UPLOAD_HOST_ACTIONS, type ActionDef, type ActionName, type ActionParams, type ActionResponse } from './actions';
import { VodParamsError, VodResponseError, describeIssues } from './errors';
import {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  send,
  type CallOptions,
  type Envelope,
  type RetryInfo,
  type RetryPolicy,
  type TransportConfig,
} from './transport';

export const DEFAULT_ENDPOINT = 'https://vod.api.qcloud.com/v2/index.php';
export const DEFAULT_UPLOAD_ENDPOINT = 'https://vod2.qcloud.com/v2/index.php';

export interface VodClientOptions {
  secretId: string;
  secretKey: string;
  token?: string;
  /** General API; default https://vod.api.qcloud.com/v2/index.php */
  endpoint?: string;
  /** Data-upload API; default https://vod2.qcloud.com/v2/index.php (…/v3/index.php works too). */
  uploadEndpoint?: string;
  /** Default 'gz'. */
  region?: string;
  /** General API only; default POST (params in a form body). */
  method?: HttpMethod;
  signatureMethod?: SignatureMethod;
  /** Per attempt; default 15 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (info: RetryInfo) => void;
}

type Method<K extends ActionName> =
  {} extends ActionParams<K>
    ? (params?: ActionParams<K>, options?: CallOptions) => Promise<ActionResponse<K>>
    : (params: ActionParams<K>, options?: CallOptions) => Promise<ActionResponse<K>>;

export interface RawCallOptions extends CallOptions {
  /** Send to the data-upload host; default: by action name (InitUpload, UploadPart, FinishUpload). */
  host?: 'api' | 'upload';
  /** Data-upload API: the chunk body. */
  body?: Uint8Array;
}

export interface RawCallResult {
  /** code, message, codeDesc, canRetry — normalised. */
  envelope: Envelope;
  /** The response JSON as received. */
  body: Record<string, unknown>;
  attempts: number;
  status: number;
}

export type VodClient = { [K in ActionName]: Method<K> } & {
  /**
   * Any action by wire name with flat or nested params (flattened 0-based); the body unparsed.
   * Failure codes throw VodApiError like the typed methods (its `response` holds the body).
   */
  call(action: string, params?: Record<string, ParamValue>, options?: RawCallOptions): Promise<RawCallResult>;
  readonly endpoint: string;
  readonly uploadEndpoint: string;
};

const checkUrl = (name: string, value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${name} must be http(s): ${value}`);
  return value;
};

export function createVodClient(options: VodClientOptions): VodClient {
  if (!options.secretId || !options.secretKey) throw new TypeError('VOD client needs secretId and secretKey');
  const config: TransportConfig = {
    credentials: { secretId: options.secretId, secretKey: options.secretKey, token: options.token },
    endpoint: checkUrl('endpoint', options.endpoint ?? DEFAULT_ENDPOINT),
    uploadEndpoint: checkUrl('uploadEndpoint', options.uploadEndpoint ?? DEFAULT_UPLOAD_ENDPOINT),
    region: options.region ?? 'gz',
    method: options.method ?? 'POST',
    signatureMethod: options.signatureMethod,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    onRetry: options.onRetry,
  };

  const invoke = async (def: ActionDef, params: unknown, callOptions?: CallOptions): Promise<unknown> => {
    const input = def.params.safeParse(params ?? {});
    if (!input.success) throw new VodParamsError(def.action, describeIssues(input.error.issues));
    const wire = def.toWire ? def.toWire(input.data) : { params: input.data as Record<string, ParamValue>, body: undefined };
    const flat: FlatParams = flattenParams(wire.params, { indexBase: def.indexBase ?? 0 });
    const { body, status } = await send(config, {
      action: def.action,
      host: def.host,
      params: flat,
      body: wire.body,
      options: callOptions,
    });
    const parsed = def.response.safeParse(body);
    if (!parsed.success) {
      throw new VodResponseError(def.action, 'response does not match its schema', {
        status,
        endpoint: def.host === 'upload' ? config.uploadEndpoint : config.endpoint,
        issues: describeIssues(parsed.error.issues),
      });
    }
    return parsed.data;
  };

  const client = {
    endpoint: config.endpoint,
    uploadEndpoint: config.uploadEndpoint,
    async call(action: string, params: Record<string, ParamValue> = {}, callOptions: RawCallOptions = {}) {
      const { host = UPLOAD_HOST_ACTIONS.has(action) ? 'upload' : 'api', body, ...rest } = callOptions;
      return send(config, { action, host, params: flattenParams(params), body, options: rest });
    },
  } as Record<string, unknown>;
  for (const [name, def] of Object.entries(ACTIONS) as Array<[ActionName, ActionDef]>) {
    client[name] = (params?: unknown, callOptions?: CallOptions) => invoke(def, params, callOptions);
  }
  return client as unknown as VodClient;
}

export { ACTIONS, METHOD_BY_ACTION, UPLOAD_HOST_ACTIONS, type ActionName, type ActionParams, type ActionResponse } from './actions';
export { VodApiError, VodParamsError, VodResponseError, VodTransportError } from './errors';
export { backoffDelay, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, type CallOptions, type RetryInfo, type RetryPolicy } from './transport';
export { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from './schemas/common';
export type { TaskStatus } from './schemas/common';
export type { TaskInfo } from './schemas/tasks';
export type { ClassNode } from './schemas/classes';
export * from './events';
