// Normalises the CloudFormation resources the local stack can stand up (SQS queues, DynamoDB
// tables, S3 buckets with queue notifications). Resource types that only matter in AWS (IAM,
// queue policies, alarms, ...) are listed as ignored; anything that changes local behaviour and
// cannot be honoured is an error.
import { type Intrinsics, IntrinsicError, type RawResource } from './intrinsics';
import type { BucketSpec, NotificationSpec, QueueSpec, TableSpec } from './model';

export class ResourceError extends Error {}

const IGNORED_TYPES =
  /^AWS::(IAM|SNS|SQS::QueuePolicy|S3::BucketPolicy|Logs|CloudWatch|SSM|KMS|Lambda::Permission|ApiGatewayV2::(Authorizer|Stage))/;

const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'DelaySeconds',
  'MessageRetentionPeriod',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
];
const QUEUE_IGNORED = [
  'QueueName',
  'RedrivePolicy',
  'Tags',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'RedriveAllowPolicy',
];
const TABLE_KNOWN = [
  'TableName',
  'KeySchema',
  'AttributeDefinitions',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'TimeToLiveSpecification',
  'PointInTimeRecoverySpecification',
  'SSESpecification',
  'Tags',
  'DeletionProtectionEnabled',
  'TableClass',
  'StreamSpecification',
];
const BUCKET_KNOWN = [
  'BucketName',
  'NotificationConfiguration',
  'CorsConfiguration',
  'PublicAccessBlockConfiguration',
  'BucketEncryption',
  'LifecycleConfiguration',
  'OwnershipControls',
  'Tags',
  'VersioningConfiguration',
];

export interface NormalisedResources {
  queues: QueueSpec[];
  tables: TableSpec[];
  buckets: BucketSpec[];
  ignored: string[]; // "LogicalId (Type)" of resources with no local meaning
}

export function normaliseResources(resources: Record<string, RawResource>, intrinsics: Intrinsics): NormalisedResources {
  const out: NormalisedResources = { queues: [], tables: [], buckets: [], ignored: [] };
  const queueByArn = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::SQS::Queue') queueByArn.set(intrinsics.arn(logicalId), logicalId);
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    const where = `resources.Resources.${logicalId}`;
    // Only resources the stack creates are evaluated: IAM policies etc. may use anything.
    const props = () => (intrinsics.evaluate(resource.Properties ?? {}, `${where}.Properties`) ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        out.queues.push(queue(logicalId, props(), intrinsics, queueByArn, where));
        break;
      case 'AWS::DynamoDB::Table':
        out.tables.push(table(logicalId, props(), intrinsics, where));
        break;
      case 'AWS::S3::Bucket':
        out.buckets.push(bucket(logicalId, props(), intrinsics, queueByArn, where));
        break;
      default:
        if (IGNORED_TYPES.test(resource.Type)) out.ignored.push(`${logicalId} (${resource.Type})`);
        else throw new ResourceError(`${where}: resource type ${resource.Type} is not supported by the local stack`);
    }
  }
  return out;
}

function queue(
  logicalId: string,
  props: Record<string, unknown>,
  intrinsics: Intrinsics,
  queueByArn: Map<string, string>,
  where: string,
): QueueSpec {
  rejectUnknown(props, [...QUEUE_ATTRIBUTES, ...QUEUE_IGNORED], where);
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) {
    if (props[key] !== undefined) attributes[key] = intrinsics.toStaticString(props[key], `${where}.${key}`);
  }
  const name = intrinsics.resourceName(logicalId);
  let redrive: QueueSpec['redrive'];
  if (props.RedrivePolicy !== undefined) {
    const policy = (typeof props.RedrivePolicy === 'string' ? JSON.parse(props.RedrivePolicy) : props.RedrivePolicy) as Record<
      string,
      unknown
    >;
    const target = staticString(intrinsics, policy.deadLetterTargetArn, `${where}.RedrivePolicy.deadLetterTargetArn`);
    const deadLetterLogicalId = queueByArn.get(target);
    if (!deadLetterLogicalId) throw new ResourceError(`${where}.RedrivePolicy: dead-letter queue ${target} is not declared in resources`);
    redrive = {
      deadLetterLogicalId,
      maxReceiveCount: Number(staticString(intrinsics, policy.maxReceiveCount, `${where}.RedrivePolicy.maxReceiveCount`)),
    };
  }
  return {
    logicalId,
    name,
    arn: intrinsics.arn(logicalId),
    fifo: attributes.FifoQueue === 'true' || name.endsWith('.fifo'),
    attributes,
    redrive,
  };
}

