// The whole local stack from serverless.yml: AWS stand-ins, the VOD emulator, provisioning,
// the S3 notification bridge and every handler running with Lambda semantics.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { RunningEmulator, StartEmulatorOptions } from '../emulator';
import { createLocalClients } from './aws/clients';
import { freshContainer } from '../lib/container';
import { applyEnvironment, describeConflicts, EnvironmentError, planEnvironment, type EnvConflict } from './runtime/environment';
import type { InvocationResult } from './runtime/invoker';
import { provision } from './aws/provision';
import { startRuntime, type Runtime } from './runtime/index';
import { createS3Bridge, type S3Bridge } from './aws/s3-bridge';
import { consoleForStack } from './console/from-stack';
import { loadServerlessConfig } from './serverless/config';
import type { StackModel } from './serverless/model';
import { startServices } from './aws/services';
import { rememberedPorts, rememberPorts, reusablePorts } from './ports';

export type CallbackMode = 'http' | 'reliable' | 'poll';
export type LogLevel = 'silent' | 'error' | 'info';

export interface LocalStackOptions {
  /** Default: serverless.yml at the repository root. */
  configFile?: string;
  /** Keeps DynamoDB, SQS/S3 and emulator state across restarts (in memory / temp dir if absent). */
  dataDir?: string;
  stage?: string;
  /** `${param:x}` overrides (reliable callback mode adds callbackMode=reliable, pullEventsEnabled=true). */
  params?: Record<string, string>;
  /** Options for the VOD emulator, or false to run without it (then pass VOD_* in `env`). */
  emulator?: false | Omit<StartEmulatorOptions, 'dataDir' | 'callbackUrl' | 'callbackMode'>;
  /** How task results come back: VOD HTTP callback to the webhook route, PullEvent (the pull-events schedule), or polling only. */
  callbackMode?: CallbackMode;
  ports?: { httpApi?: number; fauxqs?: number; dynamodb?: number; emulator?: number };
  /** Extra environment for every handler; wins over serverless.yml (not over AWS endpoint variables). */
  env?: Record<string, string>;
  /** Concurrency of functions without reservedConcurrency (default 2). */
  defaultConcurrency?: number;
  /** Concurrency of HTTP-API-only functions without reservedConcurrency (default 16, see local/runtime). */
  httpConcurrency?: number;
  /** Start schedule timers (default true); triggerSchedule works either way. */
  schedules?: boolean;
  scheduleTimeScale?: number;
  /** Send S3's s3:TestEvent to notification queues when a bucket is first created (default true, as AWS does). */
  s3TestEvents?: boolean;
  /** Start even if two functions need different values for one variable (they share process.env). */
  allowEnvConflicts?: boolean;
  logLevel?: LogLevel;
}

