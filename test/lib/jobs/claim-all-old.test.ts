// A refused claim on DynamoDB: the failure carries the item as it was
// (ReturnValuesOnConditionCheckFailure: ALL_OLD), so the claim answers why without a read.
// dynalite ignores that parameter, so this one behaviour is stood in for: a middleware on the
// store's client attaches the raw item, read over the wire from dynalite by a separate client,
// to the ConditionalCheckFailedException, in the shape DynamoDB gives it (`Item`, attribute
// values). Everything else is the real client against dynalite.
import '../../support/quiet';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobStore, type JobStore } from '../../../lib/jobs';
import { startStack, type Stack } from '../../support/stack';

let stack: Stack;
let store: JobStore;
let client: DynamoDBDocumentClient;
let reader: DynamoDBClient;
const sent: string[] = [];
let attached = 0;

beforeAll(async () => {
  stack = await startStack();
  const options = { endpoint: stack.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  reader = new DynamoDBClient(options);
  client = DynamoDBDocumentClient.from(new DynamoDBClient(options), { marshallOptions: { removeUndefinedValues: true } });
  const allOld =
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: Record<string, unknown> }) => {
      sent.push(context.commandName ?? '?');
      try {
        return await next(args);
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException' || args.input.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD')
          throw err;
        const jobId = (args.input.Key as { jobId: string }).jobId;
        const out = await reader.send(new GetItemCommand({ TableName: stack.table, Key: { jobId: { S: jobId } }, ConsistentRead: true }));
        if (out.Item) {
          Object.assign(err as object, { Item: out.Item });
          attached++;
        }
        throw err;
      }
    };
  (client.middlewareStack as { add(m: unknown, o: unknown): void }).add(allOld, { step: 'initialize', name: 'allOld', override: true });
  store = createJobStore({ dynamo: client, table: stack.table });
});
afterAll(async () => {
  client?.destroy();
  reader?.destroy();
  await stack?.close();
});

const source = { bucket: 'b', key: 'old.mp4', etag: 'e1', size: 10 };
const work = async () => 'ran';

describe('a refused claim with the item returned (ALL_OLD)', () => {
  it('answers refused, done, busy or missing from the returned item, with no GetItem of its own', async () => {
    const id = 'j-allold-00001';
    await store.createJob(id, source, 'pull');
    await store.transition(id, { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p1', attempt: 2 } });
    sent.length = 0;
    attached = 0;
    expect(await store.runStep(id, 'upload#1', 60_000, work, [], { attempt: 1 })).toMatchObject({
      ran: false,
      claim: 'refused',
      job: { attempt: 2, pullTaskId: 'p1', status: 'UPLOADING' },
    });
    const guarded = await store.runStep(id, 'result#pull#2', 60_000, work, [], { attempt: 2, anyOf: [{ absent: 'pullTaskId' }] });
    expect(guarded).toMatchObject({ ran: false, claim: 'refused', job: { pullTaskId: 'p1' } });
    expect(await store.claimStep(id, 'upload#2', 60_000)).toBe('claimed');
    expect(await store.runStep(id, 'upload#2', 60_000, work, [], { attempt: 2 })).toMatchObject({ ran: false, claim: 'busy' });
    await store.completeStep(id, 'upload#2');
    expect(await store.runStep(id, 'upload#2', 60_000, work, [], { attempt: 2 })).toMatchObject({ ran: false, claim: 'done' });
    expect(await store.claimStep(id, 'upload#2', 60_000)).toBe('done');
    expect(attached).toBe(5);
    expect(sent.filter((c) => c === 'GetItemCommand')).toEqual([]);
    // No item: DynamoDB returns none, so the claim reads once to tell "missing" apart.
    expect(await store.runStep('j-allold-none1', 'x', 60_000, work, [], { attempt: 1 })).toEqual({ ran: false, claim: 'missing' });
    expect(sent.filter((c) => c === 'GetItemCommand')).toEqual(['GetItemCommand']);
  });
});
