// Normalises `functions:`: handler path, limits, environment (provider + function) and the event
// sources the local runtime drives (sqs, httpApi, schedule). Other event types are errors.
import * as z from 'zod';
import type { Intrinsics } from './intrinsics';
import type { FunctionSpec, HttpRouteSpec, QueueSpec, ScheduleSpec, SqsEventSpec, Value } from './model';

export class FunctionError extends Error {}

const intLike = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const boolLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const rawFunction = z.object({
  handler: z.string().regex(/^.+\.[A-Za-z_$][\w$]*$/, 'handler must look like path/to/file.exportName'),
  name: z.string().optional(),
  timeout: intLike.optional(),
  memorySize: intLike.optional(),
  reservedConcurrency: intLike.optional(),
  environment: z.record(z.string(), z.unknown()).optional(),
  events: z.array(z.record(z.string(), z.unknown())).optional(),
});

const isIntrinsic = (v: unknown) => !!v && typeof v === 'object' && Object.keys(v).length === 1 && /^(Ref|Fn::)/.test(Object.keys(v)[0]!);

const rawSqs = z.union([
  z.string().transform((arn) => ({ arn })),
  z.custom<Record<string, unknown>>(isIntrinsic).transform((arn) => ({ arn })), // `sqs: !GetAtt Queue.Arn`
  z
    .object({
      arn: z.unknown(),
      batchSize: intLike.optional(),
      maximumBatchingWindow: intLike.optional(),
      functionResponseType: z.literal('ReportBatchItemFailures').optional(),
      enabled: boolLike.optional(),
      maximumConcurrency: intLike.optional(),
      filterPatterns: z.unknown().optional(),
    })
    .strict(),
]);

const rawHttpApi = z.union([z.string(), z.object({ method: z.string(), path: z.string(), authorizer: z.unknown().optional() }).strict()]);

const rawSchedule = z.union([
  z.string(),
  z
    .object({
      rate: z.union([z.string(), z.array(z.string()).min(1)]),
      enabled: boolLike.optional(),
      input: z.unknown().optional(),
      name: z.string().optional(),
      description: z.string().optional(),
    })
    .strict(),
]);

export interface FunctionDefaults {
  service: string;
  stage: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, unknown>;
}

export function normaliseFunction(
  key: string,
  raw: unknown,
  defaults: FunctionDefaults,
  queues: QueueSpec[],
  intrinsics: Intrinsics,
): FunctionSpec {
  const where = `functions.${key}`;
  const fn = parse(rawFunction, raw, where);
  const dot = fn.handler.lastIndexOf('.');
  const environment: Record<string, Value> = {};
  for (const [name, value] of Object.entries({ ...defaults.environment, ...(fn.environment ?? {}) })) {
    if (value === undefined || value === null) continue; // serverless drops unset values too
    environment[name] = intrinsics.toValue(value, `${where}.environment.${name}`);
  }
  const spec: FunctionSpec = {
    key,
    name: fn.name ?? `${defaults.service}-${defaults.stage}-${key}`,
    handlerFile: fn.handler.slice(0, dot).replace(/^\.\//, ''),
    handlerExport: fn.handler.slice(dot + 1),
    timeoutSeconds: fn.timeout ?? defaults.timeout,
    memorySize: fn.memorySize ?? defaults.memorySize,
    reservedConcurrency: fn.reservedConcurrency,
    environment,
    sqs: [],
    http: [],
    schedules: [],
  };
  (fn.events ?? []).forEach((event, i) => {
    const at = `${where}.events[${i}]`;
    const [type, ...extra] = Object.keys(event);
    if (!type || extra.length) throw new FunctionError(`${at}: an event must have exactly one type`);
    const body = event[type];
    if (type === 'sqs') spec.sqs.push(sqsEvent(parse(rawSqs, body, `${at}.sqs`), queues, intrinsics, `${at}.sqs`));
    else if (type === 'httpApi') spec.http.push(httpRoute(parse(rawHttpApi, body, `${at}.httpApi`), `${at}.httpApi`));
    else if (type === 'schedule') spec.schedules.push(...schedules(parse(rawSchedule, body, `${at}.schedule`)));
    else throw new FunctionError(`${at}: event type "${type}" is not supported by the local stack (supported: sqs, httpApi, schedule)`);
  });
  return spec;
}

function sqsEvent(event: z.infer<typeof rawSqs>, queues: QueueSpec[], intrinsics: Intrinsics, where: string): SqsEventSpec {
  if ('filterPatterns' in event && event.filterPatterns !== undefined) {
    throw new FunctionError(`${where}.filterPatterns: event filtering is not supported by the local stack`);
  }
  const arn = intrinsics.toStaticString(event.arn, `${where}.arn`);
  const queue = queues.find((q) => q.arn === arn);
  if (!queue) throw new FunctionError(`${where}.arn: ${arn} is not a queue declared in resources`);
  const batchSize = ('batchSize' in event ? event.batchSize : undefined) ?? 10;
  const maximumBatchingWindow = ('maximumBatchingWindow' in event ? event.maximumBatchingWindow : undefined) ?? 0;
  if (batchSize > 10 && maximumBatchingWindow < 1) {
    throw new FunctionError(`${where}: batchSize > 10 requires maximumBatchingWindow >= 1 (as in AWS)`);
  }
  return {
    queueLogicalId: queue.logicalId,
    batchSize,
    maximumBatchingWindow,
    reportBatchItemFailures: 'functionResponseType' in event && event.functionResponseType === 'ReportBatchItemFailures',
    maximumConcurrency: 'maximumConcurrency' in event ? event.maximumConcurrency : undefined,
    enabled: ('enabled' in event ? event.enabled : undefined) ?? true,
  };
}

function httpRoute(event: z.infer<typeof rawHttpApi>, where: string): HttpRouteSpec {
  if (typeof event === 'object' && event.authorizer !== undefined) {
    throw new FunctionError(
      `${where}.authorizer: authorizers are not enforced by the local stack; remove it or guard the route in the handler`,
    );
  }
  const text = typeof event === 'string' ? event.trim() : `${event.method} ${event.path}`;
  if (text === '*') return { routeKey: '$default', method: 'ANY', path: null };
  const match = /^(\S+)\s+(\/\S*)$/.exec(text);
  if (!match) throw new FunctionError(`${where}: expected "METHOD /path" or "*", got ${JSON.stringify(text)}`);
  const method = match[1]!.toUpperCase() === '*' ? 'ANY' : match[1]!.toUpperCase();
  if (!/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)$/.test(method)) throw new FunctionError(`${where}: unknown method ${match[1]}`);
  const path = match[2]!;
  if (!/^(\/([^/{}]+|\{[A-Za-z_][\w-]*\+?\}))*\/?$/.test(path) || /\+\}./.test(path)) {
    throw new FunctionError(`${where}: invalid path ${path} (segments, {param}, and a final {greedy+} are allowed)`);
  }
  return { routeKey: `${method === 'ANY' ? 'ANY' : method} ${path}`, method, path };
}

function schedules(event: z.infer<typeof rawSchedule>): ScheduleSpec[] {
  if (typeof event === 'string') return [{ expression: event.trim(), enabled: true }];
  const rates = Array.isArray(event.rate) ? event.rate : [event.rate];
  return rates.map((expression) => ({
    expression: expression.trim(),
    enabled: event.enabled ?? true,
    input: event.input,
    name: event.name,
  }));
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${[where, ...issue.path].join('.')}: ${issue.message}`);
    throw new FunctionError(issues.join('; '));
  }
  return result.data;
}
