// The console reads the stack through the same code `vodflow jobs` uses (cli/jobs/): a JobsTarget
// built from the running stack itself instead of from dev.json.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobsTarget, RedrivePair } from '../../cli/jobs/target';

export interface ConsoleQueue {
  logicalId: string;
  name: string;
  url: string;
  deadLetter?: string;
  /** Functions with an event source mapping on this queue (none: read downstream, or a DLQ). */
  consumers?: string[];
}

export interface TargetSource {
  service: string;
  stage: string;
  region: string;
  table: string;
  httpApi: string;
  endpoints: { sqs: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  queues: ConsoleQueue[];
}

export function consoleTarget(source: TargetSource): JobsTarget {
  const common = { region: source.region, credentials: source.credentials };
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ ...common, endpoint: source.endpoints.dynamodb }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = new SQSClient({ ...common, endpoint: source.endpoints.sqs, useQueueUrlAsEndpoint: false });
  const byId = new Map(source.queues.map((q) => [q.logicalId, q]));
  const pairs: RedrivePair[] = source.queues.flatMap((q) => {
    const dlq = q.deadLetter ? byId.get(q.deadLetter) : undefined;
    return dlq ? [{ source: q, dlq }] : [];
  });
  return {
    description: `the local console at ${source.httpApi}`,
    table: source.table,
    prefix: `${source.service}-${source.stage}-`,
    dynamo,
    sqs,
    pairs,
    queueUrl: async (queue) => queue.url ?? byId.get(queue.logicalId)?.url ?? '',
    close: () => {
      dynamo.destroy();
      sqs.destroy();
    },
  };
}
