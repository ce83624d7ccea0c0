// The job store against dynalite: the state machine holds under racing writers.
import '../../support/quiet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createJobStore, fromStatesOf, jobIdFor, newUploadJobId, uploadKey, type JobStore } from '../../../lib/jobs';
import { startStack, type Stack } from '../../support/stack';

let stack: Stack;
let store: JobStore;
let client: DynamoDBDocumentClient;
beforeAll(async () => {
  stack = await startStack();
  // The store is injected: its own client and table, no environment.
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  store = createJobStore({ dynamo: client, table: stack.table });
});
afterAll(async () => {
  client?.destroy();
  await stack?.close();
});

const source = (key: string) => ({ bucket: 'b', key, etag: 'etag1', size: 10 });

describe('job ids', () => {
  it('are deterministic per object version and carried by upload keys', () => {
    const a = jobIdFor({ bucket: 'b', key: 'k.mp4', etag: '"e1"' });
    expect(jobIdFor({ bucket: 'b', key: 'k.mp4', etag: 'e1' })).toBe(a);
    expect(jobIdFor({ bucket: 'b', key: 'k.mp4', etag: 'e2' })).not.toBe(a);
    expect(jobIdFor({ bucket: 'b', key: 'k.mp4', etag: 'e1', versionId: 'v2' })).not.toBe(a);
    const up = newUploadJobId();
    expect(jobIdFor({ bucket: 'b', key: uploadKey(up, 'x.mp4'), etag: 'anything' })).toBe(up);
    expect(jobIdFor({ bucket: 'b', key: `uploads/${up}/nested/x.mp4` })).not.toBe(up);
  });
});

