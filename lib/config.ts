// The whole runtime configuration, parsed once from the environment by one zod schema.
// A missing or malformed variable fails the cold start with a message naming it, instead of
// surfacing later as an undefined URL deep inside a handler.
import * as z from 'zod';
import { subscribersSetting } from './events/subscribers';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

// Lambda env values are strings; an empty string means "not set".
// A zod schema is immutable, so one instance types every field of its kind: the helpers hand out
// shared instances (memoised by argument), which halves the schemas built at every cold start.
const shared = new Map<unknown, z.ZodType>();
const once = <T extends z.ZodType>(key: unknown, make: () => T): T => {
  let schema = shared.get(key);
  if (!schema) shared.set(key, (schema = make()));
  return schema as T;
};
const opt = <T extends z.ZodType>(schema: T) => once(schema, () => z.preprocess((v) => (v === '' ? undefined : v), schema.optional()));
const str = () => once('str', () => z.string().trim().min(1));
const url = () => once('url', () => z.url({ protocol: /^https?$/ }));
const int = (min: number, max: number) =>
  once(`int:${min}:${max}`, () =>
    once('number', () => z.coerce.number()).check(
      once('int', () => z.int()),
      z.gte(min),
      z.lte(max),
    ),
  );
const intList = () =>
  once('intList', () =>
    z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^\d+$/, 'expected comma-separated non-negative integers').transform(Number))),
  );
const strList = () =>
  once('strList', () =>
    z.string().transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  );

// At most 80 characters; a FIFO queue's name ends in `.fifo` (the events queue's does).
const queueName = () => once('queueName', () => z.string().regex(/^(?=.{1,80}$)[\w-]+(\.fifo)?$/, 'expected an SQS queue name'));
const queueVars = <P extends string>(prefix: P) =>
  ({ [`${prefix}_QUEUE_URL`]: opt(url()), [`${prefix}_QUEUE`]: opt(queueName()) }) as unknown as Record<
    `${P}_QUEUE_URL` | `${P}_QUEUE`,
    z.ZodType<string | undefined>
  >;

