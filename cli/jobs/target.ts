// Where `vodflow jobs` looks: the running `vodflow dev` (found through its dev.json), or AWS with
// resource names from serverless.yml for a stage. AWS uses the SDK's default credential chain
// and honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> natively, so any endpoint works too.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadServerlessConfig } from '../../local/serverless/config';
import { DEFAULT_DEV_DIR, isAlive, readDevState, statePathOf, type DevState } from '../dev/state';

export interface TargetQueue {
  logicalId: string;
  name: string;
  /** Known for the dev stack; looked up by name (GetQueueUrl) on AWS. */
  url?: string;
}

/** A queue and the dead-letter queue its RedrivePolicy sends failures to. */
export interface RedrivePair {
  source: TargetQueue;
  dlq: TargetQueue;
}

export interface JobsTarget {
  /** One line saying where this is, e.g. `vodflow dev at http://127.0.0.1:3000 (pid 123)`. */
  description: string;
  table: string;
  /** The service-stage prefix of resource names (for short queue names like `ingest`). */
  prefix: string;
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  pairs: RedrivePair[];
  queueUrl(queue: TargetQueue): Promise<string>;
  close(): void;
}

export interface TargetOptions {
  /** The dev data dir holding dev.json (default ./.vodflow/dev). */
  data?: string;
  aws?: boolean;
  stage?: string;
  region?: string;
  /** serverless.yml to read names from (default: the repository's). */
  config?: string;
}

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function documentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
}

function withClients(
  base: Omit<JobsTarget, 'queueUrl' | 'close' | 'dynamo' | 'sqs'>,
  dynamoConfig: DynamoDBClientConfig,
  sqsConfig: SQSClientConfig,
): JobsTarget {
  const dynamo = documentClient(dynamoConfig);
  // Requests go to the configured endpoint, not the host inside a queue URL (as lib/aws/clients).
  const sqs = new SQSClient({ useQueueUrlAsEndpoint: false, ...sqsConfig });
  const urls = new Map<string, string>();
  return {
    ...base,
    dynamo,
    sqs,
    queueUrl: async (queue) => {
      const known = queue.url ?? urls.get(queue.name);
      if (known) return known;
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
      if (!QueueUrl) throw new TargetError(`queue ${queue.name} has no URL`);
      urls.set(queue.name, QueueUrl);
      return QueueUrl;
    },
    close: () => {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}

function devTarget(state: DevState, statePath: string): JobsTarget {
  if (!state.table) throw new TargetError(`the dev stack in ${path.dirname(statePath)} has no table`);
  const byId = new Map(state.queues.map((q) => [q.logicalId, q]));
  const pairs = state.queues.flatMap((q) => {
    const dlq = q.deadLetter ? byId.get(q.deadLetter) : undefined;
    return dlq ? [{ source: q, dlq }] : [];
  });
  const common = { region: state.region, credentials: state.credentials };
  return withClients(
    {
      description: `vodflow dev at ${state.endpoints.httpApi} (pid ${state.pid}, ${path.dirname(statePath)})`,
      table: state.table,
      prefix: `${state.service}-${state.stage}-`,
      pairs,
    },
    { ...common, endpoint: state.endpoints.dynamodb },
    { ...common, endpoint: state.endpoints.sqs },
  );
}

/** Names from serverless.yml for a stage; clients from the default chain and AWS_ENDPOINT_URL_*. */
function modelTarget(options: TargetOptions, env: NodeJS.ProcessEnv, how: string): JobsTarget {
  const file = path.resolve(options.config ?? path.join(REPO_ROOT, 'serverless.yml'));
  const { model } = loadServerlessConfig(file, { stage: options.stage, region: options.region });
  const table = model.tables[0]?.name;
  if (!table) throw new TargetError(`${file} declares no DynamoDB table`);
  const byId = new Map(model.queues.map((q) => [q.logicalId, q]));
  const pairs = model.queues.flatMap((q) => {
    const dlq = q.redrive ? byId.get(q.redrive.deadLetterLogicalId) : undefined;
    return dlq ? [{ source: { logicalId: q.logicalId, name: q.name }, dlq: { logicalId: dlq.logicalId, name: dlq.name } }] : [];
  });
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? model.region;
  return withClients(
    {
      description: `${how}, region ${region}, stage ${model.stage} (table ${table})`,
      table,
      prefix: `${model.service}-${model.stage}-`,
      pairs,
    },
    { region },
    { region },
  );
}

function fromStateFile(statePath: string, hint: string): JobsTarget | undefined {
  const state = readDevState(statePath);
  if (!state) return undefined;
  if (!isAlive(state.pid)) {
    throw new TargetError(
      `${statePath} names vodflow dev pid ${state.pid}, which is not running (it was killed?): start \`vodflow dev${hint}\` again, or delete the file`,
    );
  }
  return devTarget(state, statePath);
}

/**
 * `--aws` → AWS; `--data DIR` → the dev stack in DIR; else ./.vodflow/dev if it has a running
 * stack; else AWS_ENDPOINT_URL(_DYNAMODB) set → that endpoint with serverless.yml's names.
 */
export function resolveTarget(options: TargetOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): JobsTarget {
  if (options.aws)
    return modelTarget(options, env, env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL ? 'AWS API at AWS_ENDPOINT_URL_*' : 'AWS');
  if (options.data) {
    const statePath = statePathOf(path.resolve(cwd, options.data));
    const target = fromStateFile(statePath, ` --data ${options.data}`);
    if (!target)
      throw new TargetError(
        `no running vodflow dev in ${path.dirname(statePath)} (no dev.json): start \`vodflow dev --data ${options.data}\` first`,
      );
    return target;
  }
  const defaultState = statePathOf(path.resolve(cwd, DEFAULT_DEV_DIR));
  const running = existsSync(defaultState) ? fromStateFile(defaultState, '') : undefined;
  if (running) return running;
  if (env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL) return modelTarget(options, env, 'endpoints from AWS_ENDPOINT_URL_*');
  throw new TargetError(
    `nothing to look at: no running vodflow dev here (${defaultState} missing). Start \`vodflow dev\`, pass --data DIR, or use --aws --stage S --region R`,
  );
}
