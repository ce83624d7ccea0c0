// serverless.yml is the one source of wiring; these checks keep it honest.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadServerlessConfig } from '../../local/serverless/config';
import { stackResources } from '../support/stack';

const root = new URL('../../', import.meta.url);
const sls = parse(readFileSync(new URL('serverless.yml', root), 'utf8')) as {
  provider: { runtime: string; timeout: number };
  custom: { esbuild: { exclude: string[]; mainFields: string[]; skipRebuild: boolean; minify: boolean; sourcemap: boolean } };
  package: { individually: boolean };
  functions: Record<string, { handler: string; role: string; timeout?: number; events: Array<Record<string, Record<string, unknown>>> }>;
};
const resources = stackResources();
const FUNCTIONS = [
  'ingest',
  'initiate-upload',
  'start-processing',
  'poll-status',
  'publish-result',
  'classify-error',
  'deliver-event',
  'vod-webhook',
  'pull-events',
  'create-upload',
  'get-job',
  'sign-upload',
  'sweep-jobs',
];

describe('serverless.yml', () => {
  it('declares the thirteen functions, each with its own handler file and role', () => {
    expect(Object.keys(sls.functions).sort()).toEqual([...FUNCTIONS].sort());
    const roles = new Set<string>();
    for (const [name, fn] of Object.entries(sls.functions)) {
      expect(fn.handler).toBe(`functions/${name}.handler`);
      expect(existsSync(new URL(`functions/${name}.ts`, root))).toBe(true);
      expect(resources[fn.role]?.Type, name).toBe('AWS::IAM::Role');
      roles.add(fn.role);
    }
    expect(roles.size).toBe(FUNCTIONS.length);
    expect(sls.provider.runtime).toBe('nodejs22.x');
    expect(sls.package.individually).toBe(true);
    // The AWS SDK is bundled (ES module builds first, so it tree-shakes), nothing left external.
    expect(sls.custom.esbuild).toMatchObject({
      exclude: [],
      mainFields: ['module', 'main'],
      skipRebuild: true,
      minify: true,
      sourcemap: true,
    });
  });

  it('gives every SQS trigger partial batch failures, a DLQ and a visibility timeout ≥ 6 × the function timeout', () => {
    const byArn = new Map(Object.entries(resources).map(([id, r]) => [id, r]));
    let sqsFunctions = 0;
    for (const [name, fn] of Object.entries(sls.functions)) {
      for (const event of fn.events) {
        if (!event.sqs) continue;
        sqsFunctions++;
        expect(event.sqs.functionResponseType, name).toBe('ReportBatchItemFailures');
        const queueId = (event.sqs.arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const queue = byArn.get(queueId)!.Properties as {
          VisibilityTimeout: number;
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [string] }; maxReceiveCount: number };
        };
        expect(queue.VisibilityTimeout, name).toBeGreaterThanOrEqual(6 * (fn.timeout ?? sls.provider.timeout));
        expect(byArn.get(queue.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0])?.Type).toBe('AWS::SQS::Queue');
        expect(queue.RedrivePolicy.maxReceiveCount).toBeGreaterThan(1);
      }
    }
    expect(sqsFunctions).toBe(7);
  });

  it('routes every httpApi endpoint that openapi.yaml documents', () => {
    const routes = Object.values(sls.functions).flatMap((fn) =>
      fn.events.filter((e) => e.httpApi).map((e) => `${String(e.httpApi!.method).toLowerCase()} ${e.httpApi!.path}`),
    );
    const openapi = parse(readFileSync(new URL('openapi.yaml', root), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(openapi.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(routes.sort()).toEqual(documented.sort());
  });

  it('has a sample trigger payload in events/samples/ for every function', () => {
    const samples = readdirSync(new URL('events/samples/', root));
    for (const name of FUNCTIONS)
      expect(
        samples.some((f) => f.startsWith(`${name}.`)),
        name,
      ).toBe(true);
  });

  it('still loads in the local stack, which lists the AWS-only monitoring and auth resources as ignored', () => {
    const { model, ignoredResources } = loadServerlessConfig(fileURLToPath(new URL('serverless.yml', root)), { stage: 'test' });
    expect(model.queues).toHaveLength(16);
    expect(model.functions).toHaveLength(13);
    const ignored = new Set(ignoredResources.map((r) => r.split(' ')[0]));
    for (const id of [
      'AlarmTopic',
      'AlarmTopicPolicy',
      'AlarmEmailSubscription',
      'IngestDlqDepthAlarm',
      'DeliverDlqDepthAlarm',
      'HttpApi5xxAlarm',
      'JwtAuthorizer',
      'UploadBucketPolicy',
    ])
      expect(ignored.has(id), id).toBe(true);
    // One origins setting: the local bucket gets the same CORS origins as the deployed one.
    expect(model.buckets[0]!.cors?.[0]).toMatchObject({ AllowedOrigins: ['*'], AllowedMethods: ['PUT'] });
    expect(model.functions[0]!.environment.CORS_ORIGINS).toBeDefined();
  });
});
