// What the console needs from a starting local stack, gathered in one place so local/stack.ts
// only mounts it.
import type { RunningEmulator } from '../../emulator';
import { parseSubscribers } from '../../lib/events/subscribers';
import type { Provisioned } from '../aws/provision';
import type { StackModel } from '../serverless/model';
import { createConsole, type LocalConsole } from './index';

export interface ConsoleStackParts {
  model: StackModel;
  provisioned: Provisioned;
  httpApi: string;
  endpoints: { sqs: string; s3: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  env: Readonly<Record<string, string>>;
  emulator: RunningEmulator | undefined;
  emulatorOptions?: { ffmpegPath?: string; ffprobePath?: string };
  callbackMode: string;
  log: (message: string) => void;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const consumersOf = (model: StackModel, queue: string) =>
  model.functions.filter((fn) => fn.sqs.some((e) => e.enabled && e.queueLogicalId === queue)).map((fn) => fn.key);

/** undefined when the stack has no table (nothing to show). */
export function consoleForStack(parts: ConsoleStackParts): LocalConsole | undefined {
  const { model, provisioned, env } = parts;
  const table = model.tables[0] && provisioned.tableNames[model.tables[0].logicalId];
  if (!table) return undefined;
  const buckets = Object.values(provisioned.bucketNames);
  return createConsole({
    service: model.service,
    stage: model.stage,
    region: model.region,
    table,
    httpApi: parts.httpApi,
    endpoints: parts.endpoints,
    credentials: parts.credentials,
    queues: model.queues.map((q) => ({
      logicalId: q.logicalId,
      name: q.name,
      url: provisioned.queueUrls[q.logicalId]!,
      deadLetter: q.redrive?.deadLetterLogicalId,
      consumers: consumersOf(model, q.logicalId),
    })),
    apiKeys: list(env.API_KEYS),
    emulator: parts.emulator,
    buckets,
    s3Endpoint: parts.endpoints.s3,
    // URLs only: the console shows where events go, never a subscriber's secret.
    subscribers: parseSubscribers(env.EVENT_SUBSCRIBERS).map((s) => s.url),
    vod:
      parts.emulator && env.VOD_SECRET_ID && env.VOD_SECRET_KEY
        ? { endpoint: parts.emulator.endpoint, secretId: env.VOD_SECRET_ID, secretKey: env.VOD_SECRET_KEY, region: env.VOD_REGION }
        : undefined,
    ffmpegPath: parts.emulatorOptions?.ffmpegPath,
    ffprobePath: parts.emulatorOptions?.ffprobePath,
    info: {
      service: model.service,
      stage: model.stage,
      region: model.region,
      bucket: buckets[0],
      table,
      callbackMode: parts.callbackMode,
      definitions: list(env.VOD_DEFINITIONS).map(Number),
      emulator: parts.emulator?.url,
      routes: model.functions.flatMap((fn) => fn.http.map((route) => route.routeKey)),
    },
    log: parts.log,
  });
}
