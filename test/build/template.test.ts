// The packaged CloudFormation template, as `serverless deploy` would submit it: AWS's validator and
// the rule pack accept it, and it carries what an operator needs on day one. Packaging runs once
// (offline, no credentials) into a temp folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMIT_BYTES, bundleSizes } from '../../build/bundle-sizes';
import { packageStack, validateTemplate } from '../../build/validate-template';
import { outboxLeaseMs, returnsInTime } from '../../lib/pipeline/outbox';

type Template = {
  Resources: Record<string, { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; Condition?: string }>;
  Outputs: Record<string, { Value: unknown }>;
  Parameters?: Record<string, unknown>;
};

let dir: string;
/** The temp folder the packaging run was given (TMPDIR). */
let packagingTmp: string;
let file: string;
let template: Template;
const byType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vodflow-package-'));
  packagingTmp = mkdtempSync(join(tmpdir(), 'vodflow-package-tmp-'));
  file = packageStack(dir, 'prod', { ...process.env, TMPDIR: packagingTmp, TEMP: packagingTmp, TMP: packagingTmp });
  template = JSON.parse(readFileSync(file, 'utf8'));
}, 180_000);
afterAll(() => {
  for (const d of [dir, packagingTmp]) rmSync(d, { recursive: true, force: true });
});