const schema = z.object({
  JOBS_TABLE: str(),
  UPLOAD_BUCKET: str(),
  // Each queue by URL, or by name (resolved once with GetQueueUrl): serverless.yml passes names,
  // so `serverless invoke local` needs no CloudFormation lookup.
  ...queueVars('UPLOAD'),
  ...queueVars('PROCESS'),
  ...queueVars('POLL'),
  ...queueVars('RESULT'),
  ...queueVars('CLASSIFY'),
  ...queueVars('EVENTS'),
  ...queueVars('DELIVER'),

  // Either the plain value (local stack) or the SSM parameter name read at runtime (AWS).
  VOD_SECRET_ID: opt(str()),
  VOD_SECRET_KEY: opt(str()),
  VOD_SECRET_ID_PARAM: opt(str()),
  VOD_SECRET_KEY_PARAM: opt(str()),
  // v2: the documented API 2.0 (offline at Tencent since 2022-11-30; the emulator's default);
  // v3: API 3.0 (2018-07-17), what any live account needs.
  VOD_API_VERSION: z.enum(['v2', 'v3']).default('v2'),
  VOD_REGION: z.string().default('gz'),
  VOD_V3_ENDPOINT: url().default('https://vod.tencentcloudapi.com'),
  VOD_V3_REGION: z
    .string()
    .regex(/^[a-z]{2}-[a-z]+(-\d+)?$/, 'a region such as ap-guangzhou')
    .default('ap-guangzhou'),
  // "Accounts opened since 2023-12-25 must send the application id" (vod-v3-api.md §1.6).
  VOD_SUB_APP_ID: opt(int(1, 2 ** 53 - 1)),
  // COS base for v3 push uploads; only the local emulator needs it (its `/cos`).
  VOD_STORAGE_ENDPOINT: opt(url()),
  VOD_ENDPOINT: url().default('https://vod.api.qcloud.com/v2/index.php'),
  VOD_UPLOAD_ENDPOINT: url().default('https://vod2.qcloud.com/v2/index.php'),
  VOD_SIGNATURE_METHOD: z.enum(['HmacSHA1', 'HmacSHA256']).default('HmacSHA256'),
  VOD_TIMEOUT_MS: int(500, 60_000).default(10_000),
  // Default per version: v2 [20, 210]; v3 the 3.0 presets [100020, 100210] (SD MP4, FLU HLS).
  VOD_DEFINITIONS: opt(intList()),
  // `none`: no cover (one needs a video stream; an audio-only source fails its cover with -47402).
  VOD_COVER_DEFINITION: z.preprocess(
    (v) => (typeof v === 'string' && v.trim().toLowerCase() === 'none' ? 'none' : v),
    z.union([z.literal('none'), opt(int(0, 1_000_000)).default(10)], { error: 'expected a template id (0–1000000) or none' }),
  ),
  VOD_COVER_PERCENT: int(0, 100).default(50),
  VOD_SNAPSHOT_DEFINITION: opt(int(0, 1_000_000)),
  VOD_SNAPSHOT_OFFSETS_MS: opt(intList()),
  VOD_CLASS_ID: opt(int(0, 2 ** 31)),
  VOD_PROCEDURE: opt(str()),

  UPLOAD_MODE: z.enum(['pull', 'push']).default('pull'),
  // VOD may queue a pull for a while; the presigned GET must outlive that (S3 caps it at 7 days).
  PULL_URL_TTL_S: int(300, 604_800).default(43_200),
  VIDEO_EXTENSIONS: strList().default([
    'mp4',
    'mov',
    'm4v',
    'mkv',
    'webm',
    'avi',
    'flv',
    'wmv',
    'mpg',
    'mpeg',
    'ts',
    'm2ts',
    'mts',
    'mxf',
    '3gp',
  ]),
  MAX_SOURCE_BYTES: int(1, Number.MAX_SAFE_INTEGER).default(5 * 1024 ** 3),

  POLL_BASE_DELAY_S: int(0, 900).default(5),
  POLL_MAX_DELAY_S: int(1, 900).default(300),
  JOB_DEADLINE_S: int(1, 7 * 86_400).default(6 * 3600),
  MAX_ATTEMPTS: int(1, 20).default(3),
  RETRY_BASE_DELAY_S: int(0, 900).default(30),
  RETRY_MAX_DELAY_S: int(0, 86_400).default(900),
  JOB_TTL_DAYS: int(1, 3650).default(30),
  // A job untouched this long has lost its way (a message parked in a DLQ, a step failing over
  // and over): sweep-jobs fails it, so every job ends in a terminal state and event.
  STALE_JOB_S: int(600, 30 * 86_400).default(86_400),

  CALLBACK_TOKEN: opt(str()),
  CALLBACK_TOKEN_PARAM: opt(str()),
  API_KEYS: opt(strList()),
  API_KEYS_PARAM: opt(str()),
  EVENT_SOURCE: str().default('/vodflow'),
  EVENT_SUBSCRIBERS: opt(subscribersSetting),
  EVENT_SIGNING_SECRET: opt(str()),
  EVENT_SIGNING_SECRET_PARAM: opt(str()),
  EVENT_DELIVERY_TIMEOUT_MS: int(100, 30_000).default(5_000),
  // A failed delivery is retried with exponential backoff and full jitter (ceiling doubling from
  // the base up to the cap) until the window has passed since the first try (Mux: 24 h).
  EVENT_RETRY_BASE_DELAY_S: int(0, 900).default(30),
  EVENT_RETRY_MAX_DELAY_S: int(1, 86_400).default(3600),
  EVENT_RETRY_WINDOW_S: int(60, 7 * 86_400).default(86_400),

  UPLOAD_URL_TTL_S: int(60, 604_800).default(900),
  UPLOAD_MAX_BYTES: int(1, Number.MAX_SAFE_INTEGER).default(5 * 1024 ** 3),
  UPLOAD_SIGNATURE_TTL_S: int(60, 7_776_000).default(3600),
  CORS_ORIGINS: strList().default(['*']),
  PULL_EVENTS_RESERVE_MS: int(1_000, 60_000).default(12_000),
  // `<queue name>=<seconds>,…`: the triggering queues' visibility timeouts (serverless.yml renders
  // them from the queues' own). Where a crashed delivery's record comes back soon enough anyway,
  // the outbox sends without first shortening its visibility (lib/pipeline/outbox).
  QUEUE_VISIBILITY_TIMEOUTS: opt(
    strList().pipe(
      z.array(
        z
          .string()
          .regex(/^[\w-]+(\.fifo)?=\d+$/, 'expected <queue name>=<seconds>, comma-separated')
          .transform((entry) => {
            const [name, seconds] = entry.split('=') as [string, string];
            return [name, Number(seconds)] as const;
          }),
      ),
    ),
  ),
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof schema>) {
  return {
    jobsTable: env.JOBS_TABLE,
    uploadBucket: env.UPLOAD_BUCKET,
    queues: {
      upload: queueRef(env, 'UPLOAD'),
      process: queueRef(env, 'PROCESS'),
      poll: queueRef(env, 'POLL'),
      result: queueRef(env, 'RESULT'),
      classify: queueRef(env, 'CLASSIFY'),
      events: queueRef(env, 'EVENTS'),
      deliver: queueRef(env, 'DELIVER'),
    },
    vod: {
      secretId: { value: env.VOD_SECRET_ID, param: env.VOD_SECRET_ID_PARAM, name: 'VOD_SECRET_ID' },
      secretKey: { value: env.VOD_SECRET_KEY, param: env.VOD_SECRET_KEY_PARAM, name: 'VOD_SECRET_KEY' },
      apiVersion: env.VOD_API_VERSION,
      region: env.VOD_REGION,
      endpoint: env.VOD_ENDPOINT,
      v3: {
        endpoint: env.VOD_V3_ENDPOINT,
        region: env.VOD_V3_REGION,
        subAppId: env.VOD_SUB_APP_ID,
        storageEndpoint: env.VOD_STORAGE_ENDPOINT,
      },
      uploadEndpoint: env.VOD_UPLOAD_ENDPOINT,
      signatureMethod: env.VOD_SIGNATURE_METHOD,
      timeoutMs: env.VOD_TIMEOUT_MS,
      definitions: env.VOD_DEFINITIONS?.length ? env.VOD_DEFINITIONS : env.VOD_API_VERSION === 'v3' ? [100020, 100210] : [20, 210],
      cover: env.VOD_COVER_DEFINITION === 'none' ? undefined : { definition: env.VOD_COVER_DEFINITION, percent: env.VOD_COVER_PERCENT },
      snapshots:
        env.VOD_SNAPSHOT_DEFINITION === undefined || !env.VOD_SNAPSHOT_OFFSETS_MS?.length
          ? undefined
          : { definition: env.VOD_SNAPSHOT_DEFINITION, timeOffsetsMs: env.VOD_SNAPSHOT_OFFSETS_MS },
      classId: env.VOD_CLASS_ID,
      procedure: env.VOD_PROCEDURE,
    },
    ingest: {
      videoExtensions: env.VIDEO_EXTENSIONS.map((e) => e.toLowerCase().replace(/^\./, '')),
      maxSourceBytes: env.MAX_SOURCE_BYTES,
    },
    upload: { mode: env.UPLOAD_MODE, pullUrlTtlS: env.PULL_URL_TTL_S },
    poll: { baseDelayS: env.POLL_BASE_DELAY_S, maxDelayS: env.POLL_MAX_DELAY_S, deadlineS: env.JOB_DEADLINE_S },
    retry: { maxAttempts: env.MAX_ATTEMPTS, baseDelayS: env.RETRY_BASE_DELAY_S, maxDelayS: env.RETRY_MAX_DELAY_S },
    jobTtlDays: env.JOB_TTL_DAYS,
    staleJobS: env.STALE_JOB_S,
    callbackToken: { value: env.CALLBACK_TOKEN, param: env.CALLBACK_TOKEN_PARAM, name: 'CALLBACK_TOKEN' },
    apiKeys: { value: env.API_KEYS?.join(','), param: env.API_KEYS_PARAM, name: 'API_KEYS' },
    events: {
      source: env.EVENT_SOURCE,
      subscribers: env.EVENT_SUBSCRIBERS ?? [],
      signingSecret: { value: env.EVENT_SIGNING_SECRET, param: env.EVENT_SIGNING_SECRET_PARAM, name: 'EVENT_SIGNING_SECRET' },
      deliveryTimeoutMs: env.EVENT_DELIVERY_TIMEOUT_MS,
      retry: { baseDelayS: env.EVENT_RETRY_BASE_DELAY_S, maxDelayS: env.EVENT_RETRY_MAX_DELAY_S, windowS: env.EVENT_RETRY_WINDOW_S },
    },
    http: {
      uploadUrlTtlS: env.UPLOAD_URL_TTL_S,
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
      uploadSignatureTtlS: env.UPLOAD_SIGNATURE_TTL_S,
      corsOrigins: env.CORS_ORIGINS,
    },
    pullEventsReserveMs: env.PULL_EVENTS_RESERVE_MS,
    /** Visibility timeout (s) by queue name; a queue missing here is treated as long. */
    queueVisibilityS: new Map(env.QUEUE_VISIBILITY_TIMEOUTS ?? []),
  };
}

/** A queue URL, or `name:<queue name>` to be resolved at runtime (lib/aws/queues). */
function queueRef(env: Record<string, unknown>, prefix: string): string {
  const url = env[`${prefix}_QUEUE_URL`] as string | undefined;
  const name = env[`${prefix}_QUEUE`] as string | undefined;
  if (url) return url;
  if (name) return `name:${name}`;
  throw new ConfigError(`Invalid configuration — ${prefix}_QUEUE: set ${prefix}_QUEUE (a queue name) or ${prefix}_QUEUE_URL`);
}

/** A secret given either inline (`NAME`) or as an SSM parameter name (`NAME_PARAM`). */
export interface SecretSetting {
  value: string | undefined;
  param: string | undefined;
  name: string;
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  // Parsed once per process: zod's compiled fast path would cost more to build than it saves.
  const parsed = schema.safeParse(env, { jitless: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration — ${lines.join('; ')}`);
  }
  const config = toConfig(parsed.data);
  requireSecret(config.vod.secretId);
  requireSecret(config.vod.secretKey);
  // A subscriber without a secret of its own is signed with EVENT_SIGNING_SECRET.
  if (config.events.subscribers.some((s) => !s.secret && !s.secretParam)) requireSecret(config.events.signingSecret);
  return config;
}

/** Fails naming both variables when neither the value nor its SSM parameter name is set. */
export function requireSecret(setting: SecretSetting): SecretSetting {
  if (setting.value === undefined && setting.param === undefined) {
    throw new ConfigError(`Invalid configuration — ${setting.name}: set ${setting.name} or ${setting.name}_PARAM (an SSM parameter name)`);
  }
  return setting;
}

let cached: Config | undefined;

/**
 * The process-wide configuration, parsed on first use (handlers call it at module load). A Lambda
 * container's environment never changes, so it is parsed once: checking the environment on each
 * call cost a stack of functions sharing a process more CPU than anything else of vodflow's own
 * (bench/REPORT.md). Whoever changes the environment — a local stack starting or stopping, a
 * test — calls resetConfig(), or lib/container's freshContainer() for every cache at once.
 */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The next config() parses the environment again. */
export function resetConfig(): void {
  cached = undefined;
}