describe('job store', () => {
  it('creates a job once; a repeated create is a no-op', async () => {
    expect(await store.createJob('j-create-0001', source('a.mp4'), 'pull')).toBe(true);
    expect(await store.createJob('j-create-0001', source('a.mp4'), 'pull')).toBe(false);
    expect((await store.getJob('j-create-0001'))!).toMatchObject({ status: 'QUEUED', attempt: 1, mode: 'pull' });
  });

  it('adopts an upload reservation exactly once', async () => {
    const id = newUploadJobId();
    expect(await store.reserveUpload(id, { bucket: 'b', key: uploadKey(id, 'x.mp4') }, 1)).toBe(true);
    expect((await store.getJob(id))!.status).toBe('AWAITING_UPLOAD');
    expect(await store.createJob(id, source(uploadKey(id, 'x.mp4')), 'push')).toBe(true);
    expect(await store.createJob(id, source(uploadKey(id, 'x.mp4')), 'push')).toBe(false);
    expect((await store.getJob(id))!).toMatchObject({ status: 'QUEUED', mode: 'push' });
  });

  it('lets only one of two racing terminal writes win, and never leaves a terminal state', async () => {
    await store.createJob('j-race-000001', source('r.mp4'), 'pull');
    await store.transition('j-race-000001', { to: 'UPLOADING', attempt: 1 });
    await store.transition('j-race-000001', { to: 'PROCESSING', attempt: 1, set: { vodTaskId: 't1' } });
    const results = await Promise.all([
      store.transition('j-race-000001', { to: 'SUCCEEDED', attempt: 1, expect: { vodTaskId: 't1' } }),
      store.transition('j-race-000001', { to: 'SUCCEEDED', attempt: 1, expect: { vodTaskId: 't1' } }),
      store.transition('j-race-000001', { to: 'FAILED', attempt: 1 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.transition('j-race-000001', { to: 'PROCESSING', attempt: 1 })).toBeUndefined();
    expect(fromStatesOf('SUCCEEDED')).toEqual(['PROCESSING']);
  });

  it('ignores writes for a superseded attempt or another task', async () => {
    await store.createJob('j-attempt-001', source('s.mp4'), 'pull');
    expect(await store.transition('j-attempt-001', { to: 'PROCESSING', attempt: 1 })).toBeUndefined(); // QUEUED cannot skip UPLOADING
    await store.transition('j-attempt-001', { to: 'UPLOADING', attempt: 1 });
    await store.transition('j-attempt-001', { to: 'PROCESSING', attempt: 1, set: { attempt: 2, vodTaskId: 't2' } });
    expect(await store.transition('j-attempt-001', { to: 'SUCCEEDED', attempt: 1 })).toBeUndefined();
    expect(await store.transition('j-attempt-001', { to: 'SUCCEEDED', attempt: 2, expect: { vodTaskId: 'other' } })).toBeUndefined();
    expect(await store.transition('j-attempt-001', { to: 'SUCCEEDED', attempt: 2, expect: { vodTaskId: 't2' } })).toMatchObject({
      status: 'SUCCEEDED',
    });
  });
});

describe('task start guards', () => {
  it('record a started task only while no task of the attempt was adopted, and narrow the from-states', async () => {
    await store.createJob('j-guard-00001', source('g.mp4'), 'pull');
    expect(
      await store.transition('j-guard-00001', { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p1' }, absent: ['pullTaskId'] }),
    ).toMatchObject({ pullTaskId: 'p1' });
    expect(
      await store.transition('j-guard-00001', { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p2' }, absent: ['pullTaskId'] }),
    ).toBeUndefined();
    await store.transition('j-guard-00001', {
      to: 'PROCESSING',
      attempt: 1,
      set: { vodTaskId: 't1', processAttempt: 1 },
      differs: { processAttempt: 1 },
    });
    expect(
      await store.transition('j-guard-00001', {
        to: 'PROCESSING',
        attempt: 1,
        set: { vodTaskId: 't2', processAttempt: 1 },
        differs: { processAttempt: 1 },
      }),
    ).toBeUndefined();
    // PROCESSING may go back to UPLOADING in general, but not for an adopted pull result.
    expect(await store.transition('j-guard-00001', { to: 'UPLOADING', attempt: 1, from: ['QUEUED', 'UPLOADING'] })).toBeUndefined();
    expect((await store.getJob('j-guard-00001'))!).toMatchObject({ status: 'PROCESSING', pullTaskId: 'p1', vodTaskId: 't1' });
  });

  it('renew a lease only while its step is not done', async () => {
    await store.createJob('j-guard-00002', source('h.mp4'), 'pull');
    expect(await store.claimStep('j-guard-00002', 'upload#1', 1_000)).toBe('claimed');
    expect(await store.renewLease('j-guard-00002', 'upload#1', 120_000)).toBe(true);
    expect((await store.getJob('j-guard-00002'))!.leases['upload#1']).toBeGreaterThan(Date.now() + 100_000);
    await store.completeStep('j-guard-00002', 'upload#1');
    expect(await store.renewLease('j-guard-00002', 'upload#1', 120_000)).toBe(false);
  });
});

describe('step markers', () => {
  it('claim → busy for a second claimer → done after completion; an expired lease can be taken over', async () => {
    await store.createJob('j-steps-00001', source('t.mp4'), 'pull');
    expect(await store.claimStep('j-steps-00001', 'upload#1', 60_000)).toBe('claimed');
    expect(await store.claimStep('j-steps-00001', 'upload#1', 60_000)).toBe('busy');
    await store.completeStep('j-steps-00001', 'upload#1');
    expect(await store.claimStep('j-steps-00001', 'upload#1', 60_000)).toBe('done');
    expect(await store.claimStep('j-steps-00001', 'other', -1)).toBe('claimed'); // lease already expired
    expect(await store.claimStep('j-steps-00001', 'other', 60_000)).toBe('claimed');
    expect(await store.claimStep('j-missing-0001', 'x', 1000)).toBe('missing');
  });

  it('runStep runs the work once under concurrency and releases the lease on failure', async () => {
    await store.createJob('j-steps-00002', source('u.mp4'), 'pull');
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 50));
    };
    const results = await Promise.all([1, 2, 3].map(() => store.runStep('j-steps-00002', 's', 60_000, work)));
    expect(runs).toBe(1);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    await expect(store.runStep('j-steps-00002', 'fails', 60_000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await store.runStep('j-steps-00002', 'fails', 60_000, async () => 7)).toEqual({ ran: true, value: 7 });
  });
});

describe('claims with an admission, completions carried by a job write', () => {
  it('a claim with an admission refuses a missing or finished job, another attempt or a failed guard, writing nothing', async () => {
    const id = 'j-admit-000001';
    await store.createJob(id, source('adm.mp4'), 'pull');
    await store.transition(id, { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p1' } });
    const work = async () => 'ran';
    const onAttempt2 = await store.runStep(id, 'upload#2', 60_000, work, [], { attempt: 2 });
    expect(onAttempt2).toMatchObject({ ran: false, claim: 'refused', job: { attempt: 1, status: 'UPLOADING' } });
    const otherTask = await store.runStep(id, 'result#pull#1', 60_000, work, [], {
      attempt: 1,
      anyOf: [{ absent: 'pullTaskId' }, { field: 'pullTaskId', equals: 'p2' }],
    });
    expect(otherTask).toMatchObject({ ran: false, claim: 'refused', job: { pullTaskId: 'p1' } });
    expect((await store.getJob(id))!.leases).toEqual({});
    const named = await store.runStep(id, 'result#pull#1', 60_000, work, [], {
      attempt: 1,
      anyOf: [{ absent: 'pullTaskId' }, { field: 'pullTaskId', equals: 'p1' }],
    });
    expect(named).toEqual({ ran: true, value: 'ran' });
    expect(await store.runStep(id, 'result#pull#1', 60_000, work, [], { attempt: 1 })).toMatchObject({ ran: false, claim: 'done' });
    await store.transition(id, { to: 'FAILED', attempt: 1 });
    expect(await store.runStep(id, 'classify#1', 60_000, work, [], { attempt: 1 })).toMatchObject({
      ran: false,
      claim: 'refused',
      job: { status: 'FAILED' },
    });
    expect(await store.runStep('j-admit-missing', 'x', 60_000, work, [], { attempt: 1 })).toEqual({ ran: false, claim: 'missing' });
    await store.indexTask('T-admit', { jobId: id, attempt: 1, task: 'pull' });
    expect(await store.runStep('TASK#T-admit', 'x', 60_000, work, [], { attempt: 1 })).toEqual({ ran: false, claim: 'missing' });
  });

  it("a transition carrying the step's completion marks it done in the same write; a refused one leaves it to runStep", async () => {
    const id = 'j-carry-000001';
    await store.createJob(id, source('carry.mp4'), 'pull');
    const moved = await store.runStep(id, 'upload#1', 60_000, (job, completion) =>
      store
        .transition(job.jobId, { to: 'UPLOADING', attempt: 1, set: { progress: 5 } }, completion)
        .then((j) => ({ j, recorded: completion.recorded })),
    );
    expect(moved).toMatchObject({
      ran: true,
      value: { recorded: true, j: { status: 'UPLOADING', done: { 'upload#1': true }, leases: {} } },
    });
    const refused = await store.runStep(id, 'process#1', 60_000, (job, completion) =>
      store.transition(job.jobId, { to: 'SUCCEEDED', attempt: 1 }, completion).then((j) => ({ j, recorded: completion.recorded })),
    );
    expect(refused).toEqual({ ran: true, value: { j: undefined, recorded: false } });
    const after = (await store.getJob(id))!;
    expect(after.done).toEqual({ 'upload#1': true, 'process#1': true });
    expect(after.leases).toEqual({});
  });

  it('the write that creates a job, or a terminal move, can take step leases: their holder runs them without a claim', async () => {
    const id = 'j-hold-0000001';
    expect(await store.createJob(id, source('hold.mp4'), 'pull', { ingest: Date.now() + 60_000 })).toBe(true);
    expect(await store.claimStep(id, 'ingest', 60_000)).toBe('busy');
    expect(await store.runHeldStep(id, 'ingest', async () => 'sent')).toBe('sent');
    expect(await store.claimStep(id, 'ingest', 60_000)).toBe('done');
    await store.transition(id, { to: 'UPLOADING', attempt: 1 });
    await store.transition(id, { to: 'FAILED', attempt: 1, leases: { 'event#queue': Date.now() + 60_000 } });
    expect(await store.claimStep(id, 'event#queue', 60_000)).toBe('busy');
    await expect(store.runHeldStep(id, 'event#queue', async () => Promise.reject(new Error('send failed')))).rejects.toThrow('send failed');
    // Released on failure: the retry claims it at once.
    expect(await store.claimStep(id, 'event#queue', 60_000)).toBe('claimed');
    expect(await store.runHeldStep(id, 'event#queue', (completion) => store.markEventDelivered(id, 'sqs', completion))).toBeUndefined();
    const job = (await store.getJob(id))!;
    expect(job).toMatchObject({ eventDeliveredTo: ['sqs'], leases: {}, done: { ingest: true, 'event#queue': true } });
  });

  it("finishStep: a state change made on the claim's conditions, marking the step done, with no lease first", async () => {
    const id = 'j-finish-00001';
    await store.createJob(id, source('finish.mp4'), 'pull');
    await store.transition(id, { to: 'UPLOADING', attempt: 1, set: { pullTaskId: 'p1' } });
    const fail = {
      to: 'FAILED',
      attempt: 1,
      set: { finishedAt: '2026-12-03T00:00:00.000Z' },
      leases: { 'event#queue': Date.now() + 60_000 },
    } as const;
    // A step leased by a live holder, or refused by the admission's guard: nothing written.
    await store.claimStep(id, 'classify#1', 60_000);
    expect(await store.finishStep(id, 'classify#1', { attempt: 1 }, fail)).toMatchObject({ claim: 'busy', job: { status: 'UPLOADING' } });
    expect(await store.finishStep(id, 'classify#2', { attempt: 2 }, fail)).toMatchObject({ claim: 'refused' });
    const guard = { attempt: 1, anyOf: [{ field: 'pullTaskId', equals: 'p2' }] } as const;
    expect(await store.finishStep(id, 'result#pull#1', guard, fail)).toMatchObject({ claim: 'refused', job: { pullTaskId: 'p1' } });
    expect((await store.getJob(id))!).toMatchObject({ status: 'UPLOADING', done: {} });
    // Two copies racing for a free step: one write wins, the other answers the job as it left it.
    const copies = await Promise.all([1, 2].map(() => store.finishStep(id, 'result#pull#1', { attempt: 1 }, fail)));
    const won = copies.filter((c) => c.claim === 'claimed');
    expect(won).toHaveLength(1);
    expect(won[0]!.job).toMatchObject({ status: 'FAILED', done: { 'result#pull#1': true } });
    expect(won[0]!.job.leases['event#queue']).toBeGreaterThan(Date.now());
    expect(won[0]!.job.leases['result#pull#1']).toBeUndefined();
    expect(copies.find((c) => c.claim !== 'claimed')).toMatchObject({ claim: 'refused', job: { status: 'FAILED' } });
    expect(await store.finishStep('j-finish-missing', 'classify#1', { attempt: 1 }, fail)).toEqual({ claim: 'missing' });
  });
});

describe('a write DynamoDB applied whose answer was lost, retried by the SDK', () => {
  // Nothing can stand in for a lost answer on the wire, so a middleware inside the SDK's retry
  // loop lets the next write of the named kind reach dynalite, then throws a connection reset in
  // place of its answer: the SDK retries it, and the retry fails its condition on that write.
  // `between` is another handler's write on the same job, landing before the retry.
  let lossy: DynamoDBDocumentClient;
  let lossyStore: JobStore;
  let lose: string | undefined;
  let between: (() => Promise<unknown>) | undefined;
  const lost: string[] = [];
  beforeAll(() => {
    const base = new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    base.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (lose && context.commandName === lose) {
          lost.push(lose);
          lose = undefined;
          const other = between;
          between = undefined;
          await other?.();
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return out;
      },
      { step: 'finalizeRequest', priority: 'low', name: 'loseTheAnswer' },
    );
    lossy = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
    lossyStore = createJobStore({ dynamo: lossy, table: stack.table });
  });
  afterAll(() => lossy?.destroy());

  it("is known as the writer's own: the job is created, the claim held, the move made — not dropped as another's", async () => {
    const id = 'j-lost-answer-01';
    lose = 'PutItemCommand';
    expect(await lossyStore.createJob(id, source('lost.mp4'), 'pull', { ingest: Date.now() + 60_000 })).toBe(true);
    lose = 'UpdateItemCommand';
    expect(await lossyStore.claimStep(id, 'upload#1', 60_000)).toBe('claimed');
    lose = 'UpdateItemCommand';
    const moved = await lossyStore.transition(id, { to: 'UPLOADING', attempt: 1, set: { progress: 5 } });
    expect(moved).toMatchObject({ status: 'UPLOADING', progress: 5 });
    lose = 'UpdateItemCommand';
    const failed = await lossyStore.finishStep(
      id,
      'classify#1',
      { attempt: 1 },
      { to: 'FAILED', set: { finishedAt: '2026-12-03T00:00:00.000Z' } },
    );
    expect(failed).toMatchObject({ claim: 'claimed', job: { status: 'FAILED', done: { 'classify#1': true } } });
    expect(lost).toEqual(['PutItemCommand', 'UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
    // Another writer's refusal is still a refusal: the id is each write's own.
    expect(await store.createJob(id, source('lost.mp4'), 'pull')).toBe(false);
    expect(await store.claimStep(id, 'upload#1', 60_000)).toBe('busy');
    expect(await store.transition(id, { to: 'UPLOADING', attempt: 1 })).toBeUndefined();
  });

  it("of an upload reservation, or of its adoption by ingest, is known as the writer's own", async () => {
    const id = 'j-lost-answer-02';
    lose = 'PutItemCommand';
    expect(await lossyStore.reserveUpload(id, { bucket: 'b', key: 'r.mp4', size: 1 }, 1)).toBe(true);
    lose = 'UpdateItemCommand';
    expect(await lossyStore.createJob(id, source('r.mp4'), 'push')).toBe(true);
    expect(lost.slice(-2)).toEqual(['PutItemCommand', 'UpdateItemCommand']);
    expect((await store.getJob(id))!.status).toBe('QUEUED');
  });

  it("is the writer's own even when another handler's conditional write on the job lands before the retry", async () => {
    const id = 'j-lost-answer-03';
    await store.createJob(id, source('between.mp4'), 'pull');
    // A poll link claims its step between the classify's applied claim and the SDK's retry: with
    // one write-id slot per item the holder read 'busy' and dropped its own message.
    lose = 'UpdateItemCommand';
    between = () => store.claimStep(id, 'poll#pull#1#0', 60_000);
    expect(await lossyStore.claimStep(id, 'classify#1', 60_000)).toBe('claimed');
    lose = 'UpdateItemCommand';
    between = () => store.claimStep(id, 'poll#pull#1#1', 60_000);
    expect(await lossyStore.transition(id, { to: 'UPLOADING', attempt: 1, set: { progress: 5 } })).toMatchObject({ status: 'UPLOADING' });
    lose = 'UpdateItemCommand';
    between = () => store.claimStep(id, 'poll#pull#1#2', 60_000);
    const failed = await lossyStore.finishStep(
      id,
      'result#pull#1',
      { attempt: 1 },
      { to: 'FAILED', set: { finishedAt: '2026-12-03T00:00:00.000Z' } },
    );
    expect(failed).toMatchObject({ claim: 'claimed', job: { status: 'FAILED', done: { 'result#pull#1': true } } });
    expect(lost.slice(-3)).toEqual(['UpdateItemCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
    const job = (await store.getJob(id))!;
    expect(Object.keys(job.leases).sort()).toEqual(['classify#1', 'poll#pull#1#0', 'poll#pull#1#1', 'poll#pull#1#2']);

    const reserved = 'j-lost-answer-04';
    await store.reserveUpload(reserved, { bucket: 'b', key: 'r4.mp4', size: 1 }, 1);
    lose = 'UpdateItemCommand';
    between = () => store.claimStep(reserved, 'upload#1', 60_000);
    expect(await lossyStore.createJob(reserved, source('r4.mp4'), 'push')).toBe(true);
  });

  it("keeps a superseded step's write id no longer than its done marker", async () => {
    const id = 'j-writes-superseded';
    await store.createJob(id, source('polls.mp4'), 'pull');
    for (let seq = 0; seq < 5; seq++) {
      const step = `poll#pull#1#${seq}`;
      const ran = await store.runStep(id, step, 60_000, async () => 'polled', seq > 0 ? [`poll#pull#1#${seq - 1}`] : []);
      expect(ran.ran).toBe(true);
    }
    const job = (await store.getJob(id))!;
    expect(Object.keys(job.writes).filter((k) => k.startsWith('poll#'))).toEqual(['poll#pull#1#4']);
    expect(Object.keys(job.done).filter((k) => k.startsWith('poll#'))).toEqual(['poll#pull#1#4']);
  });
});

describe('a job item written by an earlier vodflow (one writeId, no writes map)', () => {
  // Jobs in flight across a deploy: the new code's nested `writes.<purpose>` needs the map.
  const legacy = async (id: string, status: string) =>
    client.send(
      new PutCommand({
        TableName: stack.table,
        Item: {
          jobId: id,
          kind: 'job',
          status,
          attempt: 1,
          createdAt: '2026-12-01T00:00:00.000Z',
          updatedAt: '2026-12-01T00:00:00.000Z',
          ttl: 2_000_000_000,
          progress: 0,
          leases: {},
          done: {},
          writeId: 'a-write-of-the-old-kind',
          source: { bucket: 'b', key: `${id}.mp4`, etag: 'e', size: 1 },
          mode: 'pull',
        },
      }),
    );

  it('is claimed, moved, finished and adopted as a new one is', async () => {
    await legacy('j-legacy-1', 'QUEUED');
    expect(await store.claimStep('j-legacy-1', 'upload#1', 60_000)).toBe('claimed');
    expect(await store.claimStep('j-legacy-1', 'upload#1', 60_000)).toBe('busy');
    await legacy('j-legacy-2', 'QUEUED');
    expect(await store.transition('j-legacy-2', { to: 'UPLOADING', attempt: 1 })).toMatchObject({ status: 'UPLOADING' });
    await legacy('j-legacy-3', 'PROCESSING');
    expect(
      await store.finishStep('j-legacy-3', 'classify#1', { attempt: 1 }, { to: 'FAILED', set: { finishedAt: '2026-12-03T00:00:00.000Z' } }),
    ).toMatchObject({ claim: 'claimed', job: { status: 'FAILED' } });
    await legacy('j-legacy-4', 'AWAITING_UPLOAD');
    expect(await store.createJob('j-legacy-4', source('j-legacy-4.mp4'), 'push')).toBe(true);
    await legacy('j-legacy-5', 'PROCESSING');
    expect((await store.runStep('j-legacy-5', 'poll#pull#1#1', 60_000, async () => 1, ['poll#pull#1#0'])).ran).toBe(true);
    expect((await store.getJob('j-legacy-5'))!.done).toEqual({ 'poll#pull#1#1': true });
  });
});

describe('task index', () => {
  it('maps a VOD task to its job and attempt, with a reported marker', async () => {
    await store.indexTask('Procedure-abc', { jobId: 'j1', attempt: 2, task: 'procedure' });
    expect(await store.taskOwner('Procedure-abc')).toEqual({ jobId: 'j1', attempt: 2, task: 'procedure', reported: false });
    await store.markTaskReported('Procedure-abc');
    expect((await store.taskOwner('Procedure-abc'))!.reported).toBe(true);
    expect(await store.taskOwner('nope')).toBeUndefined();
    expect(await store.getJob('TASK#Procedure-abc')).toBeUndefined();
  });
});
