// A failed VOD task goes straight to classify-error, as the poll, callback or PullEvent that
// reports it sends it (lib/pipeline/report); one that an earlier version queued for publish-result
// is handed on from there with no write. Either way the failure of an orphan (a task of the
// attempt the job does not wait on) is dropped by classify-error's claim, the failure of the task
// it waits on ends the job in one video.failed, and copies of either are absorbed there. Real
// handlers, job store (dynalite) and queues (fauxqs).
import '../support/quiet';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../lib/jobs';
import { classifyFailureV1, enqueue, type TaskFinished } from '../../lib/messages';
import { classifyOrRethrow, reportTaskFinished } from '../../lib/pipeline';
import { VodParamsError } from '../../lib/vod/client';
import { drainQueue, pumpOnce, startStack, type SqsLambda, type Stack } from '../support/stack';

let stack: Stack;
let publishResult: SqsLambda;
let classifyError: SqsLambda;
beforeAll(async () => {
  stack = await startStack();
  // No VOD here: nothing on these paths may call it (a closed port, should one try).
  stack.applyEnv({
    VOD_SECRET_ID: 'id',
    VOD_SECRET_KEY: 'key',
    VOD_ENDPOINT: 'http://127.0.0.1:9/v2/index.php',
    EVENT_SUBSCRIBERS: undefined,
    MAX_ATTEMPTS: '3',
  });
  publishResult = (await import('../../functions/publish-result')).handler as SqsLambda;
  classifyError = (await import('../../functions/classify-error')).handler as SqsLambda;
});
afterAll(async () => stack?.close());

const source = (key: string) => ({ bucket: 'b', key, etag: 'e1', size: 10 });

/** A job on attempt 1 waiting on its procedure `vodTaskId`. */
async function processing(jobId: string, vodTaskId: string): Promise<void> {
  await jobs().createJob(jobId, source(`${jobId}.mp4`), 'pull');
  await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1, set: { fileId: 'f1' } });
  await jobs().transition(jobId, { to: 'PROCESSING', attempt: 1, set: { vodTaskId, fileId: 'f1', processAttempt: 1 } });
}

/** A job on attempt 1 waiting on its pull `pullTaskId`. */
async function pulling(jobId: string, pullTaskId: string): Promise<void> {
  await jobs().createJob(jobId, source(`${jobId}.mp4`), 'pull');
  await jobs().transition(jobId, { to: 'UPLOADING', attempt: 1, set: { pullTaskId } });
}

/** A task-finished message of attempt 1, as a callback reports it. */
const finished = (jobId: string, vodTaskId: string, task: TaskFinished['task'], outcome: TaskFinished['outcome']): TaskFinished => ({
  v: 1,
  type: 'task-finished',
  jobId,
  attempt: 1,
  vodTaskId,
  task,
  via: 'callback',
  outcome,
});

const succeeded = (jobId: string, vodTaskId: string, task: TaskFinished['task'] = 'procedure') =>
  finished(jobId, vodTaskId, task, { ok: true, fileId: 'f1', snapshots: [] });

// -43001: the source is damaged, not retryable: the attempt's failure is final.
const failed = (jobId: string, vodTaskId: string, task: TaskFinished['task'] = 'procedure') =>
  finished(jobId, vodTaskId, task, { ok: false, code: -43001, message: 'source file damaged', subTask: 'Probe' });

/** Sends the messages to the result queue, then pumps result → classify until both are empty. */
async function deliver(...messages: TaskFinished[]): Promise<void> {
  for (const m of messages) await enqueue(stack.queueUrl('result'), m);
  for (let idle = 0, rounds = 0; idle < 2 && rounds < 20; rounds++) {
    const moved = (await pumpOnce(stack, 'result', publishResult)).received + (await pumpOnce(stack, 'classify', classifyError)).received;
    idle = moved ? 0 : idle + 1;
  }
}

const eventsOf = async (jobId: string) =>
  ((await drainQueue(stack, 'events.fifo')) as Array<{ subject: string; type: string; data: { error?: { code: number } } }>).filter(
    (e) => e.subject === jobId,
  );