export interface LocalStack {
  endpoints: { httpApi: string; emulator?: string; sqs: string; s3: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  stage: string;
  /** The first declared bucket's name (vodflow has one upload bucket); all buckets in `buckets`. */
  bucket: string | undefined;
  buckets: Record<string, string>;
  /** Queues by logical id. */
  queues: Record<string, { name: string; url: string; arn: string }>;
  table: string | undefined;
  tables: Record<string, string>;
  /** The environment every handler sees. */
  env: Readonly<Record<string, string>>;
  /** The local web console (page + its API) on the HTTP API's port, if the stack has a table. */
  consoleUrl?: string;
  /** Where the emulator sends HTTP callbacks (webhook route + token), if any. */
  callbackUrl: string | undefined;
  /** Secrets generated for this run (API key for the HTTP API, webhook token, event signing secret). */
  secrets: { apiKey: string; callbackToken: string; eventSigningSecret: string };
  envConflicts: EnvConflict[];
  notes: string[];
  model: StackModel;
  emulator: RunningEmulator | undefined;
  invoke(functionKey: string, event: unknown): Promise<InvocationResult>;
  triggerSchedule(name: string): Promise<InvocationResult[]>;
  /** Resolves once nothing is queued, in flight, delayed or running (default timeout 60 s). */
  waitForIdle(options?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const level = options.logLevel ?? 'error';
  const log = (message: string) => {
    if (level !== 'silent') process.stderr.write(`${message}\n`);
  };
  const info = (message: string) => {
    if (level === 'info') process.stderr.write(`${message}\n`);
  };
  const params = {
    ...(options.callbackMode === 'reliable' ? { callbackMode: 'reliable', pullEventsEnabled: 'true' } : {}),
    ...(options.params ?? {}),
  };
  const { model, ignoredResources } = loadServerlessConfig(options.configFile ?? path.join(REPO_ROOT, 'serverless.yml'), {
    stage: options.stage,
    params,
  });
  const notes: string[] = ignoredResources.length ? [`ignored resources (no local meaning): ${countByType(ignoredResources)}`] : [];

  const cleanup: Array<() => Promise<void> | void> = [];
  const unwind = async () => {
    for (const step of cleanup.reverse())
      await Promise.resolve(step()).catch((error: unknown) => log(`[local] cleanup: ${(error as Error).message}`));
  };
  try {
    const remembered = options.dataDir ? rememberedPorts(options.dataDir) : { ports: {} };
    if (remembered.note) notes.push(remembered.note);
    const reuse = await reusablePorts(remembered.ports, options.ports ?? {});
    notes.push(...reuse.notes);
    const ports = reuse.ports;
    let bridge: S3Bridge | undefined;
    const services = await startServices({
      region: model.region,
      dataDir: options.dataDir && path.join(options.dataDir, 'aws'),
      ports: { fauxqs: ports.fauxqs, dynamodb: ports.dynamodb },
      beforeS3Answer: async (request, reply) => bridge?.beforeAnswer(request, reply),
    });
    cleanup.push(() => services.close());
    const clients = createLocalClients(services);
    cleanup.push(() => clients.destroy());

    const existingBuckets = new Set(services.s3Store.listBuckets().map((b) => b.name));
    const provisioned = await provision(model, clients);
    notes.push(...provisioned.notes);
    bridge = createS3Bridge({
      buckets: model.buckets,
      queueUrls: provisioned.queueUrls,
      sqs: clients.sqs,
      s3Store: services.s3Store,
      region: model.region,
      log,
    });
    if (options.s3TestEvents !== false)
      await bridge.sendTestEvents(model.buckets.map((b) => b.name).filter((name) => !existingBuckets.has(name)));

    let emulator: RunningEmulator | undefined;
    const vodEnv: Record<string, string> = {};
    if (options.emulator !== false) {
      const { startEmulator, DEV_ACCOUNT } = await import('../emulator');
      emulator = await startEmulator({
        // Only loopback (where the local S3 lives) and public hosts: a dev VM's metadata service
        // (169.254.169.254) or LAN must not be pullable and served back under public dev keys.
        allowPrivatePullHosts: false,
        log: level === 'silent' ? false : undefined,
        ...(options.emulator ?? {}),
        port: ports.emulator ?? 0,
        dataDir: options.dataDir && path.join(options.dataDir, 'emulator'),
        callbackMode: 'none', // the webhook route exists only once the runtime is up
      });
      cleanup.push(() => emulator!.close());
      Object.assign(vodEnv, {
        VOD_ENDPOINT: emulator.endpoint,
        VOD_UPLOAD_ENDPOINT: emulator.uploadEndpoint,
        VOD_SECRET_ID: DEV_ACCOUNT.secretId,
        VOD_SECRET_KEY: DEV_ACCOUNT.secretKey,
      });
      // API 3.0 on the same port (used when VOD_API_VERSION=v3); its push uploads PUT to /cos.
      Object.assign(vodEnv, { VOD_V3_ENDPOINT: emulator.url, VOD_STORAGE_ENDPOINT: `${emulator.url}/cos` });
    }

    const local = {
      AWS_REGION: model.region,
      AWS_DEFAULT_REGION: model.region,
      AWS_ACCESS_KEY_ID: services.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: services.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: services.endpoints.sqs,
      AWS_ENDPOINT_URL_S3: services.endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: services.endpoints.dynamodb,
    };
    const overrides = localSecrets(model, { ...vodEnv, ...(options.env ?? {}) });
    const plan = planEnvironment(model, provisioned.queueUrls, local, overrides);
    if (plan.conflicts.length) {
      const text = `functions share one process.env locally, but these variables differ between functions:\n  ${describeConflicts(plan.conflicts)}`;
      if (!options.allowEnvConflicts) throw new EnvironmentError(text);
      notes.push(text);
    }
    // Session tokens or profiles from the developer's shell would be sent to the stand-ins.
    const restoreEnv = applyEnvironment(plan.values);
    const saved = { AWS_SESSION_TOKEN: process.env.AWS_SESSION_TOKEN, AWS_PROFILE: process.env.AWS_PROFILE };
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    // The handlers build their config and clients once, as a Lambda container does: from this
    // environment, not from one an earlier stack in this process left behind.
    freshContainer();
    cleanup.push(() => {
      restoreEnv();
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
      freshContainer();
    });

    const runtime: Runtime = await startRuntime({
      model,
      provisioned,
      sqs: clients.sqs,
      defaultConcurrency: options.defaultConcurrency,
      httpConcurrency: options.httpConcurrency,
      httpPort: ports.httpApi,
      schedules: options.schedules,
      scheduleTimeScale: options.scheduleTimeScale,
      log,
    });
    cleanup.push(() => runtime.close());

    if (options.dataDir) {
      const portOf = (url: string) => Number(new URL(url).port);
      await rememberPorts(options.dataDir, {
        fauxqs: portOf(services.endpoints.sqs),
        dynamodb: portOf(services.endpoints.dynamodb),
        httpApi: portOf(runtime.httpUrl),
        ...(emulator ? { emulator: portOf(emulator.url) } : {}),
      });
    }
    const callbackUrl = webhookUrl(model, runtime.httpUrl, plan.values);
    if (emulator && options.callbackMode !== 'poll') {
      if (options.callbackMode === 'reliable') emulator.setCallback(undefined, 'reliable');
      else if (callbackUrl) emulator.setCallback(callbackUrl, 'http');
      else notes.push('no webhook route with a {token} parameter found: VOD callbacks are off (polling only)');
    }
    const localConsole = consoleForStack({
      model,
      provisioned,
      httpApi: runtime.httpUrl,
      endpoints: services.endpoints,
      credentials: services.credentials,
      env: plan.values,
      emulator,
      emulatorOptions: options.emulator || undefined,
      callbackMode: options.callbackMode ?? 'http',
      log,
    });
    if (localConsole) {
      runtime.mountHttp(localConsole.mount);
      cleanup.push(() => localConsole.close());
    }
    info(
      `[local] ${model.service} (${model.stage}) up: http ${runtime.httpUrl}, sqs/s3 ${services.endpoints.sqs}, dynamodb ${services.endpoints.dynamodb}${emulator ? `, vod ${emulator.url}` : ''}`,
    );
    for (const note of notes) info(`[local] note: ${note}`);

    const queues = Object.fromEntries(
      model.queues.map((q) => [q.logicalId, { name: q.name, url: provisioned.queueUrls[q.logicalId]!, arn: q.arn }]),
    );
    let closing: Promise<void> | undefined;
    return {
      endpoints: { httpApi: runtime.httpUrl, emulator: emulator?.url, ...services.endpoints },
      credentials: services.credentials,
      region: model.region,
      stage: model.stage,
      bucket: model.buckets[0]?.name,
      buckets: provisioned.bucketNames,
      queues,
      table: model.tables[0]?.name,
      tables: provisioned.tableNames,
      env: plan.values,
      consoleUrl: localConsole?.url,
      callbackUrl: emulator && options.callbackMode !== 'poll' && options.callbackMode !== 'reliable' ? callbackUrl : undefined,
      secrets: {
        apiKey: plan.values.API_KEYS!.split(',')[0]!,
        callbackToken: plan.values.CALLBACK_TOKEN!,
        eventSigningSecret: plan.values.EVENT_SIGNING_SECRET!,
      },
      envConflicts: plan.conflicts,
      notes,
      model,
      emulator,
      invoke: (key, event) => runtime.invoke(key, event),
      triggerSchedule: (name) => runtime.triggerSchedule(name),
      waitForIdle: (o) => waitForIdle(runtime, bridge!, clients.sqs, queues, o?.timeoutMs ?? 60_000),
      close: () => (closing ??= unwind()),
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

/**
 * Secrets come from SSM in AWS (the yml passes parameter NAMES as `X_PARAM`); locally they are
 * plain values. Every given value `X` empties a declared `X_PARAM`, so no handler calls SSM.
 * NODE_OPTIONS is dropped: handlers share this already-running process.
 */
function localSecrets(model: StackModel, given: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {
    CALLBACK_TOKEN: randomBytes(16).toString('hex'),
    API_KEYS: `local-${randomBytes(12).toString('hex')}`,
    EVENT_SIGNING_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
    ...given,
  };
  const declared = new Set(model.functions.flatMap((fn) => Object.keys(fn.environment)));
  const out: Record<string, string> = { ...values };
  for (const name of Object.keys(values)) if (declared.has(`${name}_PARAM`)) out[`${name}_PARAM`] = '';
  if (declared.has('NODE_OPTIONS')) out.NODE_OPTIONS = process.env.NODE_OPTIONS ?? '';
  return out;
}

/** The webhook: a POST route with a `{token}` path parameter, filled with CALLBACK_TOKEN. */
function webhookUrl(model: StackModel, httpUrl: string, env: Record<string, string>): string | undefined {
  for (const fn of model.functions) {
    for (const route of fn.http) {
      if (route.method !== 'POST' || !route.path?.includes('{token}')) continue;
      const token = env.CALLBACK_TOKEN;
      if (!token) return undefined;
      return httpUrl + route.path.replace('{token}', encodeURIComponent(token));
    }
  }
  return undefined;
}

async function waitForIdle(
  runtime: Runtime,
  bridge: S3Bridge,
  sqs: import('@aws-sdk/client-sqs').SQSClient,
  queues: LocalStack['queues'],
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const watched = [...new Set(runtime.consumedQueues)].map((id) => queues[id]!);
  let quietChecks = 0;
  let last = '';
  while (Date.now() < until) {
    await bridge.idle();
    const counts = await Promise.all(
      watched.map(async (q) => {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: q.url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
          }),
        );
        const n =
          Number(Attributes.ApproximateNumberOfMessages ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
          Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
        return n ? `${q.name}=${n}` : '';
      }),
    );
    last = counts.filter(Boolean).join(', ');
    const quiet = !last && !runtime.busy();
    quietChecks = quiet ? quietChecks + 1 : 0;
    if (quietChecks >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`local stack not idle after ${timeoutMs} ms${last ? ` (queued: ${last})` : ' (invocations running)'}`);
}

/** "12 AWS::CloudWatch::Alarm, 3 AWS::SQS::QueuePolicy": one line, however many resources ("LogicalId (Type)"). */
function countByType(resources: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const type = /\(([^)]+)\)$/.exec(r)?.[1] ?? r;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
}
