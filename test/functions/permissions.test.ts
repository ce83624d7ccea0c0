// Every SQS and DynamoDB call a function makes is one its IAM role in serverless.yml allows. The
// local stand-ins do not enforce IAM, so a send the role forgets passes every other test and is
// refused only on AWS (AccessDenied: a callback answered 500 and lost, an event never confirmed).
// Here the functions run the pipeline's paths on the stand-ins — polling, HTTP callbacks (one
// that cannot be confirmed at once among them) and PullEvent, each with a good and a broken clip,
// then the HTTP API's upload and job reads and the scheduled sweep —
// while a middleware on the handlers' own clients records each call with the function that
// made it (an async context per invocation); each call must be granted by that function's role,
// on that queue or table.
import '../support/quiet';
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../lib/aws/dynamo';
import { sqs } from '../../lib/aws/sqs';
import { jobs } from '../../lib/jobs';
import { putObject } from '../support/s3-notify';
import { lambdaContext, runUntil, stackResources, type SqsLambda } from '../support/stack';
import { apiEvent, startHttpApi, type HttpLambda } from '../support/http-api';
import { API_KEY, CALLBACK_TOKEN, startHarness, type Harness } from './harness';

const MIDDLEWARE = 'recordCallsByFunction';
/** The harness's short handler names → the functions of serverless.yml. */
const FUNCTION_OF: Readonly<Record<string, string>> = {
  ingest: 'ingest',
  upload: 'initiate-upload',
  process: 'start-processing',
  poll: 'poll-status',
  result: 'publish-result',
  classify: 'classify-error',
  deliver: 'deliver-event',
};
/** The IAM action of an SDK command (the batch forms are authorised as their single form). */
const ACTION_OF: ReadonlyMap<string, string> = new Map([
  ['SendMessageBatch', 'SendMessage'],
  ['DeleteMessageBatch', 'DeleteMessage'],
  ['ChangeMessageVisibilityBatch', 'ChangeMessageVisibility'],
]);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const sls = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as {
  functions: Record<string, { role: string }>;
};
const resources = stackResources();

/** The queue or table name a role's Resource entry names (Fn::GetAtt of a queue or the table), if any. */
function nameOf(resource: unknown): string | undefined {
  const ref = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (ref?.[1] !== 'Arn') return undefined;
  const props = resources[ref[0]]?.Properties as { QueueName?: string; TableName?: string } | undefined;
  return props?.QueueName ?? props?.TableName;
}

function allows(fn: string, action: string, name: string): boolean {
  const policies = resources[sls.functions[fn]!.role]?.Properties.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }>;
  return policies
    .flatMap((p) => p.PolicyDocument.Statement)
    .some((s) => {
      const actions = ([] as string[]).concat(s.Action);
      const named = ([] as unknown[]).concat(s.Resource).map(nameOf);
      return s.Effect === 'Allow' && (actions.includes(action) || actions.includes(`${action.split(':')[0]}:*`)) && named.includes(name);
    });
}

const als = new AsyncLocalStorage<string>();
/** function → "action on resource" made by it. */
const made = new Map<string, Set<string>>();

let h: Harness;
let api: Awaited<ReturnType<typeof startHttpApi>>;
let handlers: Record<string, SqsLambda>;
let drainEvents: (ctx: { getRemainingTimeInMillis(): number }) => Promise<{ pulled: number; confirmed: number }>;

beforeAll(async () => {
  h = await startHarness({ pullEventHoldMs: 200, callbackRetryDelayMs: 100 });
  const webhook = (await import('../../functions/vod-webhook')).handler as unknown as HttpLambda;
  drainEvents = (await import('../../functions/pull-events')).drainEvents;
  api = await startHttpApi([
    { method: 'POST', path: '/vod/callback/{token}', handler: (event, context) => als.run('vod-webhook', () => webhook(event, context)) },
  ]);
  handlers = Object.fromEntries(
    Object.entries(h.handlers).map(([short, handler]) => [
      short,
      ((event, context) => als.run(FUNCTION_OF[short]!, () => handler(event, context))) as SqsLambda,
    ]),
  );
});
afterAll(async () => {
  for (const client of [sqs(), dynamo()]) (client.middlewareStack as { remove(name: string): boolean }).remove(MIDDLEWARE);
  await api?.close();
  await h?.close();
});

