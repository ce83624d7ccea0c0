// Bodies with any character an S3 key may hold go through a real SQS stand-in (fauxqs, which
// applies SQS's character rule) and come back as the same JSON value.
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsJson } from '../../../lib/messages/sqs-body';
import { startServices, type LocalServices } from '../../../local/aws/services';

/** Names S3 accepts and SQS refuses in a body (or the stand-in does: it counts UTF-16 units). */
const HOSTILE_NAMES = [
  '\uFFFE clip.mp4',
  '\uFFFF.mp4',
  '😀 clip.mp4',
  'bell\u0007 and esc\u001b[31m.mp4',
  'nul\u0000.mp4',
  '\u0085next line.mp4',
  'ok ü 名字.mp4',
];

let services: LocalServices;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  services = await startServices({ region: 'eu-west-1' });
  sqs = new SQSClient({ region: 'eu-west-1', credentials: services.credentials, endpoint: services.endpoints.sqs });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'bodies' }))).QueueUrl!;
});
afterAll(async () => {
  sqs?.destroy();
  await services?.close();
});

describe('sqsJson', () => {
  it('is the same JSON value, with nothing SQS refuses left in the text', () => {
    for (const key of [...HOSTILE_NAMES, 'lone \ud800 surrogate']) {
      const text = sqsJson({ data: { key } });
      expect(text).not.toMatch(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]/);
      expect(JSON.parse(text)).toEqual({ data: { key } });
    }
    expect(sqsJson({ a: 'plain' })).toBe(JSON.stringify({ a: 'plain' }));
  });

  it('passes every hostile name through a queue that refuses the raw JSON', async () => {
    let refusedRaw = 0;
    for (const key of HOSTILE_NAMES) {
      const raw = JSON.stringify({ key });
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: raw })).catch(() => refusedRaw++);
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: sqsJson({ key, escaped: true }) }));
    }
    expect(refusedRaw, 'the stand-in refuses these names unescaped, as SQS does').toBeGreaterThanOrEqual(3);
    const got: Array<{ key: string; escaped?: boolean }> = [];
    while (got.filter((m) => m.escaped).length < HOSTILE_NAMES.length) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (!Messages.length) break;
      got.push(...Messages.map((m) => JSON.parse(m.Body!)));
    }
    expect(
      got
        .filter((m) => m.escaped)
        .map((m) => m.key)
        .sort(),
    ).toEqual([...HOSTILE_NAMES].sort());
  });
});
