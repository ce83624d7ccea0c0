// The local SQS keeps a FIFO queue's deduplication memory the way SQS does, across a kill: the
// outbox's send repeated after the local stack was killed between SendMessage and the outbox mark
// (then restarted on the same --data) must not reach consumers twice. The data dir is copied the
// moment the send is answered — what a SIGKILL would leave — and a second stack starts on the copy.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { startServices, type LocalServices } from '../../../local/aws/services';

const work = mkdtempSync(path.join(tmpdir(), 'vodflow-fifo-dedup-'));
const running: Array<{ services: LocalServices; sqs: SQSClient }> = [];
afterAll(async () => {
  for (const r of running) {
    r.sqs.destroy();
    await r.services.close();
  }
  rmSync(work, { recursive: true, force: true });
});

async function start(dataDir: string) {
  const services = await startServices({ region: 'eu-west-1', dataDir });
  const sqs = new SQSClient({ region: 'eu-west-1', credentials: services.credentials, endpoint: services.endpoints.sqs, maxAttempts: 1 });
  running.push({ services, sqs });
  // As local/aws/provision creates serverless.yml's EventsQueue (an existing queue is kept).
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'vodflow-dev-events.fifo',
      Attributes: {
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        DeduplicationScope: 'messageGroup',
        FifoThroughputLimit: 'perMessageGroupId',
      },
    }),
  );
  return { services, sqs, url: QueueUrl! };
}

const event = (id: string) => ({
  MessageBody: JSON.stringify({ id, type: 'vodflow.video.ready' }),
  MessageGroupId: id.split('.')[0],
  MessageDeduplicationId: id,
});

describe('local FIFO deduplication across a kill', () => {
  it('drops a repeated send after a restart on the data dir as it was at the answer', async () => {
    const first = await start(path.join(work, 'first'));
    const sent = await first.sqs.send(new SendMessageCommand({ QueueUrl: first.url, ...event('s3-job1.ready') }));
    // The answer is out: this is the data dir a SIGKILL leaves.
    const killed = path.join(work, 'killed');
    cpSync(path.join(work, 'first'), killed, { recursive: true });
    const onDisk = JSON.parse(readFileSync(path.join(killed, 'sqs-s3', 'state.json'), 'utf8')) as {
      queues: Array<{ name: string; fifo?: { sequence: number; dedup: Array<{ id: string; messageId: string; expiresAt: number }> } }>;
    };
    const saved = onDisk.queues.find((q) => q.name === 'vodflow-dev-events.fifo')!.fifo!;
    expect(saved.dedup.map((d) => [d.id, d.messageId])).toEqual([['s3-job1.ready', sent.MessageId]]);
    const window = saved.dedup[0]!.expiresAt - Date.now();
    expect(window).toBeGreaterThan(290_000);
    expect(window).toBeLessThanOrEqual(300_000);

    const second = await start(killed);
    // The repeat (the outbox's retry) is answered with the first message's id and not queued again.
    const repeat = await second.sqs.send(new SendMessageCommand({ QueueUrl: second.url, ...event('s3-job1.ready') }));
    expect(repeat.MessageId).toBe(sent.MessageId);
    const fresh = await second.sqs.send(new SendMessageCommand({ QueueUrl: second.url, ...event('s3-job2.ready') }));
    // Sequence numbers go on from where the killed stack stopped.
    expect(BigInt(fresh.SequenceNumber!)).toBeGreaterThan(BigInt(sent.SequenceNumber!));
    const { Messages = [] } = await second.sqs.send(new ReceiveMessageCommand({ QueueUrl: second.url, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => JSON.parse(m.Body!).id).sort()).toEqual(['s3-job1.ready', 's3-job2.ready']);
    // The window still ends 5 minutes after the first send, not 5 minutes after the restart.
    const queue = second.services.sqsStore.listQueues().find((q) => q.name === 'vodflow-dev-events.fifo')!;
    expect(queue.deduplicationCache.expiresAt('s3-job1.ready')).toBe(saved.dedup[0]!.expiresAt);
  });
});