/** Sets the environment (which rebuilds the clients), then records the calls on the new ones. */
function record(env: Record<string, string | undefined>): void {
  h.env(env);
  for (const [service, client] of [
    ['sqs', sqs()],
    ['dynamodb', dynamo()],
  ] as const) {
    const middleware =
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      (args: { input: Record<string, unknown> }) => {
        const fn = als.getStore();
        if (fn) {
          const command = context.commandName?.replace(/Command$/, '') ?? 'Unknown';
          const { QueueUrl, QueueName, TableName } = args.input as { QueueUrl?: string; QueueName?: string; TableName?: string };
          const name = TableName ?? QueueName ?? QueueUrl?.split('/').pop() ?? '?';
          const calls = made.get(fn) ?? new Set<string>();
          calls.add(`${service}:${ACTION_OF.get(command) ?? command} on ${name}`);
          made.set(fn, calls);
        }
        return next(args);
      };
    (client.middlewareStack as { add(m: unknown, o: unknown): void }).add(middleware, {
      step: 'initialize',
      name: MIDDLEWARE,
      override: true,
    });
  }
}

const finished = async (jobId: string) => {
  const job = await jobs().getJob(jobId);
  return !!job && (job.status === 'SUCCEEDED' || job.status === 'FAILED') && (job.eventDeliveredTo ?? []).includes('sqs');
};

async function runClips(prefix: string, options: { pullEvents?: boolean; first?: () => Promise<void> } = {}): Promise<void> {
  const { pullEvents = false } = options;
  await putObject(h.stack, `${prefix}/good.mp4`, h.goodClip);
  await putObject(h.stack, `${prefix}/broken.mp4`, h.brokenClip);
  const ids = [await h.jobIdOf(`${prefix}/good.mp4`), await h.jobIdOf(`${prefix}/broken.mp4`)];
  await options.first?.();
  await runUntil(
    h.stack,
    handlers,
    async () => {
      if (pullEvents) await als.run('pull-events', () => drainEvents(lambdaContext('pull-events', 1500)));
      return (await Promise.all(ids.map(finished))).every(Boolean);
    },
    { timeoutMs: 45_000 },
  );
}

describe('IAM roles (serverless.yml)', () => {
  it('grant every SQS and DynamoDB call each function makes, on that queue or table', async () => {
    record({});
    await runClips('iam/poll');
    // Callbacks, with polling slowed so that they are what finishes the jobs; the first
    // confirmations are throttled, so the webhook queues a confirmation poll as well.
    record({ POLL_BASE_DELAY_S: '60', PULL_EVENTS_RESERVE_MS: '1000' });
    h.emu.setCallback(`${api.url}/vod/callback/${CALLBACK_TOKEN}`, 'http');
    h.emu.setFaults({ limitExceeded: 1, actions: ['GetTaskInfo'] });
    const delivered = h.emu.stats().callbacksDelivered;
    await runClips('iam/callback', {
      first: async () => {
        await runUntil(h.stack, handlers, async () => h.emu.stats().callbacksDelivered > delivered, { timeoutMs: 20_000 });
        h.emu.setFaults({});
      },
    });
    h.emu.setCallback(undefined, 'reliable');
    await runClips('iam/pull-events', { pullEvents: true });
    h.emu.setCallback(undefined, 'none');
    // The HTTP API's job functions and the scheduled sweep.
    const call = async (fn: string, event: ReturnType<typeof apiEvent> | object) => {
      const { handler } = (await import(`../../functions/${fn}.ts`)) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
      return als.run(fn, () => handler(event, lambdaContext(fn)));
    };
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json' };
    const created = (await call(
      'create-upload',
      apiEvent('POST', '/uploads', { headers, body: JSON.stringify({ filename: 'iam.mp4', contentType: 'video/mp4', size: 1000 }) }),
    )) as { statusCode: number; body: string };
    expect(created.statusCode).toBe(201);
    const { jobId } = JSON.parse(created.body) as { jobId: string };
    const got = (await call('get-job', apiEvent('GET', `/jobs/${jobId}`, { headers, pathParameters: { id: jobId } }))) as {
      statusCode: number;
    };
    expect(got.statusCode).toBe(200);
    await call('sweep-jobs', { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });

    // The paths ran: each function that takes part made calls (else this test would prove nothing).
    expect([...made.keys()].sort()).toEqual(
      [
        'classify-error',
        'create-upload',
        'get-job',
        'ingest',
        'initiate-upload',
        'poll-status',
        'publish-result',
        'pull-events',
        'start-processing',
        'sweep-jobs',
        'vod-webhook',
      ].sort(),
    );
    expect(made.get('vod-webhook')).toContain('sqs:SendMessage on vodflow-test-classify');
    expect(made.get('vod-webhook')).toContain('sqs:SendMessage on vodflow-test-poll');
    expect(made.get('pull-events')).toContain('sqs:SendMessage on vodflow-test-classify');
    const refused = [...made].flatMap(([fn, calls]) =>
      [...calls]
        .filter((call) => {
          const [action, name] = call.split(' on ') as [string, string];
          return !allows(fn, action, name);
        })
        .map((call) => `${fn}: ${call}`),
    );
    expect(refused).toEqual([]);
  }, 180_000);
});
