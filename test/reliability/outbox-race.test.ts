// The duplicate the faults scenario finds now and then, made deterministic. Poll and callback may
// both report one finished task (the per-task "reported" marker is read, then written), so two
// task-finished messages reach publish-result. The first wins the SUCCEEDED write and starts the
// outbox delivery; if the second arrives before the delivery is marked, it sees "terminal, event
// not delivered yet" and delivers too: the same event twice. Here the job is put in exactly that
// window (event written, delivery not yet marked) and the two copies arrive together. The event
// is on the queue already (the job ran to its end first), so the pending send is also the repeat a
// crash between send and record makes: the FIFO events queue must drop it.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelStack, type RelStack } from './support/stack';

let s: RelStack;
beforeAll(async () => {
  s = await startRelStack({ callbackMode: 'poll' });
});
afterAll(async () => s?.close());

const record = (body: unknown, queueArn: string) => ({
  messageId: randomUUID(),
  receiptHandle: randomUUID(),
  body: JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: '000000000000',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: queueArn,
  awsRegion: s.local.region,
});

describe('outbox: two reports of one finished task', () => {
  it('deliver the pending event once', async () => {
    const jobId = await s.submit('race.mp4');
    const [job] = await s.settle([jobId], 40_000);
    expect(job?.status).toBe('SUCCEEDED');
    expect(s.events.filter((e) => e.subject === jobId)).toHaveLength(1);

    // Back into the window between the terminal write and the delivery mark.
    const ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: s.local.region, credentials: s.local.credentials, endpoint: s.local.endpoints.dynamodb }),
    );
    // (The delivery step's done marker goes too: in the real window it is not written yet.)
    await ddb.send(
      new UpdateCommand({
        TableName: s.local.table!,
        Key: { jobId },
        UpdateExpression: 'REMOVE eventDeliveredTo, done.#queue',
        ExpressionAttributeNames: { '#queue': 'event#queue' },
      }),
    );
    ddb.destroy();
    const finished = {
      v: 1,
      type: 'task-finished',
      jobId,
      attempt: job!.attempt,
      vodTaskId: job!.vodTaskId,
      task: 'procedure',
      outcome: { ok: true, fileId: job!.fileId, snapshots: [] },
    };
    const arn = s.local.queues.ResultQueue!.arn;
    const delivered = () => s.capture.find((l) => l.message === 'downstream event delivered' && l.jobId === jobId).length;
    const before = delivered();
    const result = await s.local.invoke('publish-result', {
      Records: [record({ ...finished, via: 'poll' }, arn), record({ ...finished, via: 'callback' }, arn)],
    });
    expect(result.ok).toBe(true);
    await s.local.waitForIdle({ timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 1500));

    // The pending delivery completes once: two sends by the racing copies would be a duplicate.
    expect(delivered() - before, 'sends of the pending event by the two copies').toBe(1);
    expect(s.capture.find((l) => l.jobId === jobId && /already delivered or being delivered/.test(String(l.message)))).toHaveLength(1);
    // This send repeats one already on the queue (same event id, within 5 minutes), as a crash
    // between the send and its record would: the FIFO events queue drops it, consumers see one.
    expect(s.events.filter((e) => e.subject === jobId)).toHaveLength(1);
    const [job2] = await s.jobs().then((all) => all.filter((j) => j.jobId === jobId));
    expect([...(job2?.eventDeliveredTo ?? [])]).toEqual(['sqs']);
  });
});
