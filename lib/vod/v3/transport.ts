// One signed API 3.0 exchange with retries: POST JSON to `/` with X-TC-* headers and a TC3
// Authorization, `{"Response":{…,"RequestId"}}` back (vod-v3-api.md §1, §3). Every attempt is
// signed afresh (the timestamp window is 5 min). Retried: network failures, timeouts, non-200
// answers (the SDK treats them as transport failures, §3.2) and codes the one retry rule calls
// retryable (RequestLimitExceeded, InternalError…). Backoff: the v2 transport's full jitter.
import { setTimeout as sleep } from 'node:timers/promises';
import { VodApiError, VodResponseError, VodTransportError } from '../client/errors';
import { backoffDelay, parseJsonKeepingIds, type RetryInfo, type RetryPolicy } from '../client/transport';
import { sign3 } from './sign';

export const V3_VERSION = '2018-07-17';
export const DEFAULT_V3_ENDPOINT = 'https://vod.tencentcloudapi.com';

export interface V3TransportConfig {
  secretId: string;
  secretKey: string;
  /** STS session token, sent as X-TC-Token (not signed, as the SDK does). */
  token?: string;
  /** https://vod.tencentcloudapi.com (or a regional / intl host, or the emulator). */
  endpoint: string;
  /** X-TC-Region; omitted when undefined (most VOD actions do not need it, §1.5). */
  region?: string;
  language?: 'zh-CN' | 'en-US';
  timeoutMs: number;
  retry: RetryPolicy;
  onRetry?: (info: RetryInfo) => void;
  random?: () => number;
}

export interface V3CallOptions {
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Send X-TC-Region even for actions that do not need it (ApplyUpload/CommitUpload always do). */
  region?: string;
}

type Attempt = { ok: true; response: Record<string, unknown> } | { ok: false; error: Error; retryable: boolean };

export async function send3(
  config: V3TransportConfig,
  action: string,
  body: Record<string, unknown>,
  options: V3CallOptions = {},
): Promise<Record<string, unknown>> {
  const policy: RetryPolicy = { ...config.retry, ...options.retry };
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.max(1, Math.ceil(Math.min(options.timeoutMs ?? config.timeoutMs, policy.maxElapsedMs - elapsed())));
    const outcome = await attemptOnce(config, action, body, options, attempt, timeoutMs);
    if (outcome.ok) return outcome.response;
    if (options.signal?.aborted)
      throw new VodTransportError(action, 'aborted by the caller', attempt, { endpoint: config.endpoint, cause: options.signal.reason });
    if (!outcome.retryable || attempt >= policy.maxAttempts) throw outcome.error;
    const delayMs = backoffDelay(attempt, policy, config.random);
    if (elapsed() + delayMs >= policy.maxElapsedMs) throw outcome.error;
    config.onRetry?.({ action, attempt, delayMs, error: outcome.error });
    await sleep(delayMs, undefined, { signal: options.signal }).catch(() => {
      throw new VodTransportError(action, 'aborted by the caller', attempt, { endpoint: config.endpoint, cause: options.signal?.reason });
    });
  }
}

async function attemptOnce(
  config: V3TransportConfig,
  action: string,
  body: Record<string, unknown>,
  options: V3CallOptions,
  attempt: number,
  timeoutMs: number,
): Promise<Attempt> {
  const url = new URL(config.endpoint);
  const payload = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const contentType = 'application/json';
  const { authorization } = sign3({
    secretId: config.secretId,
    secretKey: config.secretKey,
    timestamp,
    // Always `vod` (the SDK takes the host's first label, which is `vod` on every VOD host; an
    // emulator reached by IP would otherwise sign for service "127").
    service: 'vod',
    method: 'POST',
    path: '/',
    headers: new Map([
      ['content-type', contentType],
      ['host', url.hostname],
    ]),
    payload,
  });
  const headers: Record<string, string> = {
    authorization,
    'content-type': contentType,
    'x-tc-action': action,
    'x-tc-version': V3_VERSION,
    'x-tc-timestamp': String(timestamp),
  };
  const region = options.region ?? config.region;
  if (region) headers['x-tc-region'] = region;
  if (config.token) headers['x-tc-token'] = config.token;
  if (config.language) headers['x-tc-language'] = config.language;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let status: number;
  let text: string;
  try {
    const res = await fetch(new URL('/', url), { method: 'POST', headers, body: payload, signal });
    status = res.status;
    text = await res.text();
  } catch (error) {
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const message =
      e?.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : e?.cause?.code
          ? `${e.cause.code}: ${e.cause.message ?? e.message}`
          : (e?.message ?? String(error));
    return {
      ok: false,
      retryable: true,
      error: new VodTransportError(action, message, attempt, { endpoint: config.endpoint, cause: error }),
    };
  }
  if (status !== 200) {
    return {
      ok: false,
      retryable: status >= 500 || status === 429,
      error: new VodTransportError(action, `HTTP ${status}`, attempt, { endpoint: config.endpoint, status }),
    };
  }
  let json: unknown;
  try {
    json = parseJsonKeepingIds(text);
  } catch {
    return {
      ok: false,
      retryable: false,
      error: new VodResponseError(action, 'response is not JSON', { status, endpoint: config.endpoint, bodySnippet: text.slice(0, 200) }),
    };
  }
  const response = (json as { Response?: unknown })?.Response;
  if (!response || typeof response !== 'object' || Array.isArray(response)) {
    return {
      ok: false,
      retryable: false,
      error: new VodResponseError(action, 'response has no "Response" object', {
        status,
        endpoint: config.endpoint,
        bodySnippet: text.slice(0, 200),
      }),
    };
  }
  const r = response as Record<string, unknown>;
  const err = r.Error as { Code?: unknown; Message?: unknown } | undefined;
  if (err !== undefined) {
    const code = typeof err.Code === 'string' && err.Code ? err.Code : 'InternalError';
    const error = new VodApiError(action, code, typeof err.Message === 'string' ? err.Message : '', {
      attempts: attempt,
      response: r,
      requestId: typeof r.RequestId === 'string' ? r.RequestId : undefined,
    });
    return { ok: false, retryable: error.retryable, error };
  }
  return { ok: true, response: r };
}