describe('a failed VOD task', () => {
  it('as it is reported: straight to classify-error (nothing for publish-result), one video.failed; a second report is quiet', async () => {
    await processing('j-fail-report-1', 'task-reported');
    await jobs().indexTask('task-reported', { jobId: 'j-fail-report-1', attempt: 1, task: 'procedure' });
    const { outcome } = failed('j-fail-report-1', 'task-reported');
    const logger = new Logger({ logLevel: 'SILENT' });
    expect(await reportTaskFinished('task-reported', outcome, 'callback', logger)).toBe('reported');
    expect(await pumpOnce(stack, 'result', publishResult)).toEqual({ received: 0, failed: 0 });
    expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 1, failed: 0 });
    const events = await eventsOf('j-fail-report-1');
    expect(events.map((e) => [e.type, e.data.error?.code])).toEqual([['vodflow.video.failed', -43001]]);
    expect(await reportTaskFinished('task-reported', outcome, 'poll', logger)).toBe('duplicate');
    expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 0, failed: 0 });
  });

  it("as it is reported, of an orphan pull while the job names another: dropped by classify-error's claim", async () => {
    await pulling('j-fail-report-3', 'pull-named-3');
    await jobs().indexTask('pull-orphan-3', { jobId: 'j-fail-report-3', attempt: 1, task: 'pull' });
    const { outcome } = failed('j-fail-report-3', 'pull-orphan-3', 'pull');
    expect(await reportTaskFinished('pull-orphan-3', outcome, 'callback', new Logger({ logLevel: 'SILENT' }))).toBe('reported');
    expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 1, failed: 0 });
    expect(await eventsOf('j-fail-report-3')).toEqual([]);
    expect(await jobs().getJob('j-fail-report-3')).toMatchObject({ status: 'UPLOADING', pullTaskId: 'pull-named-3', done: {} });
  });

  it('reported again after a crash between the send and the marker: the copy is absorbed, one video.failed', async () => {
    await processing('j-fail-report-4', 'task-reported-4');
    await jobs().indexTask('task-reported-4', { jobId: 'j-fail-report-4', attempt: 1, task: 'procedure' });
    const { outcome } = failed('j-fail-report-4', 'task-reported-4');
    const logger = new Logger({ logLevel: 'SILENT' });
    // The first report's marker write never happened: the next source (a poll, PullEvent) reports again.
    const owner = (await jobs().taskOwner('task-reported-4'))!;
    expect(await reportTaskFinished('task-reported-4', outcome, 'callback', logger, owner)).toBe('reported');
    expect(await reportTaskFinished('task-reported-4', outcome, 'poll', logger, owner)).toBe('reported');
    expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 2, failed: 0 });
    expect((await eventsOf('j-fail-report-4')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it('as it is reported: the message says it is a finished task, of which task and sub-task', async () => {
    await processing('j-fail-report-2', 'task-reported-2');
    await jobs().indexTask('task-reported-2', { jobId: 'j-fail-report-2', attempt: 1, task: 'procedure' });
    const { outcome } = failed('j-fail-report-2', 'task-reported-2');
    await reportTaskFinished('task-reported-2', outcome, 'pull-event', new Logger({ logLevel: 'SILENT' }));
    const sent = await drainQueue(stack, 'classify');
    expect(sent.map((m) => classifyFailureV1.parse(m))).toEqual([
      {
        v: 1,
        type: 'classify-failure',
        jobId: 'j-fail-report-2',
        attempt: 1,
        origin: 'procedure',
        code: -43001,
        message: 'source file damaged',
        subTask: 'Probe',
        vodTaskId: 'task-reported-2',
        finishedTask: true,
      },
    ]);
  });

  it('queued for publish-result by an earlier version, of the task the job waits on: one video.failed; publish-result wrote nothing', async () => {
    await processing('j-fail-named-01', 'task-named');
    await deliver(failed('j-fail-named-01', 'task-named'));
    const events = await eventsOf('j-fail-named-01');
    expect(events.map((e) => [e.type, e.data.error?.code])).toEqual([['vodflow.video.failed', -43001]]);
    const job = (await jobs().getJob('j-fail-named-01'))!;
    expect(job.status).toBe('FAILED');
    // classify-error's step is done; publish-result took no step for the failure.
    expect(Object.keys(job.done).sort()).toEqual(['classify#1', 'event#queue']);
    expect(job.leases).toEqual({});
  });

  it("of an orphan while the job waits on another task: dropped by classify-error's claim, the job untouched", async () => {
    await processing('j-fail-orphan-1', 'task-named');
    await deliver(failed('j-fail-orphan-1', 'task-orphan'));
    expect(await eventsOf('j-fail-orphan-1')).toEqual([]);
    const job = (await jobs().getJob('j-fail-orphan-1'))!;
    expect(job).toMatchObject({ status: 'PROCESSING', vodTaskId: 'task-named' });
    // Dropped by the admission, so the step is not used up: the named task's failure still decides.
    expect(job.done).toEqual({});
    await deliver(failed('j-fail-orphan-1', 'task-named'));
    expect((await eventsOf('j-fail-orphan-1')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it("of an orphan pull while the job names another pull: dropped; the named pull's failure decides", async () => {
    await pulling('j-fail-pull-001', 'pull-named');
    await deliver(failed('j-fail-pull-001', 'pull-orphan', 'pull'));
    expect(await eventsOf('j-fail-pull-001')).toEqual([]);
    expect(await jobs().getJob('j-fail-pull-001')).toMatchObject({ status: 'UPLOADING', done: {} });
    await deliver(failed('j-fail-pull-001', 'pull-named', 'pull'));
    expect((await eventsOf('j-fail-pull-001')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it('of a task the job has not recorded yet (no task named for the attempt): classified', async () => {
    await jobs().createJob('j-fail-unnamed1', source('u.mp4'), 'pull');
    await jobs().transition('j-fail-unnamed1', { to: 'UPLOADING', attempt: 1, set: { fileId: 'f1' } });
    await deliver(failed('j-fail-unnamed1', 'task-first'));
    expect((await eventsOf('j-fail-unnamed1')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it("while classify-error decides the named task's failure, an orphan's success is not adopted: the first decides", async () => {
    await processing('j-fail-race-001', 'task-named');
    // classify-error holds the attempt's classify step (its claim taken, its decision not written yet).
    expect(await jobs().claimStep('j-fail-race-001', 'classify#1', 300)).toBe('claimed');
    await deliver(succeeded('j-fail-race-001', 'task-orphan'));
    expect(await jobs().getJob('j-fail-race-001')).toMatchObject({ status: 'PROCESSING', vodTaskId: 'task-named' });
    // The holder's lease runs out (it died); the failure comes back and decides.
    await new Promise((r) => setTimeout(r, 400));
    await deliver(failed('j-fail-race-001', 'task-named'));
    expect((await eventsOf('j-fail-race-001')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it("while classify-error decides a pull's failure, an orphan pull's success is not adopted", async () => {
    await pulling('j-fail-race-002', 'pull-named');
    expect(await jobs().claimStep('j-fail-race-002', 'classify#1', 60_000)).toBe('claimed');
    await deliver(succeeded('j-fail-race-002', 'pull-orphan', 'pull'));
    expect(await jobs().getJob('j-fail-race-002')).toMatchObject({ status: 'UPLOADING', pullTaskId: 'pull-named' });
    expect(await drainQueue(stack, 'process')).toEqual([]);
  });

  it('reported three times (callback, poll, PullEvent copies): one video.failed', async () => {
    await processing('j-fail-copies-1', 'task-named');
    const copy = failed('j-fail-copies-1', 'task-named');
    await deliver(copy, { ...copy, via: 'poll' }, { ...copy, via: 'pull-event' });
    expect((await eventsOf('j-fail-copies-1')).map((e) => e.type)).toEqual(['vodflow.video.failed']);
  });

  it('with a code VOD gave that is no number and no known name: one video.failed that keeps the code', async () => {
    // A GetTaskInfo refusal has no retry path, so the first failure is final: before, a code such
    // as "Garbage" was classified as NaN, the FAILED write could not be stored, and the message
    // went to the DLQ (the job later failed as stalled, a false reason).
    const odd = [
      ['Garbage', 'Unknown VOD API 3.0 code'],
      ['weird_code-1 (see log)', 'Unknown VOD code'],
    ] as const;
    for (const [i, [code, meaning]] of odd.entries()) {
      const jobId = `j-fail-oddcode-${i}`;
      await processing(jobId, `task-odd-${i}`);
      const failure = {
        v: 1,
        type: 'classify-failure',
        jobId,
        attempt: 1,
        origin: 'poll',
        code,
        message: 'odd',
        vodTaskId: `task-odd-${i}`,
      };
      await enqueue(stack.queueUrl('classify'), classifyFailureV1.parse(failure));
      expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 1, failed: 0 });
      expect((await jobs().getJob(jobId))?.error).toMatchObject({ code, message_en: meaning });
      expect((await eventsOf(jobId)).map((e) => [e.type, e.data.error?.code])).toEqual([['vodflow.video.failed', code]]);
    }
  });

  it('of a request that failed its own check before it was sent: one video.failed (-4, final) naming the field', async () => {
    // The same request fails the same check on every redelivery: before, the error was rethrown,
    // redelivered to the DLQ, and the job failed as 'stalled' a day later (a false reason).
    const jobId = 'j-fail-params-1';
    await pulling(jobId, 'task-params-1');
    const refused = new VodParamsError('ApplyUpload', ['MediaType: an extension such as mp4']);
    await classifyOrRethrow(refused, { jobId, attempt: 1, origin: 'push' });
    expect(await pumpOnce(stack, 'classify', classifyError)).toEqual({ received: 1, failed: 0 });
    const job = (await jobs().getJob(jobId))!;
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({ code: -4, retryable: false, attempts: 1 });
    expect(job.error?.detail).toContain('MediaType: an extension such as mp4');
    expect((await eventsOf(jobId)).map((e) => [e.type, e.data.error?.code])).toEqual([['vodflow.video.failed', -4]]);
    // Anything else vodflow cannot answer for (network, 5xx) is still rethrown for SQS to redeliver.
    await expect(classifyOrRethrow(new Error('socket hang up'), { jobId, attempt: 1, origin: 'push' })).rejects.toThrow('socket hang up');
  });

  it("a classify message that says it is a finished task's must name the task", () => {
    const base = {
      v: 1,
      type: 'classify-failure',
      jobId: 'j',
      attempt: 1,
      origin: 'procedure',
      code: -43001,
      message: 'm',
      finishedTask: true,
    };
    expect(classifyFailureV1.safeParse(base).success).toBe(false);
    expect(classifyFailureV1.safeParse({ ...base, vodTaskId: 't' }).success).toBe(true);
    expect(classifyFailureV1.safeParse({ ...base, vodTaskId: 't', origin: 'poll' }).success).toBe(false);
  });
});
