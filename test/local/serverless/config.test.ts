import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadServerlessConfig, parseServerlessConfig } from '../../../local/serverless/config';
import { renderValue } from '../../../local/serverless/model';
import { parseScheduleExpression } from '../../../local/runtime/schedule-expression';
import { redriveOrder } from '../../../local/aws/provision';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const load = (opts: Parameters<typeof loadServerlessConfig>[1] = {}) =>
  loadServerlessConfig(path.join(fixtures, 'stack.yml'), { env: {}, ...opts });

describe('serverless-config: variables and intrinsics', () => {
  it('resolves self, sls:stage, opt with default, env default, param, aws:region/accountId', () => {
    const { model } = load();
    expect(model.service).toBe('fixture');
    expect(model.stage).toBe('dev');
    expect(model.region).toBe('eu-west-1');
    const env = model.functions.find((f) => f.key === 'worker')!.environment;
    const urls = { WorkQueue: 'http://q/work', ParkedQueue: 'http://q/parked' };
    const render = (name: string) => renderValue(env[name]!, urls, name);
    expect(render('TABLE')).toBe('fixture-dev-jobs');
    expect(render('ACCOUNT')).toBe('000000000000');
    expect(render('PARAM')).toBe('dev-prefix');
    expect(render('FALLBACK')).toBe('fallback-value');
    expect(render('STAGE_NAME')).toBe('dev');
    // intrinsics: Ref of a queue is its URL (known only at run time), GetAtt Arn is static
    expect(env.WORK_QUEUE_URL).toEqual([{ queueUrl: 'WorkQueue' }]);
    expect(render('WORK_QUEUE_URL')).toBe('http://q/work');
    expect(render('PARKED_QUEUE_URL')).toBe('http://q/parked');
    expect(render('WORK_QUEUE_ARN')).toBe('arn:aws:sqs:eu-west-1:000000000000:fixture-dev-work');
    expect(render('JOINED')).toBe('a-fixture-dev-uploads');
    expect(render('SUBBED')).toBe('eu-west-1/fixture-dev-work');
  });

  it('takes stage, region and env from options', () => {
    const { model } = load({ stage: 'qa', env: { FIXTURE_REGION: 'ap-south-1', FIXTURE_UNSET_VARIABLE: 'given' } });
    expect(model.stage).toBe('qa');
    expect(model.region).toBe('ap-south-1');
    const env = model.functions[0]!.environment;
    expect(renderValue(env.PARAM!, {})).toBe('base'); // no qa params block: default block only
    expect(renderValue(env.FALLBACK!, {})).toBe('given');
    expect(model.queues.find((q) => q.logicalId === 'WorkQueue')!.name).toBe('fixture-qa-work');
  });

  it('maps functions: handler file/export, timeout, concurrency, events', () => {
    const { model } = load();
    const worker = model.functions.find((f) => f.key === 'worker')!;
    expect(worker).toMatchObject({
      name: 'fixture-dev-worker',
      handlerFile: 'handlers/worker',
      handlerExport: 'handler',
      timeoutSeconds: 3,
      reservedConcurrency: 1,
      memorySize: 1024,
    });
    expect(worker.sqs).toEqual([
      {
        queueLogicalId: 'WorkQueue',
        batchSize: 5,
        maximumBatchingWindow: 0,
        reportBatchItemFailures: true,
        maximumConcurrency: undefined,
        enabled: true,
      },
    ]);
    const strict = model.functions.find((f) => f.key === 'strict')!;
    expect(strict.timeoutSeconds).toBe(5); // provider default
    expect(strict.sqs[0]).toMatchObject({ queueLogicalId: 'StrictQueue', batchSize: 10, reportBatchItemFailures: false });
    const api = model.functions.find((f) => f.key === 'api')!;
    expect(api.http.map((r) => r.routeKey)).toEqual([
      'POST /items/{id}',
      'GET /items/{id}',
      'GET /files/{path+}',
      'GET /plain',
      'GET /boom',
      'GET /slow',
      'GET /binary',
    ]);
    expect(model.functions.find((f) => f.key === 'fallback')!.http).toEqual([{ routeKey: '$default', method: 'ANY', path: null }]);
    const tick = model.functions.find((f) => f.key === 'tick')!;
    expect(tick.schedules).toEqual([
      { expression: 'rate(1 minute)', enabled: true },
      { expression: 'cron(0 12 * * ? *)', enabled: false, input: { kind: 'noon' }, name: undefined },
    ]);
    expect(model.httpCors?.allowedOrigins).toEqual(['*']);
  });

  it('maps resources: queues with redrive, bucket notifications with filters, table with GSI and TTL', () => {
    const { model, ignoredResources } = load();
    const work = model.queues.find((q) => q.logicalId === 'WorkQueue')!;
    expect(work).toMatchObject({
      name: 'fixture-dev-work',
      attributes: { VisibilityTimeout: '1' },
      redrive: { deadLetterLogicalId: 'WorkDlq', maxReceiveCount: 2 },
    });
    expect(model.queues.find((q) => q.logicalId === 'ParkedQueue')!.name).toBe('fixture-dev-parked');
    expect(model.queues.find((q) => q.logicalId === 'IngestQueue')!.name).toBe('fixture-dev-IngestQueue'); // generated like CloudFormation
    expect(
      redriveOrder(model.queues)
        .map((q) => q.logicalId)
        .indexOf('WorkDlq'),
    ).toBeLessThan(
      redriveOrder(model.queues)
        .map((q) => q.logicalId)
        .indexOf('WorkQueue'),
    );
    expect(model.buckets).toEqual([
      {
        logicalId: 'Bucket',
        name: 'fixture-dev-uploads',
        arn: 'arn:aws:s3:::fixture-dev-uploads',
        notifications: [{ events: ['s3:ObjectCreated:*'], queueLogicalId: 'IngestQueue', prefix: 'incoming/', suffix: '.mp4' }],
        cors: undefined,
      },
    ]);
    const table = model.tables[0]!;
    expect(table).toMatchObject({
      name: 'fixture-dev-jobs',
      billingMode: 'PAY_PER_REQUEST',
      ttl: { attributeName: 'expiresAt', enabled: true },
    });
    expect(table.globalSecondaryIndexes[0]!.IndexName).toBe('byStatus');
    expect(ignoredResources).toEqual(['IngestQueuePolicy (AWS::SQS::QueuePolicy)']);
  });
});

