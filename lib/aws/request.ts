// What vodflow's two calls without a service client (./s3, ./ssm) share: the settings an SDK
// client reads (region, FIPS, dual-stack, its endpoint variables), an error shaped like the SDK's,
// and the SDK's standard retry strategy with its own classifiers.
import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
} from '@smithy/core/config';
import { isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';

export interface ServiceSettings {
  region: string;
  /** AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL: a stand-in (none under AWS_IGNORE_CONFIGURED_ENDPOINT_URLS). */
  endpoint?: string;
  useFips: boolean;
  useDualstack: boolean;
}

/** What a client of `service` (S3, SSM) would be configured with; a missing region rejects the call that awaits it. */
export function serviceSettings(service: 'S3' | 'SSM'): Promise<ServiceSettings> {
  const endpoint =
    process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
      ? undefined
      : process.env[`AWS_ENDPOINT_URL_${service}`] || process.env.AWS_ENDPOINT_URL || undefined;
  const settings = Promise.all([
    loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)(),
    loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS)(),
    loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS)(),
  ]).then(([region, useFips, useDualstack]) => ({ region, endpoint, useFips, useDualstack }));
  // Settled here, so that an unawaited rejection does not end the process.
  settings.catch(() => undefined);
  return settings;
}

/**
 * An answer other than 2xx. Shaped like the SDK's service errors (`name` is the service's error
 * code, `$metadata.httpStatusCode` the status), so the SDK's retry classifiers read it as they would.
 */
export class AwsRequestError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

/** The SDK's retry classes, for what a call can throw (network and timeout errors, 5xx, throttling). */
const retryClass = (err: unknown) => {
  const e = err as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(e)) return 'THROTTLING' as const;
  if (isTransientError(e)) return 'TRANSIENT' as const;
  if (isServerError(e)) return 'SERVER_ERROR' as const;
  return undefined;
};

/** As an SDK client does: 3 attempts, backoff with jitter, a retry quota shared by the calls. */
export class Retrying {
  private readonly strategy = new StandardRetryStrategy(3);

  async call<T>(scope: string, attempt: () => Promise<T>): Promise<T> {
    let token = await this.strategy.acquireInitialRetryToken(scope);
    for (;;) {
      try {
        const out = await attempt();
        this.strategy.recordSuccess(token);
        return out;
      } catch (err) {
        const errorType = retryClass(err);
        if (!errorType) throw err;
        token = await this.strategy.refreshRetryTokenForRetry(token, { errorType }).catch(() => Promise.reject(err));
      }
    }
  }
}
