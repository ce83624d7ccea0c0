// vodflow's security / best-practice rule pack for the packaged template, ported from the cdk-nag
// AwsSolutions and Serverless packs (named per rule) without needing aws-cdk-lib. Runs next to the
// validator's built-in rules. Written in TypeScript rather than Guard DSL: the Guard translation
// of @aws/cloudformation-validate 1.9.0-beta passes block clauses unconditionally and fails every
// `exists` and numeric comparison (checked against this template), so it cannot be trusted yet.
import type { StandardDiagnostic } from '@aws/cloudformation-validate';

type Json = any; // a parsed CloudFormation template
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string; Condition?: string }>;
}

interface Rule {
  id: string;
  port: string; // the cdk-nag rule (or guidance) it ports
  type: string;
  /** A failure message, or null when the resource complies. */
  check: (props: Json, resource: Template['Resources'][string], template: Template) => string | null;
}

const fail = (ok: unknown, message: string) => (ok ? null : message);
const isDlq = (props: Json) => /-dlq(\.fifo)?$/.test(String(props.QueueName ?? ''));
/** X-Ray takes no resource-level permissions; nothing else may use Resource '*'. */
const XRAY = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

export const RULES: Rule[] = [
  {
    id: 'LAMBDA_TRACING',
    port: 'Serverless-LambdaTracing',
    type: 'AWS::Lambda::Function',
    check: (p) => fail(p.TracingConfig?.Mode === 'Active', 'traces with X-Ray (TracingConfig.Mode Active)'),
  },
  {
    id: 'LAMBDA_RUNTIME',
    port: 'AwsSolutions-L1',
    type: 'AWS::Lambda::Function',
    check: (p) => fail(/^nodejs(2[2-9]|[3-9]\d)\.x$/.test(String(p.Runtime)), `runs nodejs22.x or newer (got ${String(p.Runtime)})`),
  },
  {
    id: 'LAMBDA_ASYNC_DLQ',
    port: 'Serverless-LambdaDLQ',
    type: 'AWS::Lambda::Function',
    check: (p) => fail(p.DeadLetterConfig?.TargetArn, 'has a dead-letter target for asynchronous invocations'),
  },
  {
    id: 'LAMBDA_LOG_GROUP',
    port: 'Serverless-CloudWatchLogGroupRetention',
    type: 'AWS::Logs::LogGroup',
    check: (p) => fail(Number(p.RetentionInDays) > 0, 'expires its events (RetentionInDays)'),
  },
  {
    id: 'SQS_ENCRYPTED',
    port: 'AwsSolutions-SQS2',
    type: 'AWS::SQS::Queue',
    check: (p) => fail(p.SqsManagedSseEnabled === true || p.KmsMasterKeyId, 'is encrypted at rest'),
  },
  {
    id: 'SQS_REDRIVE',
    port: 'AwsSolutions-SQS3',
    type: 'AWS::SQS::Queue',
    check: (p) => fail(isDlq(p) || p.RedrivePolicy?.deadLetterTargetArn, 'redrives to a dead-letter queue'),
  },
  {
    id: 'SQS_DLQ_RETENTION',
    port: 'Serverless-SQSRedrivePolicy',
    type: 'AWS::SQS::Queue',
    check: (p) => fail(!isDlq(p) || p.MessageRetentionPeriod === 1209600, 'keeps dead letters the 14 days SQS allows'),
  },
  {
    id: 'SQS_EVENT_SOURCE',
    port: 'Serverless-LambdaEventSourceMappingDestination',
    type: 'AWS::Lambda::EventSourceMapping',
    check: (p) =>
      fail(
        Number(p.ScalingConfig?.MaximumConcurrency) >= 2 && list(p.FunctionResponseTypes).includes('ReportBatchItemFailures'),
        'caps its concurrency (ScalingConfig.MaximumConcurrency) and reports partial batch failures',
      ),
  },
  {
    id: 'S3_PRIVATE',
    port: 'AwsSolutions-S2',
    type: 'AWS::S3::Bucket',
    check: (p) => {
      const b = p.PublicAccessBlockConfiguration ?? {};
      return fail(b.BlockPublicAcls && b.BlockPublicPolicy && b.IgnorePublicAcls && b.RestrictPublicBuckets, 'blocks all public access');
    },
  },
  {
    id: 'S3_ENCRYPTED',
    port: 'AwsSolutions-S3',
    type: 'AWS::S3::Bucket',
    check: (p) => fail(p.BucketEncryption?.ServerSideEncryptionConfiguration?.length, 'is encrypted at rest'),
  },
  {
    id: 'S3_ACCESS_LOGS',
    port: 'AwsSolutions-S1',
    type: 'AWS::S3::Bucket',
    check: (p) => fail(p.LoggingConfiguration, 'writes server access logs'),
  },
  {
    id: 'S3_TLS_ONLY',
    port: 'AwsSolutions-S10',
    type: 'AWS::S3::Bucket',
    check: (_p, r, t) => fail(tlsDenied(t, r), 'has a bucket policy that denies requests without TLS'),
  },
  {
    id: 'STATEFUL_RETAINED',
    port: 'Well-Architected REL09',
    type: 'AWS::DynamoDB::Table',
    check: (_p, r) =>
      fail(
        r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain',
        'is retained when the stack is deleted or it is replaced (DeletionPolicy/UpdateReplacePolicy Retain)',
      ),
  },
  {
    id: 'STATEFUL_RETAINED',
    port: 'Well-Architected REL09',
    type: 'AWS::S3::Bucket',
    check: (p, r) =>
      fail(
        !p.NotificationConfiguration || (r.DeletionPolicy === 'Retain' && r.UpdateReplacePolicy === 'Retain'),
        'holds uploads: is retained when the stack is deleted or it is replaced',
      ),
  },
  {
    id: 'DYNAMODB_PITR',
    port: 'AwsSolutions-DDB3',
    type: 'AWS::DynamoDB::Table',
    check: (p) => fail(p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true, 'has point-in-time recovery'),
  },
  {
    id: 'HTTP_API_ACCESS_LOGS',
    port: 'AwsSolutions-APIG1',
    type: 'AWS::ApiGatewayV2::Stage',
    check: (p) => fail(p.AccessLogSettings?.DestinationArn, 'writes access logs'),
  },
  {
    id: 'HTTP_API_THROTTLING',
    port: 'Serverless-APIGWDefaultThrottling',
    type: 'AWS::ApiGatewayV2::Stage',
    check: (p) =>
      fail(
        Number(p.DefaultRouteSettings?.ThrottlingRateLimit) > 0 && Number(p.DefaultRouteSettings?.ThrottlingBurstLimit) > 0,
        'throttles every route by default',
      ),
  },
  {
    id: 'ALARM_ACTION',
    port: 'operability',
    type: 'AWS::CloudWatch::Alarm',
    check: (p) => fail(list(p.AlarmActions).length > 0, 'notifies someone (AlarmActions)'),
  },
  {
    id: 'SNS_ENCRYPTED',
    port: 'AwsSolutions-SNS2',
    type: 'AWS::SNS::Topic',
    check: (p) => fail(p.KmsMasterKeyId, 'is encrypted with KMS'),
  },
  {
    id: 'SNS_TLS_ONLY',
    port: 'AwsSolutions-SNS3',
    type: 'AWS::SNS::TopicPolicy',
    check: (p) =>
      fail(
        list(p.PolicyDocument?.Statement).some(
          (s: Json) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
        ),
        'denies publishing without TLS',
      ),
  },
  {
    id: 'IAM_WILDCARD',
    port: 'AwsSolutions-IAM5',
    type: 'AWS::IAM::Role',
    check: (p) => {
      const bad = list(p.Policies)
        .flatMap((policy: Json) => list(policy.PolicyDocument?.Statement))
        .filter((s: Json) => {
          const actions = list(s.Action).map(String);
          return (
            actions.some((a) => a === '*' || a.endsWith(':*')) || (list(s.Resource).includes('*') && !actions.every((a) => XRAY.has(a)))
          );
        });
      return fail(bad.length === 0, `names its actions and resources (wildcards in ${bad.length} statement(s))`);
    },
  },
];

