// Creates what serverless.yml declares, over the real APIs, idempotently (a restart with a data
// dir finds everything already there): dead-letter queues before the queues that redrive to
// them, buckets, tables with their indexes.
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalClients } from './clients';
import type { QueueSpec, StackModel, TableSpec } from '../serverless/model';

export interface Provisioned {
  /** logical id → queue URL / ARN / name */
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  queueNames: Record<string, string>;
  bucketNames: Record<string, string>;
  tableNames: Record<string, string>;
  /** Declared features the stand-ins cannot provide (reported, not fatal). */
  notes: string[];
}

export async function provision(model: StackModel, clients: LocalClients): Promise<Provisioned> {
  const out: Provisioned = { queueUrls: {}, queueArns: {}, queueNames: {}, bucketNames: {}, tableNames: {}, notes: [] };
  for (const queue of redriveOrder(model.queues)) {
    const attributes: Record<string, string> = { ...queue.attributes };
    if (queue.redrive) {
      const target = model.queues.find((q) => q.logicalId === queue.redrive!.deadLetterLogicalId)!;
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: target.arn, maxReceiveCount: queue.redrive.maxReceiveCount });
    }
    out.queueUrls[queue.logicalId] = await ensureQueue(clients, queue.name, attributes);
    out.queueArns[queue.logicalId] = queue.arn;
    out.queueNames[queue.logicalId] = queue.name;
  }
  for (const bucket of model.buckets) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket.name })); // fauxqs: idempotent
    out.bucketNames[bucket.logicalId] = bucket.name;
  }
  for (const table of model.tables) {
    await ensureTable(clients, table);
    out.tableNames[table.logicalId] = table.name;
    if (table.ttl?.enabled)
      out.notes.push(
        `${table.name}: TTL on ${table.ttl.attributeName} is not enforced locally (dynalite has no TimeToLive); expired items stay until deleted`,
      );
  }
  return out;
}

/** Dead-letter targets first, so a RedrivePolicy never points at a missing queue. */
export function redriveOrder(queues: QueueSpec[]): QueueSpec[] {
  const byId = new Map(queues.map((q) => [q.logicalId, q]));
  const ordered: QueueSpec[] = [];
  const visiting = new Set<string>();
  const visit = (queue: QueueSpec): void => {
    if (ordered.includes(queue)) return;
    if (visiting.has(queue.logicalId)) throw new Error(`redrive cycle through ${queue.logicalId}`);
    visiting.add(queue.logicalId);
    const target = queue.redrive && byId.get(queue.redrive.deadLetterLogicalId);
    if (target) visit(target);
    visiting.delete(queue.logicalId);
    ordered.push(queue);
  };
  queues.forEach(visit);
  return ordered;
}

async function ensureQueue(clients: LocalClients, name: string, attributes: Record<string, string>): Promise<string> {
  try {
    const created = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return created.QueueUrl!;
  } catch (error) {
    // Exists with other attributes (the yml changed between runs): bring it in line.
    if ((error as Error).name !== 'QueueNameExists' && !/QueueNameExists|already exists/.test((error as Error).message)) throw error;
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl!;
  }
}

async function ensureTable(clients: LocalClients, table: TableSpec): Promise<void> {
  try {
    await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const provisioned =
    table.billingMode === 'PROVISIONED' ? (table.provisionedThroughput ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }) : undefined;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: table.name,
      KeySchema: table.keySchema,
      AttributeDefinitions: table.attributeDefinitions,
      BillingMode: table.billingMode,
      ProvisionedThroughput: provisioned,
      GlobalSecondaryIndexes: table.globalSecondaryIndexes.length
        ? table.globalSecondaryIndexes.map((index) => ({
            ...index,
            ProvisionedThroughput: provisioned ? (index.ProvisionedThroughput ?? provisioned) : undefined,
          }))
        : undefined,
      LocalSecondaryIndexes: table.localSecondaryIndexes.length ? table.localSecondaryIndexes : undefined,
    }),
  );
}