const minimal = (extra: string) => `
service: t
provider:
  name: aws
${extra}`;

describe('serverless-config: clear errors for what the local stack cannot honour', () => {
  const parse = (text: string) => () => parseServerlessConfig(text, fixtures, { env: {} });

  it.each([
    ['an unknown variable source', minimal('  environment:\n    X: ${foo:bar}'), /unsupported variable \$\{foo:bar\}/],
    ['a missing variable without default', minimal('  environment:\n    X: ${env:NOPE_NOT_SET}'), /no value and no default/],
    [
      'a circular self reference',
      minimal(
        'custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\nfunctions:\n  f:\n    handler: h.handler\n    environment:\n      X: ${self:custom.a}',
      ),
      /circular/,
    ],
    [
      'an unsupported event type',
      minimal('functions:\n  f:\n    handler: h.handler\n    events:\n      - http: GET /x'),
      /event type "http" is not supported/,
    ],
    [
      'an sqs event on an undeclared queue',
      minimal('functions:\n  f:\n    handler: h.handler\n    events:\n      - sqs: arn:aws:sqs:us-east-1:000000000000:nope'),
      /not a queue declared/,
    ],
    [
      'an unsupported intrinsic',
      minimal('  environment:\n    X: !If [c, a, b]\nfunctions:\n  f:\n    handler: h.handler'),
      /Fn::If is not supported/,
    ],
    // (SNS is ignored: the stack's topic only carries CloudWatch alarms, which do not exist locally.)
    [
      'an unsupported resource type',
      minimal('resources:\n  Resources:\n    T:\n      Type: AWS::Kinesis::Stream'),
      /AWS::Kinesis::Stream is not supported/,
    ],
    [
      'an unsupported queue property',
      minimal('resources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        Weird: 1'),
      /unsupported property Weird/,
    ],
    [
      'a Lambda bucket notification',
      minimal(
        'resources:\n  Resources:\n    B:\n      Type: AWS::S3::Bucket\n      Properties:\n        NotificationConfiguration:\n          LambdaConfigurations: []',
      ),
      /LambdaConfigurations/,
    ],
    [
      'a DynamoDB stream',
      minimal(
        'resources:\n  Resources:\n    T:\n      Type: AWS::DynamoDB::Table\n      Properties:\n        KeySchema: [{AttributeName: a, KeyType: HASH}]\n        AttributeDefinitions: [{AttributeName: a, AttributeType: S}]\n        StreamSpecification: {StreamViewType: NEW_IMAGE}',
      ),
      /streams are not available/,
    ],
    [
      'an authorizer',
      minimal('functions:\n  f:\n    handler: h.handler\n    events:\n      - httpApi: {method: GET, path: /x, authorizer: {name: jwt}}'),
      /authorizers are not enforced/,
    ],
    ['a bad handler', minimal('functions:\n  f:\n    handler: nodot'), /handler must look like/],
    [
      'a duplicate route',
      minimal(
        'functions:\n  f:\n    handler: h.a\n    events: [{httpApi: GET /x}]\n  g:\n    handler: h.b\n    events: [{httpApi: GET /x}]',
      ),
      /declared by both f and g/,
    ],
  ])('rejects %s', (_name, text, message) => {
    expect(parse(text)).toThrow(message);
  });

  it('keeps cloud-only values (ssm) as unresolved parts that need a local value', () => {
    const { model } = parseServerlessConfig(
      minimal('  environment:\n    SECRET: ${ssm:/vodflow/secret}\n    MIXED: pre-${ssm:/x}\nfunctions:\n  f:\n    handler: h.handler'),
      fixtures,
      { env: {} },
    );
    const env = model.functions[0]!.environment;
    expect(env.SECRET).toEqual([{ unresolved: '${ssm:/vodflow/secret}' }]);
    expect(() => renderValue(env.MIXED!, {}, 'MIXED')).toThrow(/MIXED is pre-\$\{ssm:\/x\}, which cannot be resolved locally/);
  });

  it('uses the fallback of a cloud-only variable', () => {
    const { model } = parseServerlessConfig(
      minimal("  environment:\n    S: ${ssm:/x, 'local'}\nfunctions:\n  f:\n    handler: h.handler"),
      fixtures,
      { env: {} },
    );
    expect(model.functions[0]!.environment.S).toEqual(['local']);
  });
});

describe('schedule expressions', () => {
  it('parses rates', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toEqual({ kind: 'rate', intervalMs: 60_000 });
    expect(parseScheduleExpression('rate(2 hours)')).toEqual({ kind: 'rate', intervalMs: 7_200_000 });
  });

  it('matches cron fields in UTC with AWS day numbering', () => {
    const s = parseScheduleExpression('cron(0/15 9-17 ? * MON-FRI *)');
    if (s.kind !== 'cron') throw new Error('expected cron');
    expect(s.matches(new Date('2026-11-23T09:30:00Z'))).toBe(true); // Monday
    expect(s.matches(new Date('2026-11-23T09:31:00Z'))).toBe(false);
    expect(s.matches(new Date('2026-11-22T09:30:00Z'))).toBe(false); // Sunday
    expect(s.matches(new Date('2026-11-23T18:00:00Z'))).toBe(false);
  });

  it('rejects what it cannot run', () => {
    expect(() => parseScheduleExpression('cron(0 12 L * ? *)')).toThrow(/not supported/);
    expect(() => parseScheduleExpression('cron(0 12 * * *)')).toThrow(/6 fields/);
    expect(() => parseScheduleExpression('every 5 minutes')).toThrow(/expected rate/);
  });
});