function table(logicalId: string, props: Record<string, unknown>, intrinsics: Intrinsics, where: string): TableSpec {
  rejectUnknown(props, TABLE_KNOWN, where);
  const stream = props.StreamSpecification as Record<string, unknown> | undefined;
  if (stream) throw new ResourceError(`${where}.StreamSpecification: DynamoDB streams are not available locally (dynalite has none)`);
  const ttl = props.TimeToLiveSpecification as { AttributeName?: unknown; Enabled?: unknown } | undefined;
  return {
    logicalId,
    name: intrinsics.resourceName(logicalId),
    arn: intrinsics.arn(logicalId),
    keySchema: props.KeySchema as TableSpec['keySchema'],
    attributeDefinitions: props.AttributeDefinitions as TableSpec['attributeDefinitions'],
    globalSecondaryIndexes: (props.GlobalSecondaryIndexes ?? []) as TableSpec['globalSecondaryIndexes'],
    localSecondaryIndexes: (props.LocalSecondaryIndexes ?? []) as TableSpec['localSecondaryIndexes'],
    billingMode: (props.BillingMode ?? 'PROVISIONED') as TableSpec['billingMode'],
    provisionedThroughput: props.ProvisionedThroughput as TableSpec['provisionedThroughput'],
    ttl: ttl ? { attributeName: String(ttl.AttributeName), enabled: ttl.Enabled === true || ttl.Enabled === 'true' } : undefined,
  };
}

function bucket(
  logicalId: string,
  props: Record<string, unknown>,
  intrinsics: Intrinsics,
  queueByArn: Map<string, string>,
  where: string,
): BucketSpec {
  rejectUnknown(props, BUCKET_KNOWN, where);
  const config = (props.NotificationConfiguration ?? {}) as Record<string, unknown>;
  rejectUnknown(config, ['QueueConfigurations'], `${where}.NotificationConfiguration`);
  const notifications: NotificationSpec[] = [];
  const list = (config.QueueConfigurations ?? []) as Array<Record<string, unknown>>;
  list.forEach((entry, i) => {
    const at = `${where}.NotificationConfiguration.QueueConfigurations[${i}]`;
    const target = staticString(intrinsics, entry.Queue, `${at}.Queue`);
    const queueLogicalId = queueByArn.get(target);
    if (!queueLogicalId) throw new ResourceError(`${at}.Queue: ${target} is not a queue declared in resources`);
    const rules = (entry.Filter as { S3Key?: { Rules?: Array<{ Name?: unknown; Value?: unknown }> } } | undefined)?.S3Key?.Rules ?? [];
    const filter: { prefix?: string; suffix?: string } = {};
    for (const rule of rules) {
      const name = String(rule.Name).toLowerCase();
      if (name !== 'prefix' && name !== 'suffix')
        throw new ResourceError(`${at}.Filter: rule name must be prefix or suffix, got ${String(rule.Name)}`);
      filter[name] = String(rule.Value);
    }
    notifications.push({ events: [String(entry.Event)], queueLogicalId, ...filter });
  });
  const cors = (props.CorsConfiguration as { CorsRules?: Array<Record<string, unknown>> } | undefined)?.CorsRules;
  return { logicalId, name: intrinsics.resourceName(logicalId), arn: intrinsics.arn(logicalId), notifications, cors };
}

function staticString(intrinsics: Intrinsics, value: unknown, where: string): string {
  if (value === undefined) throw new ResourceError(`${where} is missing`);
  try {
    return intrinsics.toStaticString(value, where);
  } catch (error) {
    if (error instanceof IntrinsicError) throw new ResourceError(error.message);
    throw error;
  }
}

function rejectUnknown(props: Record<string, unknown>, known: string[], where: string): void {
  const unknown = Object.keys(props).filter((key) => !known.includes(key));
  if (unknown.length)
    throw new ResourceError(
      `${where}: unsupported propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')} (the local stack cannot honour ${unknown.length > 1 ? 'them' : 'it'})`,
    );
}
