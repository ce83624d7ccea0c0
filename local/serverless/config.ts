// Reads serverless.yml (framework v3 / osls shape) into the StackModel the local stack runs.
// serverless.yml is the one source of wiring: nothing here knows vodflow's functions or queues.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { Intrinsics, type RawResource } from './intrinsics';
import { normaliseFunction } from './functions';
import { stackModel, type CorsSpec, type StackModel } from './model';
import { normaliseResources } from './resources';
import { getPath, resolveVariables, Unresolved, type VariableContext } from './variables';
import { parseYaml } from './yaml-tags';

/** fauxqs builds every ARN and queue URL with this account, so `${aws:accountId}` must match it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface LoadOptions {
  stage?: string;
  region?: string;
  /** `${opt:x}` values (stage and region are added from the fields above). */
  options?: Record<string, string>;
  /** `${param:x}` values; override the file's `params:` block. */
  params?: Record<string, string>;
  /** `${env:X}` values; default process.env. */
  env?: Record<string, string | undefined>;
}

export class ServerlessConfigError extends Error {
  constructor(file: string, cause: unknown) {
    super(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface LoadedConfig {
  model: StackModel;
  /** Resources declared but meaningless locally (IAM, queue policies, ...). */
  ignoredResources: string[];
}

export function loadServerlessConfig(file: string, options: LoadOptions = {}): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServerlessConfigError(file, error);
  }
  return parseServerlessConfig(text, path.dirname(path.resolve(file)), options, file);
}

export function parseServerlessConfig(text: string, baseDir: string, options: LoadOptions = {}, source = 'serverless.yml'): LoadedConfig {
  try {
    return build(parseYaml(text, source), baseDir, options);
  } catch (error) {
    throw new ServerlessConfigError(source, error);
  }
}

function build(raw: unknown, baseDir: string, options: LoadOptions): LoadedConfig {
  if (!raw || typeof raw !== 'object') throw new Error('not a YAML mapping');
  const document = raw as Record<string, unknown>;
  const env = options.env ?? process.env;
  const opt: Record<string, string> = { ...(options.options ?? {}) };
  if (options.stage) opt.stage = options.stage;
  if (options.region) opt.region = options.region;

  // Stage and region feed every other variable, so they resolve first with a bootstrap context.
  const bootstrap: VariableContext = {
    document,
    baseDir,
    stage: opt.stage ?? 'dev',
    region: opt.region ?? 'us-east-1',
    accountId: LOCAL_ACCOUNT_ID,
    options: opt,
    params: {},
    env,
  };
  const stage = opt.stage ?? asString(resolveVariables(getPath(document, 'provider.stage'), bootstrap, 'provider.stage')) ?? 'dev';
  const region =
    opt.region ??
    asString(resolveVariables(getPath(document, 'provider.region'), { ...bootstrap, stage }, 'provider.region')) ??
    'us-east-1';
  const paramsContext: VariableContext = { ...bootstrap, stage, region };
  const fileParams = document.params as Record<string, Record<string, unknown>> | undefined;
  const params: Record<string, string> = {};
  for (const block of [fileParams?.default, fileParams?.[stage]]) {
    for (const [key, value] of Object.entries(block ?? {})) {
      const resolved = resolveVariables(value, paramsContext, `params.${key}`);
      if (!(resolved instanceof Unresolved) && resolved !== null && resolved !== undefined) params[key] = String(resolved);
    }
  }
  Object.assign(params, options.params ?? {});
  const ctx: VariableContext = { ...paramsContext, params };
  const resolve = (address: string): unknown => resolveVariables(getPath(document, address), ctx, address);

  const service = asString(resolve('service')) ?? asString(getPath(resolve('service'), 'name'));
  if (!service) throw new Error('service: missing');
  const provider = z
    .object({
      timeout: z.coerce.number().optional(),
      memorySize: z.coerce.number().optional(),
      environment: z.record(z.string(), z.unknown()).nullish(),
      httpApi: z.object({ cors: z.unknown().optional() }).passthrough().nullish(),
    })
    .passthrough()
    .parse({
      timeout: resolve('provider.timeout'),
      memorySize: resolve('provider.memorySize'),
      environment: resolve('provider.environment'),
      httpApi: resolve('provider.httpApi'),
    });

  const resources = mergeResources(resolve('resources'));
  const intrinsics = new Intrinsics(resources, { region, accountId: LOCAL_ACCOUNT_ID, stackName: `${service}-${stage}` });
  const normalised = normaliseResources(resources, intrinsics);

  const functions = mergeFunctions(resolve('functions')).map(([key, fn]) =>
    normaliseFunction(
      key,
      fn,
      { service, stage, timeout: provider.timeout ?? 6, memorySize: provider.memorySize ?? 1024, environment: provider.environment ?? {} },
      normalised.queues,
      intrinsics,
    ),
  );

  const model = stackModel.parse({
    service,
    stage,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    baseDir,
    functions,
    queues: normalised.queues,
    tables: normalised.tables,
    buckets: normalised.buckets,
    httpCors: cors(provider.httpApi?.cors),
  });
  checkUnique(model);
  return { model, ignoredResources: normalised.ignored };
}

function asString(value: unknown): string | undefined {
  if (value instanceof Unresolved) throw new Error(`${value.expression} cannot be resolved locally`);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** `resources` may be one block or a list of blocks (e.g. several `${file(...)}` includes). */
function mergeResources(value: unknown): Record<string, RawResource> {
  const blocks = Array.isArray(value) ? value : value ? [value] : [];
  const out: Record<string, RawResource> = {};
  for (const block of blocks) {
    const entries = (block as { Resources?: Record<string, unknown> }).Resources ?? {};
    for (const [logicalId, resource] of Object.entries(entries)) {
      const parsed = z
        .object({ Type: z.string(), Properties: z.record(z.string(), z.unknown()).optional() })
        .passthrough()
        .safeParse(resource);
      if (!parsed.success) throw new Error(`resources.Resources.${logicalId}: needs Type (and optional Properties)`);
      out[logicalId] = parsed.data;
    }
  }
  return out;
}

/** `functions` may be a mapping or a list of mappings. */
function mergeFunctions(value: unknown): Array<[string, unknown]> {
  const blocks = Array.isArray(value) ? value : value ? [value] : [];
  return blocks.flatMap((block) => Object.entries((block ?? {}) as Record<string, unknown>));
}

const DEFAULT_CORS_HEADERS = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
  'X-Amzn-Trace-Id',
];

/** provider.httpApi.cors: `true` means the framework's defaults. */
function cors(value: unknown): CorsSpec | null {
  if (!value) return null;
  const spec = value === true ? {} : (value as Record<string, unknown>);
  const list = (v: unknown, fallback: string[]): string[] => (Array.isArray(v) ? v.map(String) : fallback);
  return {
    allowedOrigins: list(spec.allowedOrigins, ['*']),
    allowedHeaders: list(spec.allowedHeaders, DEFAULT_CORS_HEADERS),
    allowedMethods: list(spec.allowedMethods, ['*']),
    allowCredentials: spec.allowCredentials === true,
    exposedResponseHeaders: list(spec.exposedResponseHeaders, []),
    maxAge: typeof spec.maxAge === 'number' ? spec.maxAge : undefined,
  };
}

function checkUnique(model: StackModel): void {
  const seen = new Map<string, string>();
  for (const fn of model.functions) {
    for (const route of fn.http) {
      const owner = seen.get(route.routeKey);
      if (owner) throw new Error(`route ${route.routeKey} is declared by both ${owner} and ${fn.key}`);
      seen.set(route.routeKey, fn.key);
    }
  }
}
