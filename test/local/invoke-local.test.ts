// The README's "Running one handler locally" recipe, as written: a local stack at stage `test`
// (what `vodflow dev --stage test` runs), its endpoint variables, then `serverless invoke local
// --stage test` of a function that writes the table and sends to a queue.
import '../support/quiet';
import { execFile } from 'node:child_process';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ stage: 'test', emulator: false, schedules: false, logLevel: 'silent', s3TestEvents: false });
}, 60_000);
afterAll(async () => stack?.close());

const invokeLocal = (fn: string, path: string, env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['node_modules/serverless/bin/serverless.js', 'invoke', 'local', '-f', fn, '--stage', 'test', '--path', path],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 150_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('serverless invoke local --stage test', () => {
  it('runs ingest against the local stack: the job is written and handed to the upload queue', async () => {
    const { code, stdout, stderr } = await invokeLocal('ingest', 'events/samples/ingest.s3-put.json', {
      AWS_REGION: stack.region,
      AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_SQS: stack.endpoints.sqs,
      AWS_ENDPOINT_URL_S3: stack.endpoints.s3,
      AWS_ENDPOINT_URL_DYNAMODB: stack.endpoints.dynamodb,
      VOD_SECRET_ID: 'AKIDlocal',
      VOD_SECRET_KEY: 'local-secret',
    });
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/"batchItemFailures": \[\]/);
    const ddb = new DynamoDBClient({ region: stack.region, endpoint: stack.endpoints.dynamodb, credentials: stack.credentials });
    const items = (await ddb.send(new ScanCommand({ TableName: 'vodflow-test-jobs' }))).Items ?? [];
    expect(items.some((i) => i.source?.M?.key?.S === 'incoming/my holiday.mp4')).toBe(true);
  }, 180_000);
});
