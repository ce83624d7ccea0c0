// The one place where a validator finding on the packaged template is accepted instead of fixed:
// each entry names the rule, where it applies (logical id pattern; all when omitted) and why.
// build/validate-template.ts fails on any other finding, and on an entry that no longer matches.
export interface Suppression {
  ruleId: string;
  /** Logical ids the suppression covers; omitted = every entity. */
  logicalId?: RegExp;
  reason: string;
}

export const SUPPRESSIONS: Suppression[] = [
  // ── Built-in rules of @aws/cloudformation-validate
  {
    ruleId: 'W3005',
    reason: 'The framework adds DependsOn on custom IAM roles, integrations and the access log group; redundant but harmless.',
  },
  { ruleId: 'I9001', reason: 'Informational: lists create-only properties (names, ARNs); names are fixed per stage on purpose.' },
  { ruleId: 'I1022', reason: 'The framework writes Fn::Join with an empty delimiter (routes, outputs); equivalent to Fn::Sub.' },
  {
    ruleId: 'I9040',
    logicalId: /./,
    reason:
      'provider.stackTags tags every resource at deploy time (CloudFormation propagates stack tags); the template itself carries them only where the framework copies provider.tags.',
  },
  {
    ruleId: 'I3011',
    logicalId: /Dlq$|Queue$|LogGroup$/,
    reason:
      'Queues and log groups hold transient data (14-day messages, 30-day logs) and are deleted with the stack; the jobs table and upload bucket are retained.',
  },
  // ── build/template-rules.guard
  {
    ruleId: 'LAMBDA_ASYNC_DLQ',
    logicalId: /^(?!(PullDashevents|SweepDashjobs)LambdaFunction$)/,
    reason:
      'Only pull-events and sweep-jobs are invoked asynchronously; the others are invoked by SQS (their queues have DLQs) or synchronously by the HTTP API.',
  },
  {
    ruleId: 'LAMBDA_ASYNC_DLQ',
    logicalId: /^(PullDashevents|SweepDashjobs)LambdaFunction$/,
    reason:
      'Scheduled runs are idempotent and the next tick (1 min / 1 h) redoes any failed one; a failed run raises the function Errors alarm.',
  },
  {
    ruleId: 'S3_ACCESS_LOGS',
    reason:
      'Server access logs need a second, always-on bucket; uploads are audited through CloudTrail data events if the account enables them.',
  },
  {
    ruleId: 'SNS_ENCRYPTED',
    reason:
      'CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a customer key costs $1/month at rest; the topic carries only alarm state changes.',
  },
];
