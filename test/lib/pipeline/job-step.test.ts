// jobStep's decisions against the real job store (dynalite) and events queue (fauxqs): what runs,
// what is dropped, and that the work sees the job as the claim left it.
import '../../support/quiet';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyEvent } from '../../../lib/events/build';
import { jobErrorSchema, jobs, type Job } from '../../../lib/jobs';
import type { InitiateUpload } from '../../../lib/messages';
import { jobStep, STEPS } from '../../../lib/pipeline';
import { classify } from '../../../lib/vod/errors';
import { drainQueue, lambdaContext, startStack, type Stack } from '../../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  stack.applyEnv({ VOD_SECRET_ID: 'id', VOD_SECRET_KEY: 'key', EVENT_SUBSCRIBERS: undefined });
});
afterAll(async () => stack?.close());

const source = (key: string) => ({ bucket: 'b', key, etag: 'e1', size: 10 });
const ran: Array<{ jobId: string; job: Job }> = [];
let holdMs = 0;
const handler = jobStep({
  type: 'initiate-upload',
  step: (msg) => STEPS.upload(msg.attempt),
  run: async ({ msg, job }) => {
    ran.push({ jobId: msg.jobId, job });
    if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
  },
});

// A step admitted only while the job names no pull task (as classify-error admits a finished task's failure).
const guarded = jobStep({
  type: 'initiate-upload',
  step: (msg) => STEPS.upload(msg.attempt),
  admitOnly: () => ({ reason: 'the job names a pull task; dropped', anyOf: [{ absent: 'pullTaskId' }] }),
  run: async ({ msg, job }) => {
    ran.push({ jobId: msg.jobId, job });
  },
});

// A corrupt file's explanation, as the error table gives it.
const error = jobErrorSchema.parse({ ...classify(-43001), attempts: 1 });

// A step decided from its message alone: its one write is the claim (here a failure, by its parts).
const finished: Array<{ jobId: string; job: Job }> = [];
const finishing = jobStep({
  type: 'initiate-upload',
  step: (msg) => STEPS.upload(msg.attempt),
  finish: (msg) => ({
    move: {
      to: 'FAILED',
      set: { error, finishedAt: '2026-12-03T10:00:00.000Z', eventParts: { eventSource: '/test' } },
    },
    won: async (job) => {
      finished.push({ jobId: msg.jobId, job });
    },
  }),
  run: async ({ msg, job }) => {
    ran.push({ jobId: msg.jobId, job });
  },
});

const deliver = async (msg: InitiateUpload, to = handler) => {
  const event: SQSEvent = {
    Records: [
      {
        messageId: `m-${Math.random()}`,
        receiptHandle: 'r',
        body: JSON.stringify(msg),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 't',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:vodflow-test-upload',
        awsRegion: 'us-east-1',
      },
    ],
  };
  return to(event, lambdaContext('upload'));
};
const runsOf = (jobId: string) => ran.filter((r) => r.jobId === jobId).length;
const upload = (jobId: string, attempt = 1): InitiateUpload => ({ v: 1, type: 'initiate-upload', jobId, attempt });