function tlsDenied(template: Template, bucket: Template['Resources'][string]): boolean {
  const logicalId = Object.entries(template.Resources).find(([, r]) => r === bucket)?.[0];
  return Object.values(template.Resources).some(
    (r) =>
      r.Type === 'AWS::S3::BucketPolicy' &&
      r.Properties?.Bucket?.Ref === logicalId &&
      list(r.Properties?.PolicyDocument?.Statement).some(
        (s: Json) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
      ),
  );
}

export function checkTemplate(template: Template): StandardDiagnostic[] {
  const out: StandardDiagnostic[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    for (const rule of RULES) {
      if (rule.type !== resource.Type) continue;
      const message = rule.check(resource.Properties ?? {}, resource, template);
      if (message)
        out.push({
          ruleId: rule.id,
          severity: 'ERROR',
          source: 'CUSTOM',
          message: `${resource.Type} ${message} [${rule.port}]`,
          entity: { logicalId, entityType: 'Resource', resourceType: resource.Type },
        } as StandardDiagnostic);
    }
    // `arn:aws:` written out breaks AWS China and GovCloud: every ARN takes ${AWS::Partition}.
    for (const m of JSON.stringify(resource).matchAll(/"arn:aws:[^"]*"/g)) {
      out.push({
        ruleId: 'PARTITION_LITERAL',
        severity: 'ERROR',
        source: 'CUSTOM',
        message: `ARN literal ${m[0]}: use \${AWS::Partition}`,
        entity: { logicalId, entityType: 'Resource', resourceType: resource.Type },
      } as StandardDiagnostic);
    }
  }
  return out;
}
