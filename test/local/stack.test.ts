import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { FIXTURES, recorded, startFixtureStack, waitFor } from './helpers';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vodflow-local-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function clients(stack: LocalStack) {
  const common = { region: stack.region, credentials: stack.credentials };
  return {
    sqs: new SQSClient({ ...common, endpoint: stack.endpoints.sqs }),
    s3: new S3Client({ ...common, endpoint: stack.endpoints.s3, forcePathStyle: true }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb }),
  };
}

const portClosed = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('local stack', () => {
  it('applies one environment for all handlers: yml values, queue URLs, local endpoints', async () => {
    const stack = await startFixtureStack();
    try {
      expect(process.env.TABLE).toBe('fixture-dev-jobs');
      expect(process.env.WORK_QUEUE_URL).toBe(stack.queues.WorkQueue!.url);
      expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(stack.endpoints.sqs);
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.endpoints.dynamodb);
      expect(process.env.AWS_REGION).toBe('eu-west-1');
      expect(stack.env.PARAM).toBe('dev-prefix');
      expect(stack.notes.join('\n')).toMatch(/TTL on expiresAt is not enforced/);
      const { dynamodb } = clients(stack);
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: stack.table }));
      expect(Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byStatus');
      dynamodb.destroy();
    } finally {
      await stack.close();
    }
    expect(process.env.TABLE).toBeUndefined(); // restored on close
  });

  it('runs schedules on their rate and on demand, with the EventBridge event or the declared input', async () => {
    const stack = await startFixtureStack({ schedules: true, scheduleTimeScale: 0.002 }); // rate(1 minute) → 120 ms
    try {
      await waitFor(() => recorded('tick').length >= 2 || undefined, 5000, 'two ticks');
      const event = recorded('tick')[0] as ScheduledEvent;
      expect(event).toMatchObject({
        version: '0',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        region: 'eu-west-1',
        detail: {},
      });
      expect(event.resources).toEqual(['arn:aws:events:eu-west-1:000000000000:rule/fixture-dev-tick-schedule-1']);
      const results = await stack.triggerSchedule('tick');
      expect(results).toHaveLength(2); // both schedules of the function, the disabled cron included
      expect(results.every((r) => r.ok && (r.result as { ticked: boolean }).ticked)).toBe(true);
      expect(recorded('tick')).toContainEqual({ kind: 'noon' });
      await expect(stack.triggerSchedule('nope')).rejects.toThrow(/no schedule named nope/);
    } finally {
      await stack.close();
    }
    const count = recorded('tick').length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorded('tick').length).toBe(count); // timers stopped
  });

  it('keeps SQS messages, S3 objects and DynamoDB items across a restart with a data dir', async () => {
    const first = await startFixtureStack({ dataDir });
    let c = clients(first);
    await c.sqs.send(new SendMessageCommand({ QueueUrl: first.queues.ParkedQueue!.url, MessageBody: 'parked-1' }));
    await c.s3.send(new PutObjectCommand({ Bucket: first.bucket, Key: 'kept/object.bin', Body: 'kept bytes' }));
    await c.dynamodb.send(new PutItemCommand({ TableName: first.table, Item: { pk: { S: 'job-1' }, status: { S: 'QUEUED' } } }));
    Object.values(c).forEach((client) => client.destroy());
    await first.close();

    const second = await startFixtureStack({ dataDir });
    try {
      c = clients(second);
      const { Messages = [] } = await c.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: second.queues.ParkedQueue!.url, WaitTimeSeconds: 1 }),
      );
      expect(Messages.map((m) => m.Body)).toEqual(['parked-1']);
      const object = await c.s3.send(new GetObjectCommand({ Bucket: second.bucket, Key: 'kept/object.bin' }));
      expect(await object.Body!.transformToString()).toBe('kept bytes');
      const { Item } = await c.dynamodb.send(new GetItemCommand({ TableName: second.table, Key: { pk: { S: 'job-1' } } }));
      expect(Item?.status?.S).toBe('QUEUED');
      // the bucket already existed: no second s3:TestEvent
      const ingest = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: second.queues.IngestQueue!.url, MaxNumberOfMessages: 10 }));
      expect((ingest.Messages ?? []).map((m) => JSON.parse(m.Body!).Event)).toEqual(['s3:TestEvent']);
      Object.values(c).forEach((client) => client.destroy());
    } finally {
      await second.close();
    }
  });

  it("ends a scheduled invocation's budget at close, running or waiting its turn, so a drain loop returns at once", async () => {
    // Before, close waited for such a loop (pull-events) until its 10 s deadline; the one waiting
    // for the single slot then ran its whole budget.
    const stack = await startFixtureStack({ schedules: true });
    const first = stack.triggerSchedule('drain');
    const second = stack.triggerSchedule('drain'); // reservedConcurrency 1: waits for the first
    await waitFor(() => recorded('drain').length >= 1 || undefined, 5000, 'the drain started');
    const started = Date.now();
    await stack.close();
    const closeMs = Date.now() - started;
    for (const [result] of await Promise.all([first, second])) expect(result).toMatchObject({ ok: true, result: { leftMs: 0 } });
    expect(closeMs).toBeLessThan(5000);
  });

  it('closes every port it opened', async () => {
    const stack = await startFixtureStack();
    const urls = [stack.endpoints.httpApi, stack.endpoints.sqs, stack.endpoints.dynamodb];
    expect(await Promise.all(urls.map(portClosed))).toEqual([false, false, false]);
    await stack.close();
    expect(await Promise.all(urls.map(portClosed))).toEqual([true, true, true]);
  });

  it('refuses conflicting per-function environments (one shared process.env) and says which', async () => {
    await expect(startLocalStack({ configFile: path.join(FIXTURES, 'conflict.yml'), emulator: false, logLevel: 'silent' })).rejects.toThrow(
      /TARGET: one="first", two="second"/,
    );
    expect(process.env.SHARED).toBeUndefined();
    const stack = await startLocalStack({
      configFile: path.join(FIXTURES, 'conflict.yml'),
      emulator: false,
      logLevel: 'silent',
      allowEnvConflicts: true,
    });
    expect(stack.envConflicts).toEqual([{ name: 'TARGET', values: { one: 'first', two: 'second' } }]);
    await stack.close();
  });

  it('fails the start on a handler that cannot load, naming it, and leaves nothing running', async () => {
    await expect(startLocalStack({ configFile: path.join(FIXTURES, 'broken.yml'), emulator: false, logLevel: 'silent' })).rejects.toThrow(
      /ghost: handler file handlers\/missing/,
    );
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBeUndefined();
  });
});
