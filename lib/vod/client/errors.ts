// The four ways a VOD call fails. Messages name the action and the endpoint path, never the
// request URL (it carries the Signature) and never the SecretKey.
import { classify, type Classification } from '../errors';

/**
 * The service answered with a failure code: API 2.0 `code` ≠ 0 (< 0 on the data-upload host), or
 * API 3.0 `Response.Error.Code` (a dotted string such as `AuthFailure.SignatureFailure`).
 */
export class VodApiError extends Error {
  override readonly name = 'VodApiError';
  readonly classification: Classification;
  constructor(
    readonly action: string,
    readonly code: number | string,
    readonly apiMessage: string,
    readonly options: {
      codeDesc?: string;
      /** Data-upload host only: 1 means "retrying can fix this". */
      canRetry?: number;
      attempts: number;
      /** API 3.0: Response.RequestId, what Tencent support asks for. */
      requestId?: string;
      /** The whole response envelope, for `vodflow api` and logs. */
      response: Record<string, unknown>;
    },
  ) {
    // The upload host's canRetry flag has the last word on its (negative) codes.
    const classification = classify(code, options.canRetry === undefined ? undefined : { canRetry: options.canRetry });
    const desc = options.codeDesc ? ` ${options.codeDesc}` : '';
    const text = apiMessage || classification.message_en;
    super(`${action} failed: code ${code}${desc}${text ? `: ${text}` : ''}`);
    this.classification = classification;
  }
  get codeDesc(): string | undefined {
    return this.options.codeDesc;
  }
  get canRetry(): number | undefined {
    return this.options.canRetry;
  }
  get attempts(): number {
    return this.options.attempts;
  }
  get response(): Record<string, unknown> {
    return this.options.response;
  }
  /** Worth another try: the code's classification (with the upload host's canRetry) says so. */
  get retryable(): boolean {
    return this.classification.retryable;
  }
}

/** No usable HTTP answer: connection refused/reset, timeout, or HTTP 5xx. */
export class VodTransportError extends Error {
  override readonly name = 'VodTransportError';
  constructor(
    readonly action: string,
    message: string,
    readonly attempts: number,
    readonly details: { status?: number; endpoint: string; cause?: unknown },
  ) {
    super(`${action} via ${details.endpoint}: ${message}${attempts > 1 ? ` (after ${attempts} attempts)` : ''}`, {
      cause: details.cause,
    });
  }
  get status(): number | undefined {
    return this.details.status;
  }
}

/** An answer arrived but is not a VOD response: not JSON, no numeric `code`, or fails its schema. */
export class VodResponseError extends Error {
  override readonly name = 'VodResponseError';
  constructor(
    readonly action: string,
    message: string,
    readonly details: { status?: number; endpoint?: string; bodySnippet?: string; issues?: string[] } = {},
  ) {
    super(`${action}${details.endpoint ? ` via ${details.endpoint}` : ''}: ${message}`);
  }
}

/** The caller's params do not match the action's documented parameters; nothing was sent. */
export class VodParamsError extends Error {
  override readonly name = 'VodParamsError';
  constructor(
    readonly action: string,
    readonly issues: string[],
  ) {
    super(`${action}: invalid params: ${issues.join('; ')}`);
  }
}

/** zod issues as short `path: message` lines, for error messages. */
export const describeIssues = (issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] =>
  issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
