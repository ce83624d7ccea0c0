// The normalised model of serverless.yml that the local stack runs: only what matters on one
// machine, every reference already resolved to a logical id, every default filled in.
import * as z from 'zod';

/**
 * A string value, possibly holding parts only known at run time: a queue URL (it contains the
 * local SQS port) or a cloud-only variable (e.g. `${ssm:...}`) that needs a local override.
 */
export const valuePart = z.union([z.string(), z.object({ queueUrl: z.string() }).strict(), z.object({ unresolved: z.string() }).strict()]);
export type ValuePart = z.infer<typeof valuePart>;
export const value = z.array(valuePart);
export type Value = z.infer<typeof value>;

export const queueSpec = z.object({
  logicalId: z.string(),
  name: z.string().min(1).max(80),
  arn: z.string(),
  fifo: z.boolean(),
  attributes: z.record(z.string(), z.string()), // SQS CreateQueue attributes, RedrivePolicy excluded
  redrive: z.object({ deadLetterLogicalId: z.string(), maxReceiveCount: z.number().int().min(1) }).optional(),
});
export type QueueSpec = z.infer<typeof queueSpec>;

const keyElement = z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) });
const projection = z.object({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const throughput = z.object({ ReadCapacityUnits: z.coerce.number(), WriteCapacityUnits: z.coerce.number() });
export const tableSpec = z.object({
  logicalId: z.string(),
  name: z.string().min(3),
  arn: z.string(),
  keySchema: z.array(keyElement).min(1).max(2),
  attributeDefinitions: z.array(z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) })).min(1),
  globalSecondaryIndexes: z.array(
    z.object({
      IndexName: z.string(),
      KeySchema: z.array(keyElement),
      Projection: projection,
      ProvisionedThroughput: throughput.optional(),
    }),
  ),
  localSecondaryIndexes: z.array(z.object({ IndexName: z.string(), KeySchema: z.array(keyElement), Projection: projection })),
  billingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']),
  provisionedThroughput: throughput.optional(),
  ttl: z.object({ attributeName: z.string(), enabled: z.boolean() }).optional(),
});
export type TableSpec = z.infer<typeof tableSpec>;

export const notificationSpec = z.object({
  events: z
    .array(
      z
        .string()
        .regex(/^s3:ObjectCreated:(\*|Put|Post|Copy|CompleteMultipartUpload)$/, 'only s3:ObjectCreated:* events are bridged locally'),
    )
    .min(1),
  queueLogicalId: z.string(),
  prefix: z.string().optional(),
  suffix: z.string().optional(),
});
export type NotificationSpec = z.infer<typeof notificationSpec>;

export const bucketSpec = z.object({
  logicalId: z.string(),
  name: z.string().min(3).max(63),
  arn: z.string(),
  notifications: z.array(notificationSpec),
  cors: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type BucketSpec = z.infer<typeof bucketSpec>;

export const sqsEventSpec = z.object({
  queueLogicalId: z.string(),
  batchSize: z.number().int().min(1).max(10000),
  maximumBatchingWindow: z.number().min(0).max(300),
  reportBatchItemFailures: z.boolean(),
  maximumConcurrency: z.number().int().min(2).optional(),
  enabled: z.boolean(),
});
export type SqsEventSpec = z.infer<typeof sqsEventSpec>;

export const httpRouteSpec = z.object({
  /** `GET /jobs/{id}`, or `$default` for the catch-all route (`httpApi: '*'`). */
  routeKey: z.string(),
  method: z.string(), // upper-case, or ANY
  path: z.string().nullable(), // null for $default
});
export type HttpRouteSpec = z.infer<typeof httpRouteSpec>;

export const scheduleSpec = z.object({
  expression: z.string().regex(/^(rate|cron)\(.+\)$/, 'schedule must be rate(...) or cron(...)'),
  enabled: z.boolean(),
  input: z.unknown().optional(),
  name: z.string().optional(),
});
export type ScheduleSpec = z.infer<typeof scheduleSpec>;

export const functionSpec = z.object({
  key: z.string(), // the key under `functions:`
  name: z.string(), // the deployed Lambda name (`service-stage-key` unless `name:` is set)
  handlerFile: z.string(), // path relative to serverless.yml, without extension
  handlerExport: z.string(),
  timeoutSeconds: z.number().positive().max(900),
  memorySize: z.number().int().positive(),
  reservedConcurrency: z.number().int().min(0).optional(),
  environment: z.record(z.string(), value), // provider + function, function wins
  sqs: z.array(sqsEventSpec),
  http: z.array(httpRouteSpec),
  schedules: z.array(scheduleSpec),
});
export type FunctionSpec = z.infer<typeof functionSpec>;

export const corsSpec = z.object({
  allowedOrigins: z.array(z.string()),
  allowedHeaders: z.array(z.string()),
  allowedMethods: z.array(z.string()),
  allowCredentials: z.boolean(),
  exposedResponseHeaders: z.array(z.string()),
  maxAge: z.number().optional(),
});
export type CorsSpec = z.infer<typeof corsSpec>;

export const stackModel = z.object({
  service: z.string().min(1),
  stage: z.string().min(1),
  region: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/),
  baseDir: z.string(),
  functions: z.array(functionSpec),
  queues: z.array(queueSpec),
  tables: z.array(tableSpec),
  buckets: z.array(bucketSpec),
  httpCors: corsSpec.nullable(),
});
export type StackModel = z.infer<typeof stackModel>;

/** Renders a value once queue URLs are known; cloud-only parts must have been overridden before. */
export function renderValue(parts: Value, queueUrls: Record<string, string>, name = 'value'): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('queueUrl' in part) {
        const url = queueUrls[part.queueUrl];
        if (!url) throw new Error(`${name}: queue ${part.queueUrl} has no URL (not provisioned)`);
        return url;
      }
      throw new Error(`${name} is ${part.unresolved}, which cannot be resolved locally; give it a local value`);
    })
    .join('');
}