describe('jobStep', () => {
  it('runs the step once for the current attempt and drops the duplicate', async () => {
    await jobs().createJob('j-step-run-0001', source('a.mp4'), 'pull');
    await deliver(upload('j-step-run-0001'));
    await deliver(upload('j-step-run-0001'));
    expect(runsOf('j-step-run-0001')).toBe(1);
    expect((await jobs().getJob('j-step-run-0001'))!.done).toEqual({ 'upload#1': true });
  });

  it('hands the work the job as the claim found it (with the lease just taken)', async () => {
    await jobs().createJob('j-step-read-001', source('b.mp4'), 'pull');
    await deliver(upload('j-step-read-001'));
    const seen = ran.find((r) => r.jobId === 'j-step-read-001')!.job;
    expect(seen.leases['upload#1']).toBeGreaterThan(Date.now());
    expect(seen.status).toBe('QUEUED');
  });

  it('drops a message from a superseded attempt without claiming its step', async () => {
    await jobs().createJob('j-step-old-0001', source('c.mp4'), 'pull');
    await jobs().transition('j-step-old-0001', { to: 'UPLOADING', attempt: 1, set: { attempt: 2 } });
    await deliver(upload('j-step-old-0001', 1));
    expect(runsOf('j-step-old-0001')).toBe(0);
    expect((await jobs().getJob('j-step-old-0001'))!.leases).toEqual({});
  });

  it('drops a message for a job that does not exist', async () => {
    const res = await deliver(upload('j-step-none-001'));
    expect(res).toEqual({ batchItemFailures: [] });
    expect(runsOf('j-step-none-001')).toBe(0);
  });

  it('loses the claim while another invocation holds the lease', async () => {
    await jobs().createJob('j-step-busy-001', source('d.mp4'), 'pull');
    holdMs = 300;
    const first = deliver(upload('j-step-busy-001'));
    await new Promise((r) => setTimeout(r, 100));
    holdMs = 0;
    await deliver(upload('j-step-busy-001')); // claim lost: the first still holds the lease
    expect(runsOf('j-step-busy-001')).toBe(1);
    await first;
    expect((await jobs().getJob('j-step-busy-001'))!.done['upload#1']).toBe(true);
  });

  it('for a terminal job runs nothing but finishes the outbox delivery of its event', async () => {
    const jobId = 'j-step-term-001';
    await jobs().createJob(jobId, source('e.mp4'), 'pull');
    await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1 });
    await jobs().transition(jobId, { to: 'PROCESSING', attempt: 1, set: { vodTaskId: 't' } });
    const job = (await jobs().getJob(jobId))!;
    const event = readyEvent(job, { fileId: 'f', playSet: [], snapshots: [] }, '/test');
    await jobs().transition(jobId, { to: 'SUCCEEDED', attempt: 1, set: { event } }); // the crash: written, never delivered
    await drainQueue(stack, 'events.fifo');
    await deliver(upload(jobId));
    await deliver(upload(jobId));
    expect(runsOf(jobId)).toBe(0);
    expect((await drainQueue(stack, 'events.fifo')).map((e) => (e as { id: string }).id)).toEqual([`${jobId}.ready`]);
    expect((await jobs().getJob(jobId))!.eventDeliveredTo).toEqual(['sqs']);
  });

  it('a step decided by its message makes one write with no claim first; a copy finishes the outbox of the event its parts make', async () => {
    const jobId = 'j-step-finish-1';
    await jobs().createJob(jobId, source('i.mp4'), 'pull');
    await drainQueue(stack, 'events.fifo');
    await deliver(upload(jobId), finishing);
    expect(runsOf(jobId)).toBe(0);
    expect(finished.filter((f) => f.jobId === jobId).map((f) => f.job)).toMatchObject([
      { status: 'FAILED', done: { 'upload#1': true }, leases: {}, event: { id: `${jobId}.failed`, source: '/test' } },
    ]);
    // The copy is refused as a claim would be: the job is finished, so its event is delivered (once).
    await deliver(upload(jobId), finishing);
    await deliver(upload(jobId), finishing);
    expect(finished.filter((f) => f.jobId === jobId)).toHaveLength(1);
    const events = (await drainQueue(stack, 'events.fifo')) as Array<{ id: string; time: string; data: { error: { code: number } } }>;
    expect(events.map((e) => [e.id, e.time, e.data.error.code])).toEqual([[`${jobId}.failed`, '2026-12-03T10:00:00.000Z', -43001]]);
  });

  it('a step decided by its message writes nothing while the step is leased, or for another attempt', async () => {
    const jobId = 'j-step-finish-2';
    await jobs().createJob(jobId, source('j.mp4'), 'pull');
    await jobs().claimStep(jobId, 'upload#1', 60_000);
    await deliver(upload(jobId), finishing);
    const res = await deliver(upload(jobId, 2), finishing);
    expect(res?.batchItemFailures).toHaveLength(1); // attempt 2 not begun: back soon
    expect(finished.filter((f) => f.jobId === jobId)).toHaveLength(0);
    expect((await jobs().getJob(jobId))!).toMatchObject({ status: 'QUEUED', done: {} });
  });

  it('retries a message for an attempt the job has not begun yet, without claiming its step', async () => {
    await jobs().createJob('j-step-early-01', source('g.mp4'), 'pull');
    const res = await deliver(upload('j-step-early-01', 2));
    expect(res?.batchItemFailures).toHaveLength(1);
    expect(runsOf('j-step-early-01')).toBe(0);
    expect((await jobs().getJob('j-step-early-01'))!.leases).toEqual({});
  });

  it('drops a message its admission test refuses without using the step up; admits it once the test holds', async () => {
    const jobId = 'j-step-guard-01';
    await jobs().createJob(jobId, source('h.mp4'), 'pull');
    await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p1' } });
    expect(await deliver(upload(jobId), guarded)).toEqual({ batchItemFailures: [] });
    expect(runsOf(jobId)).toBe(0);
    expect((await jobs().getJob(jobId))!).toMatchObject({ leases: {}, done: {} });
    await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1, remove: ['pullTaskId'] });
    await deliver(upload(jobId), guarded);
    expect(runsOf(jobId)).toBe(1);
    expect((await jobs().getJob(jobId))!.done).toEqual({ 'upload#1': true });
  });

  it('a poll link supersedes the previous link’s marker', async () => {
    await jobs().createJob('j-step-poll-001', source('f.mp4'), 'pull');
    const store = jobs();
    await store.runStep(
      'j-step-poll-001',
      STEPS.poll('pull', 1, 0).name,
      10_000,
      async () => undefined,
      STEPS.poll('pull', 1, 0).supersedes,
    );
    const second = STEPS.poll('pull', 1, 1);
    await store.runStep('j-step-poll-001', second.name, 10_000, async () => undefined, second.supersedes);
    expect((await store.getJob('j-step-poll-001'))!.done).toEqual({ 'poll#pull#1#1': true });
  });
});
