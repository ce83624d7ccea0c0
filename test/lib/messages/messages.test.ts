import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { delayPlan, fullJitterS, internalMessage, MAX_DELAY_S, readMessage, s3Notification, decodeS3Key } from '../../../lib/messages';

const eventsDir = new URL('../../../events/samples/', import.meta.url);

describe('internal messages', () => {
  it('validate each type and reject a wrong or malformed one', () => {
    const msg = { v: 1, type: 'poll-status', jobId: 'j', attempt: 1, vodTaskId: 't', task: 'pull', seq: 0, startedAt: 1 };
    expect(readMessage(JSON.stringify(msg), 'poll-status')).toMatchObject({ seq: 0 });
    expect(() => readMessage(JSON.stringify(msg), 'task-finished')).toThrow(/expected a task-finished/);
    expect(() => readMessage(JSON.stringify({ ...msg, v: 2 }), 'poll-status')).toThrow(/v/);
    expect(() => readMessage('{', 'poll-status')).toThrow(/not JSON/);
  });

  it('every SQS sample in events/ carries a valid message or S3 notification', () => {
    const samples = readdirSync(eventsDir).filter((f) => f.endsWith('.json') && !f.includes('.schema.'));
    let sqs = 0;
    for (const file of samples) {
      const event = JSON.parse(readFileSync(new URL(file, eventsDir), 'utf8')) as { Records?: Array<{ body: string }> };
      if (!event.Records) continue;
      sqs++;
      const body = JSON.parse(event.Records[0]!.body);
      const ok = file.startsWith('ingest.') ? s3Notification.safeParse(body).success : internalMessage.safeParse(body).success;
      expect(ok, file).toBe(true);
    }
    expect(sqs).toBe(9);
  });
});

describe('backoff', () => {
  it('full jitter stays within [min, min(cap, base·2^n)]', () => {
    expect(fullJitterS(3, 5, 300, 0, () => 0.999)).toBe(40);
    expect(fullJitterS(10, 5, 300, 0, () => 0.999)).toBe(300);
    expect(fullJitterS(3, 5, 300, 1, () => 0)).toBe(1);
  });
  it('waits over 900 s hop with dueAt', () => {
    expect(delayPlan(120)).toEqual({ delaySeconds: 120 });
    expect(delayPlan(2000, 0)).toEqual({ delaySeconds: MAX_DELAY_S, dueAt: 2_000_000 });
  });
});

describe('S3 keys', () => {
  it('decodes S3 keys', () => expect(decodeS3Key('a+b%2Fc%2B.mp4')).toBe('a b/c+.mp4'));
});
