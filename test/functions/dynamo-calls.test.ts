// How many DynamoDB calls each job step makes, pinned: a good clip and a broken one go through
// the whole pipeline (fauxqs, dynalite, the VOD emulator), every handler invocation runs in its
// own async context, and a middleware on the handlers' real DynamoDB client counts the calls
// each one sends over the wire. A step that starts reading first again, or writes its marker
// separately again, changes a count here. (Speed itself is `npm run bench -- --only webhook`.)
import '../support/quiet';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamo } from '../../lib/aws/dynamo';
import { jobs } from '../../lib/jobs';
import { putObject } from '../support/s3-notify';
import { runUntil, type SqsLambda } from '../support/stack';
import { startHarness, type Harness } from './harness';

const MIDDLEWARE = 'countDynamoCalls';
const als = new AsyncLocalStorage<Map<string, number>>();
const invocations: Array<{ label: string; calls: Map<string, number> }> = [];

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const count = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
    const calls = als.getStore();
    const name = context.commandName?.replace(/Command$/, '') ?? 'Unknown';
    if (calls) calls.set(name, (calls.get(name) ?? 0) + 1);
    return next(args);
  };
  (dynamo().middlewareStack as { add(m: unknown, o: unknown): void }).add(count, { step: 'initialize', name: MIDDLEWARE, override: true });
});
afterAll(async () => {
  (dynamo().middlewareStack as { remove(name: string): boolean }).remove(MIDDLEWARE);
  await h?.close();
});

/** Each invocation counted on its own; the label names the step (and the task kind, the outcome). */
const counted = (short: string, handler: SqsLambda): SqsLambda => {
  return async (event: SQSEvent, context) => {
    const body = JSON.parse(event.Records[0]!.body) as { task?: string; outcome?: { ok: boolean } };
    const label = short === 'result' ? `result:${body.task}:${body.outcome?.ok ? 'ok' : 'failed'}` : short;
    const calls = new Map<string, number>();
    try {
      return await als.run(calls, () => handler(event, context));
    } finally {
      invocations.push({ label, calls });
    }
  };
};

const profile = (calls: Map<string, number>) =>
  [...calls]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

async function run(key: string, clip: Buffer): Promise<Map<string, string[]>> {
  invocations.length = 0;
  await putObject(h.stack, key, clip);
  const jobId = await h.jobIdOf(key);
  const handlers = Object.fromEntries(Object.entries(h.handlers).map(([short, fn]) => [short, counted(short, fn)]));
  await runUntil(h.stack, handlers, async () => {
    const job = await jobs().getJob(jobId);
    return !!job && (job.status === 'SUCCEEDED' || job.status === 'FAILED') && (job.eventDeliveredTo ?? []).includes('sqs');
  });
  const byLabel = new Map<string, string[]>();
  for (const { label, calls } of invocations) byLabel.set(label, [...new Set([...(byLabel.get(label) ?? []), profile(calls)])].sort());
  return byLabel;
}

describe('DynamoDB calls per job step', () => {
  it('a good clip: no read before a claim, the last job write of a step carries its done marker', async () => {
    const steps = await run('calls/good.mp4', h.goodClip);
    expect(Object.fromEntries(steps)).toEqual({
      // createJob, which also claims the ingest step; its completion (after initiate-upload is sent).
      ingest: ['PutItem 1, UpdateItem 1'],
      // claim; task index; UPLOADING with the pull task; completion (after the first poll is sent).
      upload: ['PutItem 1, UpdateItem 3'],
      // claim; the task owner; completion — plus the progress patch, or the "reported" marker.
      poll: expect.arrayContaining(['GetItem 1, UpdateItem 2']),
      // claim; UPLOADING with the fileId; completion (after start-processing is sent).
      'result:pull:ok': ['UpdateItem 3'],
      // claim; task index; PROCESSING; completion (after the first poll is sent).
      process: ['PutItem 1, UpdateItem 3'],
      // claim; SUCCEEDED + event + done + the outbox's delivery lease; its delivery record + done.
      'result:procedure:ok': ['UpdateItem 3'],
    });
    expect(steps.get('poll')!.every((p) => p === 'GetItem 1, UpdateItem 2' || p === 'GetItem 1, UpdateItem 3')).toBe(true);
    expect((await h.events()).map((e) => e.type)).toEqual(['vodflow.video.ready']);
  }, 60_000);

  it('a broken clip: the failure path of the webhook bench (straight to classify-error → video.failed)', async () => {
    const steps = await run('calls/broken.mp4', h.brokenClip);
    // No publish-result invocation: the poll that found the procedure failed sent it to classification.
    expect(Object.fromEntries([...steps].filter(([label]) => label.startsWith('result:procedure') || label === 'classify'))).toEqual({
      // A final failure needs no claim: FAILED + the event's parts + done + the outbox's delivery
      // lease in one write; its delivery record + done.
      classify: ['UpdateItem 2'],
    });
    expect((await h.events()).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  }, 60_000);
});