describe('packaged template', () => {
  it('leaves nothing in the temp folder (serverless-esbuild staged every zip there and kept it)', () => {
    expect(readdirSync(packagingTmp)).toEqual([]);
  });

  it('passes AWS validator and the rule pack with only the documented suppressions', () => {
    const report = validateTemplate(file);
    expect(report.findings.map((d) => `${d.ruleId} ${d.entity?.logicalId ?? ''}: ${d.message}`)).toEqual([]);
    expect(report.unusedSuppressions).toEqual([]);
  });

  it('is rejected when it has the faults the validator and the rule pack exist for', () => {
    const broken = structuredClone(template);
    // The original fault: the framework's Fn::Join and a Fn::Sub merged into one output value.
    (broken.Outputs.HttpApiUrl!.Value as Record<string, unknown>)['Fn::Sub'] =
      'https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}';
    delete broken.Resources.IngestLambdaFunction!.Properties.TracingConfig;
    broken.Resources.CreateUploadRole!.Properties.Policies[0].PolicyDocument.Statement.push({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::x/*',
    });
    delete broken.Resources.JobsTable!.DeletionPolicy;
    // A FIFO queue whose dead-letter queue is standard: CloudFormation would refuse the redrive.
    delete broken.Resources.EventsDlq!.Properties.FifoQueue;
    const path = join(dir, 'broken.json');
    writeFileSync(path, JSON.stringify(broken));
    const found = validateTemplate(path).findings.map((d) => `${d.severity} ${d.ruleId} ${d.entity?.logicalId ?? ''}`.trim());
    expect(found).toEqual(
      expect.arrayContaining([
        'FATAL F6101 HttpApiUrl',
        'ERROR LAMBDA_TRACING IngestLambdaFunction',
        'ERROR PARTITION_LITERAL CreateUploadRole',
        'ERROR STATEFUL_RETAINED JobsTable',
        'ERROR E3502 EventsQueue',
      ]),
    );
  });

  it('alarms on every DLQ, each function’s errors and throttles, the events queue age and HTTP 5xx, to one topic', () => {
    const alarms = byType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const watched = (metric: string, dimension: string) =>
      new Set(
        alarms.filter((a) => a.MetricName === metric).map((a) => JSON.stringify(a.Dimensions.find((d: any) => d.Name === dimension).Value)),
      );
    const dlqs = byType('AWS::SQS::Queue')
      .filter(([id]) => id.endsWith('Dlq'))
      .map(([, q]) => JSON.stringify(q.Properties.QueueName));
    expect(dlqs.length).toBe(8);
    for (const q of dlqs) expect(watched('ApproximateNumberOfMessagesVisible', 'QueueName').has(q), q).toBe(true);
    const functions = byType('AWS::Lambda::Function').map(([, f]) => JSON.stringify(f.Properties.FunctionName));
    expect(functions.length).toBe(13);
    for (const f of functions) {
      expect(watched('Errors', 'FunctionName').has(f), f).toBe(true);
      expect(watched('Throttles', 'FunctionName').has(f), f).toBe(true);
    }
    expect(watched('ApproximateAgeOfOldestMessage', 'QueueName')).toEqual(
      new Set([JSON.stringify(template.Resources.EventsQueue!.Properties.QueueName)]),
    );
    expect(watched('5xx', 'ApiId')).toEqual(new Set([JSON.stringify({ Ref: 'HttpApi' })]));
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    const [[, subscription]] = byType('AWS::SNS::Subscription') as [[string, Template['Resources'][string]]];
    expect(subscription).toMatchObject({ Condition: 'HasAdminEmail', Properties: { Protocol: 'email', Endpoint: { Ref: 'AdminEmail' } } });
    expect(template.Parameters).toHaveProperty('AdminEmail');
  });

  it('makes the events queue FIFO, deduplicated by the id the outbox sends, and its retry after a crash land inside the window', () => {
    const events = template.Resources.EventsQueue!.Properties;
    expect(events).toMatchObject({ QueueName: 'vodflow-prod-events.fifo', FifoQueue: true, ContentBasedDeduplication: false });
    expect(template.Resources.EventsDlq!.Properties).toMatchObject({ QueueName: 'vodflow-prod-events-dlq.fifo', FifoQueue: true });
    for (const [id, f] of byType('AWS::Lambda::Function'))
      expect(f.Properties.Environment.Variables.EVENTS_QUEUE, id).toBe(events.QueueName);
    // Every SQS-triggered function may finish an outbox delivery (jobStep does, for a terminal
    // job). The record of one that died mid-delivery comes back on its queue's visibility timeout,
    // which the function is told (QUEUE_VISIBILITY_TIMEOUTS), where that is short enough; else it
    // first shortens the record's visibility to the delivery lease (the upload queue's 5,400 s).
    type Statement = { Action: string[]; Resource: unknown };
    const roleOf = (fn: unknown) => template.Resources[(fn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]]!;
    const mappings = byType('AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBe(7);
    for (const [id, m] of mappings) {
      const fn = roleOf(m.Properties.FunctionName);
      const statements = roleOf(fn.Properties.Role).Properties.Policies.flatMap(
        (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
      ) as Statement[];
      const onQueue = statements.filter((st) => JSON.stringify(st.Resource) === JSON.stringify(m.Properties.EventSourceArn));
      expect(
        onQueue.some((st) => st.Action.includes('sqs:ChangeMessageVisibility')),
        `${id}: ChangeMessageVisibility on its queue`,
      ).toBe(true);
      const queue = template.Resources[(m.Properties.EventSourceArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]]!;
      const visibilityS = queue.Properties.VisibilityTimeout as number;
      const told = String(fn.Properties.Environment.Variables.QUEUE_VISIBILITY_TIMEOUTS).split(',');
      expect(told, `${id}: told its queue's visibility timeout`).toContain(`${queue.Properties.QueueName}=${visibilityS}`);
      // Which way a dead holder's record comes back: on the queue's own timeout (180 s) for every
      // trigger but the upload queue, whose 5,400 s the outbox shortens to the lease first.
      const own = returnsInTime(visibilityS, fn.Properties.Timeout * 1000);
      expect(own, `${id}: the record comes back on its queue's own timeout`).toBe(visibilityS !== 5400);
      if (!own) expect(Math.ceil(outboxLeaseMs(fn.Properties.Timeout * 1000) / 1000) + 5, `${id}: back after the lease`).toBe(35);
    }
  });

  it('retains the jobs table and the upload bucket, and writes no partition into an ARN', () => {
    for (const id of ['JobsTable', 'UploadBucket']) {
      expect(template.Resources[id], id).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    expect(JSON.stringify(template)).not.toMatch(/arn:aws:/);
  });

  it('runs nodejs22.x with X-Ray, access logs, throttling and capped SQS concurrency', () => {
    for (const [id, f] of byType('AWS::Lambda::Function'))
      expect(f.Properties, id).toMatchObject({ Runtime: 'nodejs22.x', TracingConfig: { Mode: 'Active' } });
    const stage = template.Resources.HttpApiStage!.Properties;
    expect(stage.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    for (const [id, m] of byType('AWS::Lambda::EventSourceMapping'))
      expect(m.Properties.ScalingConfig.MaximumConcurrency, id).toBeGreaterThanOrEqual(2);
    // One origins setting for the API and the bucket's presigned PUTs.
    const origins = template.Resources.HttpApi!.Properties.CorsConfiguration.AllowOrigins;
    expect(template.Resources.UploadBucket!.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual(origins);
  });

  it('puts the optional JWT authorizer on the two browser routes only', () => {
    expect(template.Resources.JwtAuthorizer).toMatchObject({
      Condition: 'HasJwtAuthorizer',
      Properties: { AuthorizerType: 'JWT', JwtConfiguration: { Issuer: { Ref: 'JwtIssuer' } } },
    });
    const guarded = byType('AWS::ApiGatewayV2::Route')
      .filter(([, r]) => r.Properties.AuthorizerId)
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(guarded).toEqual(['POST /upload-signatures', 'POST /uploads']);
  });

  it(`keeps every function bundle, the AWS SDK inside, under ${BUNDLE_LIMIT_BYTES / 1e6} MB`, async () => {
    const sizes = await bundleSizes(dir);
    expect(sizes.size).toBe(13);
    for (const [fn, bytes] of sizes) expect(bytes, fn).toBeLessThan(BUNDLE_LIMIT_BYTES);
  });
});
